"""Import an export_content export into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from hipext.content.seeding import SeedError
from hipext.content.transfer import content_import


class Command(BaseCommand):
    help = (
        "Import content written by export_content (a directory or a .yaml file) "
        "into an empty database, in one transaction. A database that already holds "
        "content is refused unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Export directory, or a .yaml file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Import into a database that already holds content: imported objects "
            "replace those with the same slug; others are left alone.",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = content_import(path=path, force=force)
        except SeedError as error:
            raise CommandError(
                f"Import failed, nothing was changed: {error}"
            ) from error
        self.stdout.write(
            f"Import: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
