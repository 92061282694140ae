"""The admin's history: saves recorded, compared, reverted, deleted ones recovered."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from exercises.models import Equipment, Exercise, ExerciseMuscle, Guideline, Muscle
from hipext.content.history import history_recorded
from hipext.content.ordering import ordered_children_save
from routines.models import Routine
from tests.admin_forms import form_read
from tests.exercises.test_admin import _step_indexes, exercise_post_data

pytestmark = pytest.mark.django_db


def revisions_of(obj):
    return [
        v.revision
        for v in Version.objects.get_for_object(obj).order_by("revision__date_created")
    ]


def steps_of(exercise):
    return list(exercise.steps.order_by("position").values_list("text", flat=True))


def history_url(obj, name="history", *args):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk, *args]
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_admin_save_is_one_revision_with_its_steps_author_and_comment(
    admin_client, admin_user, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data[f"steps-{index[2]}-position"] = 1
    data["revision_comment"] = "Breathing first, as the article has it."

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    revision = revisions_of(exercise)[-1]
    assert revision.user == admin_user
    assert revision.comment == "Breathing first, as the article has it."
    steps = {
        v.field_dict["position"]: v.field_dict["text"]
        for v in revision.version_set.filter(content_type__model="exercisestep")
    }
    assert [steps[p] for p in sorted(steps)] == steps_of(exercise)
    assert len(revisions_of(exercise)) == 2  # the seed's, then this one


def test_a_save_without_a_comment_takes_the_admins_change_message(admin_client, seeded):
    guideline = Guideline.objects.order_by("position").first()
    url = reverse("admin:exercises_guideline_change", args=[guideline.pk])
    # The form as a browser sends it (split date and time fields included).
    form = form_read(admin_client.get(url).content.decode(), "guideline_form")
    form["title_en"] = guideline.title + " (edited)"
    data = {}
    for name, value in form.pairs:
        data.setdefault(name, []).append(value)

    assert admin_client.post(url, data).status_code == 302

    assert revisions_of(guideline)[-1].comment == "Changed Title [en]."


def test_the_history_page_lists_revisions_and_compares_steps(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[3]}-text_en"] += " Breathe out as you lower."
    assert admin_client.post(url, data).status_code == 302
    old, new = revisions_of(exercise)

    history = admin_client.get(history_url(exercise))
    page = history.content.decode()
    assert history.status_code == 200
    assert f'data-revision="{old.pk}"' in page
    assert f'data-revision="{new.pk}"' in page
    assert "Seed." in page

    compare = admin_client.get(
        history_url(exercise, "history_compare"), {"old": old.pk, "new": new.pk}
    )
    assert compare.status_code == 200
    steps = next(
        s for s in compare.context["comparison"].sections if s.title == "Exercise steps"
    )
    assert [line.kind for line in steps.lines] == ["equal", "equal", "changed", "equal"]
    assert "<ins>" in compare.content.decode()
    assert f"Revert to revision {old.pk}" in compare.content.decode()


def test_revert_from_the_admin_is_one_action_recorded_as_a_new_revision(
    admin_client, admin_user, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = steps_of(exercise)
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data[f"steps-{index[2]}-position"] = 1
    data["name_en"] = "Bridges, reordered"
    assert admin_client.post(url, data).status_code == 302
    seed_revision = revisions_of(exercise)[0]

    response = admin_client.post(
        history_url(exercise, "history_revert", seed_revision.pk)
    )

    assert response.status_code == 302
    assert response.url == reverse(
        "admin:exercises_exercise_change", args=[exercise.pk]
    )
    exercise.refresh_from_db()
    assert exercise.name == "Glute bridges"
    assert steps_of(exercise) == before
    latest = revisions_of(exercise)[-1]
    assert latest.user == admin_user
    assert latest.comment.startswith(f"Reverted to revision {seed_revision.pk}")
    assert len(revisions_of(exercise)) == 3


def test_a_revert_the_database_would_refuse_is_a_message_not_a_500(
    admin_client, admin_user, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    muscle = Muscle.objects.create(name="Test muscle", slug="test-muscle")
    with history_recorded(comment="With a muscle.", user=admin_user):
        ExerciseMuscle.objects.create(
            exercise=exercise, muscle=muscle, role="secondary"
        )
        exercise.save()
    with_muscle = revisions_of(exercise)[-1]
    with history_recorded(comment="Without it.", user=admin_user):
        exercise.muscle_links.filter(muscle=muscle).delete()
        exercise.save()
    muscle.delete()

    response = admin_client.post(
        history_url(exercise, "history_revert", with_muscle.pk)
    )

    assert response.status_code == 302
    assert response.url == history_url(exercise)
    (message,) = messages_of(response)
    assert "names a muscle deleted since" in message
    assert revisions_of(exercise)[-1].comment == "Without it."


def test_revert_is_post_only_and_needs_the_change_permission(
    client, admin_client, django_user_model, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    revision = revisions_of(exercise)[0]
    url = history_url(exercise, "history_revert", revision.pk)
    assert admin_client.get(url).status_code == 405
    viewer = django_user_model.objects.create_user(
        "viewer", password="x", is_staff=True
    )
    client.force_login(viewer)
    assert client.post(url).status_code == 403


def test_a_deleted_exercise_is_recovered_with_its_steps_from_the_admin(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="stepups")
    pk, steps = exercise.pk, steps_of(exercise)
    exercise.routine_items.all().delete()
    delete_url = reverse("admin:exercises_exercise_delete", args=[pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Exercise.objects.filter(pk=pk).exists()

    recover_list = admin_client.get(reverse("admin:exercises_exercise_recover"))
    assert recover_list.status_code == 200
    ((version, recover_url),) = recover_list.context["deleted"]
    assert version.object_repr == "Stepups"
    assert version.revision.comment == "Deleted."

    response = admin_client.post(recover_url)

    assert response.status_code == 302
    recovered = Exercise.objects.get(pk=pk)
    assert steps_of(recovered) == steps
    assert (
        admin_client.get(reverse("admin:exercises_exercise_recover")).context["deleted"]
        == []
    )


def test_a_bulk_delete_is_recorded_so_each_can_be_recovered(admin_client, seeded):
    equipment = Equipment.objects.create(name="Test band", slug="test-band")
    response = admin_client.post(
        reverse("admin:exercises_equipment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [equipment.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Equipment.objects.filter(slug="test-band").exists()

    recover_list = admin_client.get(reverse("admin:exercises_equipment_recover"))
    ((_version, url),) = recover_list.context["deleted"]
    assert admin_client.post(url).status_code == 302
    assert Equipment.objects.filter(slug="test-band").exists()


def test_the_changelist_links_to_the_deleted_ones(admin_client, seeded):
    page = admin_client.get(reverse("admin:exercises_exercise_changelist"))
    assert reverse("admin:exercises_exercise_recover") in page.content.decode()


def test_a_routine_revert_restores_its_items_in_order(admin_client, seeded):
    routine = Routine.objects.get(slug="desk-break")
    items = list(
        routine.items.order_by("position").values_list("exercise__slug", flat=True)
    )
    url = reverse("admin:routines_routine_change", args=[routine.pk])
    assert admin_client.get(history_url(routine)).status_code == 200
    with history_recorded(comment="Swapped.", user=None):
        first, second = routine.items.order_by("position")[:2]
        first.position, second.position = 2, 1
        ordered_children_save(queryset=routine.items.all(), instances=[first, second])
        routine.save()
    assert routine.items.get(position=1).exercise.slug == items[1]

    response = admin_client.post(
        history_url(routine, "history_revert", revisions_of(routine)[0].pk)
    )

    assert response.status_code == 302, messages_of(response)
    assert response.url == url
    assert (
        list(
            routine.items.order_by("position").values_list("exercise__slug", flat=True)
        )
        == items
    )


def test_new_steps_posted_without_positions_go_after_the_last(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = steps_of(exercise)
    url, data = exercise_post_data(admin_client, exercise)
    for text in ("A fifth step.", "A sixth step."):
        new = int(data["steps-TOTAL_FORMS"])
        data["steps-TOTAL_FORMS"] = new + 1
        data[f"steps-{new}-text_en"] = text
        data[f"steps-{new}-exercise"] = exercise.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert steps_of(exercise) == [*before, "A fifth step.", "A sixth step."]
    assert list(exercise.steps.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_the_step_position_is_a_hidden_field_the_page_numbers(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    page = admin_client.get(
        reverse("admin:exercises_exercise_change", args=[exercise.pk])
    ).content.decode()
    assert 'type="hidden" name="steps-0-position"' in page
    assert "_reorder_" in page
    assert "hipext/admin/sortable-new-rows.js" in page
    # The alternatives' script comes after django.jQuery, which is loaded once.
    assert page.count("admin/js/vendor/jquery/jquery") == 1
    assert page.index("jquery.init.js") < page.index("hipext/admin/alternatives.js")


def test_the_alternatives_search_leaves_out_the_item_itself(admin_client, seeded):
    box = Equipment.objects.get(slug="box")
    params = {
        "app_label": "exercises",
        "model_name": "exerciseequipment",
        "field_name": "alternatives",
        "term": "",
    }

    offered = admin_client.get(reverse("admin:autocomplete"), params)
    without = admin_client.get(
        reverse("admin:autocomplete"), {**params, "exclude": box.pk}
    )

    ids = {int(r["id"]) for r in json.loads(offered.content)["results"]}
    assert box.pk in ids
    ids_without = {int(r["id"]) for r in json.loads(without.content)["results"]}
    assert ids_without == ids - {box.pk}


def test_an_alternative_added_in_the_admin_is_in_the_revision_and_reverted_away(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="stepups")
    link = exercise.equipment_links.get(equipment__slug="box")
    before = set(link.alternatives.values_list("slug", flat=True))
    seed_revision = revisions_of(exercise)[-1]
    added = Equipment.objects.exclude(slug__in=[*before, "box"]).first()
    url, data = exercise_post_data(admin_client, exercise)
    data["equipment_links-0-alternatives"] = [
        *data["equipment_links-0-alternatives"],
        added.pk,
    ]
    assert admin_client.post(url, data).status_code == 302
    assert added.slug in set(link.alternatives.values_list("slug", flat=True))
    held = revisions_of(exercise)[-1].version_set.filter(
        content_type__model="exerciseequipmentalternative"
    )
    assert added.pk in {v.field_dict["equipment_id"] for v in held}

    response = admin_client.post(
        history_url(exercise, "history_revert", seed_revision.pk)
    )

    assert response.status_code == 302, messages_of(response)
    assert set(link.alternatives.values_list("slug", flat=True)) == before
