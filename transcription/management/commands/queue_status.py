"""manage.py queue_status: the transcription queue by state, its throughput and time to empty."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from transcription.progress import QueueReport, hours, queue_report, retry_failed

SHOWN_IDS = 20


class Command(BaseCommand):
    help = (
        "Show the transcription queue: testimonies by state with their audio, failures by "
        "reason, what the workers did in the last hour and when the queue will be empty. "
        "--retry-failed queues failed testimonies again first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="The report as JSON.")
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Queue every failed testimony again (or only those of --reason).",
        )
        parser.add_argument(
            "--reason", help="With --retry-failed: only this reason, as the report words it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry_failed"]:
            queued = retry_failed(reason=options["reason"])
            self.stderr.write(f"queued {len(queued)} failed testimonies again")
        report = queue_report()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(table(report)))


def table(report: QueueReport) -> list[str]:
    lines = [
        f"Transcription queue at {report.at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{'state':<26}{'testimonies':>12}{'audio':>12}",
    ]
    for state in report.states:
        unknown = f"  ({state.unknown_duration} without duration)" if state.unknown_duration else ""
        lines.append(
            f"{state.label:<26}{state.testimonies:>12}{hours(state.audio_seconds):>12}{unknown}"
        )
    lines += [
        "",
        f"Last hour:   {report.done_last_hour} testimonies transcribed, {report.rate_text}",
        f"Audio done:  {report.audio_done_text}",
        f"Audio left:  {report.audio_left_text}"
        + (
            f" (and {report.left_unknown_duration} testimonies without a known duration)"
            if report.left_unknown_duration
            else ""
        ),
        f"Queue empty: {report.eta_text}",
    ]
    if report.failures:
        lines += ["", "Failed, by reason:"]
    for group in report.failures:
        ids = ", ".join(str(i) for i in group.ids[:SHOWN_IDS])
        more = f" and {len(group.ids) - SHOWN_IDS} more" if len(group.ids) > SHOWN_IDS else ""
        lines += [f"{len(group.ids):>6}  {group.reason}", f"{'':>8}ids: {ids}{more}"]
    return lines
