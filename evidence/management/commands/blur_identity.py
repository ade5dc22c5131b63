"""manage.py blur_identity FILE --out OUT.mp4: a copy with identity documents blurred, no
database row needed."""

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from evidence.blurring import BlurError, Options, Region, blur_video, render_copy
from evidence.blurring.scan import detector_info
from evidence.blurring.video import probe


class Command(BaseCommand):
    help = (
        "Write a copy of a video with identity numbers (and the cards around them, passports' "
        "machine-readable zones and phone numbers) blurred; the file itself is never changed. "
        "--report writes the regions found as JSON; --regions renders the regions of such a "
        "file (edited by hand) instead of looking again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="The copy (MP4) to write.")
        parser.add_argument("--report", type=Path, help="Write the regions found as JSON here.")
        parser.add_argument("--regions", type=Path, help="Render these regions (a --report file).")
        defaults = Options()
        parser.add_argument(
            "--samples-per-second",
            type=float,
            default=defaults.samples_per_second,
            help=f"Frames read per second of video (default {defaults.samples_per_second}).",
        )
        parser.add_argument(
            "--hold",
            type=float,
            default=defaults.hold,
            help=f"Seconds a region stays after its last read (default {defaults.hold}).",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source, out = Path(options["file"]), Path(options["out"])  # call_command passes str
        report_path = Path(options["report"]) if options["report"] else None
        if not source.is_file():
            raise CommandError(f"{source} does not exist or is not a file.")
        if out.exists() and out.resolve() == source.resolve():
            raise CommandError("--out names the file itself; the original is never overwritten.")
        if out.suffix.lower() != ".mp4":
            raise CommandError(f"--out must end in .mp4 (the copy is H.264/AAC in MP4): {out}")
        try:
            settings = Options(
                samples_per_second=options["samples_per_second"], hold=options["hold"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        regions = _read_regions(Path(options["regions"])) if options["regions"] else None

        with tqdm(
            total=200, unit="%", disable=options["no_progress"], leave=False, file=sys.stderr
        ) as bar:
            done = {"detect": 0.0, "render": 0.0}

            def progress(stage: str, share: float) -> None:
                done[stage] = share
                bar.set_description(stage)
                bar.update(round(100 * sum(done.values())) - bar.n)

            try:
                if regions is None:
                    report = blur_video(source, out, options=settings, progress=progress)
                    payload = report.to_json()
                else:
                    done["detect"] = 1.0
                    render_copy(source, out, regions, options=settings, progress=progress)
                    payload = {
                        "detector": detector_info(settings),
                        "video": asdict(probe(source)),
                        "regions": [r.to_json() for r in regions],
                    }
            except BlurError as exc:
                raise CommandError(f"{exc} Nothing was written.") from None
        if report_path is not None:
            report_path.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        count = len(payload["regions"])
        self.stdout.write(
            f"{out}: {count} region{'s' if count != 1 else ''} blurred"
            + (f"; regions in {report_path}" if report_path else "")
        )


def _read_regions(path: Path) -> list[Region]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Region.from_json(item) for item in data["regions"]]
    except FileNotFoundError:
        raise CommandError(f"--regions: {path} does not exist.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(
            f"--regions: {path} is not a regions file like the one --report writes ({exc})."
        ) from None
