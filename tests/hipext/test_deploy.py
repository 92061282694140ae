"""Production settings: Django's deployment checks pass and nothing leaks."""

import os
import secrets

import pytest

from tests.servers import manage


def production_env(**overrides):
    """The environment README "Production" documents, with a fresh random secret key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hipext.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="api.example.org",
        DJANGO_SECURE_HSTS_PRELOAD="1",
        DATABASE_URL="postgres://hipext@db.example.org:5432/hipext",
    )
    env.update(overrides)
    return env


def test_deploy_check_passes_with_the_production_environment():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "warning"),
    [
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"DJANGO_SECURE_COOKIES": "0"}, "security.W012"),
        ({"DJANGO_SECRET_KEY": "short"}, "security.W009"),
    ],
)
def test_deploy_check_fails_when_a_protection_is_turned_off(override, warning):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(**override)
    )
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def test_proxy_ssl_header_is_opt_in_from_the_environment():
    def proxy_header(env):
        show = (
            "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
        )
        return manage("shell", "-c", show, env=env).stdout.splitlines()[-1]

    assert proxy_header(production_env()) == "None"
    behind_proxy = production_env(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert proxy_header(behind_proxy) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_https_responses_carry_hsts(client):
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )


@pytest.mark.urls("tests.probe_urls")
def test_debug_is_off_so_errors_show_no_traceback(settings):
    from django.test import Client

    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get("/elsewhere/crash/bug")
    assert response.status_code == 500
    assert b"Traceback" not in response.content
    assert b"ZeroDivisionError" not in response.content


def test_production_urls_have_no_benchmark_route(client):
    # The ceiling view is routed only by bench/urls.py, for the benchmark's servers.
    assert client.get("/bench/ceiling?bytes=10").status_code == 404
