"""The curated routines: the article's guidance, and the seed's guarantees."""

import shutil

import pytest
import yaml

from exercises.models import Difficulty, Exercise
from hipext.content.seeding import SeedError, content_export, content_seed
from hipext.models import SeedRecord
from routines.models import Routine, RoutineItem

CURATED = {
    "no-equipment-beginner": ["glute-bridges", "standing-kickbacks"],
    "on-the-mat-beginner": [
        "glute-bridges",
        "quadruped-kickbacks",
        "upright-hip-thrusts",
    ],
    "barbell-hip-thrust-gym": ["hip-thrust", "stepups", "standing-kickbacks"],
    "stability-ball": [
        "glute-bridges",
        "stability-ball-prone-hip-extension",
        "stability-ball-bridge-and-hamstring-curl",
    ],
    "desk-break": ["standing-kickbacks", "glute-bridges"],
}


def _exercises(routine):
    return list(
        routine.items.order_by("position").values_list("exercise__slug", flat=True)
    )


def test_seed_loads_the_curated_routines_in_order(seeded):
    assert {r.slug: _exercises(r) for r in Routine.objects.all()} == CURATED


def test_every_seeded_routine_has_two_or_three_distinct_exercises(seeded):
    for routine in Routine.objects.all():
        slugs = _exercises(routine)
        assert 2 <= len(slugs) <= 3, routine.slug
        assert len(set(slugs)) == len(slugs), routine.slug


def test_seeded_routines_use_only_seeded_exercises_at_or_below_their_level(seeded):
    article = set(Exercise.objects.values_list("slug", flat=True))
    for item in RoutineItem.objects.select_related("routine", "exercise"):
        assert item.exercise.slug in article
        assert Difficulty.rank(item.exercise.difficulty) <= Difficulty.rank(
            item.routine.difficulty
        ), item


def test_every_seeded_routine_starts_with_the_articles_warm_up(seeded):
    for routine in Routine.objects.all():
        assert "5–10 minutes warming up with light cardio" in routine.warm_up
        assert "dynamic stretching" in routine.warm_up


def test_the_desk_routine_passes_on_the_articles_advice_on_sitting(seeded):
    routine = Routine.objects.get(slug="desk-break")
    assert any(
        "every 30–60 minutes for at least 5 minutes" in n for n in routine.note_list
    )
    assert routine.estimated_minutes[1] < min(
        r.estimated_minutes[1] for r in Routine.objects.exclude(pk=routine.pk)
    )


def test_the_no_equipment_routine_needs_no_equipment(seeded):
    assert Routine.objects.get(slug="no-equipment-beginner").equipment_needed == []
    [need] = Routine.objects.get(slug="stability-ball").equipment_needed
    assert need.equipment.slug == "stability-ball"


def test_seeding_again_changes_nothing(seeded):
    before = list(RoutineItem.objects.values_list("pk", "position", "exercise_id"))
    report = content_seed()
    assert not report.changed
    assert not report.skipped
    assert list(RoutineItem.objects.values_list("pk", "position", "exercise_id")) == (
        before
    )
    assert SeedRecord.objects.filter(model="routine").count() == len(CURATED)


def test_the_export_round_trips_to_the_fixture(seeded, settings):
    path = settings.BASE_DIR / "fixtures" / "routines.yaml"
    from routines.seeds import routine_normalize

    fixture = [routine_normalize(entry) for entry in yaml.safe_load(path.read_text())]
    exported = content_export()["routines.yaml"]
    # The export keeps when each was published; the fixture leaves it to the seed.
    assert all(routine.pop("published_at") for routine in exported)
    assert [{**entry, "published_at": None} for entry in exported] == fixture


def test_seed_keeps_an_editors_change_to_a_routine(seeded):
    item = RoutineItem.objects.get(routine__slug="desk-break", position=1)
    item.sets_min = 3
    item.save()

    report = content_seed()

    assert "routine desk-break (changed by an editor)" in report.skipped
    item.refresh_from_db()
    assert item.sets_min == 3
    content_seed(overwrite=True)
    item.refresh_from_db()
    assert item.sets_min == 2


def _copy_fixtures(tmp_path, settings):
    target = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", target)
    return target


def _edit_routines(fixtures, change):
    path = fixtures / "routines.yaml"
    entries = yaml.safe_load(path.read_text())
    change({entry["slug"]: entry for entry in entries})
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))


def test_reordered_fixture_items_are_saved_in_their_new_order(
    seeded, tmp_path, settings
):
    fixtures = _copy_fixtures(tmp_path, settings)

    def reverse_stability_ball(entries):
        entries["stability-ball"]["items"].reverse()

    _edit_routines(fixtures, reverse_stability_ball)

    report = content_seed(directory=fixtures)

    assert report.updated == ["routine stability-ball"]
    routine = Routine.objects.get(slug="stability-ball")
    assert _exercises(routine) == list(reversed(CURATED["stability-ball"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["desk-break"]["items"].pop(), "this one has 1"),
        (
            lambda e: e["desk-break"]["items"][1].update(exercise="no-such-exercise"),
            "unknown exercise no-such-exercise",
        ),
        (
            lambda e: e["desk-break"]["items"][1].update(exercise="standing-kickbacks"),
            "appears more than once",
        ),
        (
            lambda e: e["desk-break"]["items"][1].update(exercise="hip-thrust"),
            "harder than the routine's level",
        ),
        (
            lambda e: e["desk-break"]["items"][1].update(dose={"sets_max": 3}),
            "Sets: the minimum must be at least 1",
        ),
        (
            lambda e: e["desk-break"]["items"][1].update(reps=3),
            "unknown item fields",
        ),
    ],
)
def test_a_fixture_breaking_a_routine_rule_is_refused_and_changes_nothing(
    seeded, tmp_path, settings, change, message
):
    fixtures = _copy_fixtures(tmp_path, settings)
    _edit_routines(fixtures, change)
    before = list(RoutineItem.objects.values_list("pk", "position", "exercise_id"))

    with pytest.raises(SeedError, match=message):
        content_seed(directory=fixtures)

    after = list(RoutineItem.objects.values_list("pk", "position", "exercise_id"))
    assert after == before
