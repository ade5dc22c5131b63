"""Capture from video platforms: drive yt-dlp over a video, playlist or channel."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yt_dlp
from django.conf import settings
from django.utils import timezone
from yt_dlp.postprocessor.common import PostProcessor
from yt_dlp.utils import DownloadError, parse_bytes, unsmuggle_url

from evidence import takedowns
from evidence.errors import (
    ArchiveError,
    DiskFullError,
    EntriesFailedError,
    Failed,
    NotMediaError,
    disk_full,
    explain,
)
from evidence.provenance import Archived, clip, find_archived, record
from testimonies.models import MediaAsset, SourceCheck, Visibility

logger = logging.getLogger(__name__)

STAGING = "archive-staging"
DOWNLOADER = "yt-dlp"
ProgressHook = Callable[[dict[str, Any]], None]
# Called once per entry of a video, playlist or channel when it is archived (or found
# already archived), with the number of entries when yt-dlp knows it.
ItemHook = Callable[[Archived, int | None], None]
# Called once per entry that failed, as soon as it failed (the run goes on).
FailureHook = Callable[[Failed], None]


def downloader_version() -> str:
    return str(yt_dlp.version.__version__)


def parse_rate(value: str | int | None) -> int | None:
    """'1M', '500K' or a number of bytes per second -> bytes per second (None: no limit)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    parsed = parse_bytes(value)
    if parsed is None or parsed <= 0:
        raise ArchiveError(f"rate limit {value!r}: give bytes per second such as 500K or 1M.")
    return int(parsed)


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING


def _source(info: dict[str, Any], fallback: str) -> str:
    """The address a video was captured from, without yt-dlp's internal #__youtubedl_smuggle."""
    url = str(info.get("webpage_url") or info.get("original_url") or fallback)
    return str(unsmuggle_url(url)[0])


class _YtLogger:
    """yt-dlp's messages go to logging, not to the terminal the progress bars use."""

    def debug(self, msg: str) -> None:
        logger.debug(msg)

    def info(self, msg: str) -> None:
        logger.info(msg)

    def warning(self, msg: str) -> None:
        logger.warning(msg)

    def error(self, msg: str) -> None:
        logger.error(msg)


class _StorePP(PostProcessor):
    """Runs after each file is in place: stores it at once, so a channel cut off halfway
    keeps every video finished before the cut."""

    def __init__(self, archiver: _Archiver) -> None:
        super().__init__(None)
        self.archiver = archiver

    def run(self, info: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        self.archiver.store(info)
        return [], info


class _Archiver:
    def __init__(
        self,
        url: str,
        *,
        language: str,
        visibility: str,
        queue: bool,
        on_item: ItemHook | None,
        on_failure: FailureHook | None = None,
    ) -> None:
        self.url = url
        self.language = language
        self.visibility = visibility
        self.queue = queue
        self.on_item = on_item
        self.on_failure = on_failure
        self.results: list[Archived] = []
        self.failures: list[Failed] = []

    def done(self, item: Archived, info: Mapping[str, Any]) -> None:
        self.results.append(item)
        if self.on_item is not None:
            in_list = info.get("playlist_index") is not None
            total = (info.get("n_entries") or info.get("playlist_count")) if in_list else 1
            self.on_item(item, int(total) if isinstance(total, int) else None)

    def failed(
        self,
        entry: dict[str, Any],
        context: Mapping[str, Any],
        exc: Exception,
        *,
        platform: str = "",
    ) -> None:
        """One entry of a list failed: record it and go on, unless no entry can succeed.

        `platform` is the extractor the entry goes to. An entry archived earlier is no
        failure: its copy is safe, and the platform's answer is recorded as a takedown check.
        """
        listed = str(context.get("playlist_webpage_url") or self.url)
        # An entry's page can be the list's own page (several <video>s on one page): then
        # the entry is its media address.
        own = [entry.get(key) for key in ("webpage_url", "url", "original_url")]
        own += [f.get("url") for f in entry.get("formats") or [] if isinstance(f, dict)]
        addresses = (str(unsmuggle_url(str(u))[0]) for u in own if u)
        address = next((a for a in addresses if a != listed), listed)
        error = exc if isinstance(exc, ArchiveError) else explain(address, exc)
        if isinstance(error, DiskFullError):
            raise error  # nothing after it could be stored either
        total = context.get("n_entries") or context.get("playlist_count")
        # A feed item's id (its guid) travels smuggled in its address until it is resolved.
        smuggled = unsmuggle_url(str(entry.get("url") or ""), {})[1]
        failure = Failed(
            url=address,
            error=error,
            entry_id=clip(entry.get("id") or smuggled.get("force_videoid"), 200),
            position=context.get("playlist_index"),
            total=total if isinstance(total, int) else None,
            list_url=listed,
        )
        # The same identity skip_archived matches once an entry resolves.
        source = _entry_source(entry, context, self.url)
        existing = find_archived(clip(platform, 50), failure.entry_id, source)
        if existing is not None and self.gone(existing, failure, exc, context):
            return
        logger.warning("%s: skipped, %s", self.url, failure)
        self.failures.append(failure)
        if self.on_failure is not None:
            self.on_failure(failure)

    def gone(
        self, existing: MediaAsset, failure: Failed, exc: Exception, context: Mapping[str, Any]
    ) -> bool:
        """An archived entry failed: if the platform's answer says it is gone, record that
        for the takedown report and count the entry as archived. An error that is no
        takedown (unreachable, timeout…) stays a failure."""
        seen = takedowns.classify(exc)
        if seen.state in (SourceCheck.State.AVAILABLE, SourceCheck.State.ERROR):
            return False
        testimony = existing.testimony
        check = takedowns.record_check(testimony, seen, url=failure.url)
        since = takedowns.gone_since(testimony) or check
        logger.warning(
            "%s: %s is archived as %s but no longer available on the platform (%s, HTTP %s)",
            self.url,
            failure.url,
            testimony.external_id,
            seen.state,
            seen.http_status,
        )
        self.done(Archived(testimony, existing, created=False, gone=since), context)
        return True

    def skip_archived(self, info: dict[str, Any], *, incomplete: bool = False) -> str | None:
        """yt-dlp match_filter: a video already archived is not downloaded again."""
        if incomplete or info.get("_type", "video") != "video":
            return None
        existing = find_archived(
            clip(info.get("extractor_key"), 50),
            clip(info.get("id"), 200),
            _source(info, self.url),
        )
        if existing is None:
            return None
        self.done(Archived(existing.testimony, existing, created=False), info)
        return f"already archived as {existing.testimony.external_id}"

    def store(self, info: dict[str, Any]) -> None:
        path = Path(info["filepath"])
        meta = yt_dlp.YoutubeDL.sanitize_info(info, remove_private_keys=True)
        meta = json.loads(json.dumps(meta, default=str))
        meta["downloader"] = DOWNLOADER
        meta["downloader_version"] = downloader_version()
        leftovers = (path, path.with_suffix(".info.json"))
        try:
            item = record(
                path,
                meta,
                captured_from=_source(info, self.url),
                captured_at=timezone.now(),
                language=self.language,
                visibility=self.visibility,
                queue=self.queue,
            )
        except NotMediaError:
            # An error page is no partial download: the next run must fetch it afresh.
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            raise
        # Stored (or already there): the staging copy and its info.json are no longer needed.
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        self.done(item, info)


class _EntryByEntry(yt_dlp.YoutubeDL):
    """A YoutubeDL on which an entry of a playlist or channel that fails is recorded and
    skipped, as the exception it is, and the entries after it are still archived.

    yt-dlp hands each entry of a list to `process_ie_result` with its place in the list
    (`playlist_autonumber` in `extra_info`); the list itself and a single video come without.
    Its own `ignoreerrors` would go on too, but reports the errors as text only.
    """

    def __init__(self, params: dict[str, Any], archiver: _Archiver) -> None:
        super().__init__(params)
        self.archiver = archiver

    def process_ie_result(
        self,
        ie_result: dict[str, Any],
        download: bool = True,
        extra_info: Mapping[str, Any] | None = None,
    ) -> Any:
        if not extra_info or "playlist_autonumber" not in extra_info:
            return super().process_ie_result(ie_result, download, extra_info)
        try:
            return super().process_ie_result(ie_result, download, extra_info)
        except (DownloadError, ArchiveError) as exc:
            # An entry that resolves to a list (a channel's tabs) skips its own failed
            # entries here, one level down, and goes on.
            platform = self.extractor_of(ie_result, extra_info)
            self.archiver.failed(ie_result, extra_info, exc, platform=platform)
            return None

    def extractor_of(self, entry: dict[str, Any], context: Mapping[str, Any]) -> str:
        """The extractor key an entry's resolved info will carry, known without a request:
        a resolved entry's own (or its list's), a reference's `ie_key`, else the first
        extractor suitable for its address, as `extract_info` picks it."""
        if entry.get("_type", "video") == "video":
            return str(entry.get("extractor_key") or context.get("extractor_key") or "")
        if entry.get("ie_key"):
            return str(entry["ie_key"])
        url = str(entry.get("url") or "")
        return next((key for key, ie in self._ies.items() if url and ie.suitable(url)), "")


def _entry_source(entry: dict[str, Any], context: Mapping[str, Any], fallback: str) -> str:
    """The `captured_from` an entry's resolved info gives (`_source`), before it resolves.

    A resolved entry carries its list's fields (a page with several <video>s: the page); a
    reference to resolve (a feed item) becomes its own address.
    """
    if entry.get("_type", "video") == "video":
        return _source({**context, **entry}, fallback)
    return str(unsmuggle_url(str(entry.get("webpage_url") or entry.get("url") or fallback))[0])


def archive_url(
    url: str,
    *,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
    rate_limit: str | int | None = None,
    progress: ProgressHook | None = None,
    on_item: ItemHook | None = None,
    on_failure: FailureHook | None = None,
    sleep_interval: float = 0.0,
) -> list[Archived]:
    """Download a video, playlist or channel and archive every file with its provenance.

    Videos already archived (same platform and id) are not downloaded again; a file already
    archived under another address (same SHA-256) is returned as it is (created=False).
    An entry of a list that fails is skipped and the run goes on; at the end
    `EntriesFailedError` lists what failed (and carries what was archived). An entry
    archived earlier that the platform no longer serves is no failure: it is returned with
    `gone` set, and recorded as a takedown check. A full disk stops the run at once.
    `progress` gets yt-dlp's progress for each file; `on_item` each entry as it is done,
    `on_failure` each entry as it fails.
    """
    archiver = _Archiver(
        url,
        language=language,
        visibility=visibility,
        queue=queue,
        on_item=on_item,
        on_failure=on_failure,
    )
    # One staging folder per address asked for, one file per video id inside it: a second
    # run of the same command finds and resumes the same .part files.
    staging = _staging_root() / hashlib.sha256(url.encode()).hexdigest()[:16]
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(url) from exc
        raise
    options: dict[str, Any] = {
        "outtmpl": {"default": str(staging / "%(extractor_key)s-%(id)s.%(ext)s")},
        "restrictfilenames": True,
        "continuedl": True,
        "nopart": False,
        "overwrites": False,
        "writeinfojson": True,
        # Each entry's info carries its playlist's id, title and address; no playlist files.
        "allow_playlist_files": False,
        "fixup": "never",  # keep the bytes as the platform served them
        "noplaylist": False,
        "ignoreerrors": False,  # errors are exceptions: _EntryByEntry skips a failed entry
        "retries": 3,
        "fragment_retries": 3,
        "match_filter": archiver.skip_archived,
        "logger": _YtLogger(),
        "quiet": True,
        "noprogress": True,
        "progress_hooks": [progress] if progress is not None else [],
        "ratelimit": parse_rate(rate_limit),
    }
    if sleep_interval > 0:
        options["sleep_interval"] = sleep_interval
        options["sleep_interval_requests"] = sleep_interval
    try:
        with _EntryByEntry(options, archiver) as ydl:
            ydl.add_post_processor(_StorePP(archiver), when="after_move")
            ydl.extract_info(url, download=True)
    except DownloadError as exc:
        raise explain(url, exc) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(url) from exc
        raise
    finally:
        if not any(staging.iterdir()):
            staging.rmdir()  # nothing to resume
    if archiver.failures:
        raise EntriesFailedError(url, archiver.results, archiver.failures)
    return archiver.results
