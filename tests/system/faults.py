"""Misbehaving peers: slow clients, a server that never answers, a Redis to pause.

Everything listens and connects on loopback only, and every loop is bounded in count
and time.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.servers import HOST, PROJECT_DIR, free_port, server_env


def manage(database_url, *args):
    """Run a management command against ``database_url`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=server_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        # Its output, which CalledProcessError would leave out of the report.
        raise RuntimeError(
            f"manage.py {' '.join(args)} exited {done.returncode}: "
            f"{(done.stdout + done.stderr)[-3000:]}"
        )


class SlowClients:
    """Connections that send a request a few bytes at a time, never finishing it.

    ``kind="headers"`` sends a request line, then one more header line every
    ``interval`` seconds; ``kind="body"`` sends complete headers of a form POST
    announcing a body, then one byte of it every ``interval`` seconds. One thread
    drives every socket, for ``seconds`` at most.
    """

    def __init__(self, port, *, count, kind, interval=1.0, seconds=60):
        self.port = port
        self.count = count
        self.kind = kind
        self.interval = interval
        self.seconds = seconds
        self.sockets = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._dribble, daemon=True)

    def _opening(self):
        host = f"Host: {HOST}:{self.port}\r\n"
        if self.kind == "headers":
            return f"GET /api/exercises HTTP/1.1\r\n{host}".encode()
        return (
            f"POST /admin/login/ HTTP/1.1\r\n{host}"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n\r\n"
        ).encode()

    def __enter__(self):
        for _ in range(self.count):
            sock = socket.create_connection((HOST, self.port), timeout=5)
            sock.sendall(self._opening())
            self.sockets.append(sock)
        self._thread.start()
        return self

    def _dribble(self):
        deadline = time.monotonic() + self.seconds
        step = 0
        while not self._stop.wait(self.interval) and time.monotonic() < deadline:
            step += 1
            piece = f"X-Slow-{step}: 1\r\n" if self.kind == "headers" else "a"
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(piece.encode())

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


class HungServer:
    """A TCP server that accepts connections and never answers (a hung Redis)."""

    def __init__(self):
        self.port = free_port()
        self._listener = socket.create_server((HOST, self.port), backlog=128)
        self._accepted = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self._listener.accept()
                self._accepted.append(connection)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._listener.close()
        for connection in self._accepted:
            connection.close()


def redis_server_binary():
    """The path of ``redis-server``, or None."""
    return shutil.which("redis-server")


class ThrowawayRedis:
    """A private redis-server on a free loopback port that a test may pause."""

    def __init__(self, *, maxmemory=None, policy="noeviction"):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="hipext-redis-"))
        args = [
            redis_server_binary(),
            "--port",
            str(self.port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        if maxmemory:
            args += ["--maxmemory", str(maxmemory), "--maxmemory-policy", policy]
        self.args = args
        self.process = None

    def url(self, db=0):
        return f"redis://{HOST}:{self.port}/{db}"

    def client(self, db=0):
        import redis

        return redis.Redis(host=HOST, port=self.port, db=db, socket_timeout=5)

    def __enter__(self):
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection((HOST, self.port), timeout=1),
            ):
                return self
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def pause(self):
        """SIGSTOP: connections stay open and are accepted, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def probe(server, paths, *, seconds, pause=0.2, timeout=5):
    """GET each of ``paths`` in turn for ``seconds``; every answer, slow ones timed.

    A probe that gets no answer within ``timeout`` counts as ``timeout`` seconds
    with status 0.
    """
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(answers) < 1000:
        for path in paths:
            started = time.monotonic()
            try:
                answer = server.get(path, timeout=timeout)
                answers.append((path, answer.status, answer.seconds))
            except OSError:
                answers.append((path, 0, time.monotonic() - started))
        time.sleep(pause)
    return answers
