"""API plumbing shared by every endpoint: root, documentation pages, unknown paths."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_api_root_links_to_every_list_and_the_docs(api_client):
    for path in ("/api", "/api/"):
        response = api_client.get(path)
        assert response.status_code == 200
        links = response.json()
        assert links["exercises"] == "http://testserver/api/exercises"
        assert links["muscles"] == "http://testserver/api/muscles"
        assert links["equipment"] == "http://testserver/api/equipment"
        assert links["guidelines"] == "http://testserver/api/guidelines"
        assert links["docs"] == "http://testserver/api/docs"
        assert links["schema"] == "http://testserver/api/schema"
        assert links["redoc"] == "http://testserver/api/redoc"
        assert links["routine_suggestion"] == "http://testserver/api/routines/suggest"
        assert links["oembed"] == "http://testserver/api/oembed"
        # Routes of one exercise are URI templates (RFC 6570).
        assert links["exercise_card"] == "http://testserver/embed/exercises/{slug}"
        assert (
            links["exercise_diagram"]
            == "http://testserver/api/exercises/{slug}/diagram.svg"
        )


def test_api_root_links_resolve_to_endpoints_that_answer(api_client, seeded):
    links = api_client.get("/api").json()
    queries = {
        "routine_suggestion": "?available=none",
        "oembed": "?url=http://testserver/embed/exercises/glute-bridges",
    }
    for key, url in links.items():
        url = url.replace("{slug}", "glute-bridges")
        response = api_client.get(url + queries.get(key, ""))
        assert response.status_code == 200, (key, url)


@pytest.mark.parametrize("path", ["/api/schema", "/api/schema/"])
def test_schema_is_served(client, path):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "hipext API"


@pytest.mark.parametrize(
    "path", ["/api/docs", "/api/docs/", "/api/redoc", "/api/redoc/"]
)
def test_documentation_pages_are_served_from_this_site(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema" in html
    # The UI's scripts are served locally (drf-spectacular-sidecar), not from a CDN.
    assert "cdn.jsdelivr.net" not in html
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/nothing", "/api/exercises/a/b/c", "/api/docs/x"]
)
def test_unknown_api_paths_are_problem_details(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["instance"] == path
    assert "/api/docs" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing",
        "/api/exercises/a/b/c",
        "/embed",
        "/embed/nothing",
        "/embed/exercises/no-such-exercise",
    ],
)
def test_unknown_api_and_embed_paths_are_problem_details_with_debug_on(
    client, settings, debug, path
):
    """Django's debug 404 page (make run) never calls handler404."""
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["instance"] == path


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_to_an_embed_card_is_a_405_problem_not_a_csrf_page(
    seeded, settings, debug, method
):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/embed/exercises/glute-bridges")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["status"] == 405


@pytest.mark.django_db
def test_a_post_to_an_unknown_api_path_is_a_404_problem(settings):
    settings.DEBUG = True
    response = Client(enforce_csrf_checks=True).post("/api/nothing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_the_admin_keeps_its_csrf_check(settings):
    response = Client(enforce_csrf_checks=True).post("/admin/login/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_paths_outside_the_api_keep_djangos_page(client):
    response = client.get("/nothing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_api_paths_never_redirect(client):
    for path in (
        "/api/exercises",
        "/api/exercises/",
        "/api",
        "/api/docs",
        "/api/schema/",
    ):
        assert client.get(path).status_code != 301


@pytest.mark.django_db
def test_extra_query_params_setting_allows_project_wide_parameters(
    api_client, settings
):
    assert api_client.get("/api/equipment?api_key=x").status_code == 400
    settings.HIPEXT_EXTRA_QUERY_PARAMS = ["api_key"]
    assert api_client.get("/api/equipment?api_key=x").status_code == 200
    assert api_client.get("/api/equipment/nope?api_key=x").status_code == 404


@pytest.mark.django_db
def test_unreadable_api_request_is_problem_details(client):
    response = client.get("/api/exercises?" + "&".join(f"p{n}=1" for n in range(1001)))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
