"""manage.py takedown_report: which platform copies disappeared in a period (CSV)."""

import csv
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from testimonies.takedowns import check_sources, disappeared_between


def _day(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: use YYYY-MM-DD.") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "List testimonies whose platform copy went from available to removed, private, "
        "blocked or terminated in a period, as CSV. --check re-checks every source first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_day, required=True, help="YYYY-MM-DD")
        parser.add_argument("--until", type=_day, help="YYYY-MM-DD (default: now)")
        parser.add_argument("--check", action="store_true", help="Check every source now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            checks = check_sources()
            self.stderr.write(f"checked {len(checks)} source(s)")
        until = options["until"] or timezone.now() + dt.timedelta(seconds=1)
        writer = csv.writer(self.stdout)
        writer.writerow(["external_id", "title", "source_url", "state", "since", "message"])
        for testimony, check in disappeared_between(options["since"], until):
            writer.writerow(
                [
                    testimony.external_id,
                    testimony.title,
                    check.url,
                    check.state,
                    check.checked_at.isoformat(),
                    check.message[:300],
                ]
            )
