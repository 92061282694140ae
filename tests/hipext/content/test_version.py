"""Each process's copy of the content state: never behind a committed edit for long.

README "HTTP caching": an edit made by this process is seen by it at once; one made
elsewhere within ``API_CONTENT_VERSION_TIMEOUT`` (1 s), the copy being reread from the
database at most that often, and never on the way of a request otherwise.
"""

import threading
import time
import uuid

import pytest
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from hipext.content import version
from hipext.content.documents import documents_store
from hipext.models import ALL_FIELDS, ContentVersion, DocumentChange
from tests.conftest import require_redis

pytestmark = pytest.mark.django_db


def change_elsewhere(kind="exercise", object_id=1, changed_fields=ALL_FIELDS):
    """What another server's edit leaves: a log entry and a bump, nothing told here."""
    ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=Now())
    return DocumentChange.objects.create(
        kind=kind,
        object_id=object_id,
        slug=f"{kind}-{object_id}",
        action="update",
        changed_fields=changed_fields,
    ).seq


def test_a_change_made_here_is_seen_at_once():
    before = version.content_version()

    version.content_changed()

    assert version.content_version()[0] == before[0] + 1


def test_a_change_made_elsewhere_is_seen_within_the_interval(settings):
    settings.API_CONTENT_VERSION_TIMEOUT = 1
    before = version.content_state().number
    seq = change_elsewhere()

    assert version.content_state().number == before, "kept, and not reread"
    time.sleep(1.05)
    state = version.content_state()
    assert state.number == before + 1
    assert state.documents[("exercise", 1)] == seq


def queries_of(function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_copy_costs_no_query_until_something_changes(settings):
    settings.API_CONTENT_VERSION_TIMEOUT = 0  # reread on every use
    version.content_state()

    assert queries_of(version.content_state) == 1  # the version row, unchanged
    change_elsewhere()
    # The version row, then the new log entries.
    assert queries_of(version.content_state) == 2

    settings.API_CONTENT_VERSION_TIMEOUT = 60
    assert queries_of(version.content_state) == 0


def test_a_response_is_current_until_what_it_was_built_from_changes():
    state = version.content_state()
    validity = version.response_validity(
        state.mark(),
        (
            (("exercise", (1, 2)),),
            (("exercise", version.MEMBERSHIP), ("exercise", "name")),
        ),
    )

    change_elsewhere(object_id=3, changed_fields="summary,updated_at")
    state.refresh()
    assert state.is_current(validity), "another exercise, a field the list ignores"

    change_elsewhere(kind="routine", object_id=1, changed_fields=ALL_FIELDS)
    state.refresh()
    assert state.is_current(validity), "another kind"

    change_elsewhere(object_id=2, changed_fields="tips")
    state.refresh()
    assert not state.is_current(validity), "a document it shows"


@pytest.mark.parametrize(
    ("object_id", "changed_fields"),
    [(3, "name"), (9, ALL_FIELDS)],
    ids=["a field its order reads", "a document came or went"],
)
def test_a_list_is_out_of_date_when_its_members_or_order_may_change(
    object_id, changed_fields
):
    state = version.content_state()
    validity = version.response_validity(
        state.mark(),
        (
            (("exercise", (1, 2)),),
            (("exercise", version.MEMBERSHIP), ("exercise", "name")),
        ),
    )

    change_elsewhere(object_id=object_id, changed_fields=changed_fields)
    state.refresh()

    assert not state.is_current(validity)


def test_a_response_without_dependencies_lasts_as_long_as_the_version():
    state = version.content_state()
    validity = version.response_validity(state.mark())

    ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
    state.refresh()

    assert not state.is_current(validity)


def test_a_response_older_than_the_copy_is_not_trusted():
    state = version.content_state()
    validity = version.response_validity((state.start_seq - 1, state.number), ((), ()))

    assert not state.is_current(validity)


def test_the_database_going_back_starts_the_copy_over():
    state = version.content_state()
    change_elsewhere(object_id=5)
    state.refresh()
    assert ("exercise", 5) in state.documents

    ContentVersion.objects.filter(pk=1).update(number=1)
    state.refresh()

    assert state.number == 1
    assert state.documents == {}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time; its shared test database refuses others",
)
@pytest.mark.django_db(transaction=True)
def test_log_entries_are_numbered_in_the_order_their_transactions_commit():
    """A transaction that logs first but commits last is never skipped by a reader.

    The first writer logs a document and holds its transaction open; the second starts
    logging meanwhile. Each bumps the version before logging, so the second waits for
    the first's commit and takes a later number: a reader that has seen the second's
    entry has seen the first's.
    """
    first_logged, first_may_commit = threading.Event(), threading.Event()
    errors = []

    def write(object_id, before_commit=None):
        try:
            with transaction.atomic():
                documents_store(
                    "exercise",
                    [object_id],
                    {object_id: ("x", {"en": b'{"slug": "x"}'}, None)},
                )
                if before_commit:
                    before_commit()
        except Exception as error:  # reported below, from the main thread
            errors.append(error)
        finally:
            connections.close_all()

    def hold():
        first_logged.set()
        first_may_commit.wait(5)

    first = threading.Thread(target=write, args=(10**9 + 1, hold))
    second = threading.Thread(target=write, args=(10**9 + 2,))
    first.start()
    try:
        assert first_logged.wait(5), errors
        second.start()
        second.join(0.5)
        # Had it logged and committed meanwhile, a reader would now see its entry
        # without the first's, and never read the first's (a lower number) afterwards.
        assert second.is_alive(), "the second writer committed while the first was open"
        assert not DocumentChange.objects.filter(object_id__gt=10**9).exists()
    finally:
        first_may_commit.set()
        first.join(10)
        if second.ident is not None:
            second.join(10)
    assert not errors

    seqs = dict(
        DocumentChange.objects.filter(object_id__gt=10**9).values_list(
            "object_id", "seq"
        )
    )
    assert seqs[10**9 + 1] < seqs[10**9 + 2]


@pytest.fixture(params=["memory", "redis"])
def hint_cache(request, settings):
    """Each kind of cache the hint may live in: process memory, or Redis."""
    if request.param == "redis":
        require_redis()
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                # Apart from the numbers other tests flush (3, 4).
                "LOCATION": "redis://127.0.0.1:6379/7",
                "KEY_PREFIX": f"hipext-head-test-{uuid.uuid4().hex}",
            }
        }
    yield caches["default"]
    caches["default"].delete(version.HEAD_KEY)


def test_the_hint_only_moves_forward(hint_cache):
    version.content_head_publish(7)
    version.content_head_publish(5)  # a process publishing late
    assert hint_cache.get(version.HEAD_KEY) == 7

    version.content_head_publish(12)
    assert hint_cache.get(version.HEAD_KEY) == 12


def test_a_reread_that_finds_a_change_publishes_the_hint(hint_cache):
    state = version.content_state()
    ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)

    state.refresh()

    assert hint_cache.get(version.HEAD_KEY) == state.number
