"""Item positions run from 1 to 1000 (parked at 10001–11000 only during a reorder)."""

from django.db import migrations, models

import hipext.content.ordering


def positions_into_range(apps, schema_editor):
    """Renumber the items of any routine that holds a position past the range."""
    RoutineItem = apps.get_model("routines", "RoutineItem")
    routines = (
        RoutineItem.objects.filter(position__gt=1000)
        .values_list("routine_id", flat=True)
        .distinct()
    )
    for routine_id in list(routines):
        # In ascending order each item moves down to a number no other item holds.
        items = RoutineItem.objects.filter(routine_id=routine_id).order_by("position")
        for number, item in enumerate(items, start=1):
            if item.position != number:
                item.position = number
                item.save(update_fields=["position"])


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
    ]
