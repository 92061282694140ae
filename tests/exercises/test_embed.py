import base64
import hashlib
import itertools
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from exercises.embed import heights
from exercises.embed.heights import card_height, measured_heights
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


def section_names(html):
    return re.findall(r"<h2>(.*?)</h2>", html)


def test_card_puts_the_steps_before_the_diagram_and_shows_tips_and_variations(
    client, seeded
):
    html = client.get("/embed/exercises/hip-thrust").content.decode()
    text = text_of(html)

    assert section_names(html) == [
        "Equipment",
        "Steps",
        "Tips",
        "Cautions",
        "Muscles",
        "Variations",
    ]
    assert html.index('<ol class="steps">') < html.index('<img class="diagram"')
    assert "Focus on mostly using your pelvis" in text
    assert "Avoid pushing with your lower back" in text
    # Variations that are exercises link to their own cards.
    links = {a["href"] for a in Elements(html).all("a")}
    assert {
        "/embed/exercises/glute-bridges",
        "/embed/exercises/upright-hip-thrusts",
    } <= links
    assert "Glute bridges · regression (easier) You may wish to use a dumbbell" in text


def test_card_names_a_variation_that_is_no_exercise_without_a_link(client, seeded):
    html = client.get(
        "/embed/exercises/stability-ball-bridge-and-hamstring-curl"
    ).content.decode()
    variations = re.search(r'<ul class="variations">(.*?)</ul>', html, re.S)[1]

    assert "<a " not in variations
    assert text_of(variations).startswith(
        "Stability-ball glute bridge without the curl"
    )


@pytest.mark.parametrize(
    ("slug", "basis"),
    [
        ("hip-thrust", "Difficulty: Not stated by the article. Chosen as intermediate"),
        ("glute-bridges", "Difficulty: Stated by the article: “an excellent beginner"),
    ],
)
def test_card_says_whether_its_difficulty_is_the_sources_or_an_editorial_choice(
    client, seeded, slug, basis
):
    html = client.get(f"/embed/exercises/{slug}").content.decode()

    [paragraph] = re.findall(r'<p class="basis">(.*?)</p>', html)
    assert text_of(paragraph).startswith(basis)


def test_compact_card_shows_the_dose_and_steps_only(client, seeded):
    full = client.get(CARD).content.decode()
    response = client.get(CARD, {"layout": "compact"})

    assert response.status_code == 200
    html = response.content.decode()
    assert section_names(html) == ["Steps"]
    assert '<p class="dose">2–3 sets of 8–12 reps' in html
    assert (
        re.search(r'<ol class="steps">.*?</ol>', html, re.S)[0]
        == (re.search(r'<ol class="steps">.*?</ol>', full, re.S)[0])
    )
    assert not Elements(html).all("img")
    assert 'class="summary"' not in html
    assert 'class="badge"' not in html
    assert f'<link rel="canonical" href="{CARD_URL}?layout=compact">' in html
    assert (
        response.headers["Content-Security-Policy"]
        == (client.get(CARD).headers["Content-Security-Policy"])
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("layout=tiny", '"tiny" is not a valid choice.'),
        ("layout=", '"" is not a valid choice.'),
        ("layout=compact&layout=full", "Given more than once; give it once."),
        ("layout=compact%00", "Must not contain NUL characters."),
    ],
)
def test_card_with_a_bad_layout_is_400_problem_details(
    client, glute_bridges, query, message
):
    response = client.get(f"{CARD}?{query}")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"layout": [message]}


def test_host_script_is_served_as_javascript(client, db):
    response = client.get("/embed/sizer.js")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    script = response.content.decode()
    assert "hipext:card-height" in script
    assert "event.origin !== origin" in script


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


def test_card_is_self_contained_sets_no_cookie_and_runs_only_its_own_script(
    client, seeded
):
    response = client.get(CARD)

    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    html = response.content.decode()
    elements = Elements(html)
    # One inline script (no src), the one the policy allows by its hash.
    assert elements.all("script") == [{}]
    script = re.search(r"<script>(.*?)</script>", html, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "parent.postMessage" in script
    # The one image is the muscle diagram, from this service (img-src 'self'), in
    # the card's language whatever the reader's Accept-Language.
    assert [image["src"] for image in elements.all("img")] == [
        "/api/exercises/glute-bridges/diagram.svg?lang=en"
    ]
    # Only the discovery and canonical links point anywhere; no stylesheet, font or
    # image is loaded from elsewhere.
    assert [link["rel"] for link in elements.all("link")] == ["alternate", "canonical"]
    assert "@import" not in html
    assert "url(" not in html


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
    # equipment, alternatives, variations with the exercises they point to
    with django_assert_num_queries(6):
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
        # The card's own height messages are objects; the probe's is a string.
        "<script>addEventListener('message', e => {"
        " if (typeof e.data === 'string') document.title = e.data; });"
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
    height = card_height("glute-bridges", "full", 480)
    assert body == {
        "version": "1.0",
        "type": "rich",
        "title": "Glute bridges",
        "provider_name": "hipext",
        "provider_url": "http://testserver/",
        "cache_age": 60,
        "html": body["html"],
        "width": 480,
        "height": height,
    }
    elements = Elements(body["html"])
    [iframe] = elements.all("iframe")
    assert iframe["src"] == CARD_URL
    assert (iframe["width"], iframe["height"]) == ("480", str(height))
    assert iframe["title"] == "Glute bridges – exercise card"
    # The host script, from the card's own origin, fits the frame to the card.
    assert elements.all("script") == [
        {"src": "http://testserver/embed/sizer.js", "async": None}
    ]


def test_oembed_height_is_the_measured_height_at_the_width_asked_for(
    client, glute_bridges
):
    narrow = oembed(client, url=CARD_URL, maxwidth="320").json()
    wide = oembed(client, url=CARD_URL).json()

    assert narrow["width"] == 320
    assert narrow["height"] == card_height("glute-bridges", "full", 320)
    # The seeded card is far taller than the 720 pixels oEmbed said before, and
    # taller still in a narrower frame.
    assert narrow["height"] > wide["height"] > 1000


def test_oembed_keeps_within_maxwidth_and_maxheight(client, glute_bridges):
    body = oembed(client, url=CARD_URL, maxwidth="320", maxheight="400").json()

    assert (body["width"], body["height"]) == (320, 400)
    [iframe] = Elements(body["html"]).all("iframe")
    assert (iframe["width"], iframe["height"]) == ("320", "400")


def test_oembed_never_grows_past_the_card_width(client, glute_bridges):
    body = oembed(client, url=CARD_URL, maxwidth="2000", maxheight="20000").json()

    assert (body["width"], body["height"]) == (
        480,
        card_height("glute-bridges", "full", 480),
    )


@pytest.mark.parametrize(
    "params",
    [
        {"url": CARD_URL, "layout": "compact"},
        {"url": CARD_URL + "?layout=compact"},
        {"url": CARD_URL + "?layout=full", "layout": "compact"},
    ],
    ids=["parameter", "url", "parameter-over-url"],
)
def test_oembed_gives_the_compact_card(client, glute_bridges, params):
    body = oembed(client, **params).json()

    [iframe] = Elements(body["html"]).all("iframe")
    assert iframe["src"] == CARD_URL + "?layout=compact"
    assert body["height"] == card_height("glute-bridges", "compact", 480)
    assert body["height"] < card_height("glute-bridges", "full", 480)


def test_oembed_with_a_bad_layout_is_400(client, glute_bridges):
    response = oembed(client, url=CARD_URL, layout="tiny")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["layout"]


def test_oembed_of_a_card_url_with_a_bad_layout_is_400(client, glute_bridges):
    response = oembed(client, url=CARD_URL + "?layout=tiny")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    [message] = response.json()["errors"]["url"]
    assert message.startswith("layout: ")


def test_oembed_of_a_card_measured_since_gives_the_tallest_measured_height(client, db):
    ExerciseFactory(slug="new-exercise")

    body = oembed(client, url="http://testserver/embed/exercises/new-exercise").json()

    assert body["height"] == max(
        card_height(slug, "full", 480) for slug in measured_heights()["en"]
    )


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
    assert parameters["layout"]["schema"]["enum"] == ["full", "compact"]
    assert (
        "required" not in parameters["layout"] or not parameters["layout"]["required"]
    )


def test_heights_are_looked_up_by_runs_and_kept_to_the_measured_widths(monkeypatch):
    runs = [[200, 900], [250, 800], [300, 700]]
    monkeypatch.setattr(
        heights,
        "measured_heights",
        lambda: {"en": {"a": {"full": runs, "compact": runs}}},
    )

    assert [card_height("a", "full", width) for width in (249, 250, 299, 480)] == [
        900,
        800,
        800,
        700,
    ]
    # Narrower than measured: the narrowest measurement.
    assert card_height("a", "full", 120) == 900


def test_heights_runs_keep_only_the_widths_where_the_height_changes():
    assert heights.runs({3: 10, 1: 12, 2: 12, 4: 10}) == [[1, 12], [3, 10]]


def test_every_card_is_measured_in_both_layouts_at_every_width_in_every_language(
    seeded,
):
    from exercises.models import Exercise

    measured = measured_heights()

    assert list(measured) == ["en", "es", "de"]
    cards = [card for language in measured.values() for card in language.values()]
    for language in measured.values():
        assert set(language) == set(Exercise.objects.values_list("slug", flat=True))
    for card in cards:
        assert set(card) == {"full", "compact"}
        for runs in card.values():
            assert runs[0][0] == heights.MIN_WIDTH
            assert all(
                a[0] < b[0] <= heights.CARD_WIDTH for a, b in itertools.pairwise(runs)
            )
