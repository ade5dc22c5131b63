"""manage.py drain_index: index now what waits in the outbox (after an outage, or to see it)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.sync import Outbox, drain_outbox, outbox_status, retry_failed_now


class Command(BaseCommand):
    help = (
        "Bring the testimonies waiting in the index outbox into the search indexes, as the "
        "periodic drain does, and say how many wait."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--status", action="store_true", help="Only say what waits; index nothing."
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Retry now the testimonies that wait after an error, not after their delay.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before = outbox_status()
        self.stdout.write(f"Waiting: {_describe(before)}.")
        if options["status"]:
            return
        if options["retry_failed"]:
            retry_failed_now()
        drained = drain_outbox()
        after = outbox_status()
        if drained.error and not drained.synced and after.waiting:
            raise CommandError(
                f"Nothing indexed; {after.waiting} testimonies keep waiting in the outbox. "
                f"{drained.error}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {drained.synced} testimonies. Waiting: {_describe(after)}."
            )
        )
        if drained.error:
            self.stderr.write(f"Last error: {drained.error}")


def _describe(outbox: Outbox) -> str:
    if not outbox.waiting:
        return "0 testimonies"
    text = f"{outbox.waiting} testimonies"
    if outbox.oldest:
        text += f", the oldest since {outbox.oldest:%Y-%m-%d %H:%M:%S %Z}"
    if outbox.failing:
        text += f"; {outbox.failing} after an error ({outbox.last_error[:300]})"
    return text
