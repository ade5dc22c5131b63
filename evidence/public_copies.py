"""Public copies of original videos with identity documents blurred: prepare the job, render
it, record editors' decisions on its regions and their review.

The original's file and row are never written; each rendering is a new MediaAsset (kind
public copy) derived from it, and the job (``VideoRedaction``) points at the latest. Which
copy the public gets is the visibility policy's business (``MediaQuerySet.servable_to``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.blurring import (
    BlurError,
    Options,
    Region,
    TextReader,
    detector_info,
    find_regions,
    render_copy,
)
from evidence.blurring.schema import Box, Keyframe
from evidence.blurring.video import probe
from testimonies.models import MediaAsset, RegionDecision, VideoRedaction
from testimonies.storage import create_public_copy

State = VideoRedaction.State
# Of the whole job's progress, the share detection takes (rendering the rest).
_DETECT_SHARE = 0.7


class ReviewError(Exception):
    """An editor's decision cannot be recorded as asked; the message says why."""


def options() -> Options:
    return Options(samples_per_second=settings.VIDEO_BLUR_SAMPLES_PER_SECOND)


def prepare(original_id: int) -> int | None:
    """The job for an original video, queued (created if new); None for sound-only media.

    A job already queued or running is left as it is; a finished or failed one is queued
    again (a re-review). The caller sends the task after commit.
    """
    asset = MediaAsset.objects.get(pk=original_id)
    if asset.kind != MediaAsset.Kind.ORIGINAL or not asset.has_video:
        return None
    redaction, created = VideoRedaction.objects.get_or_create(original=asset)
    if not created:
        finished = VideoRedaction.objects.filter(
            pk=redaction.pk, state__in=[State.READY, State.FAILED]
        )
        finished.update(state=State.QUEUED, progress=0.0, error="")
    return redaction.pk


def _progress_writer(redaction_id: int, start: float, share: float) -> Any:
    last = {"value": -1.0}

    def write(stage: str, done: float) -> None:
        value = round(start + share * done, 2)
        if value - last["value"] >= 0.05 or done >= 1.0:
            last["value"] = value
            VideoRedaction.objects.filter(pk=redaction_id).update(progress=value)

    return write


def render(redaction_id: int, *, detect: bool = True, reader: TextReader | None = None) -> bool:
    """Find the regions (unless ``detect`` is off: an editor's re-render), render the copy and
    store it. Only a queued job is taken (one conditional UPDATE): a second worker handed the
    same job returns False at once. A file that cannot be read fails the job with a message
    and stores nothing."""
    taken = VideoRedaction.objects.filter(pk=redaction_id, state=State.QUEUED).update(
        state=State.DETECTING if detect else State.RENDERING, progress=0.0, error=""
    )
    if not taken:
        return False
    redaction = VideoRedaction.objects.select_related("original").get(pk=redaction_id)
    source = Path(redaction.original.file.path)
    settings_now = options()
    try:
        if detect or not redaction.detector:
            report = find_regions(
                source,
                options=settings_now,
                reader=reader,
                progress=_progress_writer(redaction_id, 0.0, _DETECT_SHARE),
            )
            VideoRedaction.objects.filter(pk=redaction_id).update(
                regions=[r.to_json() for r in report.regions],
                detector=report.detector["name"],
                detector_version=str(report.detector["version"]),
                detector_settings=report.detector,
                state=State.RENDERING,
            )
        redaction.refresh_from_db()
        regions = effective_regions(redaction)
        with tempfile.TemporaryDirectory(prefix="public-copy-") as scratch:
            out = Path(scratch) / "copy.mp4"
            render_copy(
                source,
                out,
                regions,
                options=settings_now,
                progress=_progress_writer(redaction_id, _DETECT_SHARE, 1 - _DETECT_SHARE),
            )
            info = probe(out)
            with transaction.atomic():
                copy = create_public_copy(
                    original=redaction.original,
                    path=out,
                    duration=info.duration,
                    audio_codec=info.audio_codec,
                )
                # A new rendering needs a new review before the public sees it.
                VideoRedaction.objects.filter(pk=redaction_id).update(
                    copy=copy,
                    state=State.READY,
                    progress=1.0,
                    reviewed_at=None,
                    reviewed_by=None,
                    updated_at=timezone.now(),
                )
    except BlurError as exc:
        VideoRedaction.objects.filter(pk=redaction_id).update(state=State.FAILED, error=str(exc))
        return False
    return True


def latest_decisions(redaction: VideoRedaction) -> dict[str, RegionDecision]:
    """Each region's latest decision (an editor may change their mind)."""
    latest: dict[str, RegionDecision] = {}
    for decision in redaction.decisions.order_by("decided_at", "pk"):
        latest[decision.region_id] = decision
    return latest


def effective_regions(redaction: VideoRedaction) -> list[Region]:
    """The regions the copy blurs: the machine's, less those rejected, plus those drawn."""
    latest = latest_decisions(redaction)
    machine = [Region.from_json(r) for r in redaction.regions]
    rejected = {k for k, d in latest.items() if d.action == RegionDecision.Action.REJECT}
    kept = [r for r in machine if r.id not in rejected]
    drawn = [
        Region.from_json(d.region) for d in latest.values() if d.action == RegionDecision.Action.ADD
    ]
    return kept + drawn


@dataclass(frozen=True)
class Drawn:
    """A region an editor draws: a rectangle in frame pixels held from start to end."""

    start: float
    end: float
    x0: float
    y0: float
    x1: float
    y1: float


def decide(
    redaction: VideoRedaction, *, user: Any, region_id: str, action: str, drawn: Drawn | None = None
) -> RegionDecision:
    """Record one decision (who and when come with it)."""
    if action not in RegionDecision.Action.values:
        unknown = _("Unknown decision %(action)r: accept, reject or add.")
        raise ReviewError(unknown % {"action": action})
    if action == RegionDecision.Action.ADD:
        if drawn is None:
            raise ReviewError(_("Draw a region: its time span and its rectangle."))
        region_id = f"e{redaction.decisions.filter(action=RegionDecision.Action.ADD).count() + 1}"
        region = _drawn_region(redaction, region_id, drawn)
        return RegionDecision.objects.create(
            redaction=redaction, region_id=region_id, action=action, region=region.to_json(),
            decided_by=user,
        )  # fmt: skip
    if region_id not in {r["id"] for r in redaction.regions}:
        raise ReviewError(_("No region %(region)r in this copy.") % {"region": region_id})
    return RegionDecision.objects.create(
        redaction=redaction, region_id=region_id, action=action, decided_by=user
    )


def _drawn_region(redaction: VideoRedaction, region_id: str, drawn: Drawn) -> Region:
    duration = redaction.original.duration or 0.0
    if not 0 <= drawn.start < drawn.end:
        raise ReviewError(_("A region must start before it ends, at 0 s or later."))
    if duration and drawn.start >= duration:
        raise ReviewError(
            _("The video is %(seconds).1f s long; the region starts after it.")
            % {"seconds": duration}
        )
    try:
        box = Box.from_list([drawn.x0, drawn.y0, drawn.x1, drawn.y1])
    except ValueError as exc:
        raise ReviewError(str(exc)) from None
    end = min(drawn.end, duration) if duration else drawn.end
    return Region(
        id=region_id,
        kind="editor",
        source="editor",
        start=drawn.start,
        end=end,
        keyframes=[Keyframe(drawn.start, box)],
    )


def needs_render(redaction: VideoRedaction) -> bool:
    """Whether decisions were made after the current copy was rendered."""
    if redaction.copy is None:
        return True
    last = redaction.decisions.order_by("-decided_at").values_list("decided_at", flat=True).first()
    return last is not None and last > redaction.copy.created_at


def mark_reviewed(redaction: VideoRedaction, *, user: Any) -> None:
    """An editor has looked at every region of the current copy: the public may see it."""
    if redaction.state != State.READY or redaction.copy is None:
        raise ReviewError(_("The copy is not rendered yet; review it once it is ready."))
    if needs_render(redaction):
        raise ReviewError(_("Decisions were made after this copy was rendered: render it again."))
    VideoRedaction.objects.filter(pk=redaction.pk).update(
        reviewed_by=user, reviewed_at=timezone.now()
    )


def detector_summary() -> dict[str, object]:
    return detector_info(options())
