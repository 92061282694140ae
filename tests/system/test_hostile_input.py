"""Hostile input: whatever a client sends, the API answers 2xx or 4xx problem details.

Every operation of the OpenAPI schema and every other route under /api/ meets odd
numbers, huge and control-character strings, injection-looking text, repeated and
unknown parameters, odd methods and odd Accept headers. Nothing may produce a 5xx, a
redirect or an HTML error page.
"""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.system.surface import (
    api_operations,
    problem_violation,
    sample_path_values,
    unparametrised_api_routes,
)

NUMBERS = [
    "0",
    "-1",
    "-2147483649",
    "2147483648",
    "99999999999999999999999999",
    "9" * 4000,
    "1.5",
    "1e3",
    "0x10",
    "NaN",
    "Infinity",
    "",
    " ",
    "abc",
    "１",  # a fullwidth digit, which str.isdigit() accepts
    "٣",  # an Arabic-Indic digit, which int() accepts
    "+1",
    "01",
]
STRINGS = [
    "x" * 10240,
    "héllo wörld",
    "漢字🦵🏽",
    "\u202eevil",
    "\ufeff",
    "\x00",
    "none\x00",
    "\x01\x07\x1b[31m",
    "\r\nSet-Cookie: a=b",
    "\t",
    "' OR '1'='1",
    "1; DROP TABLE exercises_exercise; --",
    '" UNION SELECT password FROM auth_user --',
    "%",
    "_",
    "\\",
    ".*",
    "(a+)+$",
    "[",
    "*",
    "?",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    ",",
    ",,,",
    "none,",
    ",none",
    "NONE",
    "null",
    "true",
    "[]",
    "{}",
    "1970-01-01",
    "9999-99-99",
    "2026-13-45T25:61:61Z",
    "0001-01-01T00:00:00+99:99",
    "-",
    "-name",
    "--name",
]
HOSTILE_VALUES = NUMBERS + STRINGS
# Path segments: the same strings, URL-encoded, so "/" and "?" stay inside the segment.
HOSTILE_SEGMENTS = [*STRINGS, "0", "-1", "9" * 4000, "a/b", "..", "."]
# Raw query strings, sent as they are: malformed encoding and odd separators.
RAW_QUERIES = [
    "%",
    "%ZZ",
    "%C0%AF",
    "%FF%FE",
    "%00=1",
    "=",
    "==",
    "&&&",
    ";",
    "a[b]=1",
    "page[size]=1",
    "__proto__=x",
    "&".join(f"f{n}=1" for n in range(1100)),  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
]
UNKNOWN_PARAMETERS = ["equipments", "foo", "PAGE", "page_size ", "format", "callback"]
ODD_METHODS = ["HEAD", "OPTIONS", "TRACE", "PATCH", "PUT", "DELETE", "POST", "PROPFIND"]
BODIES = [
    ("application/json", "{}"),
    ("application/json", "{not json"),
    ("application/x-www-form-urlencoded", "name=x"),
    ("text/plain", "\x00" * 64),
]
ACCEPTS = [
    "text/html",
    "application/xml",
    "*/*",
    "application/json",
    "application/problem+json",
    "text/*",
    "application/json;q=0",
    "garbage",
    "/",
    ";;;",
    "application/json; version=99",
    "x" * 4000,
]

tried = {}


def check(client, violations, method, url, *, html_ok=False, **extra):
    """Send one hostile request and record whether the answer breaks the contract."""
    tried[url.split("?", 1)[0]] = tried.get(url.split("?", 1)[0], 0) + 1
    response = client.generic(method, url, **extra)
    content_type = response.headers.get("Content-Type", "")
    if html_ok and 200 <= response.status_code < 300 and "html" in content_type:
        return
    problem = problem_violation(response, method=method)
    if problem:
        violations.append(f"{method} {url[:120]!r} {extra or ''}: {problem}")


def values_for(schema):
    """Hostile values plus the parameter's own enum members, alone and combined."""
    enum = [str(value) for value in schema.get("enum") or []]
    enum += [str(value) for value in schema.get("items", {}).get("enum") or []]
    combos = [",".join(enum[:3]), ",".join([*enum[:1], "nope"])] if enum else []
    return [*HOSTILE_VALUES, *enum[:2], *combos]


def hostile_matrix(url, parameters, violations, *, html_ok=False):
    """Query parameters, repeats, unknown names, raw queries, methods and Accepts.

    ``url(query)`` builds the request URL: the path, any required parameters and
    ``query``, a dict of parameters to set (URL-encoded by ``url``).
    """
    client = Client()
    base = url({})
    joiner = "&" if "?" in base else "?"
    for name, schema in parameters.items():
        for value in values_for(schema):
            check(client, violations, "GET", url({name: value}), html_ok=html_ok)
        enum = [str(value) for value in schema.get("enum") or []]
        enum += [str(value) for value in schema.get("items", {}).get("enum") or []]
        first, second = [*enum, "1", "2"][:2]
        for repeat in (second, first):
            repeated = f"{url({name: first})}&{quote(name)}={quote(repeat, safe='')}"
            check(client, violations, "GET", repeated, html_ok=html_ok)
    for name in UNKNOWN_PARAMETERS:
        check(client, violations, "GET", url({name: "none"}), html_ok=html_ok)
    for raw in RAW_QUERIES:
        check(client, violations, "GET", f"{base}{joiner}{raw}", html_ok=html_ok)
    for method in ODD_METHODS:
        for content_type, body in BODIES:
            check(
                client,
                violations,
                method,
                base,
                data=body,
                content_type=content_type,
                html_ok=html_ok,
            )
    for accept in ACCEPTS:
        check(client, violations, "GET", base, HTTP_ACCEPT=accept, html_ok=html_ok)
        check(client, violations, "HEAD", base, HTTP_ACCEPT=accept, html_ok=html_ok)


def operation_params():
    return [
        pytest.param(operation, id=operation.path) for operation in api_operations()
    ]


@pytest.mark.parametrize("operation", operation_params())
def test_operation_answers_hostile_input_with_problem_details(seeded, operation):
    client = Client()
    violations = []
    real = sample_path_values(client, operation)
    parameters = {"page": {}, "page_size": {}, **operation.query_parameters}
    hostile_matrix(lambda query: operation.url(query, **real), parameters, violations)
    for name in operation.path_parameters:
        for segment in HOSTILE_SEGMENTS:
            url = operation.url(**{**real, name: quote(segment, safe="")})
            check(client, violations, "GET", url)
            check(client, violations, "HEAD", url)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("route", unparametrised_api_routes())
def test_api_route_outside_the_schema_answers_hostile_input(seeded, route):
    def url(query):
        encoded = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query.items())
        return f"{route}?{encoded}" if encoded else route

    violations = []
    parameters = {"format": {}, "lang": {}}
    # Swagger UI and ReDoc are HTML pages by design; their errors still may not be.
    hostile_matrix(url, parameters, violations, html_ok=True)
    assert violations == [], "\n".join(violations)


def test_hostile_matrix_covered_every_route(request):
    """Runs last in this module: how many inputs the matrix sent, and where."""
    selected = {item.name for item in request.session.items}
    expected = {
        f"test_operation_answers_hostile_input_with_problem_details[{operation.path}]"
        for operation in api_operations()
    }
    if not expected <= selected:
        pytest.skip("only part of the hostile-input matrix was selected")
    total = sum(tried.values())
    print(f"hostile-input matrix: {total} requests over {len(tried)} paths")
    assert len(api_operations()) >= 1
    assert total >= 200 * len(api_operations())


@pytest.mark.parametrize("value", [",", "none,", ",none", "bench,,dumbbell", " , "])
def test_a_list_with_an_empty_item_is_a_400_not_an_unfiltered_list(seeded, value):
    response = Client().get(f"/api/exercises?equipment={quote(value)}")
    assert response.status_code == 400
    assert "empty item" in response.json()["errors"]["equipment"][0]


@pytest.mark.parametrize("operation", operation_params())
def test_an_empty_parameter_is_a_400_naming_it_never_an_unfiltered_answer(
    seeded, operation
):
    """?equipment= (or any parameter with nothing in it) is not "no filter"."""
    client = Client()
    path = operation.url(**sample_path_values(client, operation)).split("?", 1)[0]
    for name in operation.query_parameters:
        for empty in ("", "%20"):
            others = [
                f"{quote(key)}={quote(value, safe='')}"
                for key, value in operation.required_query.items()
                if key != name
            ]
            response = client.get(f"{path}?{'&'.join([*others, f'{name}={empty}'])}")
            assert response.status_code == 400, (name, response.content)
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["errors"] == {
                name: [f"Must not be empty; leave {name!r} out to not use it."]
            }


def test_the_repeated_parameter_check_reaches_every_endpoint_with_parameters():
    with_parameters = {
        operation.path for operation in api_operations() if operation.query_parameters
    }
    assert {
        "/api/exercises",
        "/api/muscles",
        "/api/equipment",
        "/api/guidelines",
        "/api/routines",
        "/api/routines/suggest",
        "/api/oembed",
    } <= {path.rstrip("/") for path in with_parameters}


@pytest.mark.parametrize("operation", operation_params())
def test_a_parameter_given_twice_is_a_400_unless_it_takes_several_values(
    seeded, operation
):
    """The same answer everywhere: a single-valued parameter given twice is a 400
    naming it; a multi-valued one (an array in the schema) may repeat, and given
    twice means what given once means."""
    client = Client()
    real = sample_path_values(client, operation)
    path = operation.url(**real).split("?", 1)[0]
    for name, schema in operation.query_parameters.items():
        others = {
            key: value for key, value in operation.required_query.items() if key != name
        }
        value = operation.required_query.get(name, "1")
        if schema.get("type") == "array":
            value = operation.required_query.get(name) or _array_sample(schema, name)

        def get(*pairs, others=others):
            query = "&".join(
                f"{quote(key)}={quote(item, safe='')}"
                for key, item in [*others.items(), *pairs]
            )
            return client.get(f"{path}?{query}")

        response = get((name, value), (name, value))
        if schema.get("type") == "array":
            once = get((name, value))
            assert response.status_code == 200, (name, response.content)
            assert response.content == once.content, name
            continue
        assert response.status_code == 400, (name, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"] == {
            name: [f"Given more than once; {name!r} takes one value."]
        }, name


# Seeded slugs for the array parameters whose values are content, not an enum.
ARRAY_SAMPLES = {
    "muscle": "glutes",
    "group": "none",
    "equipment": "none",
    "available": "none",
}


def _array_sample(schema, name):
    """A value an array parameter accepts: its first choice, or a seeded slug."""
    choices = schema.get("items", {}).get("enum")
    return choices[0] if choices else ARRAY_SAMPLES[name]


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/exercises/glute-bridges",
        "/api/exercises/glute-bridges/diagram.svg",
        "/api/routines/desk-break",
    ],
)
def test_an_endpoint_reading_no_parameter_refuses_one_given_once_or_twice(seeded, path):
    client = Client()
    for query in ("x=1", "x=1&x=1"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "x": ["Unknown query parameter 'x'. Valid parameters: lang."]
        }


def test_the_embed_card_ignores_parameters_not_its_own_given_once_or_twice(
    seeded,
):
    # Framed on other sites, whose links may carry their own parameters; the card
    # reads only layout (tests/exercises/test_embed.py), and a repeated one is a 400.
    client = Client()
    card = client.get("/embed/exercises/glute-bridges")
    for query in ("x=1", "x=1&x=2"):
        response = client.get(f"/embed/exercises/glute-bridges?{query}")
        assert response.status_code == 200
        assert response.content == card.content
