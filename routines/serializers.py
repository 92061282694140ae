"""Representations of routines (items in order with their effective doses) and the
query and answer of the routine builder."""

from rest_framework import serializers

from exercises.models import (
    Difficulty,
    Equipment,
    Exercise,
    Muscle,
    MuscleRole,
)
from exercises.selectors import NO_EQUIPMENT
from exercises.serializers import EquipmentBriefSerializer
from hipext.api.fields import (
    SlugHyperlinkedIdentityField,
    SlugHyperlinkedRelatedField,
    TranslationField,
)
from hipext.api.filters import slug_choices
from hipext.api.queryfields import CommaSeparatedQueryField, StrictChoiceQueryField

from .filtersets import AVAILABLE_HELP, MUSCLE_HELP
from .models import MAX_ITEMS, MIN_ITEMS, Routine, RoutineItem


class RoutineExerciseSerializer(serializers.ModelSerializer):
    """The summary fields of an exercise; its URL gives the full exercise."""

    url = SlugHyperlinkedIdentityField(view_name="exercise-detail", lookup_field="slug")

    class Meta:
        model = Exercise
        fields = [
            "url",
            "slug",
            "name",
            "summary",
            "difficulty",
            "position",
            "laterality",
        ]


class EffectiveDoseSerializer(serializers.Serializer):
    """The effective dose of an item: its override where given, else the exercise's."""

    sets_min = serializers.IntegerField(allow_null=True)
    sets_max = serializers.IntegerField(allow_null=True)
    reps_min = serializers.IntegerField(allow_null=True)
    reps_max = serializers.IntegerField(allow_null=True)
    per_side = serializers.BooleanField()
    hold_seconds = serializers.IntegerField(allow_null=True)


class RoutineItemSerializer(serializers.ModelSerializer):
    """One exercise of a routine, at its place, with its effective dose."""

    exercise = RoutineExerciseSerializer(read_only=True)
    dose = EffectiveDoseSerializer(read_only=True)
    dose_text = serializers.CharField(
        source="dose.text",
        read_only=True,
        help_text='The effective dose as words: "2–3 sets of 8–12 reps, each leg".',
    )
    dose_overridden = serializers.BooleanField(
        source="is_overridden",
        read_only=True,
        help_text="Whether the routine changes the exercise's own dose.",
    )

    class Meta:
        model = RoutineItem
        fields = [
            "position",
            "exercise",
            "dose",
            "dose_text",
            "dose_overridden",
            "rest_seconds",
            "note",
        ]


class EquipmentNeedSerializer(serializers.Serializer):
    """A piece of equipment the routine needs, or any one of its alternatives."""

    slug = serializers.SlugField(source="equipment.slug")
    name = serializers.CharField(source="equipment.name")
    url = SlugHyperlinkedRelatedField(
        source="equipment",
        view_name="equipment-detail",
        lookup_field="slug",
        read_only=True,
    )
    alternatives = EquipmentBriefSerializer(
        many=True, help_text="Any one of these does instead."
    )
    exercises = serializers.ListField(
        source="exercise_slugs",
        child=serializers.SlugField(),
        help_text="The slugs of the routine's exercises that need it.",
    )


class MuscleWorkedSerializer(serializers.Serializer):
    """A muscle the routine works: primary if any of its exercises works it so."""

    slug = serializers.SlugField(source="muscle.slug")
    name = serializers.CharField(source="muscle.name")
    url = SlugHyperlinkedRelatedField(
        source="muscle", view_name="muscle-detail", lookup_field="slug", read_only=True
    )
    group = serializers.SlugField(
        source="muscle.group.slug",
        allow_null=True,
        help_text="The slug of the muscle's group (e.g. hamstrings), or null.",
    )
    role = serializers.ChoiceField(choices=MuscleRole.choices)


class DurationSerializer(serializers.Serializer):
    """An estimate in whole minutes, from the shortest to the longest doses."""

    min = serializers.IntegerField()
    max = serializers.IntegerField()

    def to_representation(self, instance):
        low, high = instance
        return {"min": low, "max": high}


ESTIMATE_HELP = (
    "Estimated minutes: the article's 5–10 minute warm-up, plus for each set "
    "reps × (3 s + any hold) × 2 if per side, plus the item's rest after every set "
    "but the last. `min` uses the low ends of the dose ranges, `max` the high ends; "
    "an unstated set or rep count counts as 1."
)


class RoutineSerializer(serializers.ModelSerializer):
    """A routine with its items in order and what it needs and works."""

    url = SlugHyperlinkedIdentityField(view_name="routine-detail", lookup_field="slug")
    notes = serializers.ListField(
        source="note_list", child=serializers.CharField(), read_only=True
    )
    items = RoutineItemSerializer(many=True, read_only=True)
    equipment_needed = EquipmentNeedSerializer(
        many=True,
        read_only=True,
        help_text="Required equipment of its exercises; empty when none is needed.",
    )
    muscles = MuscleWorkedSerializer(source="muscles_worked", many=True, read_only=True)
    estimated_minutes = DurationSerializer(read_only=True, help_text=ESTIMATE_HELP)
    translation = TranslationField(
        {
            "name": ["name"],
            "summary": ["summary"],
            "goal": ["goal"],
            "warm_up": ["warm_up"],
            "notes": ["notes"],
            "items": ["items.exercise.name", "items.exercise.summary", "items.note"],
            "equipment_needed": [
                "equipment_needed.equipment.name",
                "equipment_needed.alternatives.name",
            ],
            "muscles": ["muscles_worked.muscle.name"],
        }
    )

    class Meta:
        model = Routine
        fields = [
            "url",
            "uuid",
            "slug",
            "name",
            "summary",
            "goal",
            "difficulty",
            "warm_up",
            "notes",
            "items",
            "equipment_needed",
            "muscles",
            "estimated_minutes",
            "published_at",
            "created_at",
            "updated_at",
            "translation",
        ]


class GuidanceSerializer(serializers.Serializer):
    """A piece of the article's general guidance."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    text = serializers.CharField()


class RoutineSuggestQuerySerializer(serializers.Serializer):
    """The query parameters of /api/routines/suggest."""

    available = CommaSeparatedQueryField(
        choices=slug_choices(Equipment.objects, NO_EQUIPMENT),
        max_length=1000,
        help_text=AVAILABLE_HELP
        + "Required: every suggested exercise is doable with only this equipment.",
    )
    difficulty = StrictChoiceQueryField(
        choices=Difficulty.choices,
        default=Difficulty.BEGINNER,
        help_text=(
            "The person's level: exercises at this level or easier qualify. "
            "Beginner by default."
        ),
    )
    muscle = CommaSeparatedQueryField(
        choices=slug_choices(Muscle.objects),
        required=False,
        max_length=1000,
        help_text=MUSCLE_HELP + " Every suggested exercise works one of them.",
    )
    count = StrictChoiceQueryField(
        choices=list(range(MIN_ITEMS, MAX_ITEMS + 1)),
        default=MIN_ITEMS,
        help_text=(
            "How many exercises: the article advises 2–3 hip extension exercises "
            "per lower body workout. 2 by default."
        ),
    )
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=(
            "Varies the choice among the qualifying exercises; the same seed gives "
            "the same routine. Without it, the hardest qualifying exercises by name. "
            "Either way the routine gives them easiest first."
        ),
    )


class SuggestRequestSerializer(serializers.Serializer):
    """The request a suggestion answers, normalized (sorted, defaults filled in)."""

    available = serializers.ListField(child=serializers.SlugField())
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    muscle = serializers.ListField(child=serializers.SlugField())
    count = serializers.IntegerField()
    seed = serializers.IntegerField(allow_null=True)


class RoutineSuggestionSerializer(serializers.Serializer):
    """A routine built for the request; not saved, so it has no URL or slug."""

    name = serializers.CharField()
    summary = serializers.CharField()
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, help_text="The level of its hardest exercise."
    )
    warm_up = serializers.CharField()
    items = RoutineItemSerializer(many=True)
    equipment_needed = EquipmentNeedSerializer(many=True)
    muscles = MuscleWorkedSerializer(source="muscles_worked", many=True)
    estimated_minutes = DurationSerializer(help_text=ESTIMATE_HELP)
    guidance = GuidanceSerializer(
        many=True, help_text="The article's general guidance, in its order."
    )
    request = SuggestRequestSerializer()
