"""Render every published document afresh: what a release runs after a deploy."""

from django.core.management.base import BaseCommand
from django.db import transaction

from hipext.content.documents import documents_rebuild


class Command(BaseCommand):
    help = (
        "Render every object's published document with the current code, storing "
        "those that changed, and remove documents whose object is gone. Run it after "
        "a deploy that changes a representation; running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            rendered, removed = documents_rebuild()
        self.stdout.write(
            f"Documents: {rendered} rendered, {removed} orphaned ones removed."
        )
