"""The OpenAPI schema documents the routine endpoints and the builder's contract."""

import pytest
import yaml
from django.core.management import call_command

from tests.system.surface import resolved


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def _parameters(schema, path):
    components = schema["components"]["schemas"]
    return {
        item["name"]: {**item, "schema": resolved(item["schema"], components)}
        for item in schema["paths"][path]["get"]["parameters"]
        if item["in"] == "query"
    }


def test_routine_paths_are_documented(schema):
    assert {
        "/api/routines",
        "/api/routines/{slug}",
        "/api/routines/suggest",
    } <= set(schema["paths"])


def test_routine_filters_are_documented(schema):
    params = _parameters(schema, "/api/routines")
    assert set(params) == {
        "available",
        "difficulty",
        "max_difficulty",
        "muscle",
        "search",
        "page",
        "page_size",
        "lang",
    }
    assert params["available"]["schema"]["type"] == "array"
    assert "`none`" in params["available"]["description"]
    assert "any-of" in params["muscle"]["description"]


def test_suggest_parameters_are_documented_with_their_rules(schema):
    params = _parameters(schema, "/api/routines/suggest")
    assert set(params) == {
        "available",
        "difficulty",
        "muscle",
        "count",
        "seed",
        "lang",
    }
    assert params["available"]["required"] is True
    assert not params["muscle"].get("required", False)
    # The same array parameters as the lists take.
    for name in ("available", "muscle"):
        assert params[name]["schema"]["type"] == "array"
        assert (params[name]["style"], params[name]["explode"]) == ("form", True)
    assert params["count"]["schema"]["enum"] == [2, 3]
    assert params["difficulty"]["schema"]["enum"] == [
        "beginner",
        "intermediate",
        "advanced",
    ]
    assert params["seed"]["schema"]["minimum"] == 0


def test_suggest_documents_an_example_answer_and_the_unmet_constraint_error(schema):
    responses = schema["paths"]["/api/routines/suggest"]["get"]["responses"]
    # The 400 of its own, the rest shared; no 404: the builder always exists.
    assert set(responses) == {"200", "304", "400", "401", "405", "406", "429", "503"}
    [ok] = responses["200"]["content"]["application/json"]["examples"].values()
    assert [i["exercise"]["slug"] for i in ok["value"]["items"]] == [
        "glute-bridges",
        "standing-kickbacks",
    ]
    problem = responses["400"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    [error] = problem["examples"].values()
    assert "3 are needed" in error["value"]["detail"]


def test_routine_responses_carry_an_example_and_the_duration_formula(schema):
    for path in ("/api/routines", "/api/routines/{slug}"):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        [example] = content["application/json"]["examples"].values()
        value = example["value"]
        routine = value["results"][0] if "results" in value else value
        assert routine["slug"] == "desk-break"
    minutes = schema["components"]["schemas"]["Routine"]["properties"][
        "estimated_minutes"
    ]
    assert "5–10 minute warm-up" in str(minutes)
