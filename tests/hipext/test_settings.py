"""Settings come from the environment, with SQLite as the embedded default."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'name': str(d['NAME']), "
    "'host': d.get('HOST'), 'port': d.get('PORT'), 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS}))"
)


def load_settings(**env):
    """The project's settings as a fresh process sees them under ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "hipext.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_sqlite_file_in_the_project_is_the_default():
    result = load_settings(DJANGO_DEBUG="1")
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(settings.BASE_DIR / "db.sqlite3")
    assert loaded["debug"] is True


def test_database_url_selects_postgresql_through_psycopg():
    result = load_settings(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://someone@db.example:6543/content"
    )
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert (loaded["name"], loaded["host"], loaded["port"]) == (
        "content",
        "db.example",
        6543,
    )


def test_debug_is_off_by_default_and_then_a_secret_key_is_required():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_allowed_hosts_come_from_the_environment():
    result = load_settings(
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="api.example.org, cdn.example.org",
    )
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["api.example.org", "cdn.example.org"]


def load_setting(name, **env):
    """One setting, as a fresh process sees it under ``env`` (debug on)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "API_"))
    }
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps(getattr(settings, {name!r}), default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "hipext.settings", "DJANGO_DEBUG": "1"}
        | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_content_version_copy_expires_within_the_readme_s_bound():
    """README: an edit is visible on every server within 1 s, whatever Redis missed."""
    assert load_setting("API_CONTENT_VERSION_TIMEOUT") == 1


POSTGRES_URL = "postgres://someone@db.example:5432/content"


def test_postgresql_connections_bound_a_dead_host_and_a_stuck_statement():
    """README "Production": TCP timeouts, keepalives and a statement timeout."""
    options = load_setting("DATABASES", DATABASE_URL=POSTGRES_URL)["default"]["OPTIONS"]

    assert options == {
        "connect_timeout": 2,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": 2000,
        "options": "-c statement_timeout=5000",
    }


def test_postgresql_timeouts_come_from_the_environment():
    options = load_setting(
        "DATABASES",
        DATABASE_URL=POSTGRES_URL + "?options=-c%20search_path%3Dcontent",
        DATABASE_STATEMENT_TIMEOUT="1.5",
        DATABASE_TCP_USER_TIMEOUT="4",
        DATABASE_KEEPALIVES_IDLE="30",
        DATABASE_KEEPALIVES_INTERVAL="5",
        DATABASE_KEEPALIVES_COUNT="2",
    )["default"]["OPTIONS"]

    assert options["options"] == "-c search_path=content -c statement_timeout=1500"
    assert options["tcp_user_timeout"] == 4000
    assert (
        options["keepalives_idle"],
        options["keepalives_interval"],
        options["keepalives_count"],
    ) == (30, 5, 2)


def test_a_statement_timeout_of_0_sets_none():
    options = load_setting(
        "DATABASES", DATABASE_URL=POSTGRES_URL, DATABASE_STATEMENT_TIMEOUT="0"
    )["default"]["OPTIONS"]

    assert "options" not in options


def manage_py(*args, **env):
    """``manage.py args`` as a user runs it: no test settings, ``env`` on top."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "HIPEXT_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_settings_read_the_development_env_file_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=from-the-file\nDJANGO_ALLOWED_HOSTS=a.test\n"
    )

    result = load_settings(HIPEXT_ENV_FILE=str(env_file), DJANGO_ALLOWED_HOSTS="b.test")

    loaded = json.loads(result.stdout)
    assert loaded["debug"] is True
    assert loaded["hosts"] == ["b.test"]


def test_the_production_server_never_reads_the_env_file():
    """gunicorn.conf.py runs before the application loads its settings."""
    probe = (
        "import os, runpy; runpy.run_path('gunicorn.conf.py'); "
        "print(repr(os.environ['HIPEXT_ENV_FILE']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=os.environ | {"HIPEXT_ENV_FILE": ".env"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "''"


def test_a_missing_secret_key_is_one_line_not_a_traceback(tmp_path):
    result = manage_py("check", HIPEXT_ENV_FILE=str(tmp_path / "no-such-file"))

    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "Configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
        "(for development, `make run` writes a .env with DJANGO_DEBUG=1 and a key)."
    ]


def test_an_unreachable_database_is_one_line_naming_the_fix(tmp_path):
    result = manage_py(
        "migrate",
        HIPEXT_ENV_FILE="",
        DJANGO_DEBUG="1",
        # Nothing listens on port 9 of loopback: refused at once.
        DATABASE_URL="postgres://postgres@127.0.0.1:9/hipext_none",
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith("AXES:")
    ]
    assert line.startswith("Database unavailable: connection failed")
    assert "create_database" in line
