import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from exercises.models import MuscleRole, Requirement
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    ExerciseMuscleFactory,
    ExerciseStepFactory,
    MuscleFactory,
)

CARD = "/embed/exercises/glute-bridges"
CARD_URL = "http://testserver" + CARD


class Elements(HTMLParser):
    """Every start tag of a document, with its attributes."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


def text_of(html):
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def built_exercise(db):
    """An exercise whose steps were created out of order."""
    exercise = ExerciseFactory(
        name="Bench bridge", slug="bench-bridge", sets_min=2, sets_max=3
    )
    for position in (3, 1, 2):
        ExerciseStepFactory(
            exercise=exercise, position=position, text=f"Step {position}."
        )
    group = MuscleFactory(name="Hamstrings", slug="hamstrings")
    ExerciseMuscleFactory(
        exercise=exercise,
        muscle=MuscleFactory(name="Semitendinosus", slug="semitendinosus", group=group),
        role=MuscleRole.SECONDARY,
    )
    ExerciseMuscleFactory(
        exercise=exercise,
        muscle=MuscleFactory(name="Gluteus maximus", slug="gluteus-maximus"),
        role=MuscleRole.PRIMARY,
    )
    link = ExerciseEquipmentFactory(
        exercise=exercise,
        equipment=EquipmentFactory(name="Bench", slug="bench"),
        requirement=Requirement.REQUIRED,
    )
    link.alternatives.add(EquipmentFactory(name="Sturdy chair", slug="sturdy-chair"))
    return exercise


@pytest.fixture
def glute_bridges(db):
    """Just enough of the seeded exercise for card and oEmbed plumbing."""
    return ExerciseFactory(name="Glute bridges", slug="glute-bridges")


def test_card_shows_the_exercise_with_steps_in_order(client, built_exercise):
    response = client.get("/embed/exercises/bench-bridge")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    text = text_of(html)
    assert "<h1>Bench bridge</h1>" in html
    assert "2–3 sets of 8–12 reps" in text
    assert "Bench (required) – or Sturdy chair" in text
    assert "Primary Gluteus maximus Secondary Semitendinosus · hamstrings" in text
    steps = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S)[1]
    assert text_of(steps) == "Step 1. Step 2. Step 3."


def test_card_says_when_no_equipment_is_needed(client, db):
    ExerciseFactory(slug="floor-bridge")

    response = client.get("/embed/exercises/floor-bridge")

    assert '<p class="equipment">None needed.</p>' in response.content.decode()


def test_card_of_the_seeded_glute_bridges(client, seeded):
    html = client.get(CARD).content.decode()
    text = text_of(html)

    assert "Glute bridges" in text
    assert "2–3 sets of 8–12 reps" in text
    assert "Dumbbell (optional) – or Loop mini-band" in text
    steps = text_of(re.search(r'<ol class="steps">(.*?)</ol>', html, re.S)[1])
    assert steps.startswith("Start by lying on your back")
    assert steps.endswith("Complete 8–12 reps of 2–3 sets.")


def test_card_is_self_contained_sets_no_cookie_and_needs_no_script(client, seeded):
    response = client.get(CARD)

    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    elements = Elements(response.content.decode())
    assert not elements.all("script")
    # The one image is the muscle diagram, from this service (img-src 'self').
    assert [image["src"] for image in elements.all("img")] == [
        "/api/exercises/glute-bridges/diagram.svg"
    ]
    # Only the discovery and canonical links point anywhere; no stylesheet, font or
    # image is loaded from elsewhere.
    assert [link["rel"] for link in elements.all("link")] == ["alternate", "canonical"]
    assert "@import" not in response.content.decode()
    assert "url(" not in response.content.decode()


def test_card_may_be_framed_anywhere(client, glute_bridges):
    response = client.get(CARD)

    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'none'" in policy


@pytest.mark.parametrize("path", ["/admin/login/", "/api/oembed"])
def test_everything_else_refuses_framing(client, db, path):
    response = client.get(path)

    assert response.headers["X-Frame-Options"] == "DENY"


def test_card_carries_an_oembed_discovery_link(client, glute_bridges):
    elements = Elements(client.get(CARD).content.decode())

    [alternate] = [link for link in elements.all("link") if link["rel"] == "alternate"]
    assert alternate["type"] == "application/json+oembed"
    endpoint = urlsplit(alternate["href"])
    assert endpoint.netloc == "testserver"
    assert endpoint.path == "/api/oembed"
    assert parse_qs(endpoint.query) == {"url": [CARD_URL], "format": ["json"]}
    assert client.get(alternate["href"]).status_code == 200


def test_card_answers_with_or_without_a_trailing_slash(client, glute_bridges):
    assert client.get(CARD + "/").content == client.get(CARD).content


def test_card_for_an_unknown_exercise_is_404(client, db):
    assert client.get("/embed/exercises/no-such-exercise").status_code == 404


def test_card_runs_a_fixed_number_of_queries(
    client, built_exercise, django_assert_num_queries
):
    # exercise, steps, muscle links with muscles and groups, equipment links with
    # equipment, alternatives
    with django_assert_num_queries(5):
        client.get("/embed/exercises/bench-bridge")


def test_card_shows_a_diagram_when_one_is_given(built_exercise):
    from django.template.loader import render_to_string

    from exercises.embed.views import card_context

    html = render_to_string(
        "exercises/embed_card.html",
        {**card_context(built_exercise), "diagram_url": "/diagram.svg"},
    )

    [image] = Elements(html).all("img")
    assert image["src"] == "/diagram.svg"
    assert image["alt"] == "Muscles worked by Bench bridge"


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_card_fits_a_375_pixel_phone_without_sideways_scrolling(
    client, seeded, tmp_path
):
    card = client.get("/embed/exercises/stability-ball-bridge-and-hamstring-curl")
    # A local copy of the card, in a 375-pixel frame, reports its laid-out width to
    # the page holding the frame, whose title Chromium then prints.
    probe = (
        "<script>parent.postMessage([document.documentElement.scrollWidth, "
        "document.documentElement.clientWidth, innerWidth].join('x'), '*');</script>"
    )
    (tmp_path / "card.html").write_text(
        card.content.decode().replace("</body>", probe + "</body>")
    )
    page = tmp_path / "phone.html"
    page.write_text(
        "<!DOCTYPE html><title>pending</title>"
        "<script>addEventListener('message', e => { document.title = e.data; });"
        "</script>"
        '<iframe src="card.html" width="375" height="800" style="border:0"></iframe>'
    )

    result = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    scroll_width, client_width, frame_width = map(
        int, re.search(r"<title>(\d+)x(\d+)x(\d+)</title>", result.stdout).groups()
    )
    assert frame_width == 375
    assert scroll_width <= client_width


# --- oEmbed ---------------------------------------------------------------------------


def oembed(client, **params):
    return client.get("/api/oembed", params)


def test_oembed_describes_the_card_per_the_spec(client, glute_bridges):
    response = oembed(client, url=CARD_URL, format="json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body == {
        "version": "1.0",
        "type": "rich",
        "title": "Glute bridges",
        "provider_name": "hipext",
        "provider_url": "http://testserver/",
        "cache_age": 60,
        "html": body["html"],
        "width": 480,
        "height": 720,
    }
    [iframe] = Elements(body["html"]).all("iframe")
    assert iframe["src"] == CARD_URL
    assert (iframe["width"], iframe["height"]) == ("480", "720")
    assert iframe["title"] == "Glute bridges – exercise card"


def test_oembed_defaults_to_json(client, glute_bridges):
    assert oembed(client, url=CARD_URL).json()["type"] == "rich"


def test_oembed_keeps_within_maxwidth_and_maxheight(client, glute_bridges):
    body = oembed(client, url=CARD_URL, maxwidth="320", maxheight="400").json()

    assert (body["width"], body["height"]) == (320, 400)
    [iframe] = Elements(body["html"]).all("iframe")
    assert (iframe["width"], iframe["height"]) == ("320", "400")


def test_oembed_never_grows_past_the_card_size(client, glute_bridges):
    body = oembed(client, url=CARD_URL, maxwidth="2000", maxheight="2000").json()

    assert (body["width"], body["height"]) == (480, 720)


def test_oembed_keeps_the_scheme_and_host_of_the_url(client, glute_bridges, settings):
    settings.ALLOWED_HOSTS = ["testserver", "api.example.org"]

    body = oembed(client, url="https://api.example.org/embed/exercises/glute-bridges/")

    [iframe] = Elements(body.json()["html"]).all("iframe")
    assert iframe["src"] == "https://api.example.org/embed/exercises/glute-bridges"


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/embed/exercises/no-such-exercise",
        "http://testserver/admin/",
        "http://testserver/api/oembed",
        "http://elsewhere.example/embed/exercises/glute-bridges",
        "ftp://testserver/embed/exercises/glute-bridges",
        "glute-bridges",
        "http://[invalid/embed/exercises/glute-bridges",
    ],
)
def test_oembed_is_404_for_anything_but_a_card(client, glute_bridges, url):
    response = oembed(client, url=url)

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_oembed_without_url_is_400_problem_details(client, db):
    response = oembed(client, format="json")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"url": ["This field is required."]}


@pytest.mark.parametrize("value", ["0", "-5", "wide", "1.5"])
def test_oembed_with_bad_maxwidth_is_400(client, glute_bridges, value):
    response = oembed(client, url=CARD_URL, maxwidth=value)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["maxwidth"]


def test_oembed_xml_is_501(client, glute_bridges):
    response = oembed(client, url=CARD_URL, format="xml")

    assert response.status_code == 501
    assert response.json()["status"] == 501


@pytest.mark.parametrize("value", ["html", "JSON", "xml,json"])
def test_oembed_format_of_no_known_kind_is_400(client, glute_bridges, value):
    response = oembed(client, url=CARD_URL, format=value)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["format"]


def test_oembed_answers_with_or_without_a_trailing_slash(client, glute_bridges):
    assert client.get("/api/oembed/", {"url": CARD_URL}).json() == (
        oembed(client, url=CARD_URL).json()
    )


def test_schema_documents_the_oembed_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    operation = SchemaGenerator().get_schema(public=True)["paths"]["/api/oembed"]["get"]

    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["url"]["required"] is True
    assert parameters["format"]["schema"]["enum"] == ["json", "xml"]
    assert {"200", "304", "400", "404", "429", "501", "503"} <= set(
        operation["responses"]
    )
