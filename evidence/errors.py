"""Archiving errors: what failed and what to do, with yt-dlp's errors explained."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from yt_dlp.networking.exceptions import HTTPError, IncompleteRead, TransportError
from yt_dlp.utils import ContentTooShortError, DownloadError, UnsupportedError, unsmuggle_url

if TYPE_CHECKING:
    from evidence.provenance import Archived


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


def disk_full(source: str) -> DiskFullError:
    """The error for a full disk met while archiving `source` (MEDIA_ROOT has no room)."""
    root = Path(settings.MEDIA_ROOT)
    return DiskFullError(
        f"{source}: the disk holding {root} is full. Free space (or move MEDIA_ROOT) and run "
        "the same command again: finished downloads are kept and partial ones resume."
    )


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


def explain(url: str, exc: DownloadError) -> ArchiveError:
    """The ArchiveError a yt-dlp failure at `url` amounts to (ours, when it carries one)."""
    chain = list(error_chain(exc))
    ours = next((e for e in chain if isinstance(e, ArchiveError)), None)
    if ours is not None:
        return ours
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, OSError) and e.errno == errno.ENOSPC for e in chain) or (
        "No space left on device" in text
    ):
        return disk_full(url)
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
