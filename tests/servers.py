"""Start real server processes (gunicorn) and throwaway PostgreSQL clusters for tests.

The one server-start helper: the benchmark starts its servers here too (bench/ may use
the tests' tools; nothing imports bench), so it needs no Django settings to import.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port():
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    """One HTTP answer, and the seconds the exchange took."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float


def server_env(database_url, *, settings="tests.settings", **extra):
    """The environment of a production-like server process (debug off) on loopback.

    ``settings`` names the settings module; with the test settings the server also
    serves the probe views (tests/probe_urls.py). ``extra`` adds or overrides variables.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "HIPEXT_TEST_"))
        and key != "PYTEST_CURRENT_TEST"
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="server-test-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        # Plain HTTP on loopback: no redirect to HTTPS.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    if settings == "tests.settings":
        env["HIPEXT_TEST_URLCONF"] = "tests.probe_urls"
    env.update(extra)
    return env


class Server:
    """A running gunicorn on a loopback port."""

    def __init__(self, process, port, log=None):
        self.process = process
        self.port = port
        self.base = f"http://{HOST}:{port}"
        self.log = log

    def output(self):
        """What the server has written to stdout and stderr so far (when quiet)."""
        # pread: the server shares the file's offset, so seeking would move its writes.
        size = os.fstat(self.log.fileno()).st_size
        return os.pread(self.log.fileno(), size, 0).decode(errors="replace")

    def get(self, path, headers=None, *, timeout=10):
        """GET one path, whatever the status (no redirect followed), timing it."""
        return self.request("GET", path, headers, timeout=timeout)

    def request(self, method, path, headers=None, *, timeout=10):
        """Any method (HEAD, BAN) on one path, whatever the status, timing it."""
        start = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return Answer(response.status, response.headers, body, time.monotonic() - start)

    def pids(self):
        """The master's process id and its workers'."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [master, *map(int, children)]


def manage(*args, env, timeout=60):
    """Run ``manage.py`` with ``args`` in a process of its own; the finished process."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def gunicorn(
    env,
    *,
    workers=1,
    startup_seconds=20,
    quiet=True,
    app=None,
    project_dir=PROJECT_DIR,
):
    """gunicorn.conf.py's gunicorn with ``env`` on a free loopback port; yields a Server.

    The server is ready once /healthz answers and every worker runs. ``quiet`` keeps
    its output in a file, shown if it fails to start; otherwise it goes to this
    process's terminal. ``app`` serves another WSGI application than the config's
    (same worker and settings); ``project_dir`` is the checkout to serve.
    """
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*command, app] if app else command,
            cwd=project_dir,
            env=env,
            stdout=log if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            start_new_session=True,
        )
        server = Server(process, port, log if quiet else None)
        try:
            _wait_until_ready(server, workers, log, startup_seconds)
            yield server
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # The whole session: the master and any worker it left behind.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_ready(server, workers, log, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if server.process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
        with contextlib.suppress(OSError):
            healthy = server.get("/healthz", timeout=2).status == 200
            if healthy and len(server.pids()) > workers:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /healthz in time")
        time.sleep(0.2)


def postgres_bindir():
    """The directory of PostgreSQL's server binaries (initdb, pg_ctl), or None."""
    for name in ("initdb", "pg_ctl"):
        found = shutil.which(name)
        if found:
            return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temporary directory: trust auth, loopback only."""

    def __init__(self, bindir):
        self.bindir = Path(bindir)
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="hipext-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        # PostgreSQL refuses to run as root: run its tools as the postgres OS user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, user="postgres")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args, timeout=60):
        subprocess.run(
            [*self.as_user, *args],
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def initdb(self):
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        )

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory} -c fsync=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self):
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            "stop",
        )

    def destroy(self):
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def issue_api_key(env, name):
    """A new API key in the database of ``env`` (a server's), made in a process of
    its own so that the key's row is committed where the server reads it."""
    done = manage(
        "shell",
        "-c",
        "from rest_framework_api_key.models import APIKey; "
        f"print(APIKey.objects.create_key(name={name!r})[1])",
        env=env,
    )
    if done.returncode:
        raise RuntimeError(f"could not issue an API key: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def varnishd_binary():
    """The path of Debian's varnishd (package varnish), or None."""
    found = shutil.which("varnishd") or "/usr/sbin/varnishd"
    return found if os.access(found, os.X_OK) else None


class Varnish(Server):
    """A running varnishd on a loopback port, with its own working directory."""

    def __init__(self, process, port, log, workdir):
        super().__init__(process, port, log)
        self.workdir = workdir

    def stats(self):
        """varnishstat's counters by name (``MAIN.cache_hit``: value)."""
        result = subprocess.run(
            ["varnishstat", "-n", str(self.workdir), "-1"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return {
            line.split()[0]: int(line.split()[1])
            for line in result.stdout.splitlines()
            if len(line.split()) > 1 and line.split()[1].isdigit()
        }


@contextlib.contextmanager
def varnish(vcl_path, backend_port, *, startup_seconds=30):
    """varnishd with the VCL at ``vcl_path``, its backend's port set to
    ``backend_port``, on a free loopback port, working in a temporary directory.

    Ready once the backend's health probe passes. Run with ``-j none``: as the
    invoking user (root on CI), so the temporary directory needs no other owner.
    """
    vcl = Path(vcl_path).read_text()
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', vcl, count=1)
    port, admin_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="hipext-varnish-") as directory:
        workdir = Path(directory) / "work"
        (Path(directory) / "hipext.vcl").write_text(vcl)
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(
                [
                    varnishd_binary(),
                    "-F",
                    "-j",
                    "none",
                    "-n",
                    str(workdir),
                    "-a",
                    f"{HOST}:{port}",
                    "-T",
                    f"{HOST}:{admin_port}",
                    "-f",
                    str(Path(directory) / "hipext.vcl"),
                    "-s",
                    "malloc,64m",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            edge = Varnish(process, port, log, workdir)
            try:
                _wait_until_healthy(edge, startup_seconds)
                yield edge
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def _wait_until_healthy(edge, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if edge.process.poll() is not None:
            raise RuntimeError(f"varnishd exited: {edge.output()[-2000:]}")
        listed = subprocess.run(
            ["varnishadm", "-n", str(edge.workdir), "backend.list"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if listed.returncode == 0 and " healthy " in f" {listed.stdout} ":
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"varnishd's backend is not healthy: {listed.stdout}")
        time.sleep(0.3)
