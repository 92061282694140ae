"""Report published documents that differ from a fresh render."""

from django.core.management.base import BaseCommand, CommandError

from hipext.content.documents import documents_check


class Command(BaseCommand):
    help = (
        "Compare every stored document with a fresh render and report each one that "
        "differs, is missing or has no object; exit status 1 if any does."
    )

    def handle(self, *args, **options):
        problems = list(documents_check())
        for kind, object_id, slug, problem in problems:
            self.stdout.write(f"{kind} {slug} (id {object_id}): {problem}")
        if problems:
            raise CommandError(
                f"{len(problems)} documents are stale; run manage.py rebuild_documents."
            )
        self.stdout.write("Documents: every one matches a fresh render.")
