"""What the benchmark and the soak share: catalogues, a gunicorn server, wrk, memory.

Everything runs on loopback: PostgreSQL and Redis where the project's development
setup has them, gunicorn on a free local port (started by tests/servers.py, the one
server-start helper) with bench.settings, wrk against it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.servers import PROJECT_DIR, gunicorn, server_env

# The bare ceiling's WSGI application (bench/bare.py).
BARE_APP = "bench.bare:application"

# Databases are named hipext_bench_<count> and kept between runs (a build is skipped
# when the database already holds that catalogue).
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Its own Redis database: emptied before each server starts.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
# High enough that no benchmark or soak request is ever throttled (the limiter still
# runs and counts every request, as in production).
RATE = "100000000/minute"


def database_url(count):
    return f"{POSTGRES}/hipext_bench_{count}"


def ensure_catalogue(count):
    """Create hipext_bench_<count> if missing and build the catalogue in it; seconds."""
    import psycopg

    name = f"hipext_bench_{count}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    print(f"catalogue of {count} exercises in {name}", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "bench.catalogue", "--exercises", str(count)],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": database_url(count)},
        check=True,
    )
    seconds = time.monotonic() - started
    print(f"  ready in {seconds:.0f} s", flush=True)
    return round(seconds, 1)


def redis_flush():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def serving(
    count,
    *,
    response_cache=True,
    workers=2,
    extra_env=None,
    app=None,
    project_dir=PROJECT_DIR,
):
    """gunicorn (``workers`` one-thread workers, no debug) on hipext_bench_<count>.

    ``app`` serves another WSGI application on the same configuration (the bare
    ceiling, bench/bare.py); ``project_dir`` serves another checkout (the code a
    change started from, for a before/after table from one run).
    """
    env = server_env(
        database_url(count),
        settings="bench.settings",
        REDIS_URL=REDIS_URL,
        API_RATE_ANON=RATE,
        API_RESPONSE_CACHE_TIMEOUT="3600" if response_cache else "0",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        DJANGO_LOG_LEVEL="WARNING",
        # One request at a time per worker, as the sync workers that bench/RESULTS.md
        # was first measured with: the p50 reading in bench/README.md relies on it.
        GUNICORN_THREADS="1",
        **(extra_env or {}),
    )
    # Each server starts with an empty cache: no version or response of another
    # catalogue, no rate-limit counts.
    redis_flush()
    with gunicorn(
        env,
        workers=workers,
        startup_seconds=30,
        quiet=False,
        app=app,
        project_dir=project_dir,
    ) as server:
        yield server


def get_ok(server, path):
    """The headers and body of a GET that must answer 200."""
    answer = server.get(path, timeout=30)
    if answer.status != 200:
        raise SystemExit(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
    return answer.headers, answer.body


def rss_kib(server):
    """Resident memory of the master and each worker, in KiB (the master first)."""
    sizes = {}
    for pid in server.pids():
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[pid] = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    return sizes


# --- wrk -----------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk_check():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")


def wrk(
    url, *, seconds, connections, threads=1, headers=(), script=None, timeout="10s"
):
    """Run wrk; requests/s, p50/p99 (ms), request and error counts, its own summary."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", f"--timeout={timeout}"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx_3xx": 0,
        "socket_errors": 0,
        "output": output,
    }
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["non_2xx_3xx"] = int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["socket_errors"] = sum(map(int, found.groups()))
    if found := re.search(r"^STATUS (.*)$", output, re.M):
        result["statuses"] = json.loads(found.group(1))
    return result


def machine():
    """The machine and versions, for RESULTS.md."""

    def run(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout
        except OSError:
            return ""

    cpu = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, gunicorn, psycopg, redis, sys;"
            "print(sys.version.split()[0], django.__version__, gunicorn.__version__,"
            " psycopg.__version__, redis.__version__)",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    postgres = run("psql", POSTGRES + "/postgres", "-Atc", "SHOW server_version")
    redis_server = re.search(r"v=(\S+)", run("redis-server", "--version"))
    return {
        "nproc": run("nproc").strip(),
        "cpu": cpu.group(1) if cpu else "?",
        "memory": run("free", "-h").splitlines()[1].split()[1],
        "kernel": run("uname", "-r").strip(),
        "python": versions[0] if versions else "?",
        "django": versions[1] if len(versions) > 1 else "?",
        "gunicorn": versions[2] if len(versions) > 2 else "?",
        "psycopg": versions[3] if len(versions) > 3 else "?",
        "redis-py": versions[4] if len(versions) > 4 else "?",
        "postgresql": postgres.strip() or "?",
        "redis": redis_server.group(1) if redis_server else "?",
        "wrk": run("wrk", "--version").split("[")[0].strip() or "?",
    }


def print_machine(info, file=sys.stdout):
    for key, value in info.items():
        print(f"  {key}: {value}", file=file)
