"""The schema says what generated clients need: keys, every answer, names, required."""

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

from exercises.dose import DOSE_FIELDS
from hipext.http.apikeys import api_key_from_request

ERRORS = ("400", "401", "405", "406", "429", "503")


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema):
    return [(path, item["get"]) for path, item in schema["paths"].items()]


def test_api_key_is_optional_on_every_operation_in_either_header(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schema["security"] == [{}, {"ApiKeyAuth": []}, {"ApiKeyHeader": []}]
    # Inherited: an operation's own list, even [{}], makes generators demand an
    # authenticated client.
    assert not [
        path for path, operation in operations(schema) if "security" in operation
    ]
    # The headers the schemes name are those the server reads.
    factory = RequestFactory()
    for name, value in [("ApiKeyAuth", "Api-Key abc.def"), ("ApiKeyHeader", "abc.def")]:
        scheme = schemes[name]
        assert (scheme["type"], scheme["in"]) == ("apiKey", "header")
        request = factory.get("/api/exercises", headers={scheme["name"]: value})
        assert api_key_from_request(request) == "abc.def", name


def test_every_operation_documents_every_answer_a_client_can_get(schema):
    for path, operation in operations(schema):
        responses = operation["responses"]
        assert {"200", "304", *ERRORS} <= set(responses), path
        for code in ERRORS:
            content = responses[code]["content"]
            assert content == {
                "application/problem+json": content["application/problem+json"]
            }, (path, code)
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }
        assert {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining"} <= set(
            responses["429"]["headers"]
        ), path
        assert "Retry-After" in responses["503"]["headers"], path
        assert "ETag" in responses["200"]["headers"], path
        assert "content" not in responses["304"], path
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["Accept-Language", "If-None-Match"], path
        assert "Content-Language" in responses["200"]["headers"], path


def test_the_diagram_is_svg_and_oembed_documents_its_501(schema):
    diagram = schema["paths"]["/api/exercises/{slug}/diagram.svg"]["get"]
    assert list(diagram["responses"]["200"]["content"]) == ["image/svg+xml"]
    assert "404" in diagram["responses"]
    oembed = schema["paths"]["/api/oembed"]["get"]["responses"]
    assert "application/problem+json" in oembed["501"]["content"]


def test_every_operation_has_its_own_summary_and_a_description(schema):
    summaries = [operation.get("summary") for _, operation in operations(schema)]
    assert all(summaries), summaries
    assert len(set(summaries)) == len(summaries), summaries
    for path, operation in operations(schema):
        assert operation.get("description"), path
    assert schema["paths"]["/api/equipment"]["get"]["summary"] == "List equipment"


def test_response_members_always_sent_are_required(schema):
    components = schema["components"]["schemas"]
    assert components["Dose"]["required"] == list(DOSE_FIELDS)
    for name, component in components.items():
        if "properties" in component and name != "Problem":
            assert set(component["required"]) == set(component["properties"]), name
    # A problem has errors only on a 400, and says so.
    assert set(components["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }


def test_component_names_do_not_collide(schema):
    names = list(schema["components"]["schemas"])
    folded = [name.lower() for name in names]
    assert len(set(folded)) == len(folded)
    # Inline schemas (parameters, enums) never take a component's name.
    assert not [name for name in names if name[-1].isdigit()]


def test_hip_role_is_null_rather_than_blank(schema, api_client, seeded_content):
    hip_role = schema["components"]["schemas"]["Muscle"]["properties"]["hip_role"]
    assert hip_role["nullable"] is True
    roles = [
        muscle["hip_role"]
        for muscle in api_client.get("/api/muscles?page_size=100").json()["results"]
    ]
    assert None in roles
    assert "" not in roles
    assert {"extensor"} <= set(roles)


def test_info_and_servers_come_from_settings(schema):
    spectacular = settings.SPECTACULAR_SETTINGS
    assert schema["info"]["license"] == spectacular["LICENSE"]
    assert schema["info"]["contact"] == spectacular["CONTACT"]
    assert schema["info"]["license"]["name"]
    assert schema["servers"] == spectacular["SERVERS"] == [{"url": "/"}]


def test_parameters_refer_to_the_enum_components_they_repeat(schema):
    """An inline enum with a component's values would take a suffixed name in
    generators (datamodel-code-generator made DifficultyEnum1, PositionEnum1)."""
    components = schema["components"]["schemas"]
    component_enums = {
        frozenset(component["enum"])
        for component in components.values()
        if "enum" in component
    }
    inline = []
    for path, operation in operations(schema):
        for parameter in operation["parameters"]:
            value = parameter["schema"]
            value = value.get("items", value)
            if frozenset(value.get("enum", ())) in component_enums:
                inline.append((path, parameter["name"]))
    assert not inline
    difficulty = {
        p["name"]: p for p in schema["paths"]["/api/exercises"]["get"]["parameters"]
    }["difficulty"]
    assert difficulty["schema"]["items"] == {
        "$ref": "#/components/schemas/DifficultyEnum"
    }
