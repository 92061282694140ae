"""The routine builder on the article's content: gear, level, muscle and seed."""

import itertools

import pytest

from exercises.models import Difficulty, ExerciseEquipment, Guideline, Requirement
from hipext.content.seeding import FIXTURES_DIR, read_yaml
from routines.builder import RoutineSuggestError, routine_suggest

pytestmark = pytest.mark.usefixtures("seeded_content")

# Every piece of equipment the seed holds (tests/exercises/test_api.py pins the list).
GEAR = sorted(entry["slug"] for entry in read_yaml(FIXTURES_DIR / "equipment.yaml"))


def _slugs(routine):
    return [item.exercise.slug for item in routine.items]


def _really_doable(exercise, available):
    """Every required equipment row is met by the item or an alternative on hand."""
    links = ExerciseEquipment.objects.filter(
        exercise=exercise, requirement=Requirement.REQUIRED
    ).prefetch_related("alternatives")
    return all(
        link.equipment.slug in available
        or any(alt.slug in available for alt in link.alternatives.all())
        for link in links
    )


def test_no_equipment_gives_the_articles_two_bodyweight_exercises():
    routine = routine_suggest(available=["none"])
    assert sorted(_slugs(routine)) == ["glute-bridges", "standing-kickbacks"]
    assert routine.difficulty == "beginner"
    assert routine.equipment_needed == []


def test_an_advanced_stability_ball_owner_gets_the_ball_exercises_easiest_first():
    routine = routine_suggest(
        available=["stability-ball"], difficulty="advanced", count=3
    )
    # The hardest qualifying exercises, done easiest first ("try glute bridges
    # before doing hip thrusts"), as the curated routines are.
    assert _slugs(routine) == [
        "glute-bridges",
        "stability-ball-prone-hip-extension",
        "stability-ball-bridge-and-hamstring-curl",
    ]
    assert routine.difficulty == "advanced"
    assert [item.position for item in routine.items] == [1, 2, 3]


def test_a_gym_at_intermediate_level_builds_around_the_hip_thrust():
    routine = routine_suggest(
        available=["bench", "barbell", "yoga-mat"], difficulty="intermediate", count=3
    )
    # Equal levels keep the article's order (hip thrust is its no. 2, stepups 4).
    assert _slugs(routine) == ["glute-bridges", "hip-thrust", "stepups"]
    needs = {
        n.equipment.slug: [a.slug for a in n.alternatives]
        for n in routine.equipment_needed
    }
    assert needs == {"barbell": ["dumbbell"], "bench": [], "box": ["bench"]}


def test_a_beginner_is_never_given_a_harder_exercise():
    for seed in range(20):
        routine = routine_suggest(
            available=GEAR, difficulty="beginner", count=3, seed=seed
        )
        assert {item.exercise.difficulty for item in routine.items} == {"beginner"}


def test_a_muscle_request_is_met_through_its_group():
    routine = routine_suggest(available=["none"], muscle=["hamstrings"])
    for item in routine.items:
        links = item.exercise.muscle_links.all()
        assert any(
            link.muscle.group and link.muscle.group.slug == "hamstrings"
            for link in links
        )


GEAR_SETS = [
    ["none"],
    ["yoga-mat"],
    ["padding"],
    ["stability-ball"],
    ["bench"],
    ["box"],
    ["bench", "dumbbell"],
    ["barbell"],
    GEAR,
]


@pytest.mark.parametrize("difficulty", Difficulty.values)
def test_every_suggested_exercise_is_doable_with_the_given_equipment(difficulty):
    built = 0
    for available, count, seed in itertools.product(GEAR_SETS, (2, 3), (None, 0, 1)):
        on_hand = set(available) - {"none"}
        try:
            routine = routine_suggest(
                available=available, difficulty=difficulty, count=count, seed=seed
            )
        except RoutineSuggestError:
            continue
        for item in routine.items:
            assert _really_doable(item.exercise, on_hand), (available, item.exercise)
            assert item.exercise.difficulty in Difficulty.up_to(difficulty)
        assert len({item.exercise.pk for item in routine.items}) == count
        built += 1
    # Two exercises need no equipment, so every request for two can be met.
    assert built >= len(GEAR_SETS) * 3


def test_the_same_request_gives_the_same_routine():
    first = routine_suggest(available=GEAR, difficulty="advanced", count=3, seed=5)
    second = routine_suggest(
        available=list(reversed(GEAR)), difficulty="advanced", count=3, seed=5
    )
    assert _slugs(first) == _slugs(second)
    assert _slugs(routine_suggest(available=GEAR, count=3)) == _slugs(
        routine_suggest(available=GEAR, count=3)
    )


def test_a_seed_varies_the_routine():
    routines = {
        tuple(_slugs(routine_suggest(available=GEAR, difficulty="advanced", seed=seed)))
        for seed in range(10)
    }
    assert len(routines) > 3


@pytest.mark.parametrize(
    ("request_", "constraint", "message"),
    [
        (
            {"available": ["none"], "count": 3},
            "available",
            "only 2 exercises are doable with no equipment; 3 are needed",
        ),
        (
            {"available": ["stability-ball"], "count": 3},
            "difficulty",
            "only 2 exercises are doable with equipment [stability-ball] at level "
            "beginner; 3 are needed",
        ),
        (
            {"available": ["bench", "barbell"], "difficulty": "beginner", "count": 3},
            "difficulty",
            "only 2 exercises are doable with equipment [barbell, bench] at level "
            "beginner; 3 are needed",
        ),
        (
            {"available": ["none"], "muscle": ["hip-flexors"]},
            "muscle",
            "no exercise doable with no equipment at level beginner works muscle "
            "[hip-flexors]; 2 are needed",
        ),
    ],
)
def test_an_impossible_request_names_the_constraint_it_breaks(
    request_, constraint, message
):
    with pytest.raises(RoutineSuggestError) as error:
        routine_suggest(**request_)
    assert error.value.constraint == constraint
    assert str(error.value) == message


def test_the_count_must_follow_the_articles_two_to_three():
    with pytest.raises(ValueError, match="count must be 2–3"):
        routine_suggest(available=GEAR, count=4)


def test_a_suggestion_carries_the_warm_up_and_the_articles_guidance():
    routine = routine_suggest(available=["none"])
    assert "5–10 minutes warming up" in routine.warm_up
    assert [g["slug"] for g in routine.guidance][:1] == ["warm-up"]
    assert routine.estimated_minutes == (11, 22)


def test_a_suggestion_carries_the_guidance_as_edited_since_the_last():
    # The guidance is kept between suggestions, but never past a change.
    routine_suggest(available=["none"])
    guideline = Guideline.objects.get(slug="warm-up")
    guideline.title = "Warm up first"
    guideline.save()
    routine = routine_suggest(available=["none"])
    assert routine.guidance[0]["title"] == "Warm up first"
