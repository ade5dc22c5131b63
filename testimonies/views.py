"""Public pages for testimonies; drafts and restricted testimonies are never shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Testimony, Visibility


def testimony_page(request: HttpRequest, external_id: str) -> HttpResponse:
    testimony = get_object_or_404(
        Testimony.objects.prefetch_related("people__names", "places__aliases", "transcripts"),
        external_id=external_id,
        visibility=Visibility.PUBLIC,
    )
    transcript = testimony.current_transcript()
    segments = list(transcript.segments.all()) if transcript else []
    return render(
        request,
        "testimonies/testimony.html",
        {"testimony": testimony, "transcript": transcript, "segments": segments},
    )
