"""Staff pages: the takedown report (what disappeared from the platforms, and when)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from evidence.forms import PeriodForm
from evidence.takedowns import report, report_period, write_report
from testimonies import roles


def may_see_takedowns(user: Any) -> bool:
    return roles.may_use_staff_pages(user)


def _period(request: HttpRequest) -> tuple[PeriodForm, tuple[dt.datetime, dt.datetime] | None]:
    if not may_see_takedowns(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, report_period(form.cleaned_data["since"], form.cleaned_data["until"])


@require_safe
@login_required
def takedowns(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        context = {"form": form, "rows": None, "since": "", "until": ""}
        return render(request, "evidence/takedowns.html", context, status=400)
    start, end = period
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(dt.UTC).date()
    return render(
        request,
        "evidence/takedowns.html",
        {
            "form": form,
            "rows": report(start, end),
            "since": start.date().isoformat(),
            "until": min(last_day, timezone.now().astimezone(dt.UTC).date()).isoformat(),
        },
    )


@require_safe
@login_required
def takedowns_csv(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    start, end = period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"takedowns-{start:%Y-%m-%d}-{end - dt.timedelta(microseconds=1):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_report(response, report(start, end))
    return response
