"""The transcript editor: a testimony's player beside its segments, saved one segment at a
time with a version (JSON endpoints for the page's script), the list of testimonies to
correct with their progress, and handing testimonies out to transcribers.

Who may open it: `Testimony.objects.correctable_by` (editors; transcribers for what was
given to them). The logic is in `review.corrections`; these views check input and answer.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from review import corrections
from review.corrections import CorrectionError, StaleVersion
from testimonies import roles
from testimonies.languages import LANGUAGE_CHOICES
from testimonies.models import Segment, Testimony
from testimonies.visibility import Visibility, editor_recording
from web.media import send_asset

# Languages written right to left: the editor's text boxes follow them.
RTL_LANGUAGES = frozenset({"ug", "ar", "fa"})
PROGRESS = {
    "todo": (0.0, 0.0),
    "started": (1e-9, 1.0 - 1e-9),
    "done": (1.0, 1.0),
}


def _correctable_testimony(request: HttpRequest, external_id: str) -> Testimony:
    return get_object_or_404(
        Testimony.objects.correctable_by(request.user).prefetch_related("media", "transcripts"),
        external_id=external_id,
    )


def _proposals(segment: Segment) -> list[dict[str, Any]]:
    """The segment's proposals (people, places, dates, events found in its words), each with
    the review page where an editor accepts it or links it to a person or place."""
    shown = []
    for mention in segment.mentions.all():
        linked = mention.person or mention.place
        shown.append(
            {
                "kind": mention.get_kind_display(),
                "surface": mention.surface,
                "review": mention.get_review_display(),
                "linked": str(linked) if linked else "",
                "url": reverse("admin:testimonies_mention_change", args=[mention.pk]),
            }
        )
    return shown


def segment_data(
    segment: Segment, *, previous: str = "", proposals: bool = False
) -> dict[str, Any]:
    """A segment as the editor's script knows it (an editor's view: words unmasked)."""
    return {
        "id": segment.pk,
        "index": segment.index,
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "translation": segment.translation,
        "version": segment.version,
        "edited": segment.edited,
        "edited_by": segment.edited_by.get_username() if segment.edited_by else "",
        "verified": segment.verified_at is not None,
        "verified_by": segment.verified_by.get_username() if segment.verified_by else "",
        "flags": list(segment.flags or []),
        "marks": list(segment.redactions or []),
        "previous": previous,
        "proposals": _proposals(segment) if proposals else [],
    }


def _segments(testimony: Testimony, user: Any) -> list[dict[str, Any]]:
    transcript = testimony.current_transcript()
    if transcript is None:
        return []
    rows = list(
        transcript.segments.select_related(
            "edited_by", "verified_by", "transcript"
        ).prefetch_related("mentions__person", "mentions__place")
    )
    previous = corrections.previous_machine_texts([s for s in rows if not s.by_a_person])
    # Reviewing proposals is the admin's, for the roles that link records.
    reviews = roles.may_link_records(user) and roles.may_use_staff_pages(user)
    return [segment_data(s, previous=previous.get(s.pk, ""), proposals=reviews) for s in rows]


@require_safe
@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Where a login lands with no ?next=: the staff pages for those who may use them, the
    editor's list for a volunteer transcriber, the search page for everyone else."""
    if roles.may_use_staff_pages(request.user):
        return redirect("staff-takedowns")
    if roles.is_transcriber(request.user):
        return redirect("editor-list")
    return redirect("search")


@require_safe
@never_cache
@login_required
def editor_list(request: HttpRequest) -> HttpResponse:
    """What this account may correct, by language and progress; the staff hand them out."""
    if not (roles.may_correct_every_transcript(request.user) or roles.is_transcriber(request.user)):
        raise PermissionDenied
    rows = Testimony.objects.correctable_by(request.user)
    language = request.GET.get("language", "")
    if language in dict(LANGUAGE_CHOICES):
        rows = rows.filter(language=language)
    state = request.GET.get("progress", "")
    rows = corrections.with_progress(rows.prefetch_related("transcribers"))
    listed = []
    for testimony in rows.order_by("language", "external_id"):
        share = testimony.verified_seconds / testimony.seconds if testimony.seconds else 0.0
        low, high = PROGRESS.get(state, (0.0, 1.0))
        if low <= share <= high:
            listed.append((testimony, share))
    hand_out = roles.may_hand_out(request.user)
    context = {
        "rows": listed,
        "language_choices": LANGUAGE_CHOICES,
        "language": language,
        "progress": state,
        "hand_out": hand_out,
        "transcribers": _transcribers() if hand_out else [],
    }
    return render(request, "editor/list.html", context)


def _transcribers() -> Any:
    return (
        get_user_model()
        .objects.filter(groups__name=roles.TRANSCRIBER, is_active=True)
        .order_by("username")
    )


class HandOutForm(forms.Form):
    testimony = forms.IntegerField(min_value=1)
    transcriber = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("give", "give"), ("take", "take back")])


@require_POST
@login_required
def hand_out(request: HttpRequest) -> HttpResponse:
    """Give a testimony to a transcriber, or take it back."""
    if not roles.may_hand_out(request.user):
        raise PermissionDenied
    form = HandOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a testimony and a transcriber."))
        return redirect("editor-list")
    testimony = get_object_or_404(
        Testimony.objects.correctable_by(request.user), pk=form.cleaned_data["testimony"]
    )
    person = _transcribers().filter(pk=form.cleaned_data["transcriber"]).first()
    if person is None:
        messages.error(request, _("That account is not in the transcriber role."))
        return redirect("editor-list")
    if form.cleaned_data["action"] == "give":
        testimony.transcribers.add(person)
        vetted = roles.has_role(person, roles.RESEARCHER)
        if testimony.visibility == Visibility.RESTRICTED and not vetted:
            messages.warning(
                request,
                _(
                    "%(who)s is not vetted for restricted testimonies: they will not see "
                    "%(id)s until they are given the researcher role."
                )
                % {"who": person.get_username(), "id": testimony.external_id},
            )
    else:
        testimony.transcribers.remove(person)
    return redirect("editor-list")


@require_safe
@never_cache
@login_required
def editor_page(request: HttpRequest, external_id: str) -> HttpResponse:
    testimony = _correctable_testimony(request, external_id)
    transcript = testimony.current_transcript()
    language = transcript.language if transcript else testimony.language
    context = {
        "testimony": testimony,
        "transcript": transcript,
        "language": language,
        "rtl": language in RTL_LANGUAGES,
        "segments": _segments(testimony, request.user),
        "progress": corrections.progress(testimony),
        "has_media": editor_recording(testimony, request.user) is not None,
        "video_pending": testimony.playable_media() is not None,
    }
    return render(request, "editor/editor.html", context)


@require_safe
@login_required
def editor_media(request: HttpRequest, external_id: str) -> HttpResponseBase:
    """The recording for the editor's player (sound only: the page plays it in <audio>)."""
    testimony = _correctable_testimony(request, external_id)
    asset = editor_recording(testimony, request.user)
    if asset is None:
        raise Http404(_("This testimony has no recording."))
    response = send_asset(request, asset)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@never_cache
@login_required
def editor_segments(request: HttpRequest, external_id: str) -> JsonResponse:
    testimony = _correctable_testimony(request, external_id)
    return JsonResponse({"segments": _segments(testimony, request.user), **_progress(testimony)})


def _progress(testimony: Testimony) -> dict[str, Any]:
    done = corrections.progress(testimony)
    return {
        "progress": {
            "segments": done.segments,
            "verified_segments": done.verified_segments,
            "seconds": done.seconds,
            "verified_seconds": done.verified_seconds,
        }
    }


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise CorrectionError(_("The request is not JSON.")) from None
    if not isinstance(data, dict):
        raise CorrectionError(_("The request must be a JSON object."))
    return data


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CorrectionError(
            _("%(name)s is missing or not a whole number: reload the page.") % {"name": name}
        )
    return value


OPERATIONS = ("save", "verify", "split", "merge", "restore")


def _not_yours() -> JsonResponse:
    message = _("No such segment in a transcript you may correct.")
    return JsonResponse({"error": "not_found", "message": message}, status=404)


@require_POST
@login_required
def segment_action(request: HttpRequest, segment_id: int, action: str) -> JsonResponse:
    """One change to one segment. 200 with the changed segments; 409 when someone saved it
    first (with both versions, to settle); 400 naming what is wrong; 404 if not yours."""
    if action not in OPERATIONS:
        raise Http404
    user = request.user
    try:
        data = _body(request)
        version = _int(data, "version")
        if action == "save":
            changed = [
                corrections.save(
                    user=user,
                    segment_id=segment_id,
                    version=version,
                    text=data.get("text"),
                    translation=data.get("translation"),
                    start=data.get("start"),
                    end=data.get("end"),
                )
            ]
        elif action == "verify":
            verified = data.get("verified", True) is not False
            changed = [
                corrections.verify(
                    user=user, segment_id=segment_id, version=version, verified=verified
                )
            ]
        elif action == "split":
            changed = list(
                corrections.split(
                    user=user, segment_id=segment_id, version=version, at=data.get("at")
                )
            )
        elif action == "merge":
            changed = [
                corrections.merge(
                    user=user,
                    segment_id=segment_id,
                    version=version,
                    next_version=_int(data, "next_version"),
                )
            ]
        else:
            changed = [
                corrections.restore(
                    user=user,
                    segment_id=segment_id,
                    version=version,
                    history_id=_int(data, "history_id"),
                )
            ]
    except Segment.DoesNotExist:
        return _not_yours()
    except CorrectionError as exc:
        return JsonResponse({"error": "invalid", "message": str(exc)}, status=400)
    except StaleVersion as exc:
        return JsonResponse(
            {
                "error": "conflict",
                "message": _(
                    "Someone else saved this segment while you were editing it. Your text is "
                    "kept below: choose which to keep."
                )
                if exc.current is not None
                else _("This segment was merged or replaced meanwhile: reload the transcript."),
                "yours": exc.yours,
                "theirs": segment_data(exc.current) if exc.current is not None else None,
            },
            status=409,
        )
    testimony = changed[0].transcript.testimony
    return JsonResponse({"segments": [segment_data(s) for s in changed], **_progress(testimony)})


@require_safe
@never_cache
@login_required
def segment_history(request: HttpRequest, segment_id: int) -> JsonResponse:
    segment = corrections.correctable(request.user).filter(pk=segment_id).first()
    if segment is None:
        return _not_yours()
    return JsonResponse(
        {
            "versions": [
                {
                    "history_id": v.history_id,
                    "version": v.version,
                    "when": v.when.isoformat(),
                    "who": v.who,
                    "what": v.what,
                    "text": v.text,
                    "translation": v.translation,
                    "start": v.start,
                    "end": v.end,
                    "verified": v.verified,
                }
                for v in corrections.history(segment)
            ]
        }
    )
