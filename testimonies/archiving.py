"""Archive testimonies from video platforms with proof of origin (docs/archiving.md).

yt-dlp downloads the best original media of a video, playlist or channel into a staging
folder under MEDIA_ROOT; each finished file is stored with `ingest.store_original` (a
content-addressed, read-only original) and recorded in one transaction with where, when and
how it was captured. An entry of a playlist or channel that fails is recorded and skipped;
one archived earlier that the platform no longer serves is recorded as gone (takedowns).
`archive_folder` does the same for files yt-dlp already downloaded.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yt_dlp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from yt_dlp.networking.exceptions import HTTPError, IncompleteRead, TransportError
from yt_dlp.postprocessor.common import PostProcessor
from yt_dlp.utils import (
    ContentTooShortError,
    DownloadError,
    UnsupportedError,
    parse_bytes,
    unsmuggle_url,
)

from transcription.engine.audio import probe_media
from transcription.engine.errors import EngineError

from .dates import Precision
from .ingest import CHUNK, MEDIA_SUFFIXES, create_original, store_original
from .models import MediaAsset, SourceCheck, Testimony, Visibility

logger = logging.getLogger(__name__)

STAGING = "archive-staging"
DOWNLOADER = "yt-dlp"
ProgressHook = Callable[[dict[str, Any]], None]
# Extractors whose id is only a file or page name: the address is part of the identity.
_NAMED_BY_ADDRESS = {"generic", "html5mediaembed"}


class ArchiveError(Exception):
    """Archiving failed; the message names the URL (or file) and what to do."""


class UnreachableError(ArchiveError):
    pass


class UnsupportedSiteError(ArchiveError):
    pass


class DownloadInterruptedError(ArchiveError):
    pass


class DiskFullError(ArchiveError):
    pass


class NotMediaError(ArchiveError):
    pass


class MissingInfoError(ArchiveError):
    pass


@dataclass
class Archived:
    testimony: Testimony
    asset: MediaAsset
    created: bool  # a new testimony
    # Same platform id, different bytes: a second original on the existing testimony.
    new_version: bool = False
    # Archived earlier, and the platform no longer serves it (removed, private…): the first
    # check of its current run of gone states, as the takedown report shows it.
    gone: SourceCheck | None = None


# Called once per entry of a video, playlist or channel when it is archived (or found
# already archived), with the number of entries when yt-dlp knows it.
ItemHook = Callable[[Archived, int | None], None]


@dataclass(frozen=True)
class Failed:
    """An address, or an entry of a playlist or channel, that could not be archived.

    Nothing of it was stored; the next run of the same command tries it again.
    """

    url: str  # the entry's own address (for a whole failed address, that address)
    error: ArchiveError
    entry_id: str = ""  # the platform's id, when known before the failure
    position: int | None = None  # its place in the list (yt-dlp's playlist_index)
    total: int | None = None  # entries in the list, when known
    list_url: str = ""  # the playlist or channel it is an entry of

    @property
    def reason(self) -> str:
        return str(self.error).removeprefix(f"{self.url}: ")

    def __str__(self) -> str:
        where = []
        if self.position is not None:
            of = f" of {self.total}" if self.total else ""
            where.append(f"entry {self.position}{of} in {self.list_url}")
        if self.entry_id:
            where.append(f"id {self.entry_id}")
        place = f" ({', '.join(where)})" if where else ""
        return f"{self.url}{place}: {self.reason}"


# Called once per entry that failed, as soon as it failed (the run goes on).
FailureHook = Callable[[Failed], None]


class EntriesFailedError(ArchiveError):
    """Some entries of a playlist or channel failed; every other entry was archived."""

    def __init__(self, url: str, archived: list[Archived], failures: list[Failed]) -> None:
        self.archived = archived
        self.failures = failures
        super().__init__(f"{url}: {failure_summary(archived, failures)}")


def failure_summary(archived: list[Archived], failures: list[Failed]) -> str:
    """'2 stored, 1 failed: <url> (entry 2 of 3 in <list>): <reason>. Run … again …'"""
    gone = sum(item.gone is not None for item in archived)
    counts = f"{len(archived) - gone} stored"
    if gone:
        counts += f", {gone} already archived and now gone"
    listed = "; ".join(str(failure).rstrip(".") for failure in failures)
    return (
        f"{counts}, {len(failures)} failed: {listed}. Run the same command again to "
        "retry what failed; what is stored is not downloaded again."
    )


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


def external_id_for(platform: str, platform_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._:-]", "-", f"{platform}-{platform_id}".lower())[:100]


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING


def _existing(platform: str, platform_id: str, source: str) -> MediaAsset | None:
    if not platform or not platform_id:
        return None
    found = MediaAsset.objects.filter(
        platform=platform, platform_id=platform_id, kind=MediaAsset.Kind.ORIGINAL
    )
    if platform.lower() in _NAMED_BY_ADDRESS:
        # These extractors name a file by its basename (or a page's name and a number): the
        # same id on two hosts is two recordings, so the address is part of the identity.
        found = found.filter(captured_from=source)
    return found.select_related("testimony").order_by("pk").first()


def _source(info: dict[str, Any], fallback: str) -> str:
    """The address a video was captured from, without yt-dlp's internal #__youtubedl_smuggle."""
    url = str(info.get("webpage_url") or info.get("original_url") or fallback)
    return str(unsmuggle_url(url)[0])


def _same_bytes(path: Path, asset: MediaAsset) -> bool:
    if path.stat().st_size != asset.size:
        return False
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == asset.sha256


def _published(meta: dict[str, Any]) -> dt.date | None:
    raw = meta.get("upload_date")
    if not isinstance(raw, str) or not re.fullmatch(r"\d{8}", raw):
        return None
    try:
        return dt.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        return None


def _text(value: Any, limit: int) -> str:
    return str(value)[:limit] if value not in (None, "") else ""


def _check_space(path: Path, source: str) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    needed = path.stat().st_size
    free = shutil.disk_usage(root).free
    if free < needed:
        raise DiskFullError(_disk_full_message(source, root))


def _disk_full_message(source: str, root: Path) -> str:
    return (
        f"{source}: the disk holding {root} is full. Free space (or move MEDIA_ROOT) and run "
        "the same command again: finished downloads are kept and partial ones resume."
    )


def record(
    path: Path,
    meta: dict[str, Any],
    *,
    captured_from: str,
    captured_at: dt.datetime,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
) -> Archived:
    """Store one downloaded file and its provenance; an archived one is returned as it is.

    `meta` is the sanitised info dict as captured (JSON-safe). The file is stored first;
    the rows are written in one transaction afterwards, so a failure leaves no half row.
    A video already archived whose bytes have changed (the platform re-encoded or edited
    it) is stored as a second original of the same testimony; the first is never touched.
    """
    from transcription import pipeline

    platform = _text(meta.get("extractor_key") or meta.get("ie_key"), 50)
    platform_id = _text(meta.get("id"), 200)
    source = captured_from or str(path)
    existing = _existing(platform, platform_id, captured_from)
    if existing is not None and _same_bytes(path, existing):
        return Archived(existing.testimony, existing, created=False)
    try:
        media = probe_media(path)
    except EngineError as exc:
        raise NotMediaError(
            f"{source}: the downloaded file {path.name} is not readable media ({exc}). "
            "Check the URL in a browser; the site may have served an error page."
        ) from exc
    _check_space(path, source)
    try:
        name, sha, size = store_original(path)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(_disk_full_message(source, Path(settings.MEDIA_ROOT))) from exc
        raise
    same = MediaAsset.objects.filter(sha256=sha).select_related("testimony").order_by("pk").first()
    if same is not None:
        return Archived(same.testimony, same, created=False)
    store = functools.partial(
        create_original,
        source=path,
        name=name,
        sha=sha,
        size=size,
        info=media,
        captured_at=captured_at,
        captured_from=captured_from[:1000],
        platform=platform,
        platform_id=platform_id,
    )
    if existing is not None:
        # Not queued: the testimony's transcript follows its first original.
        asset = store(
            testimony=existing.testimony,
            platform_metadata={**meta, "previous_sha256": existing.sha256},
        )
        logger.warning(
            "%s: %s %s changed since it was archived (sha256 %s, now %s); stored as a new "
            "version of %s, the earlier original is kept.",
            source,
            platform,
            platform_id,
            existing.sha256[:12],
            sha[:12],
            existing.testimony.external_id,
        )
        return Archived(existing.testimony, asset, created=False, new_version=True)
    external_id = external_id_for(platform or "file", platform_id or sha[:16])
    if Testimony.objects.filter(external_id=external_id).exists():
        external_id = f"{external_id[:91]}-{sha[:8]}"
    published = _published(meta)
    with transaction.atomic():
        testimony = Testimony.objects.create(
            external_id=external_id,
            title=_text(meta.get("title") or path.stem, 500),
            description=_text(meta.get("description"), 100_000),
            language=language,
            languages=[language] if language else [],
            visibility=visibility,
            published_on=published,
            published_precision=Precision.DAY,
            source_platform=platform,
            source_url=captured_from[:1000],
        )
        asset = store(testimony=testimony, platform_metadata=meta)
        if queue:
            pipeline.queue(testimony.pk)
    return Archived(testimony, asset, created=True)


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
        error = exc if isinstance(exc, ArchiveError) else _explain(address, exc)
        if isinstance(error, DiskFullError):
            raise error  # nothing after it could be stored either
        total = context.get("n_entries") or context.get("playlist_count")
        # A feed item's id (its guid) travels smuggled in its address until it is resolved.
        smuggled = unsmuggle_url(str(entry.get("url") or ""), {})[1]
        failure = Failed(
            url=address,
            error=error,
            entry_id=_text(entry.get("id") or smuggled.get("force_videoid"), 200),
            position=context.get("playlist_index"),
            total=total if isinstance(total, int) else None,
            list_url=listed,
        )
        # The same identity skip_archived matches once an entry resolves.
        source = _entry_source(entry, context, self.url)
        existing = _existing(_text(platform, 50), failure.entry_id, source)
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
        from . import takedowns

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
        existing = _existing(
            _text(info.get("extractor_key"), 50),
            _text(info.get("id"), 200),
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


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        info = getattr(current, "exc_info", None)
        if isinstance(info, tuple) and len(info) > 1 and isinstance(info[1], BaseException):
            todo.append(info[1])
        cause = getattr(current, "cause", None)
        if isinstance(cause, BaseException):
            todo.append(cause)
        todo.extend([current.__cause__, current.__context__])


# After its retries yt-dlp reports a cut transfer as text only, without the exception.
_CUT_OFF = (
    r"bytes read, \d+ more expected|Downloaded \d+ bytes, expected \d+ bytes"
    r"|Did not get any data blocks"
)


def _explain(url: str, exc: DownloadError) -> ArchiveError:
    chain = list(error_chain(exc))
    ours = next((e for e in chain if isinstance(e, ArchiveError)), None)
    if ours is not None:
        return ours
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, OSError) and e.errno == errno.ENOSPC for e in chain) or (
        "No space left on device" in text
    ):
        return DiskFullError(_disk_full_message(url, Path(settings.MEDIA_ROOT)))
    if any(isinstance(e, UnsupportedError) for e in chain) or "Unsupported URL" in text:
        return UnsupportedSiteError(
            f"{url}: no video was found at this address (unsupported site or page). Give the "
            "address of the video, playlist or channel page itself, or download it by hand and "
            "use --from-folder."
        )
    if any(isinstance(e, ContentTooShortError | IncompleteRead) for e in chain) or re.search(
        _CUT_OFF, text
    ):
        return DownloadInterruptedError(
            f"{url}: the download was cut off before the end. Run the same command again: it "
            "resumes from the partial file in the staging folder."
        )
    for e in chain:
        if isinstance(e, HTTPError):
            # In a playlist or channel, name the entry that failed, not only the list.
            where = str(unsmuggle_url(str(getattr(e.response, "url", "") or url))[0])
            subject = url if where == url else f"{url} (entry {where})"
            return UnreachableError(
                f"{subject}: the site answered HTTP {e.status} ({e.reason}). Check the address; "
                "a video that was taken down cannot be archived from the platform any more."
            )
    for e in chain:
        if isinstance(e, TransportError):
            return UnreachableError(
                f"{url}: the site could not be reached ({e}). "
                "Check the address and the network, then run the same command again."
            )
    message = str(exc).removeprefix("ERROR: ")
    return ArchiveError(f"{url}: {message}")


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
            raise DiskFullError(_disk_full_message(url, Path(settings.MEDIA_ROOT))) from exc
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
        raise _explain(url, exc) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(_disk_full_message(url, Path(settings.MEDIA_ROOT))) from exc
        raise
    finally:
        if not any(staging.iterdir()):
            staging.rmdir()  # nothing to resume
    if archiver.failures:
        raise EntriesFailedError(url, archiver.results, archiver.failures)
    return archiver.results


def _media_beside(info_json: Path, info: dict[str, Any]) -> Path | None:
    stem = info_json.name.removesuffix(".info.json")
    named = info.get("_filename") or info.get("filename")
    candidates: list[Path] = []
    if isinstance(named, str):
        candidates.append(info_json.parent / Path(named).name)
    candidates += [info_json.with_name(stem + suffix) for suffix in sorted(MEDIA_SUFFIXES)]
    return next((c for c in candidates if c.is_file()), None)


def archive_folder(
    folder: Path,
    *,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> list[Archived]:
    """Import files yt-dlp already downloaded (media + `<name>.info.json`), without network."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingInfoError(f"{folder}: not a folder. Give the folder yt-dlp downloaded into.")
    pairs: list[tuple[Path, Path, dict[str, Any]]] = []
    for info_json in sorted(folder.rglob("*.info.json")):
        try:
            info = json.loads(info_json.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MissingInfoError(
                f"{info_json}: not a readable yt-dlp info file ({exc}). Remove it or "
                "download its video again with --write-info-json."
            ) from exc
        if not isinstance(info, dict) or info.get("_type", "video") != "video":
            continue  # playlist and channel info files describe no single file
        media = _media_beside(info_json, info)
        if media is None:
            raise MissingInfoError(
                f"{info_json}: no media file beside it. Put the downloaded file next to its "
                ".info.json (same name), or download it again."
            )
        pairs.append((info_json, media, info))
    if not pairs:
        raise MissingInfoError(
            f"{folder}: no <name>.info.json files. Download with yt-dlp --write-info-json, "
            "or use `manage.py ingest` for files without their platform metadata."
        )
    results: list[Archived] = []
    for _info_json, media, info in pairs:
        meta = yt_dlp.YoutubeDL.sanitize_info(info, remove_private_keys=True)
        meta = json.loads(json.dumps(meta, default=str))
        version = info.get("_version")
        meta["downloader"] = DOWNLOADER
        meta["downloader_version"] = (
            str(version.get("version", "")) if isinstance(version, dict) else "unknown"
        )
        meta["imported_from_folder"] = True
        meta["importer_version"] = downloader_version()
        epoch = info.get("epoch")
        captured_at = (
            dt.datetime.fromtimestamp(float(epoch), tz=dt.UTC)
            if isinstance(epoch, int | float)
            else timezone.now()
        )
        source = str(info.get("webpage_url") or info.get("original_url") or "")
        results.append(
            record(
                media,
                meta,
                captured_from=source,
                captured_at=captured_at,
                language=language,
                visibility=visibility,
                queue=queue,
            )
        )
        if progress is not None:
            progress(media)
    return results
