"""Staff page: the transcription queue (counts, throughput, time to empty), failed jobs retried."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST, require_safe

from testimonies import roles
from transcription.progress import queue_report, retry_failed

SHOWN_PER_REASON = 50


class RetryForm(forms.Form):
    """One reason (as the page words it) or one testimony; nothing means nothing."""

    reason = forms.CharField(required=False, max_length=300, strip=False)
    testimony = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("reason") and not data.get("testimony"):
            raise forms.ValidationError(gettext("Choose a reason or a testimony to retry."))
        return data


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not roles.may_use_staff_pages(request.user):
        raise PermissionDenied
    context = {
        "report": queue_report(),
        "may_retry": roles.may_retry_jobs(request.user),
        "shown": SHOWN_PER_REASON,
    }
    return render(request, "transcription/queue.html", context)


@require_POST
@login_required
def retry(request: HttpRequest) -> HttpResponse:
    if not roles.may_retry_jobs(request.user):
        raise PermissionDenied
    form = RetryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("staff-queue")
    testimony = form.cleaned_data["testimony"]
    queued = retry_failed(
        reason=form.cleaned_data["reason"] or None,
        testimony_ids=[testimony] if testimony else None,
    )
    if queued:
        text = ngettext(
            "%(count)d failed testimony was queued for transcription again.",
            "%(count)d failed testimonies were queued for transcription again.",
            len(queued),
        )
        messages.success(request, text % {"count": len(queued)})
    else:
        messages.warning(
            request,
            gettext("Nothing was queued: none of these has failed any more (retried already?)."),
        )
    return redirect("staff-queue")
