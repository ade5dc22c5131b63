"""The staff page where editors review a public copy's regions: a strip of frames with the
regions outlined, accept or reject each, draw one by hand, render again, mark reviewed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evidence import public_copies
from evidence.blurring import BlurError, Region
from evidence.blurring.video import frame_jpeg, probe
from evidence.forms import DrawnRegionForm
from evidence.tasks import render_public_copy
from testimonies import roles
from testimonies.jobs import enqueue_on_commit
from testimonies.models import RegionDecision, VideoRedaction


def _redaction(request: HttpRequest, redaction_id: int) -> VideoRedaction:
    if not roles.may_use_staff_pages(request.user):
        raise PermissionDenied
    return get_object_or_404(
        VideoRedaction.objects.select_related("original__testimony", "copy", "reviewed_by"),
        pk=redaction_id,
    )


def _rows(redaction: VideoRedaction) -> list[dict[str, Any]]:
    """Every region with its latest decision, machine ones first, then those drawn."""
    latest = public_copies.latest_decisions(redaction)
    machine = [Region.from_json(r) for r in redaction.regions]
    drawn = [
        Region.from_json(d.region) for d in latest.values() if d.action == RegionDecision.Action.ADD
    ]
    return [
        {
            "region": region,
            "decision": latest.get(region.id),
            "middle": round((region.start + region.end) / 2, 2),
        }
        for region in machine + drawn
    ]


@require_safe
@login_required
def copy_review(request: HttpRequest, redaction_id: int) -> HttpResponse:
    redaction = _redaction(request, redaction_id)
    return render(
        request,
        "evidence/copy_review.html",
        {
            "redaction": redaction,
            "rows": _rows(redaction),
            "decisions": redaction.decisions.select_related("decided_by"),
            "needs_render": public_copies.needs_render(redaction),
            "form": DrawnRegionForm(),
            "video_width": _video_width(redaction),
        },
    )


def _video_width(redaction: VideoRedaction) -> int:
    try:
        return probe(Path(redaction.original.file.path)).width
    except (BlurError, OSError):
        return 0


@require_safe
@login_required
def copy_frame(request: HttpRequest, redaction_id: int) -> HttpResponse:
    """One frame of the original with the regions then on screen outlined (JPEG)."""
    redaction = _redaction(request, redaction_id)
    try:
        time = float(request.GET.get("t", "0"))
    except ValueError:
        raise Http404("t must be a time in seconds.") from None
    rejected = {
        key
        for key, d in public_copies.latest_decisions(redaction).items()
        if d.action == RegionDecision.Action.REJECT
    }
    boxes = []
    for row in _rows(redaction):
        region: Region = row["region"]
        box = region.box_at(time)
        if box is not None:
            style = "rejected" if region.id in rejected else region.source
            boxes.append((box, style))
    try:
        image = frame_jpeg(Path(redaction.original.file.path), time, boxes)
    except BlurError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def copy_decide(request: HttpRequest, redaction_id: int) -> HttpResponse:
    """Accept, reject, draw; render again (with or without looking again); mark reviewed."""
    redaction = _redaction(request, redaction_id)
    action = request.POST.get("action", "")
    try:
        if action in (RegionDecision.Action.ACCEPT, RegionDecision.Action.REJECT):
            public_copies.decide(
                redaction, user=request.user, region_id=request.POST.get("region", ""),
                action=action,
            )  # fmt: skip
        elif action == RegionDecision.Action.ADD:
            form = DrawnRegionForm(request.POST)
            if not form.is_valid():
                errors = "; ".join(
                    f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
                )
                raise public_copies.ReviewError(errors)
            public_copies.decide(
                redaction, user=request.user, region_id="", action=action,
                drawn=public_copies.Drawn(**form.cleaned_data),
            )  # fmt: skip
        elif action in ("render", "detect"):
            queued = public_copies.prepare(redaction.original_id)
            if (
                queued is None
                or not VideoRedaction.objects.filter(
                    pk=queued, state=VideoRedaction.State.QUEUED
                ).exists()
            ):
                raise public_copies.ReviewError(_("The copy is being rendered already."))
            enqueue_on_commit(render_public_copy, queued, action == "detect")
            messages.success(request, _("The copy is queued to be rendered again."))
        elif action == "reviewed":
            public_copies.mark_reviewed(redaction, user=request.user)
            messages.success(request, _("Reviewed: the public now gets this copy."))
        else:
            raise public_copies.ReviewError(_("Unknown action."))
    except public_copies.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("staff-copy", redaction_id=redaction.pk)
