import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from exercises.diagrams import DRAWN_SLUGS, exercise_diagram_svg
from exercises.models import Exercise, Muscle, MuscleRole
from hipext.api.renderers import SVG_CONTENT_TYPE
from tests.factories import ExerciseFactory, ExerciseMuscleFactory, MuscleFactory

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(svg)


def region_roles(root):
    """{muscle slug: role shown} for every drawn region (front and back agree)."""
    return {
        group.get("data-muscle"): group.get("data-role")
        for group in root.iter(f"{SVG}g")
        if group.get("data-muscle")
    }


def text_of(root, tag):
    return root.find(f"{SVG}{tag}").text


def legend_text(root):
    return " ".join(
        element.text
        for element in root.iter(f"{SVG}text")
        if element.get("data-legend")
    )


@pytest.fixture
def diagram_get(client):
    def get(slug, **extra):
        return client.get(reverse("exercise-diagram", kwargs={"slug": slug}), **extra)

    return get


def test_seeded_muscles_all_have_a_region_or_a_group_with_regions(seeded):
    for muscle in Muscle.objects.prefetch_related("members"):
        slugs = {muscle.slug} | {member.slug for member in muscle.members.all()}
        assert slugs & DRAWN_SLUGS, muscle.slug


def test_glute_bridges_diagram_shows_primary_and_secondary_muscles(seeded, diagram_get):
    response = diagram_get("glute-bridges")

    assert response.status_code == 200
    assert response["Content-Type"] == SVG_CONTENT_TYPE
    root = parse(response.content)
    assert root.get("role") == "img"
    assert region_roles(root) == {
        "lower-back": "none",
        "gluteus-medius": "none",
        "gluteus-maximus": "primary",
        "adductor-magnus-posterior-head": "secondary",
        "semitendinosus": "secondary",
        "semimembranosus": "secondary",
        "biceps-femoris-long-head": "secondary",
        "core": "secondary",
        "psoas-major": "none",
        "iliacus": "none",
        "rectus-femoris": "none",
    }
    assert text_of(root, "title") == "Muscles worked: Glute bridges"
    desc = text_of(root, "desc")
    assert "Primary muscles: Gluteus maximus." in desc
    assert (
        "Secondary muscles: Adductor magnus (posterior head), Biceps femoris "
        "(long head), Core (abdominals), Semimembranosus, Semitendinosus." in desc
    )
    assert "Not shown" not in desc


def test_title_and_desc_label_the_image(seeded, diagram_get):
    root = parse(diagram_get("hip-thrust").content)

    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_primary_and_secondary_differ_in_texture_not_only_colour(seeded, diagram_get):
    root = parse(diagram_get("glute-bridges").content)
    groups = {g.get("data-muscle"): g for g in root.iter(f"{SVG}g")}

    primary, secondary = groups["gluteus-maximus"], groups["core"]
    assert primary.get("fill").startswith("#")
    assert secondary.get("fill").startswith("url(#")
    pattern_id = secondary.get("fill")[len("url(#") : -1]
    assert root.find(f".//{SVG}pattern[@id='{pattern_id}']") is not None
    assert secondary.get("stroke-dasharray")
    assert not primary.get("stroke-dasharray")


def test_each_region_has_an_accessible_label(seeded, diagram_get):
    root = parse(diagram_get("glute-bridges").content)
    labels = {
        g.get("data-muscle"): g.get("aria-label")
        for g in root.iter(f"{SVG}g")
        if g.get("data-muscle")
    }

    assert labels["gluteus-maximus"] == "Gluteus maximus: primary"
    assert labels["core"] == "Core (abdominals): secondary"
    assert labels["iliacus"] == "Iliacus: not worked"


@pytest.mark.django_db
def test_a_group_lights_up_its_members_and_primary_wins():
    glutes = MuscleFactory(slug="glutes", name="Glutes")
    MuscleFactory(slug="gluteus-maximus", name="Gluteus maximus", group=glutes)
    MuscleFactory(slug="gluteus-medius", name="Gluteus medius", group=glutes)
    maximus_link = ExerciseMuscleFactory(
        muscle=MuscleFactory(slug="gluteus-maximus"), role=MuscleRole.PRIMARY
    )
    ExerciseMuscleFactory(
        exercise=maximus_link.exercise, muscle=glutes, role=MuscleRole.SECONDARY
    )

    root = parse(exercise_diagram_svg(maximus_link.exercise))

    roles = region_roles(root)
    assert roles["gluteus-maximus"] == "primary"
    assert roles["gluteus-medius"] == "secondary"
    assert roles["semitendinosus"] == "none"
    assert "Secondary: Glutes" in legend_text(root)


@pytest.mark.django_db
def test_a_muscle_without_a_region_still_appears_in_legend_and_desc():
    exercise = ExerciseFactory(name="Side-lying clam")
    ExerciseMuscleFactory(
        exercise=exercise,
        muscle=MuscleFactory(slug="tensor-fasciae-latae", name="Tensor fasciae latae"),
        role=MuscleRole.PRIMARY,
    )

    root = parse(exercise_diagram_svg(exercise))

    assert set(region_roles(root).values()) == {"none"}
    assert "Primary: Tensor fasciae latae *" in legend_text(root)
    assert "Not shown in the drawing: Tensor fasciae latae." in text_of(root, "desc")
    assert any(
        element.text == "* not shown in the drawing"
        for element in root.iter(f"{SVG}text")
    )


@pytest.mark.django_db
def test_names_are_escaped_and_ids_are_unique_per_exercise():
    exercise = ExerciseFactory(name='Bridge <script>alert("x")</script> & co')
    ExerciseMuscleFactory(
        exercise=exercise, muscle=MuscleFactory(name="<b>Odd</b> & muscle")
    )

    svg = exercise_diagram_svg(exercise)

    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    assert text_of(root, "title") == (
        'Muscles worked: Bridge <script>alert("x")</script> & co'
    )
    assert root.find(f"{SVG}title").get("id") == f"diagram-{exercise.slug}-title"


@pytest.mark.django_db
def test_quotes_and_ampersands_in_names_survive_in_attributes_and_text():
    name = """Glute "max" & <'co'>"""
    link = ExerciseMuscleFactory(
        muscle=MuscleFactory(slug="gluteus-maximus", name=name),
        role=MuscleRole.PRIMARY,
    )

    root = parse(exercise_diagram_svg(link.exercise))

    [region] = [
        g for g in root.iter(f"{SVG}g") if g.get("data-muscle") == "gluteus-maximus"
    ]
    assert region.get("aria-label") == f"{name}: primary"
    assert region.find(f"{SVG}title").text == f"{name}: primary"
    assert f"Primary: {name}" in legend_text(root)


@pytest.mark.django_db
def test_a_control_character_saved_before_validation_leaves_the_svg_well_formed():
    link = ExerciseMuscleFactory(
        muscle=MuscleFactory(slug="gluteus-maximus"), role=MuscleRole.PRIMARY
    )
    # An update() skips the validators, as a row saved before they existed did.
    Muscle.objects.filter(pk=link.muscle.pk).update(name="Gluteus\x01max\x1fimus")

    svg = exercise_diagram_svg(link.exercise)

    assert "\x01" not in svg
    assert "\x1f" not in svg
    root = parse(svg)
    assert "Primary: Gluteusmaximus" in legend_text(root)


@pytest.mark.django_db
def test_a_tall_legend_keeps_plain_numbers_whatever_the_locale_settings(settings):
    # Coordinates must never be localized: "1,071" is no SVG length.
    settings.USE_THOUSAND_SEPARATOR = True
    exercise = ExerciseFactory()
    for number in range(40):
        ExerciseMuscleFactory(
            exercise=exercise,
            muscle=MuscleFactory(name=f"A muscle with a long name, number {number}"),
            role=MuscleRole.SECONDARY,
        )

    root = parse(exercise_diagram_svg(exercise))

    height = root.get("height")
    assert int(height) > 1000
    assert root.get("viewBox") == f"0 0 {root.get('width')} {height}"
    assert all(
        text.get("y").isdigit() for text in root.iter(f"{SVG}text") if text.get("y")
    )


def test_unknown_slug_is_a_404_problem(seeded, diagram_get):
    response = diagram_get("no-such-exercise")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert "no-such-exercise" in body["detail"]


def test_trailing_slash_gives_the_same_image(seeded, client, diagram_get):
    url = reverse("exercise-diagram", kwargs={"slug": "stepups"})

    with_slash = client.get(url + "/")

    assert with_slash.status_code == 200
    assert with_slash.content == diagram_get("stepups").content


def test_diagram_sets_no_cookie_and_forbids_active_content(seeded, diagram_get):
    response = diagram_get("stepups", HTTP_ACCEPT="image/avif,image/webp,*/*;q=0.8")

    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_diagram_takes_three_queries(seeded, diagram_get, django_assert_num_queries):
    # Another exercise first, so that whatever is read once per process or per
    # content version (by middleware) is in hand before counting.
    diagram_get("stepups")
    # The exercise, its muscle links with their muscles, the muscle group tree.
    with django_assert_num_queries(3):
        diagram_get("stability-ball-bridge-and-hamstring-curl")


def test_write_methods_are_not_allowed(seeded, client):
    url = reverse("exercise-diagram", kwargs={"slug": "stepups"})

    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_admin_change_page_shows_the_diagram(seeded, admin_client):
    exercise = Exercise.objects.get(slug="glute-bridges")

    change = admin_client.get(
        reverse("admin:exercises_exercise_change", args=[exercise.pk])
    )
    add = admin_client.get(reverse("admin:exercises_exercise_add"))

    assert '<title id="diagram-glute-bridges-title">' in change.content.decode()
    assert "Shown once the exercise is saved." in add.content.decode()


def test_exercise_representation_links_its_diagram(seeded, api_client):
    detail = api_client.get(reverse("exercise-detail", kwargs={"slug": "stepups"}))

    diagram_url = detail.json()["diagram_url"]
    assert diagram_url == "http://testserver/api/exercises/stepups/diagram.svg"
    image = api_client.get(diagram_url)
    assert image.status_code == 200
    assert image["Content-Type"] == SVG_CONTENT_TYPE


def test_unknown_query_parameter_is_a_400_problem(seeded, diagram_get):
    response = diagram_get("stepups", data={"colour": "red"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "colour" in response.json()["errors"]


def test_embed_card_shows_the_diagram(seeded, client):
    response = client.get(reverse("exercise-card", kwargs={"slug": "hip-thrust"}))

    diagram_url = reverse("exercise-diagram", kwargs={"slug": "hip-thrust"})
    assert f'<img class="diagram" src="{diagram_url}?lang=en"' in (
        response.content.decode()
    )


@pytest.mark.skipif(
    "hipext.http.caching.ApiCachingMiddleware" not in settings.MIDDLEWARE,
    reason="the API's HTTP caching middleware (hipext.http.caching) is not installed",
)
def test_diagram_is_cached_like_the_api_and_a_rename_shows_at_once(seeded, diagram_get):
    first = diagram_get("glute-bridges")
    etag = first["ETag"]

    assert "public" in first["Cache-Control"]
    assert diagram_get("glute-bridges", HTTP_IF_NONE_MATCH=etag).status_code == 304

    muscle = Muscle.objects.get(slug="gluteus-maximus")
    muscle.name = "Great glute"
    muscle.save()
    renamed = diagram_get("glute-bridges", HTTP_IF_NONE_MATCH=etag)

    assert renamed.status_code == 200
    assert renamed["ETag"] != etag
    assert "Primary: Great glute" in legend_text(parse(renamed.content))
