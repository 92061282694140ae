"""Every command the README shows runs as written, in a fresh copy, after `make run`.

The commands are read from the README's code blocks: every line of a ``sh`` block,
every ``$ `` line of a ``console`` or plain block (with its ``\\`` continuations), and
every ``python`` block as a script. They run in order in a copy of the project (its
own SQLite file, its own ``.env``, the test run's virtualenv) with a user's
environment: no ``DJANGO_*`` or ``DATABASE_*`` variables. A server command (``make
run``) is started on a free port, probed until ``/api`` answers, and left running for
the commands after it (which name ``127.0.0.1:8000``, rewritten to that port), then
stopped. Only the commands listed in ``NOT_RUN`` are left out, each with its reason.
"""

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import skip_unless
from tests.servers import PROJECT_DIR, free_port

pytestmark = pytest.mark.slow

README = PROJECT_DIR / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHELL_BLOCKS = {"sh", "bash", "shell"}
PROMPT_BLOCKS = {"console", ""}
README_PORT = "127.0.0.1:8000"
README_POSTGRES = "postgres://postgres@127.0.0.1:5432/hipext"
SERVER = re.compile(r"\bmake (run|serve)\b")
# Left out, with why: the suite and CI themselves, and benchmarks (minutes of load).
NOT_RUN = {
    r"\bmake test\b": "runs the test suite this test belongs to",
    r"^bash \.ci/run\b": "is CI: lint, checks and the whole suite twice",
    r"^make (bench|soak)\b": "a benchmark or soak: minutes of load (bench/README.md)",
}
ANSWERS = [
    (b"Username", b"readme-admin\n"),
    (b"Email address", b"admin@example.org\n"),
    (b"Password:", b"a-long-readme-test-password-42\n"),
    (b"Password (again)", b"a-long-readme-test-password-42\n"),
]


@dataclass(frozen=True)
class Command:
    """One command of the README: shell text, or a Python script."""

    text: str
    language: str
    line: int


def readme_commands(text):
    """The commands of ``text``'s code blocks, in order."""
    for match in BLOCK.finditer(text):
        language, body = match.groups()
        line = text.count("\n", 0, match.start(2)) + 1
        if language == "python":
            yield Command(body, "python", line)
            continue
        if language not in SHELL_BLOCKS | PROMPT_BLOCKS:
            continue
        lines = body.splitlines()
        index = 0
        while index < len(lines):
            first = lines[index]
            start = index
            index += 1
            if language in PROMPT_BLOCKS:
                if not first.startswith("$ "):
                    continue
                first = first[2:]
            elif not first.strip() or first.lstrip().startswith("#"):
                continue
            parts = [first]
            while parts[-1].endswith("\\") and index < len(lines):
                parts.append(lines[index])
                index += 1
            yield Command("\n".join(parts), "sh", line + start)


def user_environment(copy):
    """A user's shell environment: none of the test run's settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "HIPEXT_", "API_", "REDIS_"))
        and key not in {"PYTEST_CURRENT_TEST", "PORT", "HOST", "VIRTUAL_ENV"}
    }
    env["PYTHONUNBUFFERED"] = "1"
    return env


def project_copy(target):
    """The project's files (as a clone has them) in ``target``, with a virtualenv."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = PROJECT_DIR / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # The test run's virtualenv, entry by entry, with install stamps of its own: make
    # finds everything installed and never runs pip (nor touches the real stamps).
    venv = target / ".venv"
    venv.mkdir()
    for entry in Path(sys.prefix).iterdir():
        if not entry.name.startswith(".installed"):
            (venv / entry.name).symlink_to(entry)
    (venv / ".installed").touch()
    (venv / ".installed-dev").touch()


class RunningServer:
    """A README server command, started on a free port."""

    def __init__(self, command, cwd, env, log):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env={**env, "PORT": str(self.port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_answering(self, seconds=240):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/api", timeout=5
                ) as response:
                    return response.status == 200
            except OSError:
                time.sleep(0.5)
        return False

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def run_in_terminal(command, cwd, env, timeout=120):
    """Run ``command`` on a pseudo-terminal, answering its prompts; status, output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its own
        os.chdir(cwd)
        os.execve("/bin/bash", ["bash", "-c", command], env)
    output, pending = b"", list(ANSWERS)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the command has exited and closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if pending and pending[0][0] in output.rsplit(b"\n", 1)[-1]:
            os.write(fd, pending.pop(0)[1])
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def postgres_reachable():
    try:
        psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2
        ).close()
    except psycopg.Error:
        return False
    return True


def postgres_drop(name):
    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_readme_commands_are_found():
    commands = [command.text for command in readme_commands(README.read_text())]
    for expected in (
        "make run",
        ".venv/bin/python manage.py createsuperuser",
        "import_content backup/",
        "/api/oembed?url=",
        "import urllib.request",  # the Python example, whole
    ):
        assert any(expected in text for text in commands), expected
    assert len(commands) >= 20


def test_every_readme_command_runs_as_written(tmp_path):
    for tool in ("make", "curl", "jq"):
        skip_unless(shutil.which(tool), f"{tool} is not installed")
    copy = tmp_path / "hipext"
    project_copy(copy)
    env = user_environment(copy)
    fresh_database = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    postgres_name = f"hipext_readme_{uuid.uuid4().hex[:8]}"
    server, logs, failures, ran, skipped = None, [], [], [], []
    text = README.read_text()
    try:
        block_env = env
        for command in readme_commands(text):
            reason = next(
                (
                    why
                    for pattern, why in NOT_RUN.items()
                    if re.search(pattern, command.text)
                ),
                None,
            )
            if reason:
                skipped.append((command.text, reason))
                continue
            shown = command.text
            run = shown
            command_env = env
            if README_POSTGRES in run:
                if not postgres_reachable():
                    # Only these commands: the rest still run (CI has PostgreSQL).
                    if os.environ.get("HIPEXT_REQUIRE_SERVICES"):
                        pytest.fail("PostgreSQL at 127.0.0.1:5432 is not running")
                    skipped.append((shown, "no PostgreSQL at 127.0.0.1:5432"))
                    continue
                # A database of its own, which does not exist yet: make run creates it.
                run = run.replace(
                    f"{README_POSTGRES} ",
                    f"postgres://postgres@127.0.0.1:5432/{postgres_name} ",
                )
            if "new, empty database" in run:
                # The export/import example: from here on, "elsewhere".
                block_env = {**env, "DATABASE_URL": fresh_database}
            if "import_content" in run or "new, empty database" in run:
                command_env = block_env
            if SERVER.search(run):
                if server:
                    server.stop()
                log = open(tmp_path / f"server-{len(logs)}.log", "wb")  # noqa: SIM115
                logs.append(log)
                server = RunningServer(run, copy, command_env, log)
                if not server.wait_until_answering():
                    failures.append((shown, Path(log.name).read_text()[-3000:]))
                    break
                ran.append(shown)
                continue
            if server:
                run = run.replace(README_PORT, f"127.0.0.1:{server.port}")
            if command.language == "python":
                # From standard input: nothing is left in the copy for later
                # commands (make lint) to find, and the copy's directory is on the
                # path, as in a Python prompt opened there.
                result = subprocess.run(
                    [".venv/bin/python", "-"],
                    input=run,
                    cwd=copy,
                    env=command_env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                status, output = result.returncode, result.stdout + result.stderr
            elif "createsuperuser" in run:
                status, output = run_in_terminal(run, copy, command_env)
                if "Superuser created successfully." not in output:
                    status = status or 1
            else:
                result = subprocess.run(
                    ["bash", "-o", "pipefail", "-c", run],
                    cwd=copy,
                    env=command_env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                status, output = result.returncode, result.stdout + result.stderr
            if status != 0 or "Traceback" in output:
                failures.append((shown, f"exit {status}\n{output[-3000:]}"))
            ran.append(shown)
    finally:
        if server:
            server.stop()
        server_output = "".join(Path(log.name).read_text() for log in logs)
        for log in logs:
            log.close()
        if postgres_reachable():
            postgres_drop(postgres_name)

    print(f"README commands: {len(ran)} run, {len(skipped)} left out:")
    for text_, why in skipped:
        print(f"  {text_!r}: {why}")
    assert not failures, "\n\n".join(f"$ {cmd}\n{why}" for cmd, why in failures)
    # The servers answered every request the commands sent without a server error.
    assert not re.search(r'" 5\d\d ', server_output), server_output[-3000:]
    assert "Traceback" not in server_output, server_output[-3000:]
    assert len(ran) >= 15
