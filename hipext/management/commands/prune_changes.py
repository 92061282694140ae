"""Remove document-log entries older than the sync retention period."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hipext.content.changes import log_floor, log_prune


class Command(BaseCommand):
    help = (
        "Remove entries of the document log (the changes feed) older than "
        "SYNC_RETENTION_DAYS; a client with an older cursor is then told to take a "
        "new snapshot. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SYNC_RETENTION_DAYS,
            help="Keep this many days (default SYNC_RETENTION_DAYS: %(default)s).",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        removed = log_prune(timedelta(days=days))
        self.stdout.write(
            f"Removed {removed} log entries older than {days} days; "
            f"the oldest cursor answered is now {log_floor()}."
        )
