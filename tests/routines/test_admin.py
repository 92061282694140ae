"""The routine admin: pages render, items reorder in one save, the article's rules hold."""

import pytest
from django.urls import reverse

from exercises.models import Exercise
from routines.models import Routine, RoutineItem
from tests.exercises.test_admin_translations import listed, translate
from tests.factories import ExerciseFactory, RoutineFactory, RoutineItemFactory

pytestmark = pytest.mark.django_db


def _exercises(routine):
    return list(
        routine.items.order_by("position").values_list("exercise__slug", flat=True)
    )


def routine_post_data(admin_client, routine):
    """The change form's own data for ``routine``, as the browser would post it."""
    url = reverse("admin:routines_routine_change", args=[routine.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    [inline] = response.context["inline_admin_formsets"]
    formset = inline.formset
    prefix = formset.prefix
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        data[f"{prefix}-{name}"] = formset.management_form.initial[name]
    for index, item_form in enumerate(formset.forms):
        for name, field in item_form.fields.items():
            value = item_form.initial.get(name, field.initial)
            if name == "id":
                value = item_form.instance.pk
            elif name == "routine":
                value = routine.pk
            if value is None:
                continue
            data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", value)
    return url, data


def _index_of(data, position):
    """The form index of the item at ``position`` in posted data."""
    [key] = [
        k
        for k, v in data.items()
        if k.startswith("items-") and k.endswith("-position") and int(v) == position
    ]
    return int(key.split("-")[1])


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_routine_pages_render_for_staff(admin_client, seeded, view):
    response = admin_client.get(reverse(f"admin:routines_routine_{view}"))
    assert response.status_code == 200


def test_changelist_filters_by_difficulty_and_searches(admin_client, seeded):
    url = reverse("admin:routines_routine_changelist")
    response = admin_client.get(url, {"difficulty__exact": "beginner"})
    assert {r.slug for r in response.context["cl"].result_list} == {
        "no-equipment-beginner",
        "on-the-mat-beginner",
        "desk-break",
    }
    response = admin_client.get(url, {"q": "barbell"})
    assert [r.slug for r in response.context["cl"].result_list] == [
        "barbell-hip-thrust-gym"
    ]


def test_change_page_shows_the_items(admin_client, seeded):
    routine = Routine.objects.get(slug="stability-ball")
    response = admin_client.get(
        reverse("admin:routines_routine_change", args=[routine.pk])
    )
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 3


def test_reversing_all_items_in_one_save_works(admin_client, seeded):
    routine = Routine.objects.get(slug="stability-ball")
    before = _exercises(routine)
    url, data = routine_post_data(admin_client, routine)
    indexes = {position: _index_of(data, position) for position in (1, 2, 3)}
    for position, index in indexes.items():
        data[f"items-{index}-position"] = 4 - position

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert _exercises(routine) == list(reversed(before))


def test_swapping_an_item_and_changing_its_dose_in_one_save_works(admin_client, seeded):
    routine = Routine.objects.get(slug="desk-break")
    url, data = routine_post_data(admin_client, routine)
    first, second = _index_of(data, 1), _index_of(data, 2)
    data[f"items-{first}-position"], data[f"items-{second}-position"] = 2, 1
    data[f"items-{first}-sets_min"] = 3

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert _exercises(routine) == ["glute-bridges", "standing-kickbacks"]
    assert routine.items.get(position=2).sets_min == 3


def test_an_editor_creates_a_routine_with_items_out_of_order(admin_client, seeded):
    bridges = Exercise.objects.get(slug="glute-bridges")
    kickbacks = Exercise.objects.get(slug="quadruped-kickbacks")
    data = {
        "name_en": "Editor's routine",
        "slug": "editors-routine",
        "summary_en": "A test routine.",
        "difficulty": "beginner",
        "warm_up_en": "Warm up for 5–10 minutes.",
        # Published at once (the form's default is a draft).
        "status": "published",
        "items-TOTAL_FORMS": 2,
        "items-INITIAL_FORMS": 0,
        "items-0-position": 2,
        "items-0-exercise": kickbacks.pk,
        "items-0-rest_seconds": 60,
        "items-1-position": 1,
        "items-1-exercise": bridges.pk,
        "items-1-rest_seconds": 45,
    }

    response = admin_client.post(reverse("admin:routines_routine_add"), data)

    assert response.status_code == 302, response.context["errors"]
    routine = Routine.objects.get(slug="editors-routine")
    assert _exercises(routine) == ["glute-bridges", "quadruped-kickbacks"]
    assert routine.uuid is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data, first, second: data.update({f"items-{second}-DELETE": "on"}),
            "this one has 1",
        ),
        (
            lambda data, first, second: data.update(
                {f"items-{second}-exercise": data[f"items-{first}-exercise"]}
            ),
            "appears more than once",
        ),
        (
            lambda data, first, second: data.update(
                {f"items-{second}-exercise": Exercise.objects.get(slug="stepups").pk}
            ),
            "harder than the routine&#x27;s level",
        ),
        (
            lambda data, first, second: data.update({f"items-{second}-position": 1}),
            "Please correct the duplicate data for position",
        ),
        (
            lambda data, first, second: data.update({f"items-{second}-sets_max": 1}),
            "Sets: the minimum must be at least 1",
        ),
    ],
)
def test_a_save_breaking_a_rule_shows_it_and_changes_nothing(
    admin_client, seeded, change, message
):
    routine = Routine.objects.get(slug="desk-break")
    before = list(
        routine.items.values_list("pk", "position", "exercise_id", "sets_max")
    )
    url, data = routine_post_data(admin_client, routine)
    data["name_en"] = "Renamed"
    change(data, _index_of(data, 1), _index_of(data, 2))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (
        list(routine.items.values_list("pk", "position", "exercise_id", "sets_max"))
        == before
    )
    assert Routine.objects.get(pk=routine.pk).name == "Desk break routine"


def test_a_stale_routine_form_is_refused_and_never_reverts_the_other_save(
    admin_client, seeded
):
    routine = Routine.objects.get(slug="stability-ball")
    url, stale = routine_post_data(admin_client, routine)
    _, fresh = routine_post_data(admin_client, routine)
    indexes = {position: _index_of(fresh, position) for position in (1, 2, 3)}
    for position, index in indexes.items():
        fresh[f"items-{index}-position"] = 4 - position
    assert admin_client.post(url, fresh).status_code == 302
    reversed_order = _exercises(routine)
    stale["summary_en"] = "Editor B's summary."

    response = admin_client.post(url, stale)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Another editor saved this routine after you opened it" in page
    assert f'<a href="{url}">' in page
    assert _exercises(routine) == reversed_order
    assert Routine.objects.get(pk=routine.pk).summary != "Editor B's summary."


def test_the_missing_translation_filter_counts_the_items_notes(admin_client, db):
    exercise = translate(ExerciseFactory())
    for slug in ("complete", "item-note-es", "goal-de"):
        routine = translate(RoutineFactory(slug=slug, goal="Stronger glutes."))
        translate(RoutineItemFactory(routine=routine, exercise=exercise, note="Slow."))
    RoutineItem.objects.filter(routine__slug="item-note-es").update(note_es="")
    Routine.objects.filter(slug="goal-de").update(goal_de=None)
    url = reverse("admin:routines_routine_changelist")

    spanish = admin_client.get(url, {"missing_translation": "es"})
    german = admin_client.get(url, {"missing_translation": "de"})

    assert listed(spanish) == {"item-note-es"}
    assert listed(german) == {"goal-de"}
