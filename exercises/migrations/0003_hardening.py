"""Hardening of the exercise content: positions, revisions, clean text, protection.

- Positions run from 1 to 1000 (parked at 10001–11000 only during a reorder).
- Each exercise counts its saves, so the admin can refuse a form opened before one.
- Text fields refuse control characters (hipext.content.validators).
- Equipment used as an alternative, and an exercise named as another's variant, are
  no longer deleted from under the exercises that use them.

  The alternatives get an explicit through model on the table Django made for the plain
  many-to-many (same columns, same unique index), so nothing changes in the database.
"""

from django.db import migrations, models
import django.db.models.deletion
import hipext.content.ordering
import hipext.content.validators


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
        hipext.content.ordering.positions_compact(ExerciseStep.objects.filter(exercise_id=exercise_id))
    if Guideline.objects.filter(position__gt=1000).exists():
        hipext.content.ordering.positions_compact(Guideline.objects.all())


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

        migrations.AddField(
            model_name="exercise",
            name="revision",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text=(
                    "Counts the saves; an admin form opened at an older one is refused."
                ),
            ),
        ),

        migrations.AlterField(
            model_name="equipment",
            name="description",
            field=models.TextField(blank=True, validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="equipment",
            name="name",
            field=models.CharField(max_length=100, unique=True, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="aliases",
            field=models.TextField(blank=True, help_text='Other names, one per line.', validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="cautions",
            field=models.TextField(blank=True, help_text='One caution per line.', validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="difficulty_basis",
            field=models.CharField(blank=True, help_text="The source's words on difficulty, or why this level was chosen.", max_length=300, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="name",
            field=models.CharField(max_length=150, unique=True, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="source",
            field=models.TextField(help_text='Citation of the source this content comes from.', validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="summary",
            field=models.TextField(validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="tips",
            field=models.TextField(blank=True, help_text='One tip per line.', validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="exerciseequipment",
            name="note",
            field=models.CharField(blank=True, max_length=300, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="exercisestep",
            name="text",
            field=models.TextField(validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="guideline",
            name="source",
            field=models.TextField(validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="guideline",
            name="text",
            field=models.TextField(validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="guideline",
            name="title",
            field=models.CharField(max_length=150, unique=True, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="muscle",
            name="description",
            field=models.TextField(blank=True, validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="muscle",
            name="name",
            field=models.CharField(max_length=100, unique=True, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="variation",
            name="name",
            field=models.CharField(max_length=150, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="variation",
            name="note",
            field=models.TextField(blank=True, validators=[hipext.content.validators.validate_text]),
        ),

        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExerciseEquipmentAlternative",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "link",
                            models.ForeignKey(
                                db_column="exerciseequipment_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                to="exercises.exerciseequipment",
                            ),
                        ),
                        (
                            "equipment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="alternative_links",
                                to="exercises.equipment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "exercise equipment alternative",
                        "db_table": "exercises_exerciseequipment_alternatives",
                        "unique_together": {("link", "equipment")},
                    },
                ),
                migrations.AlterField(
                    model_name="exerciseequipment",
                    name="alternatives",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Other equipment that meets this requirement just as well.",
                        related_name="alternative_for",
                        through="exercises.ExerciseEquipmentAlternative",
                        to="exercises.equipment",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="variation",
            name="variant",
            field=models.ForeignKey(
                blank=True,
                help_text="The other exercise; empty when the variation changes this one.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="variant_of",
                to="exercises.exercise",
            ),
        ),
    ]
