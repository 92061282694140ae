"""SeedRecord now lives in hipext (hipext.0002 copied its rows there first)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
        ("hipext", "0002_seedrecord"),
    ]

    operations = [
        migrations.DeleteModel(name="SeedRecord"),
    ]
