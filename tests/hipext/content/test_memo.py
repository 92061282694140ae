"""Values derived from content are kept per process for one content version only."""

import pytest
from django.db import transaction
from django.utils import translation

from exercises.models import Equipment
from hipext.content import memo
from hipext.content.version import content_changed, content_state_forget

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def test_a_value_is_computed_once_per_content_version():
    compute = Counter()
    assert memo.content_memo("key", compute) == 1
    assert memo.content_memo("key", compute) == 1
    assert compute.calls == 1


def test_a_new_copy_of_the_content_state_computes_again():
    # A restored database may come back with a number seen before.
    compute = Counter()
    memo.content_memo("key", compute)
    content_state_forget()
    assert memo.content_memo("key", compute) == 2


def test_each_language_has_its_own_value():
    compute = Counter()
    memo.content_memo("key", compute)
    with translation.override("es"):
        assert memo.content_memo("key", compute) == 2
        assert memo.content_memo("key", compute) == 2
    assert memo.content_memo("key", compute) == 1


def test_a_transaction_that_changed_content_keeps_nothing():
    compute = Counter()
    with transaction.atomic():
        Equipment.objects.create(name="Sled", slug="sled")
        # Its version number may be rolled back and reused for other content.
        assert memo.content_memo("key", compute) == 1
        assert memo.content_memo("key", compute) == 2
    assert compute.calls == 2


def test_a_content_change_computes_again(django_capture_on_commit_callbacks):
    compute = Counter()
    memo.content_memo("key", compute)
    connection_callbacks = transaction.get_connection().run_on_commit
    with django_capture_on_commit_callbacks(execute=True):
        content_changed()
    # As after its commit: the change is this process's to see.
    connection_callbacks.clear()
    assert memo.content_memo("key", compute) == 2


def test_the_values_of_one_version_are_bounded(monkeypatch):
    monkeypatch.setattr(memo, "MAX_VALUES", 3)
    for key in range(5):
        memo.content_memo(key, lambda key=key: key)
    compute = Counter()
    # The oldest went first.
    assert memo.content_memo(0, compute) == 1
    assert memo.content_memo(4, compute) == 4


def test_the_valid_slugs_are_read_once(
    api_client, seeded_content, django_assert_num_queries
):
    # seeded_content is committed before the test: nothing here is uncommitted.
    assert api_client.get("/api/exercises?equipment=none").status_code == 200
    # Another filter's count and its page: the valid slugs are kept.
    with django_assert_num_queries(2):
        response = api_client.get("/api/exercises?equipment=none,bench")
    assert response.status_code == 200
