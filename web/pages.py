"""Pages: testimony, person, place; subtitles and transcript downloads.

Public only, except a testimony's page, subtitles and transcripts, which a researcher also
reads for restricted testimonies (masked as the API masks them; never their media).
"""

from __future__ import annotations

import io

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from evidence.takedowns import gone_since
from names import gazetteer
from review.corrections import progress
from search.client import SearchError
from search.query import SearchParams, search_segments
from testimonies.facts import people_facts, person_facts, place_facts, places_facts, with_claims
from testimonies.labels import disagreements
from testimonies.models import Event, Person, Place, Segment, Testimony, Transcript
from testimonies.places import places_within
from testimonies.timeline import Row, person_timeline, place_timeline
from testimonies.visibility import PUBLIC_LEVELS, levels_for, player_media
from transcription.engine.writers import write
from transcription.pipeline import load_result

DOWNLOADS = {
    "vtt": "text/vtt; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


def _visible_testimony(external_id: str, levels: tuple[str, ...]) -> Testimony:
    visible_people = Person.objects.at_levels(levels).prefetch_related(with_claims(), "testimonies")
    visible_places = Place.objects.at_levels(levels).prefetch_related(with_claims(), "testimonies")
    return get_object_or_404(
        Testimony.objects.at_levels(levels)
        .prefetch_related(Prefetch("people", queryset=visible_people), "transcripts", "media")
        .prefetch_related(Prefetch("places", queryset=visible_places)),
        external_id=external_id,
    )


def _private_unless_public(response: HttpResponse, testimony: Testimony) -> HttpResponse:
    """What only some accounts may read is never kept by a shared cache."""
    if not testimony.is_public:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _start_time(request: HttpRequest) -> float | None:
    """?t=SECONDS from a search result; anything else is ignored, not an error."""
    try:
        value = float(request.GET.get("t", ""))
    except ValueError:
        return None
    return value if 0 <= value < 10 * 24 * 3600 else None


@require_safe
def testimony_page(request: HttpRequest, external_id: str) -> HttpResponse:
    levels = levels_for(request.user)
    testimony = _visible_testimony(external_id, levels)
    transcript = testimony.current_transcript()
    segments: list[Segment] = list(transcript.segments.all()) if transcript else []
    start = _start_time(request)
    current = None
    if start is not None:
        current = next((s for s in segments if s.start <= start < s.end), None) or next(
            (s for s in segments if s.start >= start), None
        )
    # The policy picks the file: the public never gets an original video (identity
    # documents), only a reviewed copy with them blurred, or the sound.
    asset, media_note = player_media(testimony, request.user)
    is_video = bool(asset and (asset.video_codec or (asset.content_type or "").startswith("video")))
    events = Event.objects.filter(testimony=testimony).select_related("person", "place")
    people = people_facts(testimony.people.all(), levels)
    language = get_language()
    places = [p.in_language(language) for p in places_facts(testimony.places.all(), levels)]
    correctable = Testimony.objects.correctable_by(request.user).filter(pk=testimony.pk)
    response = render(
        request,
        "testimonies/testimony.html",
        {
            "testimony": testimony,
            "verified": progress(testimony) if transcript else None,
            "may_correct": request.user.is_authenticated and correctable.exists(),
            "transcript": transcript,
            "segments": segments,
            "current": current,
            "start": current.start if current else start,
            "asset": asset,
            "is_video": is_video,
            "media_note": media_note,
            "events": events,
            "people": people,
            "places": places,
            "downloads": list(DOWNLOADS),
            "gone": gone_since(testimony),
        },
    )
    return _private_unless_public(response, testimony)


def _transcript_or_404(request: HttpRequest, external_id: str) -> Transcript:
    testimony = _visible_testimony(external_id, levels_for(request.user))
    transcript = testimony.current_transcript()
    if transcript is None:
        raise Http404("This testimony has no transcript yet.")
    return transcript


@require_safe
def subtitles(request: HttpRequest, external_id: str, track: str) -> HttpResponse:
    """WebVTT for the <track> elements: the original ("original") or English ("en")."""
    if track not in ("original", "en"):
        raise Http404("No such subtitle track.")
    out = io.StringIO()
    transcript = _transcript_or_404(request, external_id)
    write(load_result(transcript, redact=True), "vtt", out, translated=track == "en")
    response = HttpResponse(out.getvalue(), content_type=DOWNLOADS["vtt"])
    return _private_unless_public(response, transcript.testimony)


@require_safe
def transcript_download(request: HttpRequest, external_id: str, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404("Unknown transcript format.")
    out = io.StringIO()
    english = request.GET.get("lang") == "en"
    transcript = _transcript_or_404(request, external_id)
    write(load_result(transcript, redact=True), fmt, out, translated=english)
    response = HttpResponse(out.getvalue(), content_type=DOWNLOADS[fmt])
    suffix = "-en" if english else ""
    response["Content-Disposition"] = f'attachment; filename="{external_id}{suffix}.{fmt}"'
    return _private_unless_public(response, transcript.testimony)


@require_safe
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person as the public knows them: facts from public testimonies only, each with the
    testimonies that state it."""
    person = get_object_or_404(
        Person.objects.public().prefetch_related(with_claims(), "testimonies"), pk=person_id
    )
    facts = person_facts(person, PUBLIC_LEVELS)
    if facts is None:
        raise Http404("No such person in the public archive.")
    testimonies = Testimony.objects.public().filter(people=person).order_by("external_id")
    timeline = _in_language(person_timeline(person, PUBLIC_LEVELS), get_language())
    # The moments where the name is said, found the way a relative's search finds them.
    try:
        moments = search_segments(SearchParams(q=facts.primary_name, person=person.pk, limit=50))
    except SearchError:
        moments = None
    return render(
        request,
        "testimonies/person.html",
        {
            "person": facts,
            "testimonies": testimonies,
            "timeline": timeline,
            "disagreements": disagreements(facts),
            "moments": moments,
        },
    )


def _in_language(rows: list[Row], language: str | None) -> list[Row]:
    """Timeline rows with their places named for a reader of ``language``."""
    for row in rows:
        if row.place is not None:
            row.place = row.place.in_language(language)
    return rows


def _gazetteer_parent(gazetteer_id: str | None) -> Place | None:
    """The public place of the nearest gazetteer place that contains this one."""
    if not gazetteer_id:
        return None
    for ancestor in gazetteer.ancestors(gazetteer_id):
        found = Place.objects.public().filter(gazetteer_id=ancestor.id).first()
        if found is not None:
            return found
    return None


@require_safe
def place_page(request: HttpRequest, place_id: int) -> HttpResponse:
    """A place as the public knows it: names from public sources; the places that contain
    it and those inside it (from the database and the gazetteer) only when they are public
    too; its testimonies and those of every place inside it."""
    place = get_object_or_404(
        Place.objects.public().prefetch_related(with_claims(), "testimonies"), pk=place_id
    )
    public_places = Place.objects.public().prefetch_related(with_claims(), "testimonies")
    language = get_language()
    parent = None
    if place.parent_id is not None:
        parent = next(
            iter(places_facts(public_places.filter(pk=place.parent_id), PUBLIC_LEVELS)), None
        )
    facts = place_facts(place, PUBLIC_LEVELS, parent_visible=parent is not None)
    if facts is None:
        raise Http404("No such place in the public archive.")
    if parent is None and (row := _gazetteer_parent(facts.gazetteer_id)) is not None:
        parent = next(iter(places_facts(public_places.filter(pk=row.pk), PUBLIC_LEVELS)), None)
    ancestors = []
    if facts.gazetteer_id:
        ancestors = [a.label(language) for a in gazetteer.ancestors(facts.gazetteer_id)]
    within = places_within(place.pk, among=Place.objects.public())
    return render(
        request,
        "testimonies/place.html",
        {
            "place": facts.in_language(language),
            "parent": parent.in_language(language) if parent else None,
            "ancestors": ancestors,
            "children": [
                c.in_language(language)
                for c in places_facts(public_places.filter(pk__in=within), PUBLIC_LEVELS)
            ],
            "testimonies": Testimony.objects.public()
            .filter(places__in=[place.pk, *within])
            .distinct()
            .order_by("external_id"),
            "timeline": _in_language(place_timeline(place, PUBLIC_LEVELS), language),
        },
    )
