# The exercise search ignores accents ("gluteo" finds "glúteos"): PostgreSQL's
# unaccent extension, a trusted one that a database owner may create. Other
# databases skip this operation.

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("exercises", "0006_translations"),
    ]

    operations = [
        UnaccentExtension(),
    ]
