"""Public pages: testimony, person, place; subtitles and transcript downloads. Public only."""

from __future__ import annotations

import io

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from evidence.takedowns import gone_since
from search.client import SearchError
from search.query import SearchParams, search_segments
from testimonies.models import Event, Person, Place, Segment, Testimony, Transcript
from transcription.engine.writers import write
from transcription.pipeline import load_result

DOWNLOADS = {
    "vtt": "text/vtt; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


def _public_testimony(external_id: str) -> Testimony:
    return get_object_or_404(
        Testimony.objects.public().prefetch_related(
            "people__names", "places__aliases", "transcripts", "media"
        ),
        external_id=external_id,
    )


def _start_time(request: HttpRequest) -> float | None:
    """?t=SECONDS from a search result; anything else is ignored, not an error."""
    try:
        value = float(request.GET.get("t", ""))
    except ValueError:
        return None
    return value if 0 <= value < 10 * 24 * 3600 else None


@require_safe
def testimony_page(request: HttpRequest, external_id: str) -> HttpResponse:
    testimony = _public_testimony(external_id)
    transcript = testimony.current_transcript()
    segments: list[Segment] = list(transcript.segments.all()) if transcript else []
    start = _start_time(request)
    current = None
    if start is not None:
        current = next((s for s in segments if s.start <= start < s.end), None) or next(
            (s for s in segments if s.start >= start), None
        )
    asset = testimony.playable_media()
    is_video = bool(asset and (asset.video_codec or (asset.content_type or "").startswith("video")))
    events = Event.objects.filter(testimony=testimony).select_related("person", "place")
    return render(
        request,
        "testimonies/testimony.html",
        {
            "testimony": testimony,
            "transcript": transcript,
            "segments": segments,
            "current": current,
            "start": current.start if current else start,
            "asset": asset,
            "is_video": is_video,
            "events": events,
            "downloads": list(DOWNLOADS),
            "gone": gone_since(testimony),
        },
    )


def _transcript_or_404(external_id: str) -> Transcript:
    transcript = _public_testimony(external_id).current_transcript()
    if transcript is None:
        raise Http404("This testimony has no transcript yet.")
    return transcript


@require_safe
def subtitles(request: HttpRequest, external_id: str, track: str) -> HttpResponse:
    """WebVTT for the <track> elements: the original ("original") or English ("en")."""
    if track not in ("original", "en"):
        raise Http404("No such subtitle track.")
    out = io.StringIO()
    write(
        load_result(_transcript_or_404(external_id), redact=True),
        "vtt",
        out,
        translated=track == "en",
    )
    return HttpResponse(out.getvalue(), content_type=DOWNLOADS["vtt"])


@require_safe
def transcript_download(request: HttpRequest, external_id: str, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404("Unknown transcript format.")
    out = io.StringIO()
    english = request.GET.get("lang") == "en"
    write(load_result(_transcript_or_404(external_id), redact=True), fmt, out, translated=english)
    response = HttpResponse(out.getvalue(), content_type=DOWNLOADS[fmt])
    suffix = "-en" if english else ""
    response["Content-Disposition"] = f'attachment; filename="{external_id}{suffix}.{fmt}"'
    return response


@require_safe
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.public().prefetch_related(
            "names",
            Prefetch(
                "testimonies", queryset=Testimony.objects.public(), to_attr="public_testimonies"
            ),
        ),
        pk=person_id,
    )
    events = (
        Event.objects.public().filter(person=person).select_related("place", "testimony", "segment")
    )
    # The moments where the name is said, found the way a relative's search finds them.
    try:
        moments = search_segments(SearchParams(q=person.primary_name, person=person.pk, limit=50))
    except SearchError:
        moments = None
    return render(
        request,
        "testimonies/person.html",
        {"person": person, "events": events, "moments": moments},
    )


@require_safe
def place_page(request: HttpRequest, place_id: int) -> HttpResponse:
    place = get_object_or_404(
        Place.objects.public()
        .select_related("parent")
        .prefetch_related(
            "aliases",
            Prefetch(
                "testimonies", queryset=Testimony.objects.public(), to_attr="public_testimonies"
            ),
            "children",
        ),
        pk=place_id,
    )
    return render(request, "testimonies/place.html", {"place": place})
