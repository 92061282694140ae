"""Response cache keys: one per negotiated representation, a bounded number per path."""

import json
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from hipext.http import cachekeys
from hipext.http.caching import RESPONSE_KEY_PREFIX

DIAGRAM = "/api/exercises/glute-bridges/diagram.svg"


def stored_responses():
    return [key for key in caches["default"]._cache if RESPONSE_KEY_PREFIX in key]


@pytest.fixture
def client(seeded):
    return Client()


def get(client, path, accept=None):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    return client.get(path, **headers)


@pytest.mark.parametrize("path", ["/api/exercises", "/api/exercises/glute-bridges"])
def test_every_accept_that_negotiates_plain_json_shares_one_response(client, path):
    accepts = [
        None,
        "*/*",
        "application/json",
        "application/*",
        "application/json;q=0.9, text/html",
        f"application/json, x/{uuid.uuid4()}",
        f"application/json, x/{uuid.uuid4()}",
    ]
    responses = [get(client, path, accept) for accept in accepts]

    assert {response.status_code for response in responses} == {200}
    assert len({response["ETag"] for response in responses}) == 1
    assert len(stored_responses()) == 1


def test_indented_json_is_a_representation_of_its_own(client):
    plain = get(client, "/api/exercises/glute-bridges", "application/json")
    indented = get(client, "/api/exercises/glute-bridges", "application/json; indent=4")
    again = get(client, "/api/exercises/glute-bridges", "*/*; indent=4")

    assert plain["ETag"] != indented["ETag"] == again["ETag"]
    assert indented.content.startswith(b'{\n    "')
    assert json.loads(indented.content) == json.loads(plain.content)
    assert len(stored_responses()) == 2


def test_the_diagram_negotiates_its_own_renderer(client):
    svg = get(client, DIAGRAM, "image/svg+xml")
    anything = get(client, DIAGRAM, f"*/*, x/{uuid.uuid4()}")
    json_only = get(client, DIAGRAM, "application/json")

    assert svg.status_code == anything.status_code == 200
    assert svg["ETag"] == anything["ETag"]
    assert json_only.status_code == 406
    assert len(stored_responses()) == 1


def test_variants_of_one_path_beyond_the_bound_are_served_not_stored(client, settings):
    settings.API_RESPONSE_CACHE_VARIANTS = 2
    searches = ["bridge", "hip", "glute", "band"]
    first = [get(client, f"/api/exercises?search={word}") for word in searches]
    again = [get(client, f"/api/exercises?search={word}") for word in searches]

    assert len(stored_responses()) == 2
    for one, other in zip(first, again, strict=True):
        assert one.status_code == other.status_code == 200
        assert one.content == other.content
    # Another path has its own bound.
    assert get(client, "/api/routines").status_code == 200
    assert len(stored_responses()) == 3


def test_the_representation_is_worked_out_once_per_path_and_accept(client, monkeypatch):
    resolved = []
    real_resolve = cachekeys.resolve

    def counting_resolve(path, urlconf=None):
        resolved.append(path)
        return real_resolve(path, urlconf)

    monkeypatch.setattr(cachekeys, "resolve", counting_resolve)
    path = "/api/exercises/glute-bridges"

    for _ in range(3):
        assert get(client, path, "application/json").status_code == 200
    indented = get(client, path, "application/json; indent=4")
    # An Accept too long to remember is worked out each time, the same way.
    long_accept = "application/json; indent=4, " + "x/y, " * 120
    assert get(client, path, long_accept)["ETag"] == indented["ETag"]
    assert get(client, path, long_accept)["ETag"] == indented["ETag"]

    assert resolved == [path] * 4
