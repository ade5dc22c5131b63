"""How the transcription queue is going: counts by state, throughput, audio left, retries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from testimonies.importing import IMPORT_ENGINE
from testimonies.models import MediaAsset, Testimony, Transcript
from transcription import tasks

Status = Testimony.Status
# What the workers still have to do: the audio left and the time to empty the queue.
LEFT = (Status.QUEUED, Status.TRANSCRIBING)
WINDOW = dt.timedelta(hours=1)
NO_MESSAGE = "(no message recorded)"


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    testimonies: int
    audio_seconds: float
    # Testimonies without media or whose media has no known duration: not in audio_seconds.
    unknown_duration: int

    @property
    def audio_text(self) -> str:
        return hours(self.audio_seconds)


@dataclass(frozen=True)
class FailedTestimony:
    id: int
    external_id: str
    title: str
    message: str


@dataclass(frozen=True)
class FailureGroup:
    reason: str
    testimonies: list[FailedTestimony]

    @property
    def ids(self) -> list[int]:
        return [t.id for t in self.testimonies]


@dataclass(frozen=True)
class QueueReport:
    at: dt.datetime
    states: list[StateCount]
    failures: list[FailureGroup]
    # Machine transcripts stored in the last hour (imported transcripts are not work done).
    done_last_hour: int
    audio_last_hour: float
    audio_done: float
    audio_left: float
    left_unknown_duration: int
    # None: nothing was transcribed in the last hour, so no rate to divide by.
    eta: dt.timedelta | None

    def count(self, state: str) -> int:
        return next((s.testimonies for s in self.states if s.state == state), 0)

    @property
    def waiting(self) -> int:
        return self.count(Status.QUEUED)

    @property
    def transcribing(self) -> int:
        return self.count(Status.TRANSCRIBING)

    @property
    def failed(self) -> int:
        return self.count(Status.FAILED)

    @property
    def audio_done_text(self) -> str:
        return hours(self.audio_done)

    @property
    def audio_left_text(self) -> str:
        return hours(self.audio_left)

    @property
    def rate_text(self) -> str:
        per_hour = self.audio_last_hour / (WINDOW / dt.timedelta(hours=1))
        return f"{hours(per_hour)} of audio per hour"

    @property
    def eta_text(self) -> str:
        if self.eta is None:
            return "unknown (nothing transcribed in the last hour)"
        if not self.eta:
            return "empty"
        return f"about {span(self.eta.total_seconds())}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "states": {
                s.state: {
                    "label": s.label,
                    "testimonies": s.testimonies,
                    "audio_seconds": round(s.audio_seconds, 1),
                    "unknown_duration": s.unknown_duration,
                }
                for s in self.states
            },
            "last_hour": {
                "testimonies": self.done_last_hour,
                "audio_seconds": round(self.audio_last_hour, 1),
            },
            "audio_seconds_done": round(self.audio_done, 1),
            "audio_seconds_left": round(self.audio_left, 1),
            "left_without_duration": self.left_unknown_duration,
            "eta_seconds": None if self.eta is None else round(self.eta.total_seconds()),
            "failed": [
                {
                    "reason": g.reason,
                    "testimonies": [
                        {"id": t.id, "external_id": t.external_id, "message": t.message}
                        for t in g.testimonies
                    ],
                }
                for g in self.failures
            ],
        }


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def span(seconds: float) -> str:
    """A duration for people: '2 d 3 h', '3 h 05 min', '12 min'."""
    minutes = max(1, round(seconds / 60))
    days, minutes = divmod(minutes, 24 * 60)
    if days:
        return f"{days} d {round(minutes / 60)} h"
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes} min"


def _audio_seconds() -> Subquery:
    """The duration of the file Whisper reads (`Testimony.media_to_transcribe`): a derived
    working copy first, else the original."""
    return Subquery(
        MediaAsset.objects.filter(testimony=OuterRef("pk"))
        .order_by(Case(When(kind=MediaAsset.Kind.ORIGINAL, then=1), default=0), "pk")
        .values("duration")[:1],
        output_field=FloatField(),
    )


def _machine_transcripts(**filters: Any) -> QuerySet[Transcript]:
    return Transcript.objects.filter(
        testimony=OuterRef("pk"), task=Transcript.Task.TRANSCRIBE, **filters
    ).exclude(engine=IMPORT_ENGINE)


def _totals() -> dict[str, Any]:
    """Testimonies, their audio, and how many have no known duration (`audio` annotated)."""
    return {
        "testimonies": Count("pk"),
        "seconds": Sum("audio"),
        "unknown": Count("pk", filter=Q(audio__isnull=True)),
    }


def _audio(testimonies: QuerySet[Testimony]) -> dict[str, Any]:
    return testimonies.annotate(audio=_audio_seconds()).aggregate(**_totals())


_PATH = re.compile(r"(?<![\w:/.])/(?:[^\s'\"():,]+/)*[^\s'\"():,]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def failure_reason(testimony: Testimony) -> str:
    """The kind of failure, so that a thousand files failing alike are one line: the
    message's first line with file paths, the testimony's id and numbers taken out."""
    lines = testimony.processing_error.strip().splitlines()
    if not lines:
        return NO_MESSAGE
    text = _PATH.sub("<file>", lines[0].strip())
    if testimony.external_id:
        # As the pipeline names it ("testimony X has no media file"); never a word elsewhere.
        text = text.replace(f"testimony {testimony.external_id}", "testimony <testimony>")
    return _NUMBER.sub("N", text)[:300]


def _failures() -> list[FailureGroup]:
    groups: dict[str, list[FailedTestimony]] = {}
    failed = Testimony.objects.filter(status=Status.FAILED).order_by("pk")
    for testimony in failed.only("pk", "external_id", "title", "processing_error"):
        groups.setdefault(failure_reason(testimony), []).append(
            FailedTestimony(
                testimony.pk,
                testimony.external_id,
                testimony.title,
                testimony.processing_error or NO_MESSAGE,
            )
        )
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [FailureGroup(reason, items) for reason, items in ordered]


def queue_report(*, now: dt.datetime | None = None) -> QueueReport:
    """Where transcription stands, from the rows alone (no broker is asked).

    Throughput is the machine transcripts stored in the hour before `now` and the audio of
    their testimonies; the time to empty the queue is the audio waiting or transcribing
    divided by that rate, or None when nothing was transcribed in the hour.
    """
    now = now or timezone.now()
    grouped = (
        Testimony.objects.order_by()
        .annotate(audio=_audio_seconds())
        .values("status")
        .annotate(**_totals())
        .values_list("status", "testimonies", "seconds", "unknown")
    )
    by_state = {status: (n, seconds or 0.0, unknown) for status, n, seconds, unknown in grouped}
    states = [
        StateCount(str(status.value), str(status.label), *by_state.get(status, (0, 0.0, 0)))
        for status in Status
    ]
    recent = _audio(
        Testimony.objects.filter(Exists(_machine_transcripts(created_at__gte=now - WINDOW)))
    )
    done = _audio(
        Testimony.objects.filter(Exists(_machine_transcripts()), status=Status.TRANSCRIBED)
    )
    left = [s for s in states if s.state in LEFT]
    audio_left = sum(s.audio_seconds for s in left)
    audio_last_hour = recent["seconds"] or 0.0
    eta: dt.timedelta | None = None
    if not audio_left:
        eta = dt.timedelta(0)
    elif audio_last_hour:
        eta = WINDOW * (audio_left / audio_last_hour)
    return QueueReport(
        at=now,
        states=states,
        failures=_failures(),
        done_last_hour=recent["testimonies"],
        audio_last_hour=audio_last_hour,
        audio_done=done["seconds"] or 0.0,
        audio_left=audio_left,
        left_unknown_duration=sum(s.unknown_duration for s in left),
        eta=eta,
    )


def retry_failed(
    *, reason: str | None = None, testimony_ids: Collection[int] | None = None
) -> list[int]:
    """Queue failed testimonies again: all of them, those failing for `reason` (as
    `failure_reason` words it), or those among `testimony_ids`. Returns the ids queued.

    Each goes back to 'queued' in one conditional UPDATE, so a testimony two operators
    retry at once is sent to the workers once; the jobs are sent after the commit.
    """
    failed = Testimony.objects.filter(status=Status.FAILED).order_by("pk")
    if testimony_ids is not None:
        failed = failed.filter(pk__in=testimony_ids)
    chosen = [
        t.pk
        for t in failed.only("pk", "external_id", "processing_error")
        if reason is None or failure_reason(t) == reason
    ]
    queued = []
    with transaction.atomic():
        for pk in chosen:
            if Testimony.objects.filter(pk=pk, status=Status.FAILED).update(
                status=Status.QUEUED, processing_error=""
            ):
                tasks.queue(pk)
                queued.append(pk)
    return queued
