"""The exercise content API: representations, pagination, errors and query counts."""

import pytest
from django.urls import reverse

from exercises.filtersets import ExerciseFilterSet, MuscleFilterSet
from exercises.models import Exercise, Guideline
from hipext.api.filters import CommaSeparatedFilter
from hipext.content.publication import Publication
from hipext.content.publishing import documents_flushed
from routines.models import Routine
from tests.factories import (
    PUBLISHED_AT,
    EquipmentFactory,
    ExerciseFactory,
    MuscleFactory,
    full_exercise,
)

pytestmark = pytest.mark.usefixtures("seeded_content")

PROBLEM = "application/problem+json"

# Every comma-list filter of the exercise app's endpoints, with two valid values.
COMMA_FILTERS = [
    ("/api/exercises", "equipment", "bench,dumbbell"),
    ("/api/exercises", "available", "bench,dumbbell"),
    ("/api/exercises", "muscle", "glutes,hamstrings"),
    ("/api/exercises", "difficulty", "beginner,advanced"),
    ("/api/exercises", "laterality", "both,each_side"),
    ("/api/exercises", "position", "kneeling,standing"),
    ("/api/exercises", "ordering", "difficulty,-name"),
    ("/api/muscles", "group", "glutes,none"),
    ("/api/muscles", "hip_role", "extensor,flexor"),
]


def get(client, path, **params):
    return client.get(path, params)


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_exercise_detail_carries_everything_in_one_call(api_client):
    response = api_client.get(
        reverse("exercise-detail", kwargs={"slug": "glute-bridges"})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    created_at, updated_at = body.pop("created_at"), body.pop("updated_at")
    assert created_at.endswith("Z")
    assert updated_at.endswith("Z")
    # The seed publishes what it loads, at the time it loads it.
    assert body.pop("published_at").endswith("Z")
    host = "http://testserver/api"
    assert body == {
        "url": f"{host}/exercises/glute-bridges",
        "uuid": "281e56f0-b70e-5246-9109-1be580b22945",
        "slug": "glute-bridges",
        "name": "Glute bridges",
        "aliases": ["Glute bridge", "Bridge"],
        "editorial_aliases": ["Bridge"],
        "source_number": 1,
        "summary": (
            "Glute bridges are an excellent beginner exercise that use hip "
            "extension as the main movement."
        ),
        "difficulty": "beginner",
        "difficulty_basis": "Stated by the article: “an excellent beginner exercise”.",
        "position": "lying_on_back",
        "laterality": "both",
        "dose": {
            "sets_min": 2,
            "sets_max": 3,
            "reps_min": 8,
            "reps_max": 12,
            "per_side": False,
            "hold_seconds": 2,
        },
        "dose_text": "2–3 sets of 8–12 reps; hold 2 s at the top of each rep",
        "steps": [
            {
                "position": 1,
                "text": (
                    "Start by lying on your back with your knees bent and arms at "
                    "your side. Your feet should be hip distance apart. If you’re "
                    "using a dumbbell, hold it across your hip crease. Your feet "
                    "should be 12–16 inches from your butt."
                ),
            },
            {
                "position": 2,
                "text": (
                    "Press into your heels, brace your core, and push your pelvis "
                    "upwards by squeezing your glutes. Lift high enough so that your "
                    "body makes a straight line from knee to shoulder."
                ),
            },
            {
                "position": 3,
                "text": (
                    "Hold for 2 seconds and lower your hips back to the ground. "
                    "This is one rep."
                ),
            },
            {"position": 4, "text": "Complete 8–12 reps of 2–3 sets."},
        ],
        "muscles": [
            {
                "slug": "gluteus-maximus",
                "name": "Gluteus maximus",
                "url": f"{host}/muscles/gluteus-maximus",
                "group": "glutes",
                "role": "primary",
            },
            {
                "slug": "adductor-magnus-posterior-head",
                "name": "Adductor magnus (posterior head)",
                "url": f"{host}/muscles/adductor-magnus-posterior-head",
                "group": None,
                "role": "secondary",
            },
            {
                "slug": "biceps-femoris-long-head",
                "name": "Biceps femoris (long head)",
                "url": f"{host}/muscles/biceps-femoris-long-head",
                "group": "hamstrings",
                "role": "secondary",
            },
            {
                "slug": "core",
                "name": "Core (abdominals)",
                "url": f"{host}/muscles/core",
                "group": None,
                "role": "secondary",
            },
            {
                "slug": "semimembranosus",
                "name": "Semimembranosus",
                "url": f"{host}/muscles/semimembranosus",
                "group": "hamstrings",
                "role": "secondary",
            },
            {
                "slug": "semitendinosus",
                "name": "Semitendinosus",
                "url": f"{host}/muscles/semitendinosus",
                "group": "hamstrings",
                "role": "secondary",
            },
        ],
        "diagram_url": f"{host}/exercises/glute-bridges/diagram.svg",
        "equipment": [
            {
                "slug": "dumbbell",
                "name": "Dumbbell",
                "url": f"{host}/equipment/dumbbell",
                "requirement": "optional",
                "alternatives": [
                    {
                        "slug": "loop-mini-band",
                        "name": "Loop mini-band",
                        "url": f"{host}/equipment/loop-mini-band",
                    }
                ],
                "note": (
                    "Equipment needed: none, though you may choose to use a dumbbell "
                    "or loop mini-band."
                ),
            }
        ],
        "variations": [
            {
                "slug": "hip-thrust",
                "url": f"{host}/exercises/hip-thrust",
                "name": "Hip thrust",
                "kind": "progression",
                "note": "The article suggests trying glute bridges before doing hip thrusts.",
            }
        ],
        "tips": [],
        "cautions": [],
        "source": "Source article “Hip extension exercises”, exercise 1: Glute bridges.",
        "translation": {"language": "en", "fallback": []},
    }


def test_exercise_with_per_side_dose_tips_cautions_and_variation_of_itself(api_client):
    body = api_client.get("/api/exercises/standing-kickbacks").json()

    assert body["dose_text"] == "2–3 sets of 8–12 reps, each leg"
    assert body["equipment"] == []
    assert len(body["tips"]) == 1
    assert body["variations"] == [
        {
            "slug": None,
            "url": None,
            "name": "Straight-leg standing kickbacks",
            "kind": "alternative",
            "note": body["variations"][0]["note"],
        }
    ]
    assert body["variations"][0]["note"]
    hip_thrust = api_client.get("/api/exercises/hip-thrust").json()
    assert len(hip_thrust["cautions"]) == 2
    assert [item["slug"] for item in hip_thrust["equipment"]] == [
        "barbell",
        "bench",
        "barbell-pad",
    ]
    assert [item["requirement"] for item in hip_thrust["equipment"]] == [
        "required",
        "required",
        "optional",
    ]
    assert hip_thrust["equipment"][0]["alternatives"][0]["slug"] == "dumbbell"


def test_exercise_list_uses_the_detail_shape(api_client):
    response = api_client.get("/api/exercises")

    body = response.json()
    assert body["count"] == 8
    assert body["next"] is None
    assert body["previous"] is None
    detail = api_client.get("/api/exercises/glute-bridges").json()
    assert (
        next(item for item in body["results"] if item["slug"] == "glute-bridges")
        == detail
    )


ARTICLE_ORDER = [
    "glute-bridges",
    "hip-thrust",
    "quadruped-kickbacks",
    "stepups",
    "standing-kickbacks",
    "upright-hip-thrusts",
    "stability-ball-bridge-and-hamstring-curl",
    "stability-ball-prone-hip-extension",
]


def test_exercise_list_default_order_is_the_articles(api_client):
    # Until the article's order was offered, the default was by name.
    assert slugs(api_client.get("/api/exercises")) == ARTICLE_ORDER
    assert slugs(api_client.get("/api/exercises?ordering=source")) == ARTICLE_ORDER
    assert slugs(api_client.get("/api/exercises?ordering=-source")) == list(
        reversed(ARTICLE_ORDER)
    )
    assert slugs(api_client.get("/api/exercises?ordering=name")) == [
        "stability-ball-bridge-and-hamstring-curl",  # "Glute bridge and hamstring curl…"
        "glute-bridges",
        "hip-thrust",
        "stability-ball-prone-hip-extension",  # "Prone hip extension…"
        "quadruped-kickbacks",
        "standing-kickbacks",
        "stepups",
        "upright-hip-thrusts",
    ]


def test_exercises_the_article_does_not_list_come_after_its_own(api_client):
    ExerciseFactory(slug="an-editors-own", name="A first by name")
    for ordering in ("source", "-source"):
        found = slugs(api_client.get(f"/api/exercises?ordering={ordering}"))
        assert found[-1] == "an-editors-own"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("equipment=none", ["glute-bridges", "standing-kickbacks"]),
        (
            "available=yoga-mat",
            [
                "glute-bridges",
                "quadruped-kickbacks",
                "standing-kickbacks",
                "upright-hip-thrusts",
            ],
        ),
        (
            "available=bench,dumbbell",
            ["glute-bridges", "hip-thrust", "stepups", "standing-kickbacks"],
        ),
        (
            "muscle=hamstrings&role=primary",
            [
                "stability-ball-bridge-and-hamstring-curl",
                "stability-ball-prone-hip-extension",
            ],
        ),
        (
            "available=bench%2Cdumbbell&max_difficulty=beginner",
            ["glute-bridges", "standing-kickbacks"],
        ),
        ("equipment=none&ordering=-name", ["standing-kickbacks", "glute-bridges"]),
        (
            "search=kickback&laterality=each_side&ordering=name",
            ["quadruped-kickbacks", "standing-kickbacks"],
        ),
    ],
)
def test_exercise_filters_over_http(api_client, query, expected):
    response = api_client.get(f"/api/exercises?{query}")
    assert slugs(response) == expected


def test_an_empty_filter_value_is_a_400_not_the_whole_catalogue(api_client):
    """A client that lost its value must notice, not get every exercise."""
    response = api_client.get("/api/exercises?equipment=")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "equipment": ["Must not be empty; leave 'equipment' out to not use it."]
    }


def test_muscle_list_and_detail(api_client):
    body = api_client.get("/api/muscles").json()
    assert body["count"] == 14
    hamstrings = api_client.get("/api/muscles/hamstrings").json()
    assert (
        next(item for item in body["results"] if item["slug"] == "hamstrings")
        == hamstrings
    )
    assert hamstrings == {
        "url": "http://testserver/api/muscles/hamstrings",
        "slug": "hamstrings",
        "name": "Hamstrings",
        "group": None,
        "members": [
            {
                "slug": "biceps-femoris-long-head",
                "name": "Biceps femoris (long head)",
                "url": "http://testserver/api/muscles/biceps-femoris-long-head",
            },
            {
                "slug": "semimembranosus",
                "name": "Semimembranosus",
                "url": "http://testserver/api/muscles/semimembranosus",
            },
            {
                "slug": "semitendinosus",
                "name": "Semitendinosus",
                "url": "http://testserver/api/muscles/semitendinosus",
            },
        ],
        "hip_role": "extensor",
        "description": (
            "Three muscles (biceps femoris long head, semitendinosus and "
            "semimembranosus) that help to support the glutes with hip extension."
        ),
        "exercises_url": "http://testserver/api/exercises?muscle=hamstrings",
        "translation": {"language": "en", "fallback": []},
    }
    member = api_client.get("/api/muscles/semitendinosus").json()
    assert member["group"] == {
        "slug": "hamstrings",
        "name": "Hamstrings",
        "url": "http://testserver/api/muscles/hamstrings",
    }
    assert member["members"] == []


def test_muscle_exercises_url_lists_its_exercises(api_client):
    core = api_client.get("/api/muscles/core").json()
    assert slugs(api_client.get(core["exercises_url"])) == [
        "glute-bridges",
        "hip-thrust",
        "quadruped-kickbacks",
        "standing-kickbacks",
        "stability-ball-prone-hip-extension",
    ]


def test_muscles_filter_by_group(api_client):
    response = api_client.get("/api/muscles?group=hip-flexors")
    assert slugs(response) == ["iliacus", "psoas-major", "rectus-femoris"]


def test_equipment_list_and_detail(api_client):
    body = api_client.get("/api/equipment").json()
    assert body["count"] == 10
    assert [item["slug"] for item in body["results"]] == [
        "barbell",
        "barbell-pad",
        "bench",
        "box",
        "dumbbell",
        "loop-mini-band",
        "padding",
        "resistance-band",
        "stability-ball",
        "yoga-mat",
    ]
    assert api_client.get("/api/equipment/stability-ball").json() == {
        "url": "http://testserver/api/equipment/stability-ball",
        "slug": "stability-ball",
        "name": "Stability ball",
        "description": "A large inflatable exercise ball.",
        "exercises_url": "http://testserver/api/exercises?equipment=stability-ball",
        "translation": {"language": "en", "fallback": []},
    }


def test_equipment_exercises_url_lists_its_exercises(api_client):
    bench = api_client.get("/api/equipment/bench").json()
    assert slugs(api_client.get(bench["exercises_url"])) == ["hip-thrust", "stepups"]


def test_guidelines_in_the_article_order(api_client):
    body = api_client.get("/api/guidelines").json()
    # The article's six tips, then its advice on hip flexor stretches.
    assert body["count"] == 7
    assert [item["position"] for item in body["results"]] == [1, 2, 3, 4, 5, 6, 7]
    assert body["results"][-1]["slug"] == "hip-flexor-stretches"
    assert (
        "incorporate hip extensor exercises and hip flexor stretches into your routine"
        in body["results"][-1]["text"]
    )
    first = body["results"][0]
    assert first["slug"] == "warm-up"
    assert first["title"] == "Warm up before exercising"
    assert api_client.get("/api/guidelines/warm-up").json() == first
    assert set(first) == {
        "url",
        "slug",
        "title",
        "text",
        "position",
        "source",
        "published_at",
        "updated_at",
        "translation",
    }


class TestPagination:
    def test_page_size_and_links(self, api_client):
        first = api_client.get("/api/exercises?page_size=3").json()
        assert first["count"] == 8
        assert len(first["results"]) == 3
        assert first["previous"] is None
        assert first["next"] == "http://testserver/api/exercises?page=2&page_size=3"
        last = api_client.get("/api/exercises?page_size=3&page=3").json()
        assert len(last["results"]) == 2
        assert last["next"] is None
        assert last["previous"] == "http://testserver/api/exercises?page=2&page_size=3"

    def test_pages_cover_the_list_once_in_a_stable_order(self, api_client):
        everything = slugs(api_client.get("/api/exercises"))
        paged = []
        for page in (1, 2, 3):
            paged += slugs(api_client.get(f"/api/exercises?page_size=3&page={page}"))
        assert paged == everything

    def test_default_page_size_is_20_and_maximum_100(self, api_client):
        Guideline.objects.all().delete()
        Guideline.objects.bulk_create(
            Guideline(
                slug=f"g{n}",
                title=f"G {n}",
                text=".",
                position=n,
                source=".",
                status=Publication.PUBLISHED,
                published_at=PUBLISHED_AT,
            )
            for n in range(1, 106)
        )
        assert len(api_client.get("/api/guidelines").json()["results"]) == 20
        full = api_client.get("/api/guidelines?page_size=100").json()
        assert len(full["results"]) == 100
        assert full["next"].endswith("page=2&page_size=100")

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("page=0", "page"),
            ("page=-1", "page"),
            ("page=abc", "page"),
            ("page=1.5", "page"),
            ("page=last", "page"),
            ("page=" + "9" * 5000, "page"),
            ("page_size=0", "page_size"),
            ("page_size=-1", "page_size"),
            ("page_size=101", "page_size"),
            ("page_size=99999999999999999999", "page_size"),
            ("page_size=ten", "page_size"),
        ],
    )
    def test_malformed_page_parameters_are_400(self, api_client, query, parameter):
        response = api_client.get(f"/api/exercises?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert list(response.json()["errors"]) == [parameter]

    def test_page_past_the_last_is_404(self, api_client):
        response = api_client.get("/api/exercises?page=2")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert response.json()["detail"].startswith("Page 2 does not exist")


class TestErrors:
    def test_unknown_filter_value_names_the_valid_values(self, api_client):
        response = api_client.get("/api/exercises?equipment=kettlebel")

        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert response.json() == {
            "type": "about:blank",
            "title": "Invalid request",
            "status": 400,
            "detail": (
                "equipment: Unknown value 'kettlebel'. Valid values: barbell, "
                "barbell-pad, bench, box, dumbbell, loop-mini-band, padding, "
                "resistance-band, stability-ball, yoga-mat, none."
            ),
            "errors": {
                "equipment": [
                    "Unknown value 'kettlebel'. Valid values: barbell, barbell-pad, "
                    "bench, box, dumbbell, loop-mini-band, padding, resistance-band, "
                    "stability-ball, yoga-mat, none."
                ]
            },
            "instance": "/api/exercises?equipment=kettlebel",
        }

    def test_unknown_query_parameter_is_named_not_ignored(self, api_client):
        response = api_client.get("/api/exercises?equipments=none")

        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert response.json()["errors"] == {
            "equipments": [
                "Unknown query parameter 'equipments'. Valid parameters: available, "
                "difficulty, equipment, lang, laterality, max_difficulty, muscle, "
                "ordering, page, page_size, position, role, search, updated_since."
            ]
        }

    @pytest.mark.parametrize(
        "path",
        [
            "/api/muscles?muscle=core",
            "/api/equipment?search=ball",
            "/api/guidelines?format=json",
            "/api/exercises/glute-bridges?difficulty=beginner",
            "/api/muscles/core?page=1",
        ],
    )
    def test_every_endpoint_rejects_parameters_it_does_not_read(self, api_client, path):
        response = api_client.get(path)
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert "Unknown query parameter" in response.json()["detail"]

    def test_repeated_single_valued_parameter_is_400(self, api_client):
        response = api_client.get("/api/exercises?role=primary&role=secondary")
        assert response.status_code == 400
        assert "takes one value" in response.json()["detail"]

    @pytest.mark.parametrize(
        "query",
        [
            "available=bench&available=dumbbell",
            "available=dumbbell&available=bench,dumbbell",
            "available=bench,dumbbell",
        ],
    )
    def test_multi_valued_parameter_given_comma_separated_or_repeated_agrees(
        self, api_client, query
    ):
        expected = api_client.get(
            "/api/exercises?available=bench,dumbbell&page_size=100"
        )
        response = api_client.get(f"/api/exercises?{query}&page_size=100")
        assert response.status_code == 200
        assert response.json() == expected.json()
        assert 0 < expected.json()["count"] < Exercise.objects.count()

    def test_repeated_values_combine_any_of(self, api_client):
        def slugs(query):
            response = api_client.get(f"/api/exercises?{query}&page_size=100")
            return {exercise["slug"] for exercise in response.json()["results"]}

        combined = slugs("equipment=bench&equipment=dumbbell")
        assert combined == slugs("equipment=bench") | slugs("equipment=dumbbell")
        assert combined > slugs("equipment=bench")

    def test_the_empty_item_cases_cover_every_comma_filter(self):
        declared = {
            (path, name)
            for path, filterset in [
                ("/api/exercises", ExerciseFilterSet),
                ("/api/muscles", MuscleFilterSet),
            ]
            for name, filter_ in filterset.base_filters.items()
            if isinstance(filter_, CommaSeparatedFilter)
        }
        assert declared == {(path, name) for path, name, _ in COMMA_FILTERS}

    @pytest.mark.parametrize(("path", "name", "values"), COMMA_FILTERS)
    def test_a_comma_list_with_an_empty_item_is_a_400_naming_the_parameter(
        self, api_client, path, name, values
    ):
        assert api_client.get(path, {name: values}).status_code == 200
        value = values.replace(",", ",,")

        response = api_client.get(path, {name: value})

        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert response.json()["errors"] == {
            name: [
                f"{value!r} has an empty item; separate values with single commas, "
                "such as a,b."
            ]
        }

    @pytest.mark.parametrize(
        "query",
        [
            "difficulty=expert",
            "max_difficulty=1",
            "role=primary",
            "muscle=hamstring",
            "updated_since=2025-13-01",
            "updated_since=%25s",
            "equipment=%25s%25(x)s",
            "search=%00",
            "ordering=%25",
            "position=%F0%9F%A6%B5",
        ],
    )
    def test_malformed_values_are_400_problem_details(self, api_client, query):
        response = api_client.get(f"/api/exercises?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert body["status"] == 400
        assert body["detail"]

    @pytest.mark.parametrize(
        "path",
        [
            "/api/exercises/no-such-exercise",
            "/api/muscles/hamstring",
            "/api/equipment/kettlebell",
            "/api/guidelines/nope",
            "/api/exercises/%00",
            "/api/exercises/glute.bridges",
            "/api/exercises/glute-bridges/steps",
            "/api/nothing-here",
            "/api",
        ][:-1],
    )
    def test_unknown_slug_or_path_is_404_problem_details(self, api_client, path):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    @pytest.mark.parametrize("path", ["/api/exercises", "/api/exercises/glute-bridges"])
    def test_write_methods_are_405_problem_details(self, api_client, method, path):
        response = getattr(api_client, method)(path, {}, format="json")
        assert response.status_code == 405
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 405
        assert "POST" not in response["Allow"]
        assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/exercises",
        "/api/exercises?equipment=none",
        "/api/exercises/glute-bridges",
        "/api/muscles",
        "/api/muscles/hamstrings",
        "/api/equipment",
        "/api/equipment/dumbbell",
        "/api/guidelines",
        "/api/guidelines/warm-up",
        "/api/exercises?equipments=none",
        "/api/exercises/nope",
    ],
)
def test_paths_answer_identically_with_or_without_a_trailing_slash(api_client, path):
    base, _, query = path.partition("?")
    slashed = f"{base}/?{query}" if query else f"{base}/"
    without, with_slash = api_client.get(path), api_client.get(slashed)
    assert without.status_code in (200, 400, 404)
    assert with_slash.status_code == without.status_code
    assert "Location" not in with_slash
    body, slashed_body = without.json(), with_slash.json()
    body.pop("instance", None)
    slashed_body.pop("instance", None)
    assert slashed_body == body


def test_head_and_options_answer(api_client):
    assert api_client.head("/api/exercises").status_code == 200
    assert api_client.options("/api/exercises/glute-bridges").status_code == 200
    # A CORS preflight carries the query of the request it asks about.
    assert api_client.options("/api/exercises?equipment=none").status_code == 200


# Query counts, answered from the published documents (hipext.api.readmodel); the
# serializer path's are pinned in tests/system/test_read_model.py.
EXERCISE_LIST_QUERIES = 2  # count, then the page: the filtered, ordered exercises'
# ids, each with its document's body (a subquery), in one query
EXERCISE_DETAIL_QUERIES = 1  # the exercise's document, by kind and slug


def test_exercise_list_query_count(api_client, django_assert_num_queries):
    with django_assert_num_queries(EXERCISE_LIST_QUERIES):
        response = api_client.get("/api/exercises")
    assert response.json()["count"] == 8


def test_exercise_list_with_filters_query_count(api_client, django_assert_num_queries):
    # + one query per slug filter to validate its values against the catalogue
    # (equipment slugs, muscle slugs); the filters themselves are subqueries.
    with django_assert_num_queries(EXERCISE_LIST_QUERIES + 2):
        response = api_client.get(
            "/api/exercises?available=yoga-mat&muscle=hamstrings&role=secondary"
            "&max_difficulty=intermediate&search=kickback&ordering=-difficulty"
        )
    assert slugs(response) == ["quadruped-kickbacks", "standing-kickbacks"]


def test_exercise_detail_query_count(api_client, django_assert_num_queries):
    with django_assert_num_queries(EXERCISE_DETAIL_QUERIES):
        response = api_client.get("/api/exercises/hip-thrust")
    assert response.json()["slug"] == "hip-thrust"


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/muscles", 2),  # count, the page of muscles with their documents
        ("/api/muscles/hamstrings", 1),  # the muscle's document
        ("/api/equipment", 2),  # count, the page of equipment with their documents
        ("/api/equipment/dumbbell", 1),  # the item's document
        ("/api/guidelines", 2),  # count, the page of guidelines with their documents
        ("/api/guidelines/warm-up", 1),  # the guideline's document
        ("/api/exercises?equipments=none", 0),  # rejected before any query
        ("/api", 0),
    ],
)
def test_other_endpoints_query_counts(
    api_client, django_assert_num_queries, path, queries
):
    with django_assert_num_queries(queries):
        response = api_client.get(path)
    assert response.status_code in (200, 400)


@pytest.mark.django_db
def test_exercise_query_count_does_not_grow_with_the_catalogue(
    api_client, django_assert_num_queries
):
    # Written as a write path does: the documents rendered before it ends.
    with documents_flushed():
        # Seeded routines protect their exercises from deletion: remove them first.
        Routine.objects.all().delete()
        Exercise.objects.all().delete()
        # Each full exercise brings a bare one along: the target of its variation.
        one = full_exercise()
    with django_assert_num_queries(EXERCISE_LIST_QUERIES):
        response = api_client.get("/api/exercises")
    assert response.json()["count"] == 2
    with django_assert_num_queries(EXERCISE_DETAIL_QUERIES):
        api_client.get(f"/api/exercises/{one.slug}")

    with documents_flushed():
        full = [one.slug] + [full_exercise().slug for _ in range(39)]
    with django_assert_num_queries(EXERCISE_LIST_QUERIES):
        response = api_client.get("/api/exercises?page_size=100")
    results = response.json()["results"]
    assert len(results) == 80
    # Every full exercise really carries its nested rows, from its document.
    nested = [item for item in results if item["slug"] in full]
    assert len(nested) == 40
    assert all(
        len(item["steps"]) == 4
        and len(item["muscles"]) == 2
        and len(item["equipment"][0]["alternatives"]) == 1
        and item["variations"][0]["slug"] is not None
        for item in nested
    )


STRANGE_VALUES = [
    "",
    " ",
    ",",
    "none,none",
    "-",
    "%",
    "%s",
    "'; drop table exercises_exercise; --",
    "\x00",
    "é",
    "🦵",
    "a" * 2000,
    "1e309",
    "-0",
    "9" * 40,
    "2025-01-01T00:00:00+99:00",
    "9999-12-31T23:59:59-23:59",
    "&",
    "!:*()|<->",  # tsquery syntax
]
EXERCISE_PARAMS = [
    "equipment",
    "available",
    "muscle",
    "role",
    "difficulty",
    "max_difficulty",
    "laterality",
    "position",
    "search",
    "updated_since",
    "ordering",
    "page",
    "page_size",
]


@pytest.mark.parametrize("value", STRANGE_VALUES)
def test_no_parameter_value_produces_a_server_error(api_client, value):
    for name in EXERCISE_PARAMS:
        response = api_client.get("/api/exercises", {name: value})
        assert response.status_code in (200, 400, 404), (name, value)
        if response.status_code != 200:
            assert response["Content-Type"] == PROBLEM
    for path in ("/api/muscles", "/api/equipment", "/api/guidelines"):
        response = api_client.get(path, {"group": value, "page": value})
        assert response.status_code in (200, 400, 404)


@pytest.mark.django_db
def test_muscle_query_count_does_not_grow_with_groups_and_members(
    api_client, django_assert_num_queries
):
    with documents_flushed():
        group = MuscleFactory()
        MuscleFactory(group=group)
    with django_assert_num_queries(2):
        first = api_client.get("/api/muscles?page_size=100").json()
    with documents_flushed():
        for _ in range(10):
            many = MuscleFactory()
            MuscleFactory.create_batch(3, group=many)
    with django_assert_num_queries(2):
        second = api_client.get("/api/muscles?page_size=100").json()
    assert second["count"] == first["count"] + 40
    assert sum(len(item["members"]) for item in second["results"]) == (
        sum(len(item["members"]) for item in first["results"]) + 30
    )


@pytest.mark.django_db
def test_equipment_query_count_does_not_grow(api_client, django_assert_num_queries):
    with django_assert_num_queries(2):
        api_client.get("/api/equipment?page_size=100")
    with documents_flushed():
        EquipmentFactory.create_batch(50)
    with django_assert_num_queries(2):
        response = api_client.get("/api/equipment?page_size=100")
    assert len(response.json()["results"]) == 60
