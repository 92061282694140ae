"""The cached copy of the content version: never behind a committed edit for long.

README "HTTP caching": an edit is visible on every server on the next request after it
commits, and within ``API_CONTENT_VERSION_TIMEOUT`` (1 s) even when the cache missed
the update.
"""

import contextlib
import random
import threading
import time

import pytest
from django.core.cache import cache, caches
from django.db import OperationalError, connections, transaction

from hipext.content import version
from tests.conftest import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    """The default cache on a Redis database of its own, emptied around the test."""
    require_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Apart from the numbers other tests flush (3, 4), should they run alongside.
            "LOCATION": "redis://127.0.0.1:6379/7",
            "KEY_PREFIX": "hipext-version-test",
        }
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture(params=["memory", "redis"])
def version_cache(request):
    """Each kind of cache the copy may live in: process memory, or Redis."""
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return cache


def test_refill_read_before_a_commit_cannot_hide_it(
    version_cache, monkeypatch, django_capture_on_commit_callbacks
):
    """A reader reads the version, an edit commits, then the reader stores its read."""
    read_row = version.content_version_row

    def read_then_let_an_edit_commit(*args, **kwargs):
        row = read_row(*args, **kwargs)
        monkeypatch.setattr(version, "content_version_row", read_row)
        with django_capture_on_commit_callbacks(execute=True):
            version.content_changed()
        return row

    version.content_version()
    version_cache.delete(version.VERSION_KEY)  # the copy expired: the reader refills
    monkeypatch.setattr(version, "content_version_row", read_then_let_an_edit_commit)

    before_the_edit = version.content_version()

    assert read_row()[0] == before_the_edit[0] + 1
    assert version.content_version() == read_row()


def retried(function):
    """``function()``, again while SQLite says a concurrent statement locks the table."""
    for _ in range(1000):
        try:
            return function()
        except OperationalError:
            time.sleep(0.001)
    return function()


def test_a_copy_left_behind_expires_within_the_timeout(
    version_cache, settings, monkeypatch
):
    """The bound when the store after a commit fails: the copy is reread in time."""
    settings.API_CONTENT_VERSION_TIMEOUT = 1
    old = version.content_version_row()
    version.content_changed()
    version_cache.delete(version.VERSION_KEY)
    monkeypatch.setattr(version, "content_version_row", lambda: old)
    assert version.content_version() == old
    monkeypatch.undo()

    assert version.content_version() == old, "kept, and not reread"
    time.sleep(1.05)
    assert version.content_version()[0] == old[0] + 1


@pytest.mark.django_db(transaction=True)
def test_edits_under_concurrent_readers_are_visible_at_once(
    redis_cache, settings, monkeypatch
):
    """Readers refill the copy while edits commit back to back; none stays behind."""
    settings.API_CONTENT_VERSION_TIMEOUT = 30  # so that expiry is not what rescues it
    read_row = version.content_version_row
    rounds = 20

    def slow_read(*args, **kwargs):
        row = read_row(*args, **kwargs)
        time.sleep(random.uniform(0, 0.01))  # a reader's gap between database and cache
        return row

    monkeypatch.setattr(version, "content_version_row", slow_read)
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                # SQLite refuses reads of the row while an edit holds it.
                with contextlib.suppress(OperationalError):
                    version.content_version()
        finally:
            connections.close_all()

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()

    def edit():
        with transaction.atomic():
            version.content_changed()

    behind = []
    try:
        for _ in range(rounds):
            for _ in range(2):
                retried(edit)
            time.sleep(0.05)  # every reader's store has landed
            cached = retried(version.content_version)[0]
            committed = retried(read_row)[0]
            if cached != committed:
                behind.append(committed - cached)
    finally:
        stop.set()
        for thread in readers:
            thread.join()

    assert behind == [], f"{len(behind)} of {rounds} edits invisible after 50 ms"
