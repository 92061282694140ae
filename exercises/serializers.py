"""Representations of the exercise content: one call gives an app everything."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hipext.api.fields import (
    SlugHyperlinkedIdentityField,
    SlugHyperlinkedRelatedField,
    TranslationField,
    slug_url,
    with_language,
)

from .dose import DOSE_FIELDS
from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    HipRole,
    Muscle,
    Variation,
)


def exercise_list_url(request, **params):
    """The absolute URL of the exercise list filtered by ``params``."""
    url = reverse("exercise-list")
    if params:
        url = f"{url}?{urlencode(params)}"
    url = with_language(url)
    return request.build_absolute_uri(url) if request is not None else url


@extend_schema_field(OpenApiTypes.URI)
class ExerciseListLinkField(serializers.Field):
    """A link to the exercise list filtered by the object's slug, as ``param``."""

    def __init__(self, param, **kwargs):
        self.param = param
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return exercise_list_url(
            self.context.get("request"), **{self.param: value.slug}
        )


class MuscleBriefSerializer(serializers.ModelSerializer):
    url = SlugHyperlinkedIdentityField(view_name="muscle-detail", lookup_field="slug")

    class Meta:
        model = Muscle
        fields = ["slug", "name", "url"]


class BlankAsNullChoiceField(serializers.ChoiceField):
    """An optional choice, null when it has no value (never "")."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class MuscleSerializer(serializers.ModelSerializer):
    url = SlugHyperlinkedIdentityField(view_name="muscle-detail", lookup_field="slug")
    hip_role = BlankAsNullChoiceField(
        choices=HipRole.choices,
        help_text="Its role around the hip, where the source states one; else null.",
    )
    group = MuscleBriefSerializer(
        read_only=True, allow_null=True, help_text="The group this muscle belongs to."
    )
    members = MuscleBriefSerializer(
        many=True, read_only=True, help_text="The muscles of this group, if it is one."
    )
    exercises_url = ExerciseListLinkField(
        "muscle",
        help_text="The exercises working this muscle (or, for a group, its members).",
    )
    translation = TranslationField(
        {
            "name": ["name"],
            "group": ["group.name"],
            "members": ["members.name"],
            "description": ["description"],
        }
    )

    class Meta:
        model = Muscle
        fields = [
            "url",
            "slug",
            "name",
            "group",
            "members",
            "hip_role",
            "description",
            "exercises_url",
            "translation",
        ]


class EquipmentBriefSerializer(serializers.ModelSerializer):
    url = SlugHyperlinkedIdentityField(
        view_name="equipment-detail", lookup_field="slug"
    )

    class Meta:
        model = Equipment
        fields = ["slug", "name", "url"]


class EquipmentSerializer(serializers.ModelSerializer):
    url = SlugHyperlinkedIdentityField(
        view_name="equipment-detail", lookup_field="slug"
    )
    exercises_url = ExerciseListLinkField(
        "equipment",
        help_text="The exercises using this equipment, required, optional or as an alternative.",
    )
    translation = TranslationField({"name": ["name"], "description": ["description"]})

    class Meta:
        model = Equipment
        fields = ["url", "slug", "name", "description", "exercises_url", "translation"]


class GuidelineSerializer(serializers.ModelSerializer):
    url = SlugHyperlinkedIdentityField(
        view_name="guideline-detail", lookup_field="slug"
    )
    translation = TranslationField({"title": ["title"], "text": ["text"]})

    class Meta:
        model = Guideline
        fields = [
            "url",
            "slug",
            "title",
            "text",
            "position",
            "source",
            "published_at",
            "updated_at",
            "translation",
        ]


class ExerciseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExerciseStep
        fields = ["position", "text"]


class ExerciseMuscleSerializer(serializers.ModelSerializer):
    """A muscle an exercise works, with its role in it."""

    slug = serializers.SlugField(source="muscle.slug", read_only=True)
    name = serializers.CharField(source="muscle.name", read_only=True)
    url = SlugHyperlinkedRelatedField(
        source="muscle", view_name="muscle-detail", lookup_field="slug", read_only=True
    )
    group = serializers.SlugField(
        source="muscle.group.slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the muscle's group (e.g. hamstrings), or null.",
    )

    class Meta:
        model = ExerciseMuscle
        fields = ["slug", "name", "url", "group", "role"]


class ExerciseEquipmentSerializer(serializers.ModelSerializer):
    """An equipment requirement, met by the item or any of its alternatives."""

    slug = serializers.SlugField(source="equipment.slug", read_only=True)
    name = serializers.CharField(source="equipment.name", read_only=True)
    url = SlugHyperlinkedRelatedField(
        source="equipment",
        view_name="equipment-detail",
        lookup_field="slug",
        read_only=True,
    )
    alternatives = EquipmentBriefSerializer(many=True, read_only=True)

    class Meta:
        model = ExerciseEquipment
        fields = ["slug", "name", "url", "requirement", "alternatives", "note"]


class VariationSerializer(serializers.ModelSerializer):
    """An easier, harder or different way to do the exercise."""

    slug = serializers.SlugField(
        source="variant.slug",
        read_only=True,
        allow_null=True,
        help_text="The other exercise's slug; null when this changes the same exercise.",
    )
    url = SlugHyperlinkedRelatedField(
        source="variant",
        view_name="exercise-detail",
        lookup_field="slug",
        read_only=True,
        allow_null=True,
    )

    class Meta:
        model = Variation
        fields = ["slug", "url", "name", "kind", "note"]


class DoseSerializer(serializers.ModelSerializer):
    """The structured dose; any part may be null."""

    class Meta:
        model = Exercise
        fields = list(DOSE_FIELDS)


class ExerciseSerializer(serializers.ModelSerializer):
    """An exercise with everything the catalogue holds about it, in both list and detail."""

    url = SlugHyperlinkedIdentityField(view_name="exercise-detail", lookup_field="slug")
    aliases = serializers.ListField(
        source="all_alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text=(
            "Other names: the source article's, then those the editors added "
            "(listed again in `editorial_aliases`)."
        ),
    )
    editorial_aliases = serializers.ListField(
        source="editorial_alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="The aliases not taken from the source article: added by the editors.",
    )
    source_number = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Its number in the source article (1–8), the lists' default order "
            "(`ordering=source`); null for an exercise the article does not list."
        ),
    )
    dose = DoseSerializer(source="*", read_only=True)
    dose_text = serializers.CharField(
        read_only=True,
        help_text='The dose as words: "2–3 sets of 8–12 reps, each leg".',
    )
    steps = ExerciseStepSerializer(many=True, read_only=True)
    muscles = ExerciseMuscleSerializer(source="muscle_links", many=True, read_only=True)
    equipment = ExerciseEquipmentSerializer(
        source="equipment_links",
        many=True,
        read_only=True,
        help_text="Empty, or only optional items, when no equipment is needed.",
    )
    diagram_url = serializers.SerializerMethodField(
        help_text=(
            "An SVG body map of the muscles worked, primary solid and secondary "
            "hatched, with a legend and accessible text."
        )
    )
    variations = VariationSerializer(many=True, read_only=True)
    tips = serializers.ListField(
        source="tip_list", child=serializers.CharField(), read_only=True
    )
    cautions = serializers.ListField(
        source="caution_list", child=serializers.CharField(), read_only=True
    )
    translation = TranslationField(
        {
            "name": ["name"],
            "aliases": ["aliases", "editorial_aliases"],
            "editorial_aliases": ["editorial_aliases"],
            "summary": ["summary"],
            "difficulty_basis": ["difficulty_basis"],
            "steps": ["steps.text"],
            "muscles": ["muscle_links.muscle.name"],
            "equipment": [
                "equipment_links.equipment.name",
                "equipment_links.alternatives.name",
                "equipment_links.note",
            ],
            "variations": ["variations.name", "variations.note"],
            "tips": ["tips"],
            "cautions": ["cautions"],
        }
    )

    class Meta:
        model = Exercise
        fields = [
            "url",
            "uuid",
            "slug",
            "name",
            "aliases",
            "editorial_aliases",
            "source_number",
            "summary",
            "difficulty",
            "difficulty_basis",
            "position",
            "laterality",
            "dose",
            "dose_text",
            "steps",
            "muscles",
            "diagram_url",
            "equipment",
            "variations",
            "tips",
            "cautions",
            "source",
            "published_at",
            "created_at",
            "updated_at",
            "translation",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_diagram_url(self, exercise: Exercise) -> str:
        return slug_url(self.context.get("request"), "exercise-diagram", exercise.slug)
