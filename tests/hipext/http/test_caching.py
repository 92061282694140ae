"""HTTP caching of API reads: validators, 304s, the response cache and invalidation."""

import shutil
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.forms import CheckboxInput
from django.urls import reverse
from django.utils.http import http_date

from exercises.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseStep,
    Guideline,
    Muscle,
)
from hipext.content import apps as content_apps
from hipext.content import sharedhead, version
from hipext.content.seeding import FIXTURES_DIR, content_seed
from hipext.models import ContentVersion
from tests.conftest import require_redis
from tests.factories import EquipmentFactory, full_exercise
from tests.hipext.http import standin_urls as stand_in

pytestmark = [pytest.mark.urls("tests.hipext.http.standin_urls"), pytest.mark.django_db]

URL = "/api/exercises"

# hipext.http.cdn.cache_control() with the default settings.
DEFAULT_CACHE_CONTROL = (
    "public, max-age=60, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"
)


@pytest.fixture
def exercise(db):
    exercise = full_exercise(name="Glute bridge", slug="glute-bridge")
    Guideline.objects.create(
        slug="warm-up", title="Warm up", text="Warm up first.", position=1, source="x"
    )
    return exercise


def admin_form_data(response):
    """What the admin change form on ``response`` submits when saved unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(item, "pk", item)) for item in value]
            elif value is not None:
                data[key] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def admin_change(admin_client, obj, **changes):
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
    )
    data = admin_form_data(admin_client.get(url))
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def get(client, url=URL, **headers):
    return client.get(url, headers=headers)


def bridge(response):
    """The test exercise's entry in a stand-in list response."""
    return next(item for item in response.json() if item["slug"] == "glute-bridge")


# --- Validators and conditional requests ---------------------------------------------


def test_api_get_carries_etag_last_modified_and_public_max_age(client, exercise):
    response = get(client)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(
        ContentVersion.objects.get().changed_at.timestamp()
    )
    assert response["Cache-Control"] == DEFAULT_CACHE_CONTROL


def test_max_age_comes_from_the_setting(client, exercise, settings):
    settings.API_CACHE_MAX_AGE = 300

    assert get(client)["Cache-Control"].startswith("public, max-age=300, ")


def test_matching_if_none_match_gives_304_without_body(client, exercise):
    etag = get(client)["ETag"]

    response = get(client, **{"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == DEFAULT_CACHE_CONTROL
    assert "Last-Modified" in response


def test_weak_or_listed_etag_also_matches(client, exercise):
    etag = get(client)["ETag"]

    assert get(client, **{"If-None-Match": f'"other", W/{etag}'}).status_code == 304


def test_other_etag_gives_the_full_response(client, exercise):
    response = get(client, **{"If-None-Match": '"something-else"'})

    assert response.status_code == 200
    assert bridge(response)["slug"] == "glute-bridge"


def test_etag_differs_by_query_and_accept(client, exercise):
    plain = get(client)["ETag"]

    assert get(client, URL + "?page=2")["ETag"] != plain
    assert get(client, Accept="application/json; indent=2")["ETag"] != plain
    assert get(client)["ETag"] == plain


def test_if_modified_since_gives_304_when_nothing_changed_since(client, exercise):
    last_modified = get(client)["Last-Modified"]

    response = get(client, **{"If-Modified-Since": last_modified})

    assert response.status_code == 304
    assert response.content == b""


def test_if_modified_since_before_the_last_change_gives_the_full_response(
    client, exercise
):
    changed_at = ContentVersion.objects.get().changed_at
    earlier = http_date((changed_at - timedelta(seconds=5)).timestamp())

    response = get(client, **{"If-Modified-Since": earlier})

    assert response.status_code == 200
    assert response.json()


def test_if_none_match_takes_precedence_over_if_modified_since(client, exercise):
    last_modified = get(client)["Last-Modified"]

    response = get(
        client, **{"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    )

    assert response.status_code == 200


def test_head_is_get_without_body(client, exercise):
    full = get(client)
    head = client.head(URL)

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == full["ETag"]
    assert head["Content-Type"] == full["Content-Type"]
    assert head["Content-Length"] == str(len(full.content))


def test_head_first_then_get_serves_the_stored_body(client, exercise):
    client.head(URL)
    calls = stand_in.calls["exercises"]

    response = get(client)

    assert stand_in.calls["exercises"] == calls
    assert bridge(response)["slug"] == "glute-bridge"


def test_conditional_head_gives_304(client, exercise):
    etag = get(client)["ETag"]

    assert client.head(URL, headers={"If-None-Match": etag}).status_code == 304


def test_errors_carry_no_validators_and_ignore_if_modified_since(client, db):
    future = http_date((datetime.now(UTC) + timedelta(days=1)).timestamp())

    response = get(client, "/api/missing", **{"If-Modified-Since": future})

    assert response.status_code == 404
    assert "ETag" not in response
    assert "Cache-Control" not in response


def test_writes_and_other_paths_are_left_alone(client, exercise):
    assert "ETag" not in client.post(URL)
    assert "ETag" not in client.get("/admin/login/")


# --- The server-side response cache ----------------------------------------------------


def test_cache_hit_serves_the_same_body_without_running_the_view(client, exercise):
    first = get(client)
    calls = stand_in.calls["exercises"]

    second = get(client)

    assert stand_in.calls["exercises"] == calls
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_cache_hit_needs_no_database_query(client, exercise, django_assert_num_queries):
    get(client)

    with django_assert_num_queries(0):
        assert get(client).status_code == 200


def test_304_needs_no_database_query(client, exercise, django_assert_num_queries):
    etag = get(client)["ETag"]

    with django_assert_num_queries(0):
        assert get(client, **{"If-None-Match": etag}).status_code == 304


def test_stale_if_none_match_is_answered_from_the_cache(client, exercise):
    first = get(client)
    calls = stand_in.calls["exercises"]

    response = get(client, **{"If-None-Match": '"from-an-older-version"'})

    assert response.status_code == 200
    assert response.content == first.content
    assert stand_in.calls["exercises"] == calls


def test_content_change_invalidates_the_stored_response(client, exercise):
    get(client)
    calls = stand_in.calls["exercises"]
    exercise.name = "Glute bridge, renamed"
    exercise.save()

    response = get(client)

    assert stand_in.calls["exercises"] == calls + 1
    assert bridge(response)["name"] == "Glute bridge, renamed"


def test_server_cache_can_be_turned_off(client, exercise, settings):
    settings.API_RESPONSE_CACHE_TIMEOUT = 0
    get(client)
    calls = stand_in.calls["exercises"]

    response = get(client)

    assert stand_in.calls["exercises"] == calls + 1
    assert "ETag" in response


def test_transient_failure_is_neither_stored_nor_cacheable(client, db):
    stand_in.calls["flaky"] = 0

    failed = get(client, "/api/flaky")
    recovered = get(client, "/api/flaky")

    assert failed.status_code == 503
    assert failed["Cache-Control"] == "no-store"
    assert "ETag" not in failed
    assert recovered.status_code == 200
    assert recovered.json() == {"ok": True}


# --- Invalidation on every kind of content change -------------------------------------


def assert_changes_etag(client, change, url=URL):
    before = get(client, url)
    change()
    after = get(client, url, **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200, "the old ETag must no longer match"
    assert after["ETag"] != before["ETag"]
    return before, after


def test_exercise_save_in_the_admin_changes_the_etag(admin_client, exercise):
    _, after = assert_changes_etag(
        admin_client,
        lambda: admin_change(admin_client, exercise, name_en="Bridge, edited"),
    )

    assert bridge(after)["name"] == "Bridge, edited"


def test_exercise_delete_in_the_admin_changes_the_etag(admin_client, exercise):
    url = reverse("admin:exercises_exercise_delete", args=[exercise.pk])

    _, after = assert_changes_etag(
        admin_client, lambda: admin_client.post(url, {"post": "yes"})
    )

    assert "glute-bridge" not in [item["slug"] for item in after.json()]


def test_step_reorder_in_the_admin_changes_the_etag(admin_client, exercise):
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    steps = list(exercise.steps.order_by("position").values_list("text", flat=True))

    def reorder():
        data = admin_form_data(admin_client.get(url))
        data["steps-0-position"], data["steps-1-position"] = "2", "1"
        assert admin_client.post(url, data).status_code == 302

    _, after = assert_changes_etag(admin_client, reorder)

    assert bridge(after)["steps"][:2] == [steps[1], steps[0]]


def test_muscle_rename_changes_the_etag(admin_client, exercise):
    muscle = Muscle.objects.filter(exercises=exercise).first()

    _, after = assert_changes_etag(
        admin_client,
        lambda: admin_change(admin_client, muscle, name_en="Renamed muscle"),
    )

    assert "Renamed muscle" in bridge(after)["muscles"]


def test_equipment_rename_changes_the_etag(admin_client, exercise):
    item = exercise.equipment_links.get().equipment

    _, after = assert_changes_etag(
        admin_client, lambda: admin_change(admin_client, item, name_en="Renamed gear")
    )

    assert bridge(after)["equipment"][0]["name"] == "Renamed gear"


def test_guideline_change_changes_the_etag(admin_client, exercise):
    guideline = Guideline.objects.get()

    _, after = assert_changes_etag(
        admin_client,
        lambda: admin_change(admin_client, guideline, title_en="Warm up well"),
        url="/api/guidelines",
    )

    assert after.json() == ["Warm up well"]


def test_alternatives_change_changes_the_etag(client, exercise):
    link = ExerciseEquipment.objects.get(exercise=exercise)
    extra = EquipmentFactory(name="Sofa")

    _, after = assert_changes_etag(client, lambda: link.alternatives.add(extra))

    assert "Sofa" in bridge(after)["equipment"][0]["alternatives"]
    assert_changes_etag(client, lambda: link.alternatives.remove(extra))
    assert_changes_etag(client, lambda: link.alternatives.clear())


def test_reorder_by_the_service_changes_the_etag(client, exercise):
    from hipext.content.ordering import ordered_children_save

    steps = list(exercise.steps.order_by("position"))

    def reverse_steps():
        for position, step in enumerate(reversed(steps), start=1):
            step.position = position
        ordered_children_save(queryset=exercise.steps.all(), instances=steps)

    _, after = assert_changes_etag(client, reverse_steps)

    assert bridge(after)["steps"] == [step.text for step in reversed(steps)]


def test_seed_that_changes_something_changes_the_etag(client, db, tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, fixtures)
    content_seed(directory=fixtures)
    path = fixtures / "exercises.yaml"
    path.write_text(path.read_text().replace("Glute bridges", "Glute bridges (new)"))

    _, after = assert_changes_etag(client, lambda: content_seed(directory=fixtures))

    assert "Glute bridges (new)" in [item["name"] for item in after.json()]


def test_seed_that_changes_nothing_keeps_the_etag(client, seeded):
    before = get(client)["ETag"]

    report = content_seed()

    assert not report.changed
    assert get(client)["ETag"] == before


def test_seed_command_bumps_the_version(db, tmp_path):
    from django.core.management import call_command

    before = version.content_version()

    call_command("seed", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115

    assert version.content_version()[0] > before[0]


def test_bulk_update_bumps_only_when_told(client, exercise):
    before = get(client)["ETag"]
    # A field the stand-in shows: an ETag is a hash of the bytes.
    Exercise.objects.filter(pk=exercise.pk).update(name="Changed in bulk")
    assert get(client)["ETag"] == before, "update() sends no signal"

    version.content_changed()

    after = get(client)
    assert after["ETag"] != before
    assert bridge(after)["name"] == "Changed in bulk"


def test_seed_records_are_not_content(db):
    from hipext.models import SeedRecord

    assert SeedRecord not in content_apps.content_models()
    assert {Exercise, ExerciseStep, Muscle, Equipment, Guideline} <= set(
        content_apps.content_models()
    )


# --- The content state across processes ----------------------------------------------


@pytest.fixture
def redis_cache(settings):
    require_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": "hipext-test",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def _edit_elsewhere(exercise, monkeypatch, name):
    """Save ``exercise`` as a process of another server would: this process's copy of
    the content state is not told, nor is this server's board (the cache's hint is)."""
    state = version.content_state()
    with monkeypatch.context() as patch:
        patch.setattr(version, "shared_head_publish", lambda number: None)
        exercise.name = name
        exercise.save()
    state.read_marks, state.read_at = state.marks, time.monotonic()


@pytest.mark.django_db(transaction=True)
def test_an_edit_elsewhere_is_seen_within_the_interval(
    client, redis_cache, settings, monkeypatch
):
    settings.API_CONTENT_VERSION_TIMEOUT = 1
    exercise = full_exercise(name="Glute bridge", slug="glute-bridge")
    before = get(client)
    # This process read its copy just before.
    _edit_elsewhere(exercise, monkeypatch, "Committed elsewhere")

    assert get(client, **{"If-None-Match": before["ETag"]}).status_code == 304
    time.sleep(1.05)
    after = get(client, **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert bridge(after)["name"] == "Committed elsewhere"


@pytest.fixture
def answered_then_edited_elsewhere(client, settings, monkeypatch):
    """An exercise answered by this process, then renamed by another server's process;
    this process's copy of the content state is fresh, with a long bound."""
    settings.API_CONTENT_VERSION_TIMEOUT = 60
    settings.API_RESPONSE_MEMORY_BYTES = 8 * 1024 * 1024
    exercise = full_exercise(name="Glute bridge", slug="glute-bridge")
    get(client)
    _edit_elsewhere(exercise, monkeypatch, "Committed elsewhere")


@pytest.mark.django_db(transaction=True)
def test_a_stored_response_is_checked_at_once_against_an_edit_another_server_saw(
    client, settings, answered_then_edited_elsewhere
):
    settings.API_RESPONSE_MEMORY_BYTES = 0
    hint = cache.get(version.HEAD_KEY)
    assert hint == ContentVersion.objects.get().number
    cache.delete(version.HEAD_KEY)
    assert bridge(get(client))["name"] == "Glute bridge", "within the bound"

    # ...until the writer's hint is in the cache, read with the stored response.
    cache.set(version.HEAD_KEY, hint)
    assert bridge(get(client))["name"] == "Committed elsewhere"


@pytest.mark.django_db(transaction=True)
def test_a_response_kept_in_memory_is_checked_at_once_against_this_servers_board(
    client, answered_then_edited_elsewhere
):
    # Kept in this process's memory: no cache round trip, so not the cache's hint.
    assert cache.get(version.HEAD_KEY) == ContentVersion.objects.get().number
    assert bridge(get(client))["name"] == "Glute bridge", "within the bound"

    # Another process of this server rereads the change and puts it on the board.
    sharedhead.shared_head_publish(ContentVersion.objects.get().number)
    assert bridge(get(client))["name"] == "Committed elsewhere"


@pytest.mark.django_db(transaction=True)
def test_a_response_kept_in_memory_is_checked_against_the_database_within_the_bound(
    client, settings, answered_then_edited_elsewhere
):
    assert bridge(get(client))["name"] == "Glute bridge", "within the bound"

    settings.API_CONTENT_VERSION_TIMEOUT = 0  # the bound has passed

    assert bridge(get(client))["name"] == "Committed elsewhere"


@pytest.mark.django_db(transaction=True)
def test_a_response_built_from_content_newer_than_the_copy_is_announced(
    client, settings, answered_then_edited_elsewhere
):
    # The copy is behind the edit; a response it has not kept is built from the
    # database, which shows the edit: the server's board and the cache's hint must
    # then say so, or siblings answering from memory would go back from it.
    cache.delete(version.HEAD_KEY)
    sharedhead.shared_head_forget()
    number = ContentVersion.objects.get().number

    answer = get(client, f"{URL}?another=request")

    assert bridge(answer)["name"] == "Committed elsewhere"
    assert sharedhead.shared_head() == number
    assert cache.get(version.HEAD_KEY) == number


def test_unreachable_cache_serves_uncached_and_still_saves(client, exercise, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/3",
        }
    }
    before = get(client)
    exercise.name = "Saved while the cache is down"
    exercise.save()

    after = get(client, **{"If-None-Match": before["ETag"]})

    assert before.status_code == 200
    assert after.status_code == 200
    assert bridge(after)["name"] == "Saved while the cache is down"
