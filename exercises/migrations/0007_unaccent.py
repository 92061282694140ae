# The exercise search ignores accents ("gluteo" finds "glúteos"): PostgreSQL's
# unaccent extension, a trusted one that a database owner may create. Other
# databases skip this operation.

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class PostgreSQLUnaccentExtension(UnaccentExtension):
    """UnaccentExtension, whose reverse looks the extension up on any database."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("exercises", "0006_translations"),
    ]

    operations = [
        PostgreSQLUnaccentExtension(),
    ]
