"""Rebuild monitoring's snapshots from a date up to yesterday from what the apps hold now."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from monitoring.services import snapshots_rebuild


class Command(BaseCommand):
    help = "Take the daily snapshots again from --since up to yesterday (or --until)."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="the first day, YYYY-MM-DD")
        parser.add_argument("--until", help="the last day, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, since, until=None, **options):
        try:
            first = date.fromisoformat(since)
            last = date.fromisoformat(until) if until else None
        except ValueError as exc:
            raise CommandError(f"Dates are written YYYY-MM-DD: {exc}") from None
        days = snapshots_rebuild(since=first, until=last)
        self.stdout.write(f"{days} days of snapshots taken.")
