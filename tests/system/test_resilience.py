"""Resilience against real servers: slow clients, hung or refused Redis, hung PostgreSQL.

Each bound asserted here is a promise of README "Reliability".
"""

import pytest

from tests.servers import gunicorn, server_env
from tests.system.faults import SlowClients, probe

pytestmark = pytest.mark.slow

# README "Reliability": other clients are answered within a second while 50 slow
# connections dribble a request.
SLOW_CONNECTIONS = 50
ANSWER_SECONDS = 1.0


@pytest.mark.parametrize("kind", ["headers", "body"])
def test_slow_clients_never_delay_other_clients(database_url, kind):
    env = server_env(database_url, GUNICORN_ACCESS_LOG="")
    with (
        gunicorn(env, workers=1) as server,
        SlowClients(server.port, count=SLOW_CONNECTIONS, kind=kind, interval=1.0),
    ):
        answers = probe(server, ["/healthz", "/api/exercises"], seconds=6)

    failed = [
        (path, status, round(seconds, 2))
        for path, status, seconds in answers
        if status != 200 or seconds >= ANSWER_SECONDS
    ]
    assert not failed, f"{len(failed)} of {len(answers)} probes failed: {failed[:4]}"
    assert len(answers) >= 10
