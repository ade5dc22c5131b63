"""The search page: server-rendered, the same query engine as the API and the command."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from search.client import SearchError
from search.forms import SearchForm
from search.list_matching import (
    MAX_BYTES,
    TOO_LARGE,
    ListError,
    match_rows,
    results_csv,
    rows_from_csv,
)
from search.query import SearchResult, search_segments
from testimonies import labels
from testimonies.casefiles import may_make
from testimonies.facts import places_facts, with_claims
from testimonies.models import Place
from testimonies.visibility import PUBLIC_LEVELS, levels_for
from web.api.casefiles import BULK_FORMATS, BulkTooLarge, bulk_response
from web.limits import MAX_UPLOAD_BYTES, declared_length, throttle_wait


def _link(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    params.pop("partial", None)
    params.pop("offset", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(sorted(params.items()))


def _facets(request: HttpRequest, result: SearchResult) -> list[dict[str, Any]]:
    """Facet groups as (label, count, link) rows; links add one filter to the query."""
    raw = result.facets
    # Place names as this visitor may know them (public claims for the public).
    levels = levels_for(request.user)
    named = Place.objects.at_levels(levels).filter(pk__in=[int(k) for k in raw.get("places", {})])
    language = get_language()
    places = {
        str(p.id): p.in_language(language).name
        for p in places_facts(named.prefetch_related(with_claims(), "testimonies"), levels)
    }
    groups: list[tuple[str, str, Callable[[str], str | None], str | None]] = [
        ("language", _("Language"), labels.language_label, "language"),
        ("year", _("Year"), lambda k: k, None),
        ("places", _("Place"), places.get, "place"),
        ("person_status", _("Status of the person"), labels.status_label, "status"),
    ]
    out = []
    for field, title, label, param in groups:
        values = raw.get(field) or {}
        rows = []
        for key, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:12]:
            link = (
                _link(request, **{param: key})
                if param
                else _link(request, year_from=key, year_to=key)
            )
            shown = label(key)
            if shown is None:  # a place this visitor may not know of
                continue
            rows.append({"label": shown, "count": count, "link": link})
        if rows:
            out.append({"title": title, "rows": rows})
    return out


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "result": None, "error": None}
    status = 200
    # A researcher's search covers restricted testimonies too (their own indexes).
    levels = levels_for(request.user)
    if request.GET and form.is_valid():
        params = form.params()
        try:
            result = search_segments(params, levels=levels)
        except SearchError:
            context["error"] = _("Search is unavailable right now. Please try again in a minute.")
            status = 503
        else:
            context["result"] = result
            context["facets"] = _facets(request, result)
            if params.offset > 0:
                context["previous"] = _link(request, offset=max(0, params.offset - params.limit))
            if params.offset + params.limit < result.total:
                context["next"] = _link(request, offset=params.offset + params.limit)
    elif request.GET:
        status = 400
    template = "search/_results.html" if request.GET.get("partial") else "search/search.html"
    response = render(request, template, context, status=status)
    if levels != PUBLIC_LEVELS:
        patch_cache_control(response, private=True, no_store=True)
    return response


# CSRF is checked after the size: its check reads the form, and with it the whole upload.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def match_page(request: HttpRequest) -> HttpResponse | FileResponse:
    """Upload a list (CSV), download the candidates (CSV); errors shown on the form.

    The API's limits: its rates (one allowance with the API), its size, rows and field length.
    """
    if request.method == "POST":
        wait = throttle_wait(request)
        if wait is not None:
            seconds = math.ceil(wait)
            error = _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": seconds}
            response = render(request, "search/match.html", {"error": error}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        if declared_length(request) > MAX_UPLOAD_BYTES:
            return render(request, "search/match.html", {"error": TOO_LARGE}, status=413)
    return _match_form(request)


@csrf_protect
def _match_form(request: HttpRequest) -> HttpResponse | FileResponse:
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ListError(_("Choose a CSV file with a 'name' column."))
            if upload.size is not None and upload.size > MAX_BYTES:
                return render(request, "search/match.html", {"error": TOO_LARGE}, status=413)
            case_files = request.POST.get("case_files", "")
            if case_files and (case_files not in BULK_FORMATS or not may_make(request.user)):
                raise ListError(_("Choose JSON, PDF or both for the case files."))
            results = match_rows(rows_from_csv(upload.read()))
            if case_files:
                return bulk_response(results, request.user, case_files)
        except (ListError, BulkTooLarge) as exc:
            error = str(exc)
        except SearchError:
            error = _("Search is unavailable right now. Please try again in a minute.")
        else:
            response = HttpResponse(results_csv(results), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="matches.csv"'
            return response
    context = {"error": error, "case_files": may_make(request.user)}
    return render(request, "search/match.html", context, status=400 if error else 200)
