"""Who may do what: every role × every route × every method.

The public API is read-only for everyone, logged in or not, with or without an API
key; the admin admits staff only, and an API key opens no admin page.
"""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import serializers
from django.test import Client
from django.urls import reverse

from tests.system.surface import (
    admin_routes,
    api_operations,
    problem_violation,
    public_page_routes,
    sample_path_values,
)

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
WRITE_METHODS = set(METHODS) - READ_METHODS

API_KEYS_INSTALLED = apps.is_installed("rest_framework_api_key")
ROLES = [
    "anonymous",
    pytest.param(
        "api_key",
        marks=pytest.mark.skipif(
            not API_KEYS_INSTALLED,
            reason="API keys need rest_framework_api_key in INSTALLED_APPS",
        ),
    ),
    "user",
    "staff",
]


@pytest.fixture
def client_as(seeded, django_user_model):
    """A test client acting as the given role.

    CSRF checks stay off (Django's test default, as if every form carried a valid
    token) so a write meets the permission checks rather than stopping at CSRF.
    """

    def make(role):
        client = Client()
        if role == "api_key":
            from rest_framework_api_key.models import APIKey

            _, key = APIKey.objects.create_key(name="authorization matrix")
            client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
            custom_header = getattr(settings, "API_KEY_CUSTOM_HEADER", None)
            if custom_header:
                client.defaults[custom_header] = key
        elif role == "user":
            user = django_user_model.objects.create_user("reader", password="x")
            client.force_login(user)
        elif role == "staff":
            # An editor: staff with every permission, but not a superuser.
            user = django_user_model.objects.create_user(
                "editor", password="x", is_staff=True
            )
            user.user_permissions.set(Permission.objects.all())
            client.force_login(user)
        return client

    return make


def content_snapshot():
    """Every row of every model the admin edits, serialized, to detect any write."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.all())
        for model in admin.site._registry
        if model._meta.label != "auth.User"  # logins update last_login
    }


def send(client, method, path, **extra):
    body = json.dumps({"name": "written"}) if method in WRITE_METHODS else None
    return client.generic(
        method, path, data=body or "", content_type="application/json", **extra
    )


def api_urls(client):
    urls = []
    for operation in api_operations():
        urls.append(operation.url(**sample_path_values(client, operation)))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_public_api_reads_for_everyone_and_accepts_no_write(client_as, role):
    client = client_as(role)
    before = content_snapshot()
    violations, cells = [], 0
    for url in api_urls(client):
        for method in METHODS:
            cells += 1
            response = send(client, method, url)
            if method in READ_METHODS:
                if response.status_code != 200:
                    violations.append(f"{method} {url}: {response.status_code}")
                continue
            if response.status_code != 405:
                violations.append(f"{method} {url}: {response.status_code}, not 405")
            elif method in response.headers.get("Allow", ""):
                violations.append(f"{method} {url}: Allow lists {method}")
            problem = problem_violation(response, method=method)
            if problem:
                violations.append(f"{method} {url}: {problem}")
    assert cells >= len(METHODS) * 4, "the API has fewer routes than expected"
    assert violations == []
    assert content_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_admin_admits_only_staff(client_as, role):
    client = client_as(role)
    login = reverse("admin:login")
    before = content_snapshot()
    violations, cells = [], 0
    for url in admin_routes():
        for method in METHODS:
            cells += 1
            response = send(client, method, url)
            status = response.status_code
            location = response.headers.get("Location", "")
            refused = status == 403 or (status == 302 and location.startswith(login))
            if role != "staff":
                ok = refused
            elif method in READ_METHODS:
                ok = status == 200
            else:
                # A staff write without form data changes nothing; it is not refused
                # for want of a login, and it does not crash.
                ok = status < 500 and not (status == 302 and location.startswith(login))
            if not ok:
                violations.append(f"{method} {url}: {role} got {status} {location}")
    assert cells >= len(METHODS) * 10, "the admin has fewer pages than expected"
    assert violations == []
    # Staff writes here carry no form data, so nothing may change for anyone.
    assert content_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_outside_the_api_accept_no_write(client_as, role):
    client = client_as(role)
    before = content_snapshot()
    violations, cells = [], 0
    for url in public_page_routes(client):
        for method in METHODS:
            cells += 1
            status = send(client, method, url).status_code
            if method in ("GET", "HEAD") and status != 200:
                violations.append(f"{method} {url}: {status}")
            elif method in WRITE_METHODS and status != 405:
                violations.append(f"{method} {url}: {status}, not 405")
    assert cells >= len(METHODS), "no public page outside the API was found"
    assert violations == []
    assert content_snapshot() == before
