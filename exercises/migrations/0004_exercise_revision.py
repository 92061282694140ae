"""Each exercise counts its saves, so the admin can refuse a form opened before one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_position_range"),
    ]

    operations = [
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
    ]
