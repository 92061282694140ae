"""The serving worker: requests reach a thread only once they have fully arrived."""

import hashlib
import json
import socket
import time

import pytest

from hipext.http import worker
from hipext.http.worker import (
    BODY_TOO_LARGE,
    HEADERS_TOO_LARGE,
    INCOMPLETE,
    READY,
    Arrival,
)
from tests.servers import HOST, gunicorn, manage, server_env

GET = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def post_head(length, *extra):
    lines = [b"POST /test-echo HTTP/1.1", b"Host: 127.0.0.1", *extra]
    if length is not None:
        lines.append(b"Content-Length: %d" % length)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def state(*pieces):
    arrival = Arrival()
    for piece in pieces:
        arrival.data += piece
        result = arrival.state()
    return result


class TestArrival:
    def test_a_request_without_a_body_is_ready_at_the_empty_line(self):
        assert state(GET[:-2]) == INCOMPLETE
        assert state(GET[:-2], GET[-2:]) == READY

    def test_a_body_of_known_length_must_arrive_in_full(self):
        assert state(post_head(5), b"abcd") == INCOMPLETE
        assert state(post_head(5), b"abcd", b"e") == READY

    def test_a_chunked_body_is_ready_after_its_last_chunk_and_trailers(self):
        head = post_head(None, b"Transfer-Encoding: chunked")
        assert state(head, b"3;ext=1\r\nabc\r\n") == INCOMPLETE
        assert state(head, b"3\r\nabc\r\n0\r\n") == INCOMPLETE
        assert state(head, b"3\r\nabc\r\n", b"0\r\n\r\n") == READY
        assert state(head, b"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n") == INCOMPLETE
        assert state(head, b"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n") == READY

    def test_malformed_framing_goes_to_the_parser_at_once(self):
        assert state(post_head(None, b"Content-Length: x")) == READY
        chunked = post_head(None, b"Transfer-Encoding: chunked")
        assert state(chunked, b"zz\r\n") == READY

    def test_oversized_requests_are_refused(self):
        assert state(b"GET /" + b"a" * worker.MAX_HEADER_BYTES) == HEADERS_TOO_LARGE
        assert state(post_head(worker.MAX_BODY_BYTES + 1)) == BODY_TOO_LARGE
        chunked = post_head(None, b"Transfer-Encoding: chunked")
        chunk = b"%x\r\n" % (1024 * 1024) + b"a" * (1024 * 1024) + b"\r\n"
        assert state(chunked, chunk * 5) == BODY_TOO_LARGE

    def test_only_an_http_1_1_request_awaiting_its_body_expects_continue(self):
        arrival = Arrival(post_head(5, b"Expect: 100-continue"))
        assert arrival.state() == INCOMPLETE
        assert arrival.expects_continue()
        old = Arrival(post_head(5, b"Expect: 100-continue").replace(b"1.1", b"1.0"))
        assert old.state() == INCOMPLETE
        assert not old.expects_continue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One worker with one thread; requests must arrive within a second."""
    database = tmp_path_factory.mktemp("worker") / "db.sqlite3"
    env = server_env(
        f"sqlite:///{database}",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_THREADS="1",
        GUNICORN_REQUEST_TIMEOUT="1",
    )
    with gunicorn(env) as running:
        yield running


def read_response(reader):
    """(status, body) of the next final response on a connection; 1xx are skipped."""
    while True:
        status = int(reader.readline().split()[1])
        headers = {}
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        if status >= 200:
            return status, reader.read(int(headers.get("content-length", 0)))


def exchange(server, *pieces, pause=0.0, responses=1):
    """Send ``pieces`` (pausing between them), then read ``responses`` answers."""
    with socket.create_connection((HOST, server.port), timeout=5) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(pause)
        with sock.makefile("rb") as reader:
            return [read_response(reader) for _ in range(responses)]


@pytest.mark.slow
class TestServing:
    def test_a_body_sent_slowly_and_a_chunked_one_arrive_intact(self, server):
        body = bytes(range(256)) * 40
        digest = hashlib.sha256(body).hexdigest()
        pieces = [post_head(len(body)), body[:100], body[100:5000], body[5000:]]
        [(status, answer)] = exchange(server, *pieces, pause=0.1)
        assert status == 200
        assert json.loads(answer) == {"length": len(body), "sha256": digest}

    def test_a_chunked_body_is_read_to_its_end_and_no_further(self, server):
        # Django reads no chunked body (no Content-Length), so what shows that the
        # framing held is the request pipelined behind it being answered.
        chunked = post_head(None, b"Transfer-Encoding: chunked")
        chunks = b"3\r\nabc\r\n10\r\n" + b"a" * 16 + b"\r\n0\r\n\r\n"
        answers = exchange(server, chunked, chunks[:7], chunks[7:] + GET, responses=2)
        assert [status for status, _ in answers] == [200, 200]

    def test_kept_alive_and_pipelined_requests_are_all_answered(self, server):
        answers = exchange(server, GET + GET, GET[:10], GET[10:], responses=3)
        assert [status for status, _ in answers] == [200, 200, 200]

    def test_a_client_expecting_100_continue_is_told_to_go_on(self, server):
        with socket.create_connection((HOST, server.port), timeout=5) as sock:
            sock.sendall(post_head(3, b"Expect: 100-continue", b"Connection: close"))
            assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
            sock.sendall(b"abc")
            with sock.makefile("rb") as reader:
                # One 100 Continue only: gunicorn does not repeat it after the body.
                assert reader.readline().startswith(b"HTTP/1.1 200 ")
                assert b'"length": 3' in reader.read()

    def test_oversized_requests_get_413_and_431(self, server):
        [(status, _)] = exchange(server, post_head(worker.MAX_BODY_BYTES + 1))
        assert status == 413
        huge = b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * (70 * 1024)
        [(status, _)] = exchange(server, huge)
        assert status == 431

    def test_a_request_that_never_finishes_is_dropped_after_the_timeout(self, server):
        with socket.create_connection((HOST, server.port), timeout=5) as sock:
            sock.sendall(GET[:20])
            started = time.monotonic()
            assert server.get("/healthz").status == 200
            assert sock.recv(100) == b""
            assert time.monotonic() - started < 3


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Two workers of one thread each, serving the probe views."""
    database = tmp_path_factory.mktemp("workers") / "db.sqlite3"
    env = server_env(
        f"sqlite:///{database}", GUNICORN_ACCESS_LOG="", GUNICORN_THREADS="1"
    )
    result = manage("migrate", "--no-input", "--verbosity", "0", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with gunicorn(env, workers=2) as running:
        yield running


class Client:
    """One kept-alive connection to the server."""

    def __init__(self, server):
        self.sock = socket.create_connection((HOST, server.port), timeout=5)
        self.reader = self.sock.makefile("rb")

    def send_ping(self, sleep=0):
        self.sock.sendall(
            b"GET /api/test-ping?sleep=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            % str(sleep).encode()
        )

    def pid(self):
        """The pid of the worker that answered the ping sent last."""
        status, body = read_response(self.reader)
        assert status == 200
        return json.loads(body)["pid"]

    def ping(self, sleep=0):
        self.send_ping(sleep)
        return self.pid()

    def close(self):
        self.reader.close()
        self.sock.close()


@pytest.mark.slow
def test_a_worker_with_no_free_thread_leaves_new_connections_to_the_other(
    two_workers,
):
    """gthread would accept them too and queue them behind its busy thread, for as
    long as the connections live; here the idle worker takes every one."""
    busy = Client(two_workers)
    clients = []
    try:
        busy_pid = busy.ping()
        busy.send_ping(sleep=0.5)
        time.sleep(0.15)  # its one thread is asleep now
        clients = [Client(two_workers) for _ in range(4)]
        pids = [client.ping() for client in clients]
        assert busy.pid() == busy_pid
        # Kept alive, each connection stays with the worker that took it.
        pids += [client.ping() for client in clients]
    finally:
        for client in [busy, *clients]:
            client.close()
    assert busy_pid not in pids
    assert len(set(pids)) == 1
