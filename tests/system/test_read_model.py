"""Every read endpoint answers the same bytes from the documents as from the serializers."""

import pytest

from exercises.models import Equipment
from hipext.content.publishing import documents_flushed
from tests.factories import (
    EquipmentFactory,
    MuscleFactory,
    RoutineFactory,
    RoutineItemFactory,
    full_exercise,
)

pytestmark = pytest.mark.django_db

KINDS = ("exercises", "muscles", "equipment", "guidelines", "routines")

QUERIES = [
    "/api/exercises?page_size=3",
    "/api/exercises?page_size=3&page=2",
    "/api/exercises?page_size=3&page=2&ordering=-difficulty,position",
    "/api/exercises?ordering=-name",
    "/api/exercises?equipment=none",
    "/api/exercises?available=yoga-mat,bench",
    "/api/exercises?muscle=hamstrings&role=secondary",
    "/api/exercises?difficulty=beginner,advanced&laterality=each_side",
    "/api/exercises?search=bridge",
    "/api/exercises?search=kick&max_difficulty=intermediate",
    "/api/exercises?page=99",
    "/api/exercises?difficulty=impossible",
    "/api/muscles?group=hamstrings",
    "/api/muscles?group=none&hip_role=extensor&page_size=2",
    "/api/equipment?page_size=4&page=3",
    "/api/guidelines?page_size=2&page=2",
    "/api/routines?available=yoga-mat&muscle=glutes",
    "/api/routines?search=mat",
    "/api/routines?page_size=1&page=3",
    "/api/exercises/no-such-exercise",
    "/api/routines/no-such-routine",
    "/api/exercises/glute-bridges?difficulty=advanced",
    # The builder's answer: its exercises' summaries, muscles and equipment.
    "/api/routines/suggest?available=none",
    "/api/routines/suggest?available=none&difficulty=advanced",
    "/api/routines/suggest?available=yoga-mat,bench,dumbbell&muscle=glutes&count=3",
    "/api/routines/suggest?available=yoga-mat,resistance-band&difficulty=intermediate",
    "/api/routines/suggest?available=none&seed=7&difficulty=advanced",
    "/api/routines/suggest?available=bench&muscle=hamstrings&seed=3",
    # In other languages: the builder's words, the exercises' and the guidance.
    "/api/routines/suggest?available=none&lang=es",
    "/api/routines/suggest?available=yoga-mat,bench&count=3&seed=2&lang=es",
    "/api/routines/suggest?available=none&difficulty=advanced&lang=de",
    "/api/routines/suggest?available=bench&muscle=glutes&seed=5&lang=de",
]


@pytest.fixture(autouse=True)
def _every_request_renders(settings):
    settings.API_RESPONSE_CACHE_TIMEOUT = 0


def answers(client, settings, paths, **headers):
    """Each path's (status, content type, body), with the read model on and off."""
    both = {}
    for on in (True, False):
        settings.API_READ_MODEL = on
        both[on] = {}
        for path in paths:
            response = client.get(path, **headers)
            both[on][path] = (
                response.status_code,
                response["Content-Type"],
                response.content,
            )
    return both[True], both[False]


def every_path(client):
    """Each list (whole, and paged by 2) and every object's detail."""
    paths = []
    for kind in KINDS:
        paths += [f"/api/{kind}", f"/api/{kind}?page_size=2&page=2"]
        url = f"/api/{kind}?page_size=100"
        while url:
            page = client.get(url).json()
            paths += [item["url"] for item in page["results"]]
            url = page["next"]
    return paths


def assert_same(client, settings, paths, **headers):
    documents, serializers = answers(client, settings, paths, **headers)
    for path in paths:
        assert documents[path] == serializers[path], path
    return documents


def test_seeded_content_reads_the_same_both_ways(seeded, client, settings):
    paths = every_path(client)
    assert len(paths) > 50
    got = assert_same(client, settings, paths + QUERIES)
    assert got["/api/exercises?page=99"][0] == 404
    assert got["/api/exercises?search=bridge"][0] == 200
    assert all(got[path][0] == 200 for path in QUERIES if "/suggest?" in path)


def test_a_synthetic_catalogue_reads_the_same_both_ways(client, settings):
    with documents_flushed():
        for _ in range(12):
            exercise = full_exercise()
            routine = RoutineFactory()
            RoutineItemFactory(routine=routine, exercise=exercise, position=1)
            RoutineItemFactory(routine=routine, position=2, reps_min=5)
        group = MuscleFactory()
        MuscleFactory.create_batch(3, group=group)
        EquipmentFactory.create_batch(5)
    paths = every_path(client)
    assert len(paths) > 60
    # The builder, with every piece of equipment on hand (each exercise needs one).
    available = ",".join(Equipment.objects.values_list("slug", flat=True))
    suggestions = [
        f"/api/routines/suggest?available={available}&count=3",
        f"/api/routines/suggest?available={available}&seed=4&count=3",
    ]
    got = assert_same(
        client,
        settings,
        [
            *paths,
            "/api/exercises?page_size=7&page=3&ordering=-name",
            f"/api/muscles?group={group.slug}",
            "/api/exercises?search=Exercise",
            *suggestions,
        ],
    )
    assert all(got[path][0] == 200 for path in suggestions)


def test_unsaved_changes_of_the_transaction_read_the_same(seeded, client, settings):
    # A change not yet rendered (no write path flushed it) is rendered before a read.
    from exercises.models import Muscle

    muscle = Muscle.objects.get(slug="hamstrings")
    muscle.name = "Back of the thigh"
    muscle.save()
    assert_same(client, settings, ["/api/exercises", "/api/routines"])


@pytest.mark.parametrize(
    "accept", ["application/json; indent=4", "text/html", "application/json"]
)
def test_other_representations_fall_back_to_the_serializers(
    seeded, client, settings, accept
):
    assert_same(
        client,
        settings,
        ["/api/exercises", "/api/exercises/glute-bridges", "/api/muscles/glutes"],
        HTTP_ACCEPT=accept,
    )


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # count, exercises, steps, muscle links (+ muscle, group), equipment links
        # (+ equipment), alternatives, variations (+ variant)
        ("/api/exercises", 7),
        ("/api/exercises/hip-thrust", 6),  # the exercise, the same five prefetches
        ("/api/muscles", 3),  # count, muscles (+ group), members
        ("/api/muscles/hamstrings", 2),  # the muscle (+ group), members
        ("/api/equipment", 2),  # count, equipment
        ("/api/guidelines/warm-up", 1),  # the guideline
        # count, routines, items (+ exercises), muscles, equipment links, alternatives
        ("/api/routines", 6),
        ("/api/routines/stability-ball", 5),  # the routine, then as the list
    ],
)
def test_the_serializer_path_keeps_its_query_counts(
    seeded, api_client, settings, django_assert_num_queries, path, queries
):
    settings.API_READ_MODEL = False
    with django_assert_num_queries(queries):
        assert api_client.get(path).status_code == 200
