"""Admin logins lock out after repeated failures (django-axes), and nothing else does."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, username, password, ip="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def fail_until_locked(client, settings, username="editor", ip="203.0.113.7"):
    answers = [
        log_in(client, username, "wrong", ip).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_a_correct_login_reaches_the_admin(client, editor):
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_repeated_failures_lock_out_even_the_right_password(client, editor, settings):
    fail_until_locked(client, settings)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_lockout_is_per_username_and_address(client, editor, settings):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    fail_until_locked(client, settings)
    assert log_in(client, "other", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "editor", PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "editor", "wrong").status_code == 200


@pytest.mark.parametrize("name", ["exercise-list", "healthz", "readyz"])
def test_lockout_does_not_touch_the_public_endpoints(client, editor, settings, name):
    fail_until_locked(client, settings)
    assert client.get(reverse(name), REMOTE_ADDR="203.0.113.7").status_code == 200


def test_force_login_still_opens_the_admin(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


# --- Across the other dimension: many usernames from one address, one from many ------


@pytest.fixture
def limits(settings):
    """One username from one address 5 times, an address 20, a username 10."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.ADMIN_LOCKOUT_ADDRESS_LIMIT = 20
    settings.ADMIN_LOCKOUT_USERNAME_LIMIT = 10
    return settings


def test_one_address_trying_many_usernames_is_locked_out(client, editor, limits):
    statuses = [log_in(client, f"guess{n}", "wrong").status_code for n in range(40)]

    assert statuses == [200] * 19 + [429] * 21
    assert log_in(client, "editor", PASSWORD).status_code == 429
    assert log_in(client, "editor", PASSWORD, ip="198.51.100.9").status_code == 302


def test_one_username_guessed_from_many_addresses_is_locked_out(client, editor, limits):
    statuses = [
        log_in(client, "editor", "wrong", ip=f"203.0.113.{address}").status_code
        for address in range(10)
        for _ in range(4)
    ]

    assert statuses == [200] * 9 + [429] * 31
    assert log_in(client, "editor", PASSWORD, ip="198.51.100.9").status_code == 429
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    assert log_in(client, "other", PASSWORD).status_code == 302


def test_an_ipv6_block_counts_as_one_address(client, editor, limits):
    statuses = [
        log_in(client, f"guess{n}", "wrong", ip=f"2001:db8:1:2::{n + 1:x}").status_code
        for n in range(20)
    ]

    assert statuses[-1] == 429
    assert log_in(client, "editor", PASSWORD, ip="2001:db8:1:2::ff").status_code == 429
    assert log_in(client, "editor", PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_behind_a_proxy_each_client_address_is_counted(client, editor, limits):
    """With API_RATE_PROXY_COUNT, the address the proxy saw, as for rate limits."""
    limits.API_RATE_PROXY_COUNT = 1

    def through_proxy(password, client_address):
        return client.post(
            LOGIN,
            {"username": "editor", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    failures = [through_proxy("wrong", "198.51.100.1").status_code for _ in range(5)]

    assert failures == [200] * 4 + [429]
    assert through_proxy(PASSWORD, "198.51.100.2").status_code == 302
