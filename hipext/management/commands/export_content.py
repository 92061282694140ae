"""Export all content (and the seed's records) as fixture-format YAML."""

from django.core.management.base import BaseCommand

from hipext.content.transfer import content_export_write


class Command(BaseCommand):
    help = (
        "Export all content (muscles, equipment, exercises, guidelines, routines) in "
        "the fixture format, with the seed's records of what editors changed. PATH "
        "ending in .yaml is written as one file; any other PATH as a directory of "
        "fixture files. Load it with import_content."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Output directory, or a .yaml file.")

    def handle(self, *args, path, **options):
        written = content_export_write(path=path)
        self.stdout.write(f"Exported {len(written)} file(s) to {path}.")
