"""Contract fuzzing against a live gunicorn, with an API key.

The in-process fuzzing (test_contract_fuzzing.py) calls the WSGI application; this
runs schemathesis's examples, coverage and fuzzing phases, positive and negative
data and all of its checks, over HTTP against gunicorn.conf.py's gunicorn on a seeded
database, every request sending an API key (``X-Api-Key``), so the rate limiter, the
key check and the caching middleware answer as in production. At least
MIN_REQUESTS cases in all (1,459 at the default 45 examples per operation);
about 80 seconds on a loaded 2-core machine.
"""

import os
import shutil

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.servers import gunicorn, issue_api_key, server_env
from tests.system.test_contract_fuzzing import (
    CONFIG_OPTIONS,
    content_slugs,
    unmet_constraint,
    with_real_content,
)

MIN_REQUESTS = 1000
EXAMPLES_PER_OPERATION = int(os.environ.get("HIPEXT_LIVE_FUZZ_EXAMPLES", "45"))

CONFIG = schemathesis.Config.from_dict(
    {
        **CONFIG_OPTIONS,
        "generation": {
            **CONFIG_OPTIONS["generation"],
            "max-examples": EXAMPLES_PER_OPERATION,
        },
    }
)

schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)

sent = {}
answered = {}


@pytest.fixture(scope="module")
def fuzzed_server(sqlite_template, tmp_path_factory):
    """gunicorn on a copy of the seeded database, with a key and a limit the run
    cannot reach (the limiter still counts every request and adds its headers)."""
    path = tmp_path_factory.mktemp("live") / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    env = server_env(
        f"sqlite:///{path}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        API_RATE_KEY="1000000/minute",
    )
    key = issue_api_key(env, "contract fuzzing")
    with gunicorn(env) as server:
        server.api_key = key
        yield server


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_live_api_keeps_its_contract(case, fuzzed_server, seeded_content):
    with_real_content(case, content_slugs(), sent=sent)
    response = case.call(
        base_url=fuzzed_server.base, headers={"X-Api-Key": fuzzed_server.api_key}
    )
    sent[case.operation.label] = sent.get(case.operation.label, 0) + 1
    if response.status_code == 200:
        answered[case.operation.label] = answered.get(case.operation.label, 0) + 1
    # The key was accepted: the limiter counted this request against it.
    assert response.headers.get("ratelimit-limit") == ["1000000"], response.headers
    excluded = [positive_data_acceptance] if unmet_constraint(response) else []
    case.validate_response(
        response,
        excluded_checks=excluded,
        headers={"X-Api-Key": fuzzed_server.api_key},
    )


def test_live_fuzzing_sent_enough_requests_to_every_operation(request):
    """Runs last in this module: every operation was reached, in bulk."""
    operations = {
        result.ok().label
        for result in schema.get_all_operations()
        if result.ok() is not None
    }
    fuzzed = [
        item
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_live_api_keeps_its_contract"
    ]
    if len(fuzzed) < len(operations):
        pytest.skip("only part of the live contract fuzzing was selected")
    total = sum(sent.values())
    print(
        f"live contract fuzzing: {total} requests over {len(sent)} operations: {sent}"
    )
    print(f"of which answered 200: {answered}")
    assert set(sent) == operations
    assert set(answered) == operations
    assert total >= MIN_REQUESTS
