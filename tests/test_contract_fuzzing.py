"""Contract fuzzing: schemathesis drives every operation of the served OpenAPI schema.

The schema is fetched from /api/schema through the WSGI application, in-process, and
every operation gets schemathesis's examples, coverage and fuzzing phases with
positive and negative data and all of its checks. The database holds the seeded
content, so valid slugs and filter values hit real rows.

schemathesis.pytest.from_fixture() (a lazily loaded schema) fails on pytest 9.2 with
"'Function' object has no attribute '_nodeid'" (schemathesis 4.32.5 still sets the
private node id pytest 9.2 replaced), so the schema is loaded at import time and
parametrized eagerly, which works.
"""

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, settings

from hipext.wsgi import application

# schemathesis's in-process WSGI client sends "Host: localhost".
FUZZ_HOSTS = ["localhost", "testserver"]
# The least the run must send: the issue asks for 1,000 generated requests in all.
MIN_REQUESTS = 1000
EXAMPLES_PER_OPERATION = 120

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260601,
        "generation": {
            "mode": "all",  # positive and negative data
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "checks": {
            "enabled": True,
            # Generous: a bound on the worst case, not a benchmark (CI is shared).
            "max_response_time": 5.0,
        },
        # Stateful links need write operations; a read-only API has none.
        "phases": {"stateful": {"enabled": False}},
    }
)

with override_settings(ALLOWED_HOSTS=FUZZ_HOSTS):
    schema = schemathesis.openapi.from_wsgi("/api/schema", application, config=CONFIG)

sent = {}


@pytest.fixture(autouse=True)
def _fuzzing_environment(seeded, settings):
    settings.ALLOWED_HOSTS = FUZZ_HOSTS


@schema.parametrize()
# The seeded database is a per-operation fixture; generated cases only read it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_api_keeps_its_contract(case):
    response = case.call()
    sent[case.operation.label] = sent.get(case.operation.label, 0) + 1
    case.validate_response(response)


def test_fuzzing_sent_enough_requests_to_every_operation(request):
    """Runs last in this module: the fuzzing above reached every operation, in bulk."""
    operations = {
        result.ok().label
        for result in schema.get_all_operations()
        if result.ok() is not None
    }
    selected = {item.name for item in request.session.items}
    if not any(name.startswith("test_api_keeps_its_contract") for name in selected):
        pytest.skip("the contract fuzzing was not selected")
    if set(sent) != operations and len(selected) < len(request.session.items):
        pytest.skip("only part of the contract fuzzing was selected")
    total = sum(sent.values())
    print(f"contract fuzzing: {total} requests over {len(sent)} operations: {sent}")
    assert set(sent) == operations
    assert total >= MIN_REQUESTS
