"""manage.py archive URL...: archive videos, playlists or channels with proof of origin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from evidence.capture import archive_url, parse_rate
from evidence.errors import (
    ArchiveError,
    DiskFullError,
    EntriesFailedError,
    Failed,
    failure_summary,
)
from evidence.folders import archive_folder
from evidence.provenance import Archived
from testimonies.languages import LANGUAGES
from testimonies.models import Visibility


class _Bars:
    """One tqdm bar per file, fed by yt-dlp's progress hooks, and one for the whole list."""

    def __init__(self, *, disable: bool, stream: TextIO) -> None:
        self.disable = disable
        self.stream = stream
        self.bars: dict[str, tqdm[Any]] = {}
        self.overall: tqdm[Any] | None = None

    def _overall(self, total: int | None) -> tqdm[Any]:
        if self.overall is None:
            self.overall = tqdm(
                total=total, unit="file", desc="overall", disable=self.disable, file=self.stream
            )
        if total and self.overall.total != total:
            self.overall.total = total
        return self.overall

    def item(self, _item: Archived, total: int | None) -> None:
        """An entry is archived (or was already): the overall bar moves one file on."""
        self._overall(total).update()

    def failed(self, failure: Failed) -> None:
        """An entry failed and was skipped: it counts as done for the overall bar too."""
        self._overall(failure.total).update()

    def __call__(self, status: dict[str, Any]) -> None:
        info = status.get("info_dict") or {}
        if info.get("playlist_index") is not None:
            self._overall(info.get("n_entries") or info.get("playlist_count"))
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
                file=self.stream,
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
        if self.overall is not None:
            self.overall.close()


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
        failures: list[Failed] = []
        # tqdm draws with carriage returns: give it the raw stream, not Django's wrapper.
        stream: TextIO = options.get("stderr") or sys.stderr
        try:
            rate = parse_rate(options["rate_limit"])
            if folder is not None:
                with tqdm(unit="file", disable=options["no_progress"], file=stream) as bar:

                    def step(_path: Path) -> None:
                        bar.update()

                    results += archive_folder(folder, progress=step, **common)
            for url in urls:
                bars = _Bars(disable=options["no_progress"], stream=stream)

                def done(item: Archived, total: int | None, bars: _Bars = bars) -> None:
                    # Collected as they come, so a failure later still lists what was kept.
                    results.append(item)
                    bars.item(item, total)

                def failed(failure: Failed, bars: _Bars = bars) -> None:
                    failures.append(failure)
                    bars.failed(failure)

                try:
                    archive_url(
                        url,
                        rate_limit=rate,
                        progress=bars,
                        on_item=done,
                        on_failure=failed,
                        sleep_interval=options["sleep"],
                        **common,
                    )
                except EntriesFailedError:
                    pass  # each failed entry came through `failed`; the others are stored
                except DiskFullError:
                    raise  # nothing more can be stored
                except ArchiveError as exc:
                    # This address failed as a whole; the next ones are still archived.
                    failures.append(Failed(url=url, error=exc))
                finally:
                    bars.close()
        except ArchiveError as exc:
            self._summary(results, failures)
            raise CommandError(str(exc)) from exc
        self._summary(results, failures)
        if failures:
            raise CommandError(failure_summary(results, failures))

    def _summary(self, results: list[Archived], failures: list[Failed]) -> None:
        created = sum(r.created for r in results)
        versions = sum(r.new_version for r in results)
        gone = sum(r.gone is not None for r in results)
        for item in results:
            if item.new_version:
                state = "new version (the platform's file changed; the earlier original is kept)"
            elif item.gone is not None:
                state = (
                    "already archived, no longer available on the platform "
                    f"({item.gone.state} since {item.gone.checked_at:%Y-%m-%d})"
                )
            else:
                state = "new" if item.created else "already archived"
            self.stdout.write(
                f"{item.testimony.external_id}: {state} ({item.asset.platform or 'file'} "
                f"{item.asset.platform_id}, sha256 {item.asset.sha256[:12]}…)"
            )
        for failure in failures:
            self.stdout.write(f"failed: {failure}")
        kept = len(results) - created - versions - gone
        summary = f"{created} new testimonies, {kept} already archived"
        if versions:
            summary += f", {versions} new versions of archived videos"
        if gone:
            summary += f", {gone} already archived and now gone"
        if failures:
            summary += f", {len(failures)} failed"
        style = self.style.ERROR if failures else self.style.SUCCESS
        self.stdout.write(style(summary + "."))
