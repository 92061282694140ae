"""Text fields refuse control characters (hipext.content.validators)."""

from django.db import migrations, models

import hipext.content.validators


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0004_exercise_revision"),
    ]

    operations = [
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
    ]
