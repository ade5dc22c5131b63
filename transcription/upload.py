"""Staff page: upload media files; each becomes a testimony queued for transcription."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from testimonies import roles
from testimonies.languages import LANGUAGE_CHOICES
from testimonies.models import Visibility
from transcription.ingest import UploadRefused, ingest_upload


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Media file"))
    language = forms.ChoiceField(
        label=gettext_lazy("Spoken language"),
        choices=[("", gettext_lazy("Detect")), *LANGUAGE_CHOICES],
        required=False,
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibility"), choices=Visibility.choices, initial=Visibility.DRAFT
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not roles.may_ingest(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
    if posted and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            item = ingest_upload(
                name=sent.name or "",
                chunks=sent.chunks(),
                language=form.cleaned_data["language"],
                visibility=form.cleaned_data["visibility"],
            )
        except UploadRefused as exc:
            form.add_error("file", gettext("Not stored: %(error)s") % {"error": exc})
        else:
            if item.created:
                text = gettext("Stored as %(id)s and queued for transcription.")
            else:
                text = gettext("Already in the archive as %(id)s; nothing was stored.")
            messages.success(request, text % {"id": item.testimony.external_id})
            return redirect("staff-upload")
    return render(
        request, "transcription/upload.html", {"form": form}, status=400 if form.errors else 200
    )
