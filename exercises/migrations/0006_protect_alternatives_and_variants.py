"""Equipment used as an alternative, and an exercise named as another's variant, are
no longer deleted from under the exercises that use them.

The alternatives get an explicit through model on the table Django made for the plain
many-to-many (same columns, same unique index), so nothing changes in the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0005_text_without_control_characters"),
    ]

    operations = [
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
