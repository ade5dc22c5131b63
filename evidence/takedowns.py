"""Takedown monitor: re-check each testimony's platform copy and keep its history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yt_dlp
from django.db.models import QuerySet
from django.utils import timezone
from yt_dlp.networking.exceptions import HTTPError
from yt_dlp.utils import DownloadError

from evidence.errors import error_chain
from testimonies import csvsafe
from testimonies.models import SourceCheck, Testimony

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

State = SourceCheck.State
# The platforms' own wording, most specific first (YouTube, Odysee, generic pages).
_PATTERNS: list[tuple[str, str]] = [
    (State.TERMINATED, r"account .* (has been )?terminated|channel .* terminated"),
    (
        State.GEO_BLOCKED,
        r"not (made this video )?available in your country|blocked it in your country"
        r"|geo.?restrict",
    ),
    (State.PRIVATE, r"private video|video is private|sign in to confirm|members-only"),
    (
        State.REMOVED,
        r"video (has been )?removed|video unavailable|no longer available|does not exist",
    ),
]


@dataclass(frozen=True)
class Observation:
    state: str
    http_status: int | None
    message: str


def observe(url: str) -> Observation:
    """Ask the platform about one URL, without downloading; classify what it says."""
    options: dict[str, Any] = {
        "quiet": True,
        "no_warnings": True,
        "skip_download": True,
        "noplaylist": True,
        "socket_timeout": 20,
        "retries": 1,
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            ydl.extract_info(url, download=False, process=False)
    except DownloadError as exc:
        return classify(exc)
    return Observation(State.AVAILABLE, 200, "")


def classify(exc: BaseException) -> Observation:
    chain = list(error_chain(exc))
    text = " ".join(str(e) for e in chain).removeprefix("ERROR: ")
    status = next((int(e.status) for e in chain if isinstance(e, HTTPError)), None)
    for state, pattern in _PATTERNS:
        if re.search(pattern, text, re.IGNORECASE):
            return Observation(state, status, text[:2000])
    if status in (404, 410):
        return Observation(State.REMOVED, status, text[:2000])
    if status in (401, 403):
        return Observation(State.PRIVATE, status, text[:2000])
    if status == 451:
        return Observation(State.GEO_BLOCKED, status, text[:2000])
    # Unreachable, timeouts, anything else: an error, never taken for a takedown.
    return Observation(State.ERROR, status, text[:2000])


def check_sources(
    testimonies: Iterable[Testimony] | QuerySet[Testimony] | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[SourceCheck]:
    """Record one check per testimony with a source URL; the archive copy is never touched."""
    rows = testimonies if testimonies is not None else Testimony.objects.exclude(source_url="")
    checks = []
    for testimony in rows:
        if not testimony.source_url:
            continue
        seen = observe(testimony.source_url)
        checks.append(record_check(testimony, seen, url=testimony.source_url, now=now))
    return checks


def record_check(
    testimony: Testimony, seen: Observation, *, url: str, now: dt.datetime | None = None
) -> SourceCheck:
    """Record what the platform answered at `url` about a testimony's copy.

    `check_sources` records its own look; `capture` records the answer it met when an
    entry archived earlier no longer resolves.
    """
    return SourceCheck.objects.create(
        testimony=testimony,
        url=url[:1000],
        checked_at=now or timezone.now(),
        state=seen.state,
        http_status=seen.http_status,
        message=seen.message,
    )


def gone_since(testimony: Testimony) -> SourceCheck | None:
    """The first check of the current run of 'gone' states, if the copy is gone now."""
    # .all() (newest first, by Meta) so a list view's prefetch serves every row.
    checks = list(testimony.source_checks.all())[:200]
    if not checks or checks[0].state in (State.AVAILABLE, State.ERROR):
        return None
    first = checks[0]
    for check in checks[1:]:
        if check.state == State.AVAILABLE:
            break
        if check.state != State.ERROR:
            first = check
    return first


def disappeared_between(
    start: dt.datetime, end: dt.datetime
) -> list[tuple[Testimony, SourceCheck]]:
    """Testimonies whose platform copy went from available to gone within [start, end)."""
    found = []
    candidates = (
        Testimony.objects.filter(
            source_checks__checked_at__gte=start, source_checks__checked_at__lt=end
        )
        .distinct()
        .prefetch_related("source_checks")
    )
    for testimony in candidates:
        since = gone_since(testimony)
        if since and start <= since.checked_at < end:
            found.append((testimony, since))
    return sorted(found, key=lambda pair: pair[1].checked_at)


@dataclass(frozen=True)
class Disappearance:
    testimony: Testimony
    gone: SourceCheck  # the first check of the current run of "gone" answers
    last_available: SourceCheck | None  # the last check before it that found the copy


REPORT_DAYS = 30
REPORT_COLUMNS = [
    "external_id",
    "title",
    "platform",
    "source_url",
    "state",
    "since",
    "last_available",
    "message",
]


def report_period(
    since: dt.date | None, until: dt.date | None, *, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """Whole UTC days from `since` to `until` inclusive: by default the last 30 days to now."""
    now = now or timezone.now()
    if since is None:
        since = (now - dt.timedelta(days=REPORT_DAYS)).astimezone(dt.UTC).date()
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    if until is None:
        return start, now + dt.timedelta(seconds=1)
    return start, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def report(start: dt.datetime, end: dt.datetime) -> list[Disappearance]:
    """What disappeared in [start, end), with when it was last seen available."""
    rows = []
    for testimony, gone in disappeared_between(start, end):
        last = next(
            (
                check
                for check in testimony.source_checks.all()  # newest first, prefetched
                if check.checked_at < gone.checked_at and check.state == State.AVAILABLE
            ),
            None,
        )
        rows.append(Disappearance(testimony, gone, last))
    return rows


def write_report(out: SupportsWrite[str], rows: Iterable[Disappearance]) -> None:
    """The report as CSV: `manage.py takedown_report` and the staff page's download.

    Titles, URLs and messages come from the platform: cells a spreadsheet would run as a
    formula are escaped (`csvsafe`).
    """
    writer = csvsafe.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.testimony.external_id,
                row.testimony.title,
                row.testimony.source_platform,
                row.gone.url,
                row.gone.state,
                row.gone.checked_at.isoformat(),
                row.last_available.checked_at.isoformat() if row.last_available else "",
                row.gone.message[:300],
            ]
        )
