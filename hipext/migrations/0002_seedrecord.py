"""The seed's bookkeeping moves from the exercises app to hipext, rows and all.

The seed records every content app's objects, so it belongs to no one app; the rows are
copied here before exercises.0002 drops the old table.
"""

from django.db import migrations, models


def _copy(apps, schema_editor, source, target):
    source = apps.get_model(*source)
    target = apps.get_model(*target)
    db = schema_editor.connection.alias
    target.objects.using(db).bulk_create(
        target(model=row.model, key=row.key, digest=row.digest, seeded_at=row.seeded_at)
        for row in source.objects.using(db).all()
    )


def copy_seed_records(apps, schema_editor):
    _copy(apps, schema_editor, ("exercises", "SeedRecord"), ("hipext", "SeedRecord"))


def copy_seed_records_back(apps, schema_editor):
    _copy(apps, schema_editor, ("hipext", "SeedRecord"), ("exercises", "SeedRecord"))


class Migration(migrations.Migration):
    dependencies = [
        ("hipext", "0001_initial"),
        ("exercises", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SeedRecord",
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
                ("model", models.CharField(max_length=100)),
                ("key", models.CharField(max_length=150)),
                ("digest", models.CharField(max_length=64)),
                ("seeded_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["model", "key"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("model", "key"), name="hipext_seedrecord_unique_key"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_seed_records, copy_seed_records_back),
    ]
