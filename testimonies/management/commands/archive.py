"""manage.py archive URL...: archive videos, playlists or channels with proof of origin."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from testimonies.archiving import Archived, ArchiveError, archive_folder, archive_url, parse_rate
from testimonies.languages import LANGUAGES
from testimonies.models import Visibility


class _Bars:
    """One tqdm bar per file, fed by yt-dlp's progress hooks."""

    def __init__(self, disable: bool) -> None:
        self.disable = disable
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, status: dict[str, Any]) -> None:
        name = str(status.get("filename") or status.get("tmpfilename") or "")
        total = status.get("total_bytes") or status.get("total_bytes_estimate")
        bar = self.bars.get(name)
        if bar is None:
            bar = tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                desc=Path(name).name[:40],
                disable=self.disable,
            )
            self.bars[name] = bar
        if total and bar.total != total:
            bar.total = total
        done = status.get("downloaded_bytes")
        if isinstance(done, int | float):
            bar.update(done - bar.n)
        if status.get("status") in ("finished", "error"):
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = (
        "Archive videos, playlists or channels (yt-dlp): the best original media is stored "
        "read-only with where, when and how it was captured, as draft testimonies queued for "
        "transcription. --from-folder imports files yt-dlp already downloaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urls", nargs="*", metavar="URL")
        parser.add_argument(
            "--from-folder",
            type=Path,
            metavar="DIR",
            help="Import media + <name>.info.json files from DIR (no network).",
        )
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="")
        parser.add_argument(
            "--visibility", choices=[v.value for v in Visibility], default=Visibility.DRAFT
        )
        parser.add_argument("--no-queue", action="store_true", help="Store without queueing.")
        parser.add_argument("--rate-limit", default=None, help="Bytes per second, e.g. 1M.")
        parser.add_argument(
            "--sleep", type=float, default=0.0, help="Seconds to wait before each download."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        urls: list[str] = options["urls"]
        folder: Path | None = options["from_folder"]
        if not urls and folder is None:
            raise CommandError("Give at least one URL, or --from-folder DIR.")
        common = {
            "language": options["language"],
            "visibility": options["visibility"],
            "queue": not options["no_queue"],
        }
        results: list[Archived] = []
        try:
            rate = parse_rate(options["rate_limit"])
            if folder is not None:
                with tqdm(unit="file", disable=options["no_progress"]) as bar:

                    def step(_path: Path) -> None:
                        bar.update()

                    results += archive_folder(folder, progress=step, **common)
            for url in urls:
                bars = _Bars(disable=options["no_progress"])
                try:
                    results += archive_url(
                        url,
                        rate_limit=rate,
                        progress=bars,
                        sleep_interval=options["sleep"],
                        **common,
                    )
                finally:
                    bars.close()
        except ArchiveError as exc:
            self._summary(results)
            raise CommandError(str(exc)) from exc
        self._summary(results)

    def _summary(self, results: list[Archived]) -> None:
        created = [r for r in results if r.created]
        for item in results:
            state = "new" if item.created else "already archived"
            self.stdout.write(
                f"{item.testimony.external_id}: {state} ({item.asset.platform or 'file'} "
                f"{item.asset.platform_id}, sha256 {item.asset.sha256[:12]}…)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(created)} new testimonies, {len(results) - len(created)} already archived."
            )
        )
