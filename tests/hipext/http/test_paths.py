"""Which paths are the API's and which are rate limited: whole segments, not prefixes."""

import pytest

from hipext.http.paths import is_api_path, is_rate_limited_path

API = ["/api", "/api/", "/api/exercises", "/api/exercises/glute-bridges/diagram.svg"]
EMBEDS = ["/embed", "/embed/exercises/x"]
# Share a prefix with the API or the embeds, but are neither.
LOOKALIKES = ["/apix", "/api-docs", "/embedded", "/embeds/x", "/", "/admin/"]


@pytest.mark.parametrize("path", API)
def test_api_paths_are_api_and_rate_limited(path):
    assert is_api_path(path)
    assert is_rate_limited_path(path)


@pytest.mark.parametrize("path", EMBEDS)
def test_embed_paths_are_rate_limited_but_not_api(path):
    assert is_rate_limited_path(path)
    assert not is_api_path(path)


@pytest.mark.parametrize("path", LOOKALIKES)
def test_lookalike_paths_are_neither(path):
    assert not is_api_path(path)
    assert not is_rate_limited_path(path)


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/exercises", "/embed/exercises/x"]
)
def test_api_and_embed_responses_carry_ratelimit_headers(client, db, path):
    response = client.get(path)

    assert response.status_code in (200, 404)
    assert "RateLimit-Limit" in response.headers
    assert "RateLimit-Policy" in response.headers


@pytest.mark.parametrize("path", ["/apix", "/embedded"])
def test_lookalike_responses_are_plain_404s_without_ratelimit_headers(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert not any(name.startswith("RateLimit-") for name in response.headers)
    # Not the API's: Django's own 404 page, not problem details.
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_api_path_is_a_problem_details_404(client, db):
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
