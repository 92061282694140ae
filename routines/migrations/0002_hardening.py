"""Hardening of the routine content: positions, revisions, clean text.

- Item positions run from 1 to 1000 (parked at 10001–11000 only during a reorder).
- Each routine counts its saves, so the admin can refuse a form opened before one.
- Text fields refuse control characters (hipext.content.validators).
"""

from django.db import migrations, models
import hipext.content.ordering
import hipext.content.validators


def positions_into_range(apps, schema_editor):
    """Renumber the items of any routine that holds a position past the range."""
    RoutineItem = apps.get_model("routines", "RoutineItem")
    routines = (
        RoutineItem.objects.filter(position__gt=1000)
        .values_list("routine_id", flat=True)
        .distinct()
    )
    for routine_id in list(routines):
        hipext.content.ordering.positions_compact(
            RoutineItem.objects.filter(routine_id=routine_id)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("routines", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(positions_into_range, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="routineitem",
            name="routines_routineitem_position_positive",
        ),
        migrations.AlterField(
            model_name="routineitem",
            name="position",
            field=models.PositiveSmallIntegerField(
                validators=[hipext.content.ordering.validate_position]
            ),
        ),
        migrations.AddConstraint(
            model_name="routineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("position__gte", 1), ("position__lte", 1000)),
                    models.Q(("position__gt", 10000), ("position__lte", 11000)),
                    _connector="OR",
                ),
                name="routines_routineitem_position_range",
                violation_error_message="Positions run from 1 to 1000.",
            ),
        ),

        migrations.AddField(
            model_name="routine",
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
            model_name="routine",
            name="goal",
            field=models.CharField(blank=True, help_text='Who the routine is for, in a sentence.', max_length=300, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="routine",
            name="name",
            field=models.CharField(max_length=150, unique=True, validators=[hipext.content.validators.validate_line]),
        ),
        migrations.AlterField(
            model_name="routine",
            name="notes",
            field=models.TextField(blank=True, help_text='One note per line.', validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="routine",
            name="summary",
            field=models.TextField(validators=[hipext.content.validators.validate_text]),
        ),
        migrations.AlterField(
            model_name="routine",
            name="warm_up",
            field=models.TextField(help_text='What to do before the first exercise.', validators=[hipext.content.validators.validate_text], verbose_name='warm-up'),
        ),
        migrations.AlterField(
            model_name="routineitem",
            name="note",
            field=models.CharField(blank=True, max_length=300, validators=[hipext.content.validators.validate_line]),
        ),
    ]
