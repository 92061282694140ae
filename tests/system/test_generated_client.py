"""A client generated from the served schema works as written, with or without a key.

openapi-python-client (a dev requirement) generates a Python client from the live
server's /api/schema at test time; the test then uses it as an app developer would:
anonymously and with an API key (each header the server accepts), for a list filtered
by a multi-valued parameter (sent repeated, as generators send arrays), a detail, a
suggestion and the diagram.
"""

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import skip_unless
from tests.servers import gunicorn, issue_api_key, server_env

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "hipext_generated_client"
GENERATOR_CONFIG = {
    # The generator's own setting: the diagram's SVG as bytes (it knows no image
    # types); README "Generated clients" says so.
    "content_type_overrides": {"image/svg+xml": "application/octet-stream"},
    # No formatting of the output (ruff), which need not be on the PATH.
    "post_hooks": [],
}


@pytest.fixture
def server(database_url):
    env = server_env(database_url, API_RESPONSE_CACHE_TIMEOUT="0")
    key = issue_api_key(env, "generated client")
    with gunicorn(env) as running:
        running.api_key = key
        yield running


@pytest.fixture
def client_package(server, tmp_path):
    """The generated client, imported from a temporary directory."""
    skip_unless(GENERATOR.exists(), "openapi-python-client is not installed")
    answer = server.get("/api/schema?format=json")
    assert answer.status == 200
    schema = tmp_path / "schema.json"
    schema.write_bytes(answer.body)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every operation and response made it into the client: no warning at all.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]
        shutil.rmtree(tmp_path / PACKAGE, ignore_errors=True)


def _clients(package, server):
    """An anonymous client and one per way of sending the key, with its rate limit."""
    client = importlib.import_module(f"{PACKAGE}.client")
    anonymous_limit = settings.API_RATE_ANON.split("/")[0]
    key_limit = settings.API_RATE_KEY.split("/")[0]
    return [
        ("anonymous", client.Client(base_url=server.base), anonymous_limit),
        (
            "Authorization: Api-Key",
            client.AuthenticatedClient(
                base_url=server.base, token=server.api_key, prefix="Api-Key"
            ),
            key_limit,
        ),
        (
            "X-Api-Key",
            client.Client(base_url=server.base, headers={"X-Api-Key": server.api_key}),
            key_limit,
        ),
    ]


def _api(name):
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _slugs(server, path):
    answer = server.get(path)
    assert answer.status == 200, answer.body
    return [item["slug"] for item in json.loads(answer.body)["results"]]


def test_generated_client_works_anonymously_and_with_a_key(client_package, server):
    exercises_list = _api("exercises.exercises_list")
    exercises_retrieve = _api("exercises.exercises_retrieve")
    exercises_diagram = _api("exercises.exercises_diagram")
    suggest = _api("routines.routines_suggest_retrieve")
    models = importlib.import_module(f"{PACKAGE}.models")
    # The server's own answer to the comma-separated form.
    expected = _slugs(server, "/api/exercises?equipment=bench,dumbbell&page_size=100")
    assert expected
    assert len(expected) < len(_slugs(server, "/api/exercises?page_size=100"))

    for label, client, limit in _clients(client_package, server):
        # A multi-valued filter: the client sends equipment=bench&equipment=dumbbell.
        listed = exercises_list.sync_detailed(
            client=client, equipment=["bench", "dumbbell"], page_size=100
        )
        assert listed.status_code == 200, (label, listed.content)
        assert isinstance(listed.parsed, models.PaginatedExerciseList), label
        assert [item.slug for item in listed.parsed.results] == expected, label
        # The key was sent and accepted: the key's limit, not the address's.
        assert listed.headers["RateLimit-Limit"] == limit, label

        detail = exercises_retrieve.sync_detailed(client=client, slug="glute-bridges")
        assert detail.status_code == 200, label
        assert isinstance(detail.parsed, models.Exercise), label
        assert detail.parsed.name == "Glute bridges"
        assert [step.position for step in detail.parsed.steps] == list(
            range(1, len(detail.parsed.steps) + 1)
        )
        # A copy still current: 304, no body.
        again = exercises_retrieve.sync_detailed(
            client=client, slug="glute-bridges", if_none_match=detail.headers["ETag"]
        )
        assert again.status_code == 304, label
        # A problem-details answer parses too.
        missing = exercises_retrieve.sync_detailed(client=client, slug="no-such")
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.Problem), label
        assert missing.parsed.status == 404

        suggestion = suggest.sync_detailed(
            client=client,
            available=["box", "bench"],
            muscle=["hamstrings"],
            difficulty=models.DifficultyEnum.ADVANCED,
        )
        assert suggestion.status_code == 200, (label, suggestion.content)
        assert isinstance(suggestion.parsed, models.RoutineSuggestion), label
        assert suggestion.parsed.request.available == ["bench", "box"]
        assert suggestion.parsed.request.muscle == ["hamstrings"]
        assert len(suggestion.parsed.items) == 2

        diagram = exercises_diagram.sync_detailed(client=client, slug="glute-bridges")
        assert diagram.status_code == 200, label
        assert diagram.headers["Content-Type"] == "image/svg+xml"
        svg = diagram.parsed
        assert svg.startswith(b"<svg") or svg.startswith(b"<?xml"), svg[:80]
        assert b"Glute bridges" in svg


def test_generated_models_have_readable_names(client_package):
    models = importlib.import_module(f"{PACKAGE}.models")
    # x-enum-varnames: descending keys read as words, not VALUE_0.
    ordering = models.ExercisesListOrderingItem
    assert ordering.NAME_DESC.value == "-name"
    assert ordering.DIFFICULTY.value == "difficulty"
    # No model took a suffix because another took its name (Exercise1).
    assert not [name for name in models.__all__ if name[-1].isdigit()]
    assert {"Exercise", "Muscle", "Routine", "Dose", "Problem"} <= set(models.__all__)


def test_generated_client_reports_a_bad_key_as_problem_details(client_package, server):
    client = importlib.import_module(f"{PACKAGE}.client")
    models = importlib.import_module(f"{PACKAGE}.models")
    bad = client.AuthenticatedClient(
        base_url=server.base, token="nope.nope", prefix="Api-Key"
    )
    answer = _api("exercises.exercises_retrieve").sync_detailed(
        client=bad, slug="glute-bridges"
    )
    assert answer.status_code == 401
    assert isinstance(answer.parsed, models.Problem)
    assert answer.parsed.title == "Invalid API key"
