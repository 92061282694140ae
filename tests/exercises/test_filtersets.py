"""Every exercise and muscle filter, on the article's content, with answers read from it.

Expected slugs come from the article's "Equipment needed" lines, levels and muscles
(see fixtures/README.md for how they were read), not from the filter code.
"""

import datetime

import pytest
from django.db import connection
from rest_framework.exceptions import ValidationError

from exercises.filtersets import ExerciseFilterSet, MuscleFilterSet
from exercises.models import Exercise, Muscle

GLUTE_BRIDGES = "glute-bridges"
HIP_THRUST = "hip-thrust"
QUADRUPED = "quadruped-kickbacks"
STEPUPS = "stepups"
STANDING = "standing-kickbacks"
UPRIGHT = "upright-hip-thrusts"
BALL_CURL = "stability-ball-bridge-and-hamstring-curl"
BALL_PRONE = "stability-ball-prone-hip-extension"
ALL = {
    GLUTE_BRIDGES,
    HIP_THRUST,
    QUADRUPED,
    STEPUPS,
    STANDING,
    UPRIGHT,
    BALL_CURL,
    BALL_PRONE,
}
BEGINNER = {GLUTE_BRIDGES, QUADRUPED, STANDING, UPRIGHT}
INTERMEDIATE = {HIP_THRUST, STEPUPS, BALL_PRONE}
ADVANCED = {BALL_CURL}


def exercise_slugs(**params):
    filterset = ExerciseFilterSet(params, queryset=Exercise.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [exercise.slug for exercise in filterset.qs]


def exercise_errors(**params):
    filterset = ExerciseFilterSet(params, queryset=Exercise.objects.all())
    assert not filterset.is_valid()
    return {name: " ".join(messages) for name, messages in filterset.errors.items()}


pytestmark = pytest.mark.usefixtures("seeded_content")


@pytest.mark.parametrize(
    ("equipment", "expected"),
    [
        # "Equipment needed: none" (a dumbbell or band is optional in glute bridges).
        ("none", {GLUTE_BRIDGES, STANDING}),
        # Optional in glute bridges; an alternative to the barbell in hip thrusts.
        ("dumbbell", {GLUTE_BRIDGES, HIP_THRUST}),
        ("loop-mini-band", {GLUTE_BRIDGES}),
        # Required in hip thrusts; "secured box or bench" in stepups.
        ("bench", {HIP_THRUST, STEPUPS}),
        ("barbell-pad", {HIP_THRUST}),
        ("yoga-mat", {QUADRUPED, UPRIGHT}),
        ("resistance-band", {UPRIGHT}),
        ("stability-ball", {BALL_CURL, BALL_PRONE}),
        # Any-of: either list.
        ("box,resistance-band", {STEPUPS, UPRIGHT}),
        ("none,stability-ball", {GLUTE_BRIDGES, STANDING, BALL_CURL, BALL_PRONE}),
    ],
)
def test_equipment_lists_exercises_using_any_of_the_items(equipment, expected):
    assert set(exercise_slugs(equipment=equipment)) == expected


def test_equipment_none_lists_only_bodyweight_exercises():
    assert exercise_slugs(equipment="none") == [GLUTE_BRIDGES, STANDING]


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ("none", {GLUTE_BRIDGES, STANDING}),
        # Padding or a yoga mat protects hands and knees in both floor exercises.
        ("yoga-mat", {GLUTE_BRIDGES, QUADRUPED, STANDING, UPRIGHT}),
        # Hip thrusts take a bench and a barbell or, instead, a dumbbell.
        ("bench,dumbbell", {GLUTE_BRIDGES, HIP_THRUST, STANDING, STEPUPS}),
        ("bench", {GLUTE_BRIDGES, STANDING, STEPUPS}),
        ("bench,barbell", {GLUTE_BRIDGES, HIP_THRUST, STANDING, STEPUPS}),
        # The pad is optional: a barbell alone is not enough without a bench.
        ("barbell,barbell-pad", {GLUTE_BRIDGES, STANDING}),
        ("stability-ball", {GLUTE_BRIDGES, STANDING, BALL_CURL, BALL_PRONE}),
        (
            "padding,stability-ball,box,bench,barbell",
            ALL,
        ),
        # "none" adds nothing to a list of items.
        ("none,box", {GLUTE_BRIDGES, STANDING, STEPUPS}),
    ],
)
def test_available_lists_exercises_doable_with_only_that_equipment(available, expected):
    assert set(exercise_slugs(available=available)) == expected


def test_available_none_equals_equipment_none():
    assert exercise_slugs(available="none") == exercise_slugs(equipment="none")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Every exercise works the gluteus maximus, a member of the glutes group.
        ({"muscle": "glutes"}, ALL),
        # The group matches its members: exercises are tagged semitendinosus etc.
        ({"muscle": "hamstrings"}, ALL),
        ({"muscle": "hamstrings", "role": "primary"}, {BALL_CURL, BALL_PRONE}),
        ({"muscle": "semitendinosus", "role": "primary"}, {BALL_CURL, BALL_PRONE}),
        ({"muscle": "hamstrings", "role": "secondary"}, ALL - {BALL_CURL, BALL_PRONE}),
        ({"muscle": "glutes", "role": "secondary"}, set()),
        # "Brace your core": every exercise but stepups, upright thrusts and the curl.
        (
            {"muscle": "core"},
            {GLUTE_BRIDGES, HIP_THRUST, QUADRUPED, STANDING, BALL_PRONE},
        ),
        ({"muscle": "hip-flexors"}, set()),
        (
            {"muscle": "hip-flexors,core", "role": "secondary"},
            {GLUTE_BRIDGES, HIP_THRUST, QUADRUPED, STANDING, BALL_PRONE},
        ),
    ],
)
def test_muscle_matches_groups_and_members_and_role_narrows_it(params, expected):
    assert set(exercise_slugs(**params)) == expected


def test_role_without_muscle_is_rejected():
    filterset = ExerciseFilterSet({"role": "primary"}, queryset=Exercise.objects.all())
    assert filterset.is_valid()
    with pytest.raises(ValidationError, match="give muscle too"):
        list(filterset.qs)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"difficulty": "beginner"}, BEGINNER),
        ({"difficulty": "intermediate"}, INTERMEDIATE),
        ({"difficulty": "advanced"}, ADVANCED),
        ({"difficulty": "intermediate,advanced"}, INTERMEDIATE | ADVANCED),
        ({"max_difficulty": "beginner"}, BEGINNER),
        ({"max_difficulty": "intermediate"}, BEGINNER | INTERMEDIATE),
        ({"max_difficulty": "advanced"}, ALL),
    ],
)
def test_difficulty_and_max_difficulty(params, expected):
    assert set(exercise_slugs(**params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"laterality": "each_side"}, {QUADRUPED, STEPUPS, STANDING}),
        ({"laterality": "both"}, ALL - {QUADRUPED, STEPUPS, STANDING}),
        ({"position": "standing"}, {STEPUPS, STANDING}),
        ({"position": "lying_on_back"}, {GLUTE_BRIDGES, BALL_CURL}),
        ({"position": "kneeling,seated"}, {UPRIGHT, HIP_THRUST}),
        ({"position": "all_fours"}, {QUADRUPED}),
        ({"position": "lying_face_down"}, {BALL_PRONE}),
    ],
)
def test_laterality_and_position(params, expected):
    assert set(exercise_slugs(**params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"equipment": "none", "difficulty": "beginner"}, {GLUTE_BRIDGES, STANDING}),
        ({"available": "yoga-mat", "laterality": "each_side"}, {QUADRUPED, STANDING}),
        (
            {
                "muscle": "hamstrings",
                "role": "primary",
                "max_difficulty": "intermediate",
            },
            {BALL_PRONE},
        ),
        (
            {"available": "bench,dumbbell", "difficulty": "intermediate"},
            {HIP_THRUST, STEPUPS},
        ),
        ({"equipment": "stability-ball", "position": "lying_on_back"}, {BALL_CURL}),
        ({"search": "kickback", "position": "standing"}, {STANDING}),
        ({"available": "none", "muscle": "core"}, {GLUTE_BRIDGES, STANDING}),
    ],
)
def test_filters_combine(params, expected):
    assert set(exercise_slugs(**params)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kickback", {QUADRUPED, STANDING}),  # in the names
        ("Step-up", {STEPUPS}),  # an alias
        ("superman", {BALL_PRONE}),  # the summary only
        ("heel", {GLUTE_BRIDGES, HIP_THRUST, QUADRUPED}),  # the steps only
        ("wall", {HIP_THRUST, QUADRUPED, STANDING}),  # the steps only
        ("stability ball", {BALL_CURL, BALL_PRONE}),  # every word must match
        ("zumba", set()),
        ("   ", ALL),
    ],
)
def test_search_covers_names_aliases_summary_and_steps(text, expected):
    assert set(exercise_slugs(search=text)) == expected


def test_search_ranks_name_matches_first_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("ranking is PostgreSQL's full-text search")
    # In the name of stepups (and its summary), only in a step of hip thrusts.
    assert exercise_slugs(search="bench") == [STEPUPS, HIP_THRUST]


def test_search_with_ordering_follows_the_ordering():
    assert exercise_slugs(search="kickback", ordering="-name") == [STANDING, QUADRUPED]


def test_updated_since_lists_exercises_changed_since():
    old = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Exercise.objects.update(updated_at=old)
    Exercise.objects.filter(slug=STEPUPS).update(updated_at=old.replace(year=2025))
    assert exercise_slugs(updated_since="2024-06-01") == [STEPUPS]
    assert exercise_slugs(updated_since="2025-01-01T00:00:00Z") == [STEPUPS]
    # Inclusive, and an offset is honoured: 01:00+01:00 is midnight UTC.
    assert exercise_slugs(updated_since="2025-01-01T01:00:00+01:00") == [STEPUPS]
    assert set(exercise_slugs(updated_since="2024-01-01")) == ALL
    assert exercise_slugs(updated_since="2025-01-01T00:00:01Z") == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (
            "name",
            [
                BALL_CURL,
                GLUTE_BRIDGES,
                HIP_THRUST,
                BALL_PRONE,
                QUADRUPED,
                STANDING,
                STEPUPS,
                UPRIGHT,
            ],
        ),
        (
            "-name",
            [
                UPRIGHT,
                STEPUPS,
                STANDING,
                QUADRUPED,
                BALL_PRONE,
                HIP_THRUST,
                GLUTE_BRIDGES,
                BALL_CURL,
            ],
        ),
        # By level, not alphabetically ("advanced" < "beginner"); ties by name.
        (
            "difficulty",
            [
                GLUTE_BRIDGES,
                QUADRUPED,
                STANDING,
                UPRIGHT,
                HIP_THRUST,
                BALL_PRONE,
                STEPUPS,
                BALL_CURL,
            ],
        ),
        (
            "-difficulty",
            [
                BALL_CURL,
                HIP_THRUST,
                BALL_PRONE,
                STEPUPS,
                GLUTE_BRIDGES,
                QUADRUPED,
                STANDING,
                UPRIGHT,
            ],
        ),
        (
            "-difficulty,-name",
            [
                BALL_CURL,
                STEPUPS,
                BALL_PRONE,
                HIP_THRUST,
                UPRIGHT,
                STANDING,
                QUADRUPED,
                GLUTE_BRIDGES,
            ],
        ),
    ],
)
def test_ordering(ordering, expected):
    assert exercise_slugs(ordering=ordering) == expected


def test_ordering_by_updated_time():
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for days, slug in enumerate([STEPUPS, GLUTE_BRIDGES, BALL_CURL]):
        Exercise.objects.filter(slug=slug).update(
            updated_at=base + datetime.timedelta(days=days)
        )
    Exercise.objects.exclude(slug__in=[STEPUPS, GLUTE_BRIDGES, BALL_CURL]).update(
        updated_at=base + datetime.timedelta(days=10)
    )
    assert exercise_slugs(ordering="updated_at")[:3] == [
        STEPUPS,
        GLUTE_BRIDGES,
        BALL_CURL,
    ]
    assert exercise_slugs(ordering="-updated_at")[-3:] == [
        BALL_CURL,
        GLUTE_BRIDGES,
        STEPUPS,
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"equipment": "kettlebel"},
            "Unknown value 'kettlebel'. Valid values: barbell, barbell-pad, bench, box, dumbbell, loop-mini-band, padding, resistance-band, stability-ball, yoga-mat, none.",
        ),
        (
            {"available": "dumbbell,kettlebell,rope"},
            "Unknown values 'kettlebell', 'rope'.",
        ),
        (
            {"muscle": "hamstring"},
            "Unknown value 'hamstring'. Valid values: adductor-magnus-posterior-head,",
        ),
        ({"role": "main"}, "Unknown value 'main'. Valid values: primary, secondary."),
        (
            {"difficulty": "beginner,expert"},
            "Unknown value 'expert'. Valid values: beginner, intermediate, advanced.",
        ),
        ({"max_difficulty": "Beginner"}, "Unknown value 'Beginner'."),
        ({"laterality": "left"}, "Valid values: both, each_side."),
        ({"position": "prone"}, "Unknown value 'prone'."),
        (
            {"ordering": "difficulty_rank"},
            "Valid values: source, -source, name, -name, difficulty, -difficulty, updated_at, -updated_at.",
        ),
        (
            {"updated_since": "yesterday"},
            "'yesterday' is not an ISO 8601 date or date-time",
        ),
        ({"updated_since": "2025-02-30"}, "is not an ISO 8601 date"),
        ({"updated_since": "2025-01-01T00:00:00 01:00"}, "encode a + offset as %2B"),
        ({"updated_since": "0001-01-01T00:00:00+05:00"}, "is out of range"),
        ({"search": "x" * 201}, "at most 200 characters"),
    ],
)
def test_invalid_values_are_errors_naming_the_valid_ones(params, message):
    (name,) = params
    assert message in exercise_errors(**params)[name]


def test_muscle_group_filter():
    def slugs(**params):
        filterset = MuscleFilterSet(params, queryset=Muscle.objects.all())
        assert filterset.is_valid(), filterset.errors
        return [muscle.slug for muscle in filterset.qs]

    assert slugs(group="hamstrings") == [
        "biceps-femoris-long-head",
        "semimembranosus",
        "semitendinosus",
    ]
    assert slugs(group="glutes,hip-flexors") == [
        "gluteus-maximus",
        "gluteus-medius",
        "iliacus",
        "psoas-major",
        "rectus-femoris",
    ]
    assert slugs(group="none") == [
        "adductor-magnus-posterior-head",
        "core",
        "glutes",
        "hamstrings",
        "hip-flexors",
        "lower-back",
    ]
    assert slugs(hip_role="stabiliser") == ["core"]
