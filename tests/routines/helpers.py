"""What the routine API tests share: the endpoints' paths and reading a list's slugs."""

LIST = "/api/routines"
SUGGEST = "/api/routines/suggest"


def routine_slugs(response):
    """The slugs of a 200 list response's routines, in order."""
    assert response.status_code == 200, response.json()
    return [routine["slug"] for routine in response.json()["results"]]
