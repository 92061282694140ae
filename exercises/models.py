"""Content model: muscles, equipment, exercises and the article's general guidance."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hipext.content.modeling import SlugManager, choice_constraint, split_lines
from hipext.content.ordering import (
    position_constraints,
    position_range_constraint,
    validate_position,
)
from hipext.content.publication import (
    Publication,
    PublishableManager,
    PublishableModel,
    publication_constraints,
)
from hipext.content.revisions import RevisionedModel
from hipext.content.validators import validate_line, validate_text

from .dose import Dose, DoseFields, dose_constraints


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")

    @classmethod
    def rank(cls, value):
        """0 for beginner, 1 for intermediate, 2 for advanced."""
        return cls.values.index(value)

    @classmethod
    def up_to(cls, value):
        """The levels at or below ``value``."""
        return cls.values[: cls.rank(value) + 1]


class HipRole(models.TextChoices):
    EXTENSOR = "extensor", _("Hip extensor")
    FLEXOR = "flexor", _("Hip flexor")
    STABILISER = "stabiliser", _("Pelvis stabiliser")


class Position(models.TextChoices):
    LYING_ON_BACK = "lying_on_back", _("Lying on the back")
    LYING_FACE_DOWN = "lying_face_down", _("Lying face down")
    ALL_FOURS = "all_fours", _("All fours")
    KNEELING = "kneeling", _("Kneeling")
    SEATED = "seated", _("Seated on the floor")
    STANDING = "standing", _("Standing")


class Laterality(models.TextChoices):
    BOTH = "both", _("Both legs together")
    EACH_SIDE = "each_side", _("Each side in turn")


class MuscleRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")


class VariationKind(models.TextChoices):
    PROGRESSION = "progression", _("Progression (harder)")
    REGRESSION = "regression", _("Regression (easier)")
    ALTERNATIVE = "alternative", _("Alternative")


class Muscle(models.Model):
    """A muscle, or a named group of muscles such as the hamstrings."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_line])
    slug = models.SlugField(max_length=100, unique=True)
    group = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The group this muscle belongs to (e.g. hamstrings).",
    )
    hip_role = models.CharField(
        max_length=20,
        choices=HipRole.choices,
        blank=True,
        help_text="Its role around the hip, where the source states one.",
    )
    description = models.TextField(blank=True, validators=[validate_text])

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(group=F("pk")),
                name="%(app_label)s_%(class)s_not_own_group",
                violation_error_message="A muscle cannot be its own group.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Equipment(models.Model):
    """A piece of equipment an exercise may use."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_line])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, validators=[validate_text])

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Exercise(DoseFields, PublishableModel, RevisionedModel):
    """A hip-extension exercise with its steps, dose, muscles and equipment."""

    uuid = models.UUIDField(
        "UUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identifies the exercise across installations.",
    )
    name = models.CharField(max_length=150, unique=True, validators=[validate_line])
    slug = models.SlugField(max_length=150, unique=True)
    aliases = models.TextField(
        blank=True,
        validators=[validate_text],
        help_text="Other names the source article uses for it, one per line.",
    )
    editorial_aliases = models.TextField(
        blank=True,
        validators=[validate_text],
        help_text=(
            "Other names the editors added, not taken from the source article, one "
            "per line."
        ),
    )
    source_number = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        unique=True,
        validators=[validate_position],
        help_text=(
            "Its number in the source article (1–8), the lists' default order; empty "
            "for an exercise the article does not list (listed after those it does)."
        ),
    )
    summary = models.TextField(validators=[validate_text])
    difficulty = models.CharField(max_length=20, choices=Difficulty.choices)
    difficulty_basis = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_line],
        help_text="The source's words on difficulty, or why this level was chosen.",
    )
    position = models.CharField(
        "starting position", max_length=20, choices=Position.choices
    )
    laterality = models.CharField(max_length=20, choices=Laterality.choices)

    # The dose (DoseFields): any part may be empty ("15–20 reps, then switch feet" has
    # no set count).
    per_side = models.BooleanField(
        default=False, help_text="The reps are done on each leg in turn."
    )

    tips = models.TextField(
        blank=True, validators=[validate_text], help_text="One tip per line."
    )
    cautions = models.TextField(
        blank=True, validators=[validate_text], help_text="One caution per line."
    )
    source = models.TextField(
        validators=[validate_text],
        help_text="Citation of the source this content comes from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    muscles = models.ManyToManyField(
        Muscle, through="ExerciseMuscle", related_name="exercises"
    )

    objects = PublishableManager()

    class Meta:
        ordering = ["name"]
        # The lists' default order (exercises.selectors.SOURCE_ORDER) by each
        # language's names: a page is read in this order, not sorted from every row.
        indexes = [
            models.Index(
                fields=["source_number", f"name_{code}"],
                name=f"exercises_source_order_{code}",
            )
            for code in settings.MODELTRANSLATION_LANGUAGES
        ]
        constraints = [
            *dose_constraints(),
            *publication_constraints(),
            choice_constraint("difficulty", Difficulty),
            choice_constraint("position", Position),
            choice_constraint("laterality", Laterality),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        # A published routine shows its exercises: one may not go back to a draft,
        # or be scheduled after the routine, under it (routines.services unpublishes
        # both once the editor confirms).
        held = []
        now = timezone.now()
        for name, published_at in self.routine_items.filter(
            routine__status=Publication.PUBLISHED
        ).values_list("routine__name", "routine__published_at"):
            if self.status != Publication.PUBLISHED or (
                self.published_at and self.published_at > max(published_at, now)
            ):
                held.append(f"“{name}”")
        if held:
            raise ValidationError(
                f"Published routines contain this exercise: {', '.join(held)}. "
                "Use the “Unpublish” action of the exercise list, which lists them "
                "and unpublishes them with it once you confirm, or unpublish them "
                "first."
            )

    def get_absolute_url(self):
        return reverse("exercise-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def alias_list(self):
        return split_lines(self.aliases)

    @property
    def editorial_alias_list(self):
        return split_lines(self.editorial_aliases)

    @property
    def all_alias_list(self):
        """The article's names, then the editors'."""
        return self.alias_list + self.editorial_alias_list

    @property
    def tip_list(self):
        return split_lines(self.tips)

    @property
    def caution_list(self):
        return split_lines(self.cautions)

    @property
    def dose(self):
        """The exercise's own dose."""
        return Dose.of(self)

    @property
    def dose_text(self):
        """The dose as a person would say it: "2–3 sets of 8–12 reps, each leg"."""
        return self.dose.text


class ExerciseStep(models.Model):
    """One numbered instruction of an exercise."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(validators=[validate_position])
    text = models.TextField(validators=[validate_text])

    class Meta:
        ordering = ["exercise", "position"]
        constraints = position_constraints(
            "exercise", "Two steps of an exercise cannot share a position."
        )

    def __str__(self):
        return f"{self.exercise} – step {self.position}"


class ExerciseMuscle(models.Model):
    """A muscle an exercise works, as a primary or secondary mover."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="muscle_links"
    )
    muscle = models.ForeignKey(
        Muscle, on_delete=models.PROTECT, related_name="exercise_links"
    )
    role = models.CharField(max_length=20, choices=MuscleRole.choices)

    class Meta:
        ordering = ["exercise", "role", "muscle__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "muscle"],
                name="%(app_label)s_%(class)s_unique_muscle",
                violation_error_message="This muscle is listed for the exercise already.",
            ),
            choice_constraint("role", MuscleRole),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.muscle} ({self.role})"


class ExerciseEquipment(models.Model):
    """One equipment requirement of an exercise, met by the item or any alternative."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="equipment_links"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="exercise_links"
    )
    requirement = models.CharField(max_length=20, choices=Requirement.choices)
    alternatives = models.ManyToManyField(
        Equipment,
        through="ExerciseEquipmentAlternative",
        blank=True,
        related_name="alternative_for",
        help_text="Other equipment that meets this requirement just as well.",
    )
    note = models.CharField(max_length=300, blank=True, validators=[validate_line])

    class Meta:
        ordering = ["exercise", "requirement", "equipment__name"]
        verbose_name = "exercise equipment"
        verbose_name_plural = "exercise equipment"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "equipment"],
                name="%(app_label)s_%(class)s_unique_equipment",
                violation_error_message="This equipment is listed already.",
            ),
            choice_constraint("requirement", Requirement),
        ]
        indexes = [
            # The required rows only, for the filters asking "needs nothing else"
            # (equipment=none, available=...): an anti join over an index-only scan
            # instead of every row of the table (bench/RESULTS.md, scale).
            models.Index(
                fields=["exercise", "equipment"],
                condition=models.Q(requirement=Requirement.REQUIRED),
                name="exercises_required_links",
            ),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.equipment} ({self.requirement})"


class ExerciseEquipmentAlternative(models.Model):
    """Equipment that meets one equipment requirement of an exercise just as well."""

    link = models.ForeignKey(
        ExerciseEquipment,
        on_delete=models.CASCADE,
        db_column="exerciseequipment_id",
    )
    # Protected, as the required item is: deleting equipment never silently takes an
    # alternative away from an exercise; the admin lists what uses it instead.
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="alternative_links"
    )

    class Meta:
        # The table Django made for the plain many-to-many, kept as it was: its
        # unique index is a unique_together one, not a named constraint.
        db_table = "exercises_exerciseequipment_alternatives"
        unique_together = [("link", "equipment")]
        verbose_name = "exercise equipment alternative"

    def __str__(self):
        return (
            f"{self.equipment} as an alternative to {self.link.equipment} "
            f"for {self.link.exercise}"
        )


class Variation(models.Model):
    """A way to make an exercise easier, harder or different.

    It points to another exercise, or, when the variation is a change to the same
    exercise (straight legs, no curl, a band), describes it in its name and note.
    """

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="variations"
    )
    # Restricted: an exercise another one names as its variant cannot be deleted on
    # its own (the admin lists the variations); deleting both at once is allowed.
    variant = models.ForeignKey(
        Exercise,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="variant_of",
        help_text="The other exercise; empty when the variation changes this one.",
    )
    name = models.CharField(max_length=150, validators=[validate_line])
    kind = models.CharField(max_length=20, choices=VariationKind.choices)
    note = models.TextField(blank=True, validators=[validate_text])

    class Meta:
        ordering = ["exercise", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="A variation of that name exists already.",
            ),
            models.UniqueConstraint(
                fields=["exercise", "variant"],
                name="%(app_label)s_%(class)s_unique_variant",
                violation_error_message="This variation is linked already.",
            ),
            models.CheckConstraint(
                condition=~Q(variant=F("exercise")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message=(
                    "Leave the variant empty for a change to the same exercise."
                ),
            ),
            choice_constraint("kind", VariationKind),
        ]

    def __str__(self):
        return f"{self.exercise} → {self.name} ({self.kind})"


class Guideline(PublishableModel):
    """A piece of the source's general guidance, such as warming up first."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=150, unique=True, validators=[validate_line])
    text = models.TextField(validators=[validate_text])
    position = models.PositiveSmallIntegerField(
        unique=True, validators=[validate_position]
    )
    source = models.TextField(validators=[validate_text])
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableManager()

    class Meta:
        ordering = ["position"]
        constraints = [position_range_constraint(), *publication_constraints()]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)
