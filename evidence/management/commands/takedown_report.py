"""manage.py takedown_report: which platform copies disappeared in a period (CSV)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidence.takedowns import check_sources, report, report_period, write_report


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "List testimonies whose platform copy went from available to removed, private, "
        "blocked or terminated in a period, as CSV. --check re-checks every source first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_day, help="YYYY-MM-DD, UTC (default: 30 days ago)")
        parser.add_argument(
            "--until", type=_day, help="YYYY-MM-DD, UTC, that day included (default: now)"
        )
        parser.add_argument("--check", action="store_true", help="Check every source now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            checks = check_sources()
            self.stderr.write(f"checked {len(checks)} source(s)")
        start, end = report_period(options["since"], options["until"])
        if end <= start:
            raise CommandError(
                "--until is before --since: give a period that ends after it starts."
            )
        write_report(self.stdout, report(start, end))
