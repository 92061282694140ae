"""The routine API: payloads, filters, the builder, errors and query counts."""

import json

import pytest
from django.urls import reverse

from exercises.models import Difficulty
from hipext.api.filters import CommaSeparatedFilter
from hipext.api.queryfields import CommaSeparatedQueryField
from routines.examples import DESK_BREAK, NO_EQUIPMENT_SUGGESTION, UNMET_SUGGESTION
from routines.filtersets import RoutineFilterSet
from routines.serializers import RoutineSuggestQuerySerializer
from tests.routines.helpers import LIST, SUGGEST, routine_slugs

# Every comma-list parameter of the routine endpoints: the other parameters it
# needs, and two valid values that give a 200.
COMMA_PARAMETERS = [
    (LIST, {}, "difficulty", "beginner,advanced"),
    (LIST, {}, "available", "bench,dumbbell"),
    (LIST, {}, "muscle", "glutes,hamstrings"),
    (SUGGEST, {}, "available", "bench,dumbbell"),
    (SUGGEST, {"available": "none"}, "muscle", "glutes,hamstrings"),
]


def _problem(response, status=400):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# --- List and detail -----------------------------------------------------------------


def test_list_gives_every_curated_routine_by_name(api_client, seeded_content):
    assert routine_slugs(api_client.get(LIST)) == [
        "barbell-hip-thrust-gym",
        "desk-break",
        "no-equipment-beginner",
        "on-the-mat-beginner",
        "stability-ball",
    ]


def test_detail_gives_the_full_routine(api_client, seeded_content):
    response = api_client.get(reverse("routine-detail", kwargs={"slug": "desk-break"}))

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == "http://testserver/api/routines/desk-break"
    assert body["uuid"] == "dfd6bfa5-ee47-5d5f-ab4c-8c9d227915b1"
    assert body["name"] == "Desk break routine"
    assert body["difficulty"] == "beginner"
    assert "5–10 minutes warming up" in body["warm_up"]
    assert any("every 30–60 minutes" in note for note in body["notes"])
    assert body["equipment_needed"] == []
    assert body["estimated_minutes"] == {"min": 11, "max": 16}
    assert body["items"][0] == {
        "position": 1,
        "exercise": {
            "url": "http://testserver/api/exercises/standing-kickbacks",
            "slug": "standing-kickbacks",
            "name": "Standing kickbacks",
            "summary": (
                "Standing kickbacks are easy to perform and can be great for beginners."
            ),
            "difficulty": "beginner",
            "position": "standing",
            "laterality": "each_side",
        },
        "dose": {
            "sets_min": 2,
            "sets_max": None,
            "reps_min": 8,
            "reps_max": None,
            "per_side": True,
            "hold_seconds": None,
        },
        "dose_text": "2 sets of 8 reps, each leg",
        "dose_overridden": True,
        "rest_seconds": 60,
        "note": "Stand 1–2 feet from a wall, counter, or box, palms against it.",
    }
    assert [item["exercise"]["slug"] for item in body["items"]] == [
        "standing-kickbacks",
        "glute-bridges",
    ]
    assert body["items"][1]["dose_text"] == (
        "2 sets of 8 reps; hold 2 s at the top of each rep"
    )
    assert body["muscles"][0] == {
        "slug": "gluteus-maximus",
        "name": "Gluteus maximus",
        "url": "http://testserver/api/muscles/gluteus-maximus",
        "group": "glutes",
        "role": "primary",
    }
    assert set(body) == {
        "url",
        "uuid",
        "slug",
        "name",
        "summary",
        "goal",
        "difficulty",
        "warm_up",
        "notes",
        "items",
        "equipment_needed",
        "muscles",
        "estimated_minutes",
        "published_at",
        "created_at",
        "updated_at",
        "translation",
    }
    assert body["translation"] == {"language": "en", "fallback": []}


def test_a_routine_item_without_override_shows_the_exercises_dose(
    api_client, seeded_content
):
    body = api_client.get("/api/routines/barbell-hip-thrust-gym").json()
    stepups = body["items"][1]
    assert stepups["exercise"]["slug"] == "stepups"
    assert stepups["dose_text"] == "15–20 reps, each leg"
    assert stepups["dose_overridden"] is False
    assert body["equipment_needed"] == [
        {
            "slug": "barbell",
            "name": "Barbell",
            "url": "http://testserver/api/equipment/barbell",
            "alternatives": [
                {
                    "slug": "dumbbell",
                    "name": "Dumbbell",
                    "url": "http://testserver/api/equipment/dumbbell",
                }
            ],
            "exercises": ["hip-thrust"],
        },
        {
            "slug": "bench",
            "name": "Bench",
            "url": "http://testserver/api/equipment/bench",
            "alternatives": [],
            "exercises": ["hip-thrust"],
        },
        {
            "slug": "box",
            "name": "Box",
            "url": "http://testserver/api/equipment/box",
            "alternatives": [
                {
                    "slug": "bench",
                    "name": "Bench",
                    "url": "http://testserver/api/equipment/bench",
                }
            ],
            "exercises": ["stepups"],
        },
    ]


@pytest.mark.parametrize("path", ["/api/routines", "/api/routines/desk-break"])
def test_paths_answer_alike_with_or_without_a_trailing_slash(
    api_client, seeded_content, path
):
    bare, slashed = api_client.get(path), api_client.get(path + "/")
    assert bare.status_code == slashed.status_code == 200
    assert bare.json() == slashed.json()


def test_suggest_answers_alike_with_a_trailing_slash(api_client, seeded_content):
    bare = api_client.get(SUGGEST, {"available": "none"})
    slashed = api_client.get(SUGGEST + "/", {"available": "none"})
    assert bare.status_code == slashed.status_code == 200
    assert bare.json() == slashed.json()


def test_an_unknown_routine_is_a_404_problem(api_client, seeded_content):
    body = _problem(api_client.get("/api/routines/no-such-routine"), 404)
    assert body["instance"] == "/api/routines/no-such-routine"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", [LIST, "/api/routines/desk-break", SUGGEST])
def test_writes_are_405_problems(api_client, seeded_content, method, path):
    _problem(getattr(api_client, method)(path, {}), 405)


def test_list_is_paginated(api_client, seeded_content):
    body = api_client.get(LIST, {"page_size": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")
    _problem(api_client.get(LIST, {"page": 0}))


# --- Filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"difficulty": "beginner"},
            ["desk-break", "no-equipment-beginner", "on-the-mat-beginner"],
        ),
        (
            {"difficulty": "intermediate,advanced"},
            ["barbell-hip-thrust-gym", "stability-ball"],
        ),
        (
            {"max_difficulty": "intermediate"},
            [
                "barbell-hip-thrust-gym",
                "desk-break",
                "no-equipment-beginner",
                "on-the-mat-beginner",
            ],
        ),
        (
            {"max_difficulty": "beginner"},
            ["desk-break", "no-equipment-beginner", "on-the-mat-beginner"],
        ),
        # Only glute bridges and standing kickbacks need nothing.
        ({"available": "none"}, ["desk-break", "no-equipment-beginner"]),
        (
            {"available": "yoga-mat"},
            ["desk-break", "no-equipment-beginner", "on-the-mat-beginner"],
        ),
        (
            {"available": "padding"},
            ["desk-break", "no-equipment-beginner", "on-the-mat-beginner"],
        ),
        (
            {"available": "stability-ball"},
            ["desk-break", "no-equipment-beginner", "stability-ball"],
        ),
        # Hip thrust needs a bench and a barbell or dumbbell; stepups a box or bench.
        (
            {"available": "bench,dumbbell"},
            ["barbell-hip-thrust-gym", "desk-break", "no-equipment-beginner"],
        ),
        ({"available": "bench"}, ["desk-break", "no-equipment-beginner"]),
        ({"available": "barbell,box"}, ["desk-break", "no-equipment-beginner"]),
        ({"muscle": "hip-flexors"}, []),
        (
            {"muscle": "hamstrings"},
            [
                "barbell-hip-thrust-gym",
                "desk-break",
                "no-equipment-beginner",
                "on-the-mat-beginner",
                "stability-ball",
            ],
        ),
        ({"search": "barbell"}, ["barbell-hip-thrust-gym"]),
        ({"search": "sit"}, ["desk-break"]),
        # An exercise's alias: "Step-ups" is not in any routine's own text.
        ({"search": "curl"}, ["stability-ball"]),
        ({"search": "quadruped kickback"}, ["on-the-mat-beginner"]),
        (
            {"available": "yoga-mat", "max_difficulty": "beginner", "search": "mat"},
            ["on-the-mat-beginner"],
        ),
    ],
)
def test_filters_give_the_expected_routines(
    api_client, seeded_content, params, expected
):
    assert routine_slugs(api_client.get(LIST, params)) == expected


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"available": "kettlebel"}, "available", "Unknown value 'kettlebel'"),
        ({"muscle": "glute"}, "muscle", "Valid values: adductor-magnus-posterior-head"),
        (
            {"difficulty": "expert"},
            "difficulty",
            "Valid values: beginner, intermediate",
        ),
        ({"max_difficulty": "easy"}, "max_difficulty", "Unknown value 'easy'"),
        ({"availble": "none"}, "availble", "Unknown query parameter 'availble'"),
        ({"count": "3"}, "count", "Unknown query parameter 'count'"),
    ],
)
def test_bad_list_parameters_are_400_problems_naming_them(
    api_client, seeded_content, params, field, fragment
):
    body = _problem(api_client.get(LIST, params))
    assert fragment in " ".join(body["errors"][field])


def test_the_empty_item_cases_cover_every_comma_parameter():
    declared = {
        (LIST, name)
        for name, filter_ in RoutineFilterSet.base_filters.items()
        if isinstance(filter_, CommaSeparatedFilter)
    } | {
        (SUGGEST, name)
        for name, field in RoutineSuggestQuerySerializer().fields.items()
        if isinstance(field, CommaSeparatedQueryField)
    }
    assert declared == {(path, name) for path, _, name, _ in COMMA_PARAMETERS}


@pytest.mark.parametrize(("path", "others", "name", "values"), COMMA_PARAMETERS)
def test_a_comma_list_with_an_empty_item_is_a_400_naming_the_parameter(
    api_client, seeded_content, path, others, name, values
):
    assert api_client.get(path, {**others, name: values}).status_code == 200
    value = values.replace(",", ",,")

    body = _problem(api_client.get(path, {**others, name: value}))

    assert body["errors"] == {
        name: [
            f"{value!r} has an empty item; separate values with single commas, "
            "such as a,b."
        ]
    }


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        (LIST, "max_difficulty=beginner&max_difficulty=advanced", "max_difficulty"),
        (LIST, "page=1&page=1", "page"),
        (SUGGEST, "available=none&count=2&count=3", "count"),
        (
            SUGGEST,
            "available=none&difficulty=beginner&difficulty=beginner",
            "difficulty",
        ),
    ],
)
def test_a_repeated_single_valued_parameter_is_a_400_naming_it(
    api_client, seeded_content, path, query, name
):
    body = _problem(api_client.get(f"{path}?{query}"))
    assert body["errors"] == {
        name: [f"Given more than once; {name!r} takes one value."]
    }


@pytest.mark.parametrize(
    "query",
    [
        "available=bench,box,dumbbell,none",
        "available=bench&available=box&available=dumbbell&available=none",
        "available=bench,box&available=dumbbell,none",
        "available=bench&available=box,dumbbell&available=none&available=bench",
    ],
)
def test_suggest_takes_equipment_comma_separated_repeated_or_both(
    api_client, seeded_content, query
):
    response = api_client.get(
        f"{SUGGEST}?{query}&muscle=hamstrings&difficulty=advanced"
    )
    expected = api_client.get(
        f"{SUGGEST}?available=bench,box,dumbbell,none&muscle=hamstrings"
        "&difficulty=advanced"
    )
    assert response.status_code == 200, response.content
    assert response.json() == expected.json()
    assert response.json()["request"]["available"] == ["bench", "box", "dumbbell"]
    assert response.json()["request"]["muscle"] == ["hamstrings"]


@pytest.mark.parametrize(
    "query",
    [
        "difficulty=beginner,advanced&muscle=glutes",
        "difficulty=beginner&difficulty=advanced&muscle=glutes",
        "muscle=glutes&difficulty=advanced&difficulty=beginner,advanced",
    ],
)
def test_the_list_takes_values_comma_separated_repeated_or_both(
    api_client, seeded_content, query
):
    expected = api_client.get(f"{LIST}?difficulty=beginner,advanced&muscle=glutes")
    response = api_client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert response.json() == expected.json()
    assert {routine["difficulty"] for routine in response.json()["results"]} <= {
        "beginner",
        "advanced",
    }


# --- The builder ---------------------------------------------------------------------


def test_suggest_builds_a_routine_for_no_equipment(api_client, seeded_content):
    response = api_client.get(SUGGEST, {"available": "none"})

    assert response.status_code == 200
    body = response.json()
    assert [item["exercise"]["slug"] for item in body["items"]] == [
        "glute-bridges",
        "standing-kickbacks",
    ]
    assert [item["position"] for item in body["items"]] == [1, 2]
    assert body["items"][0]["dose_text"] == (
        "2–3 sets of 8–12 reps; hold 2 s at the top of each rep"
    )
    assert body["difficulty"] == "beginner"
    assert "5–10 minutes warming up" in body["warm_up"]
    assert body["equipment_needed"] == []
    assert body["estimated_minutes"] == {"min": 11, "max": 22}
    assert [g["slug"] for g in body["guidance"]] == [
        "warm-up",
        "good-form",
        "squeeze-glutes",
        "neutral-spine",
        "sit-less",
        "two-to-three-per-workout",
        "hip-flexor-stretches",
    ]
    assert body["request"] == {
        "available": ["none"],
        "difficulty": "beginner",
        "muscle": [],
        "count": 2,
        "seed": None,
    }
    assert "url" not in body
    assert "slug" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"available": "stability-ball", "difficulty": "advanced", "count": "3"},
            # Easiest first, as the curated routines and the article advise.
            [
                "glute-bridges",
                "stability-ball-prone-hip-extension",
                "stability-ball-bridge-and-hamstring-curl",
            ],
        ),
        (
            {"available": "bench,barbell", "difficulty": "intermediate", "count": "3"},
            # Equal levels in the article's order (hip thrust is its no. 2).
            ["glute-bridges", "hip-thrust", "stepups"],
        ),
        (
            {"available": "yoga-mat", "count": "3"},
            ["glute-bridges", "quadruped-kickbacks", "standing-kickbacks"],
        ),
        (
            {"available": "none", "muscle": "hamstrings"},
            ["glute-bridges", "standing-kickbacks"],
        ),
    ],
)
def test_suggest_fits_equipment_and_level(api_client, seeded_content, params, expected):
    body = api_client.get(SUGGEST, params).json()
    assert [item["exercise"]["slug"] for item in body["items"]] == expected
    level = params.get("difficulty", "beginner")
    assert all(
        item["exercise"]["difficulty"] in Difficulty.up_to(level)
        for item in body["items"]
    )


def test_suggest_is_deterministic_and_a_seed_varies_it(api_client, seeded_content):
    params = {
        "available": "stability-ball,yoga-mat,bench,dumbbell",
        "difficulty": "advanced",
    }
    first = api_client.get(SUGGEST, params).json()
    assert api_client.get(SUGGEST, params).json() == first
    seeded_once = api_client.get(SUGGEST, {**params, "seed": 11}).json()
    assert api_client.get(SUGGEST, {**params, "seed": 11}).json() == seeded_once
    choices = {
        tuple(
            item["exercise"]["slug"]
            for item in api_client.get(SUGGEST, {**params, "seed": seed}).json()[
                "items"
            ]
        )
        for seed in range(8)
    }
    assert len(choices) > 2


@pytest.mark.parametrize(
    ("params", "field", "detail"),
    [
        (
            {"available": "stability-ball", "count": "3"},
            "difficulty",
            "difficulty: only 2 exercises are doable with equipment [stability-ball] "
            "at level beginner; 3 are needed",
        ),
        (
            {"available": "none", "count": "3", "difficulty": "advanced"},
            "available",
            "available: only 2 exercises are doable with no equipment; 3 are needed",
        ),
        (
            {"available": "none", "muscle": "lower-back"},
            "muscle",
            "muscle: no exercise doable with no equipment at level beginner works "
            "muscle [lower-back]; 2 are needed",
        ),
    ],
)
def test_an_impossible_suggestion_is_a_400_naming_the_constraint(
    api_client, seeded_content, params, field, detail
):
    body = _problem(api_client.get(SUGGEST, params))
    assert body["detail"] == detail
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "available", "This field is required."),
        ({"available": ""}, "available", "Must not be empty"),
        ({"available": " , "}, "available", "' , ' has an empty item"),
        ({"available": " "}, "available", "Must not be empty"),
        ({"available": "kettlebell"}, "available", "Unknown value 'kettlebell'"),
        ({"available": "none", "count": "4"}, "count", "Valid values: 2, 3."),
        ({"available": "none", "count": "two"}, "count", "Unknown value 'two'"),
        (
            {"available": "none", "difficulty": "pro"},
            "difficulty",
            "Unknown value 'pro'",
        ),
        ({"available": "none", "muscle": "glute"}, "muscle", "Unknown value 'glute'"),
        ({"available": "none", "seed": "-1"}, "seed", "greater than or equal to 0"),
        ({"available": "none", "seed": "x"}, "seed", "valid integer"),
        ({"available": "none", "page": "2"}, "page", "Unknown query parameter"),
        (
            {"available": "none", "max_difficulty": "beginner"},
            "max_difficulty",
            "Unknown query parameter",
        ),
    ],
)
def test_bad_suggest_parameters_are_400_problems_naming_them(
    api_client, seeded_content, params, field, fragment
):
    body = _problem(api_client.get(SUGGEST, params))
    assert fragment in " ".join(body["errors"][field])


def test_strange_input_never_gives_a_500(api_client, seeded_content):
    for value in ["", ",", "none,,none", "%", "'; drop table", "a" * 2000, "ñ"]:
        for name in ("available", "muscle", "difficulty", "count", "seed"):
            response = api_client.get(SUGGEST, {"available": "none", name: value})
            assert response.status_code in (200, 400), (name, value)
        response = api_client.get(LIST, {"search": value, "available": value})
        assert response.status_code in (200, 400), value


# --- Query counts --------------------------------------------------------------------


def test_list_query_count_is_fixed(
    api_client, seeded_content, django_assert_num_queries
):
    # count, then the page: the routines' ids with their documents, in one query.
    with django_assert_num_queries(2):
        response = api_client.get(LIST)
    assert len(response.json()["results"]) == 5


def test_filtered_list_query_count_is_fixed(
    api_client, seeded_content, django_assert_num_queries
):
    # As the list, plus the valid equipment and muscle slugs the filters check.
    with django_assert_num_queries(4):
        response = api_client.get(
            LIST, {"available": "yoga-mat", "muscle": "glutes", "search": "mat"}
        )
    assert routine_slugs(response) == ["on-the-mat-beginner"]


def test_detail_query_count_is_fixed(
    api_client, seeded_content, django_assert_num_queries
):
    # The routine's document, by kind and slug.
    with django_assert_num_queries(1):
        response = api_client.get("/api/routines/stability-ball")
    assert len(response.json()["items"]) == 3


def test_suggest_query_count_is_fixed(
    api_client, seeded_content, django_assert_num_queries
):
    # The valid equipment slugs and the guidance (each read once per content version
    # in each process: hipext.content.memo), the qualifying exercises with their
    # published documents (which hold their muscles and equipment).
    with django_assert_num_queries(3):
        response = api_client.get(
            SUGGEST, {"available": "stability-ball", "difficulty": "advanced"}
        )
    assert response.status_code == 200
    # Plus the valid muscle slugs, read for the first time; the equipment's and the
    # guidance are kept.
    with django_assert_num_queries(2):
        response = api_client.get(
            SUGGEST, {"available": "yoga-mat", "muscle": "hamstrings", "count": "3"}
        )
    assert response.status_code == 200
    assert len(response.json()["muscles"]) > 0
    assert len(response.json()["guidance"]) > 0
    # All kept: the exercises alone.
    with django_assert_num_queries(1):
        response = api_client.get(
            SUGGEST, {"available": "bench", "muscle": "glutes", "count": "2"}
        )
    assert response.status_code == 200
    # A seed chooses among every candidate, then reads the chosen ones' documents.
    with django_assert_num_queries(2):
        response = api_client.get(SUGGEST, {"available": "yoga-mat", "seed": "5"})
    assert response.status_code == 200
    assert len(response.json()["equipment_needed"]) > 0


def test_suggest_query_count_without_the_read_model(
    api_client, seeded_content, settings, django_assert_num_queries
):
    # The serializers' path: the chosen exercises' muscles, their equipment links
    # and the links' alternatives are three more queries.
    settings.API_READ_MODEL = False
    with django_assert_num_queries(6):
        response = api_client.get(
            SUGGEST, {"available": "stability-ball", "difficulty": "advanced"}
        )
    assert response.status_code == 200


def _on_testserver(value):
    """An example's URLs as the test client sees them."""
    return json.loads(
        json.dumps(value).replace("https://hipext.example/", "http://testserver/")
    )


def test_the_documented_examples_match_real_answers(api_client, seeded_content):
    detail = api_client.get("/api/routines/desk-break").json()
    example = _on_testserver(DESK_BREAK)
    abridged = {"muscles", "published_at", "created_at", "updated_at"}
    assert {k: v for k, v in detail.items() if k not in abridged} == {
        k: v for k, v in example.items() if k not in abridged
    }
    assert detail["muscles"][:2] == example["muscles"]

    suggestion = api_client.get(SUGGEST, {"available": "none"}).json()
    example = _on_testserver(NO_EQUIPMENT_SUGGESTION)
    abridged = {"muscles", "guidance"}
    assert {k: v for k, v in suggestion.items() if k not in abridged} == {
        k: v for k, v in example.items() if k not in abridged
    }

    unmet = api_client.get(SUGGEST, {"available": "stability-ball", "count": 3})
    assert unmet.json() == UNMET_SUGGESTION


@pytest.mark.parametrize("path", [LIST, "/api/routines/desk-break", SUGGEST])
def test_head_and_options_are_answered(api_client, seeded_content, path):
    params = {"available": "none"} if path == SUGGEST else {}
    assert api_client.head(path, params).status_code == 200
    assert api_client.options(path).status_code == 200


def test_suggest_refuses_an_empty_muscle_as_every_endpoint_does(
    api_client, seeded_content
):
    """An empty value never means "not given": a client that lost its value must not
    silently get another answer (hipext.api.params); the schema allows no empty value."""
    response = api_client.get(f"{SUGGEST}?available=box&muscle=")
    assert response.status_code == 400, response.content
    assert "muscle" in response.json()["errors"]
