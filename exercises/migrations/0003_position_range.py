"""Positions run from 1 to 1000 (parked at 10001–11000 only during a reorder)."""

from django.db import migrations, models

import hipext.content.ordering


def position_range(name):
    return models.CheckConstraint(
        condition=models.Q(
            models.Q(("position__gte", 1), ("position__lte", 1000)),
            models.Q(("position__gt", 10000), ("position__lte", 11000)),
            _connector="OR",
        ),
        name=name,
        violation_error_message="Positions run from 1 to 1000.",
    )


def compact(queryset):
    """Number the rows 1, 2, 3… in their order."""
    # In ascending order each row moves down to a number no other row holds: those
    # before it hold the lower numbers, those after it hold higher ones than its own.
    for number, row in enumerate(queryset.order_by("position"), start=1):
        if row.position != number:
            row.position = number
            row.save(update_fields=["position"])


def positions_into_range(apps, schema_editor):
    """Renumber the children of any parent that holds a position past the range."""
    ExerciseStep = apps.get_model("exercises", "ExerciseStep")
    Guideline = apps.get_model("exercises", "Guideline")
    exercises = (
        ExerciseStep.objects.filter(position__gt=1000)
        .values_list("exercise_id", flat=True)
        .distinct()
    )
    for exercise_id in list(exercises):
        compact(ExerciseStep.objects.filter(exercise_id=exercise_id))
    if Guideline.objects.filter(position__gt=1000).exists():
        compact(Guideline.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0002_delete_seedrecord"),
    ]

    operations = [
        migrations.RunPython(positions_into_range, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="exercisestep",
            name="exercises_exercisestep_position_positive",
        ),
        migrations.RemoveConstraint(
            model_name="guideline",
            name="exercises_guideline_position_positive",
        ),
        migrations.AlterField(
            model_name="exercisestep",
            name="position",
            field=models.PositiveSmallIntegerField(
                validators=[hipext.content.ordering.validate_position]
            ),
        ),
        migrations.AlterField(
            model_name="guideline",
            name="position",
            field=models.PositiveSmallIntegerField(
                unique=True, validators=[hipext.content.ordering.validate_position]
            ),
        ),
        migrations.AddConstraint(
            model_name="exercisestep",
            constraint=position_range("exercises_exercisestep_position_range"),
        ),
        migrations.AddConstraint(
            model_name="guideline",
            constraint=position_range("exercises_guideline_position_range"),
        ),
    ]
