"""The seed: faithful to the article, idempotent, and safe for editors' changes."""

import shutil

import pytest
import yaml
from django.core.management import call_command

from exercises.models import (
    Equipment,
    Exercise,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)
from hipext.content.seeding import SeedError, content_seed
from hipext.models import SeedRecord
from routines.models import RoutineItem


def test_seed_loads_every_muscle_equipment_exercise_step_and_guideline(seeded):
    assert Muscle.objects.count() == 14
    assert Equipment.objects.count() == 10
    assert Exercise.objects.count() == 8
    assert ExerciseStep.objects.count() == 37
    # The article's six tips, then its advice on hip flexor stretches.
    assert Guideline.objects.count() == 7
    assert Variation.objects.count() == 6


def test_seed_steps_per_exercise_match_the_article(seeded):
    counts = {e.slug: e.steps.count() for e in Exercise.objects.all()}
    assert counts == {
        "glute-bridges": 4,
        "hip-thrust": 6,
        "quadruped-kickbacks": 4,
        "stepups": 5,
        "standing-kickbacks": 5,
        "upright-hip-thrusts": 4,
        "stability-ball-bridge-and-hamstring-curl": 5,
        "stability-ball-prone-hip-extension": 4,
    }


def test_muscle_groups_follow_the_article(seeded):
    def members(slug):
        return sorted(
            Muscle.objects.get(slug=slug).members.values_list("slug", flat=True)
        )

    assert members("glutes") == ["gluteus-maximus", "gluteus-medius"]
    assert members("hamstrings") == [
        "biceps-femoris-long-head",
        "semimembranosus",
        "semitendinosus",
    ]
    assert members("hip-flexors") == ["iliacus", "psoas-major", "rectus-femoris"]
    assert Muscle.objects.get(slug="adductor-magnus-posterior-head").group is None


def test_glute_bridge_dose_steps_and_equipment(seeded):
    bridge = Exercise.objects.get(slug="glute-bridges")
    assert (bridge.sets_min, bridge.sets_max, bridge.reps_min, bridge.reps_max) == (
        2,
        3,
        8,
        12,
    )
    assert bridge.hold_seconds == 2
    assert not bridge.per_side
    assert bridge.dose_text == "2–3 sets of 8–12 reps; hold 2 s at the top of each rep"
    steps = list(bridge.steps.values_list("position", "text"))
    assert steps[2] == (
        3,
        "Hold for 2 seconds and lower your hips back to the ground. This is one rep.",
    )
    assert steps[3] == (4, "Complete 8–12 reps of 2–3 sets.")
    (link,) = bridge.equipment_links.all()
    assert (link.equipment.slug, link.requirement) == ("dumbbell", "optional")
    assert [a.slug for a in link.alternatives.all()] == ["loop-mini-band"]
    assert bridge.difficulty == "beginner"


def test_stepups_have_reps_per_side_but_no_set_count(seeded):
    stepups = Exercise.objects.get(slug="stepups")
    assert stepups.sets_min is None
    assert stepups.sets_max is None
    assert (stepups.reps_min, stepups.reps_max, stepups.per_side) == (15, 20, True)
    assert stepups.dose_text == "15–20 reps, each leg"
    assert (
        stepups.steps.get(position=5).text
        == "Continue this for 15–20 reps. Then, switch feet."
    )
    (link,) = stepups.equipment_links.all()
    assert (link.equipment.slug, link.requirement) == ("box", "required")
    assert [a.slug for a in link.alternatives.all()] == ["bench"]


def test_hip_thrust_barbell_may_be_replaced_by_a_dumbbell(seeded):
    thrust = Exercise.objects.get(slug="hip-thrust")
    links = {link.equipment.slug: link for link in thrust.equipment_links.all()}
    assert set(links) == {"bench", "barbell", "barbell-pad"}
    assert links["bench"].requirement == "required"
    assert [a.slug for a in links["barbell"].alternatives.all()] == ["dumbbell"]
    assert thrust.steps.count() == 6
    assert thrust.steps.get(position=1).text.startswith(
        "Start on the floor with your shoulder blades resting against a secured bench"
    )
    assert thrust.tip_list == [
        "Focus on mostly using your pelvis by engaging your glutes to drive this movement."
    ]
    kinds = {v.variant.slug: v.kind for v in thrust.variations.all()}
    assert kinds == {
        "glute-bridges": "regression",
        "upright-hip-thrusts": "alternative",
    }


def test_stability_ball_exercises_have_three_sets_of_ten(seeded):
    for slug in (
        "stability-ball-bridge-and-hamstring-curl",
        "stability-ball-prone-hip-extension",
    ):
        exercise = Exercise.objects.get(slug=slug)
        assert exercise.dose_text == "3 sets of 10 reps"
        assert [link.equipment.slug for link in exercise.equipment_links.all()] == [
            "stability-ball"
        ]
    curl = Exercise.objects.get(slug="stability-ball-bridge-and-hamstring-curl")
    assert curl.difficulty == "advanced"
    (regression,) = curl.variations.all()
    assert regression.kind == "regression"
    assert regression.variant is None


def test_quadruped_kickbacks_each_leg_on_padding_or_a_yoga_mat(seeded):
    kickbacks = Exercise.objects.get(slug="quadruped-kickbacks")
    assert kickbacks.dose_text == "2–3 sets of 8–12 reps, each leg"
    assert kickbacks.laterality == "each_side"
    assert kickbacks.position == "all_fours"
    (link,) = kickbacks.equipment_links.all()
    assert (link.equipment.slug, link.requirement) == ("padding", "required")
    assert [a.slug for a in link.alternatives.all()] == ["yoga-mat"]
    assert "Take special caution not to arch your lower back." in kickbacks.caution_list


def test_every_exercise_keeps_its_article_uuid(seeded):
    assert str(Exercise.objects.get(slug="glute-bridges").uuid) == (
        "281e56f0-b70e-5246-9109-1be580b22945"
    )


def test_guidance_carries_the_articles_numbers(seeded):
    texts = " ".join(Guideline.objects.values_list("text", flat=True))
    assert "5–10 minutes" in texts
    assert "every 30–60 minutes for at least 5 minutes" in texts
    assert "2–3 hip extension exercises" in texts
    assert list(Guideline.objects.values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]


def test_seeding_twice_changes_nothing(seeded):
    before = {e.slug: e.updated_at for e in Exercise.objects.all()}
    step_ids = sorted(ExerciseStep.objects.values_list("pk", flat=True))
    report = content_seed()
    assert not report.changed
    assert report.skipped == []
    # 39 exercise-app objects and 5 routines, each in English and in the Spanish and
    # German editions, and the two editions' review status.
    assert len(report.unchanged) == 44 * 3 + 2
    assert {e.slug: e.updated_at for e in Exercise.objects.all()} == before
    assert sorted(ExerciseStep.objects.values_list("pk", flat=True)) == step_ids


def test_seed_command_reports_its_work(db, capsys):
    call_command("seed")
    assert "134 created" in capsys.readouterr().out
    call_command("seed")
    assert "0 created, 0 updated, 134 unchanged, 0 skipped" in capsys.readouterr().out


def test_seed_keeps_an_editors_change(seeded):
    step = ExerciseStep.objects.get(exercise__slug="glute-bridges", position=4)
    step.text = "Edited by an editor."
    step.save()
    Muscle.objects.filter(slug="core").update(name="Core muscles")

    report = content_seed()

    assert "exercise glute-bridges (changed by an editor)" in report.skipped
    assert "muscle core (changed by an editor)" in report.skipped
    step.refresh_from_db()
    assert step.text == "Edited by an editor."
    assert Muscle.objects.get(slug="core").name == "Core muscles"


def test_seed_keeps_an_editors_deletion(seeded):
    # A routine protects its exercises; an editor removes it from the routine first.
    RoutineItem.objects.filter(exercise__slug="stepups").delete()
    Exercise.objects.get(slug="stepups").delete()
    report = content_seed()
    assert "exercise stepups (deleted by an editor)" in report.skipped
    assert not Exercise.objects.filter(slug="stepups").exists()


def test_overwrite_restores_the_fixture_content(seeded):
    ExerciseStep.objects.filter(exercise__slug="glute-bridges", position=4).update(
        text="Edited."
    )
    # A routine protects its exercises; an editor removes it from the routine first.
    RoutineItem.objects.filter(exercise__slug="stepups").delete()
    Exercise.objects.get(slug="stepups").delete()

    report = content_seed(overwrite=True)

    assert "exercise glute-bridges" in report.updated
    assert "exercise stepups" in report.created
    assert (
        ExerciseStep.objects.get(exercise__slug="glute-bridges", position=4).text
        == "Complete 8–12 reps of 2–3 sets."
    )
    assert Exercise.objects.get(slug="stepups").steps.count() == 5


def _copy_fixtures(tmp_path, settings):
    target = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", target)
    return target


def test_a_newer_fixture_updates_content_no_editor_touched(seeded, tmp_path, settings):
    fixtures = _copy_fixtures(tmp_path, settings)
    path = fixtures / "equipment.yaml"
    entries = yaml.safe_load(path.read_text())
    entries[0]["description"] = "A new description."
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))

    report = content_seed(directory=fixtures)

    assert report.updated == [f"equipment {entries[0]['slug']}"]
    assert (
        Equipment.objects.get(slug=entries[0]["slug"]).description
        == "A new description."
    )


def test_reordered_fixture_steps_are_saved_in_their_new_order(
    seeded, tmp_path, settings
):
    fixtures = _copy_fixtures(tmp_path, settings)
    path = fixtures / "exercises.yaml"
    entries = yaml.safe_load(path.read_text())
    steps = entries[0]["steps"]
    steps[0], steps[1] = steps[1], steps[0]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))

    content_seed(directory=fixtures)

    texts = list(
        ExerciseStep.objects.filter(exercise__slug=entries[0]["slug"]).values_list(
            "text", flat=True
        )
    )
    assert texts[:2] == [steps[0].strip(), steps[1].strip()]


def test_a_broken_fixture_changes_nothing(db, tmp_path, settings):
    fixtures = _copy_fixtures(tmp_path, settings)
    path = fixtures / "exercises.yaml"
    entries = yaml.safe_load(path.read_text())
    entries[-1]["dose"]["sets_max"] = 1  # below sets_min: breaks an invariant
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))

    with pytest.raises(SeedError, match="Sets"):
        content_seed(directory=fixtures)

    assert Muscle.objects.count() == 0
    assert Exercise.objects.count() == 0
    assert SeedRecord.objects.count() == 0


def test_content_seeded_by_the_release_before_publication_is_updated_not_skipped(
    seeded,
):
    # As the previous release left it: the desk-break's old summary, and every
    # fingerprint taken on the dump as it was shaped then.
    from hipext.content.seeding import content_kinds
    from hipext.content.seeding import digest as fingerprint
    from routines.models import Routine

    Routine.objects.filter(slug="desk-break").update(
        summary="A short routine for people who sit all day."
    )
    for kind in content_kinds():
        for obj in kind.queryset():
            SeedRecord.objects.filter(model=kind.label, key=obj.slug).update(
                digest=fingerprint((kind.earlier_dump or kind.dump)(obj))
            )

    report = content_seed()

    assert report.updated == ["routine desk-break"]
    assert not report.skipped
    assert "every 30–60 minutes" in Routine.objects.get(slug="desk-break").summary
