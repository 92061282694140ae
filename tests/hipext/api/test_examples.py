"""The schema's example answers are real: each is what its request answers today.

Every 200 example names its request ("GET /api/…" as its description); the example
must be that answer, abridged at most: the same members with the same values, lists
shortened by leaving items out (never adding or changing one), the host replaced by
https://hipext.example.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

EXAMPLE_BASE = "https://hipext.example"
REAL_BASE = "http://testserver"


def _examples():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        responses = item["get"]["responses"]
        media = responses.get("200", {}).get("content", {}).get("application/json", {})
        for name, example in media.get("examples", {}).items():
            found.append(pytest.param(path, example, id=f"{path} {name}"))
    return found


def _abridges(example, real, where="$"):
    """Why ``example`` is not ``real`` abridged, or None."""
    if isinstance(real, str) and isinstance(example, str):
        real = real.replace(REAL_BASE, EXAMPLE_BASE)
    if isinstance(example, dict) and isinstance(real, dict):
        if set(example) != set(real):
            return f"{where}: members {sorted(set(example) ^ set(real))} differ"
        for key in example:
            why = _abridges(example[key], real[key], f"{where}.{key}")
            if why:
                return why
        return None
    if isinstance(example, list) and isinstance(real, list):
        remaining = iter(real)
        for index, item in enumerate(example):
            # Each example item matches a later real item, in order.
            if not any(_abridges(item, candidate) is None for candidate in remaining):
                return f"{where}[{index}]: not in the real list (or out of order)"
        return None
    if example != real:
        return f"{where}: {example!r} != {real!r}"
    return None


def test_every_operation_with_a_json_answer_has_a_checked_example():
    paths = {param.values[0] for param in _examples()}
    assert {
        "/api/exercises",
        "/api/exercises/{slug}",
        "/api/routines",
        "/api/routines/{slug}",
        "/api/routines/suggest",
    } <= paths


@pytest.mark.parametrize(("path", "example"), _examples())
def test_example_is_the_real_answer_abridged(api_client, seeded_content, path, example):
    request = example.get("description", "")
    assert request.startswith("GET /api/"), f"{path}: the example names no request"
    response = api_client.get(request.removeprefix("GET "))
    assert response.status_code == 200, response.content
    real = response.json()
    # Times are when the seed ran; the example shows a fixed one.
    for document in [real, *real.get("results", [])]:
        for stamp in ("created_at", "updated_at", "published_at"):
            if (
                stamp in document
                and stamp in example["value"].get("results", [example["value"]])[0]
            ):
                document[stamp] = example["value"].get("results", [example["value"]])[
                    0
                ][stamp]
    why = _abridges(example["value"], real)
    assert why is None, f"{request}: {why}"
