"""Load the seed content from fixtures/, safely and any number of times."""

from django.core.management.base import BaseCommand, CommandError

from hipext.content.seeding import FIXTURES_DIR, SeedError, content_seed


class Command(BaseCommand):
    help = (
        "Load the seed content (muscles, equipment, exercises, guidelines, routines) "
        "from fixtures/. Running it again changes nothing. Content an editor changed "
        "or deleted in the admin is left alone unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace editors' changes with the fixture content, and restore "
            "seeded objects an editor deleted.",
        )
        parser.add_argument(
            "--fixtures",
            default=str(FIXTURES_DIR),
            help="Directory of fixture files (default: the project's fixtures/).",
        )

    def handle(self, *args, overwrite, fixtures, **options):
        try:
            report = content_seed(directory=fixtures, overwrite=overwrite)
        except SeedError as error:
            raise CommandError(f"Seed failed, nothing was changed: {error}") from error
        self.stdout.write(
            f"Seed: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped."
        )
        for name in report.skipped:
            self.stdout.write(f"  skipped {name}; use --overwrite to replace it")
