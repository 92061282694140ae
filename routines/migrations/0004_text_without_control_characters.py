"""Text fields refuse control characters (hipext.content.validators)."""

from django.db import migrations, models

import hipext.content.validators


class Migration(migrations.Migration):
    dependencies = [
        ("routines", "0003_routine_revision"),
    ]

    operations = [
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
