"""The OpenAPI schema validates without warnings and documents the API's contract."""

import pytest
import yaml
from django.core.management import call_command

from tests.system.surface import resolved


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn turns any drf-spectacular warning (an untyped field, an
    # unresolvable filter) into a failure; --validate checks it against OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


def test_schema_documents_every_path_without_a_trailing_slash(schema):
    assert {
        "/api/exercises",
        "/api/exercises/{slug}",
        "/api/muscles",
        "/api/muscles/{slug}",
        "/api/equipment",
        "/api/equipment/{slug}",
        "/api/guidelines",
        "/api/guidelines/{slug}",
    } <= set(schema["paths"])
    assert not [path for path in schema["paths"] if path.endswith("/")]


def parameters(schema, path):
    components = schema["components"]["schemas"]
    return {
        item["name"]: {**item, "schema": resolved(item["schema"], components)}
        for item in schema["paths"][path]["get"]["parameters"]
        if item["in"] == "query"
    }


def test_exercise_filters_are_documented_with_enums_and_repeatable_arrays(schema):
    params = parameters(schema, "/api/exercises")
    assert set(params) == {
        "available",
        "difficulty",
        "equipment",
        "lang",
        "laterality",
        "max_difficulty",
        "muscle",
        "ordering",
        "page",
        "page_size",
        "position",
        "role",
        "search",
        "updated_since",
    }
    difficulty = params["difficulty"]
    assert difficulty["schema"]["type"] == "array"
    # Repeated (difficulty=a&difficulty=b), as generators send arrays; the server
    # also takes a,b (hipext.api.params), which the description says.
    assert (difficulty["style"], difficulty["explode"]) == ("form", True)
    assert (
        "comma-separated (`a,b`), or the parameter repeated"
        in (difficulty["description"])
    )
    ordering = params["ordering"]["schema"]["items"]
    assert (
        dict(zip(ordering["enum"], ordering["x-enum-varnames"], strict=True))[
            "-updated_at"
        ]
        == "UPDATED_AT_DESC"
    )
    assert set(difficulty["schema"]["items"]["enum"]) == {
        "beginner",
        "intermediate",
        "advanced",
    }
    assert "any-of" in params["equipment"]["description"]
    assert "`none`" in params["equipment"]["description"]
    assert set(params["role"]["schema"]["enum"]) == {"primary", "secondary"}
    assert params["lang"]["schema"]["enum"] == ["en", "es", "de"]
    assert params["updated_since"]["schema"] == {
        "type": "string",
        "format": "date-time",
    }
    assert params["page_size"]["schema"]["maximum"] == 100
    assert params["page"]["schema"]["minimum"] == 1


def test_errors_are_documented_as_problem_details(schema):
    for path in ("/api/exercises", "/api/exercises/{slug}", "/api/muscles"):
        responses = schema["paths"][path]["get"]["responses"]
        for code in ("400", "404"):
            content = responses[code]["content"]
            assert list(content) == ["application/problem+json"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }


def test_list_responses_are_paginated(schema):
    ok = schema["paths"]["/api/exercises"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_exercise_responses_carry_an_example(schema):
    for path in ("/api/exercises", "/api/exercises/{slug}"):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        (example,) = content["application/json"]["examples"].values()
        value = example["value"]
        exercise = value["results"][0] if "results" in value else value
        assert exercise["slug"] == "standing-kickbacks"


# --- The schema view's own query parameters -------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("version=%00", "version"),
        ("version=%0D%0ASet-Cookie:%20x=1", "version"),
        ("version=2.0", "version"),
        ("format=xml", "format"),
        ("lang=xx", "lang"),
        ("lang=%00", "lang"),
        ("formats=json", "formats"),
    ],
)
def test_schema_view_refuses_bad_query_parameters_with_400(client, db, query, name):
    response = client.get(f"/api/schema?{query}")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert name in response.json()["errors"]
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize(
    ("query", "content_type"),
    [
        ("", "application/vnd.oai.openapi; charset=utf-8"),
        ("format=json", "application/vnd.oai.openapi+json"),
        ("format=yaml", "application/vnd.oai.openapi; charset=utf-8"),
        ("lang=de", "application/vnd.oai.openapi; charset=utf-8"),
    ],
)
def test_schema_view_serves_its_formats_and_languages(client, db, query, content_type):
    response = client.get(f"/api/schema?{query}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
