"""Case files over HTTP: one person as JSON or PDF, for vetted accounts (token or session).

Anyone else, and anyone asking for a person they may not see, gets the same 404 and leaves
no record; every file made is recorded (`testimonies.casefiles.record`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from search.list_matching import RowResult, confident_people, results_csv
from testimonies.casefiles import (
    Batch,
    CaseFileRefused,
    Submitter,
    build_case,
    may_make,
    record,
    to_json,
    to_pdf,
    visible_person,
    write_zip,
)

CONTENT_TYPES = {"json": "application/json", "pdf": "application/pdf"}


class CaseFileQuery(serializers.Serializer[dict[str, object]]):
    """Who submits the case (element f) and the language of its labels and summary."""

    lang = serializers.ChoiceField(
        choices=[code for code, _ in settings.LANGUAGES], required=False, allow_blank=True
    )
    submitter = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=300, required=False, allow_blank=True)
    confidential = serializers.BooleanField(required=False, default=True)


def submitter_from(data: dict[str, object], user: object) -> Submitter:
    name = str(data.get("submitter") or "")
    if not name and getattr(user, "is_authenticated", False):
        name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
    return Submitter(
        name=name,
        organisation=str(data.get("organisation") or ""),
        contact=str(data.get("contact") or ""),
        confidential=bool(data.get("confidential", True)),
    )


@extend_schema(
    summary="A person's case file for the UN Working Group (WGEID)",
    description="Elements (a)–(f) with their sources, a completeness check and a summary "
    "(docs/case-files.md; JSON Schema in docs/case-file.schema.json). For researchers, NGOs "
    "and editors; identity numbers unmasked for NGOs and editors only. Every file made is "
    "recorded.",
    parameters=[
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["json", "pdf"]),
        CaseFileQuery,
    ],
    responses={
        (200, "application/json"): OpenApiTypes.OBJECT,
        (200, "application/pdf"): OpenApiTypes.BINARY,
        400: OpenApiResponse(description="A parameter is not valid; the body says which."),
        404: OpenApiResponse(description="No such person for this account."),
    },
)
@api_view(["GET"])
@throttle_classes([AnonRateThrottle, UserRateThrottle])
def case_file(request: Request, person_id: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Case files are json or pdf.")
    try:
        person, facts = visible_person(request.user, person_id)
    except CaseFileRefused:
        raise Http404("No such person.") from None
    query = CaseFileQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    language = str(query.validated_data.get("lang") or translation.get_language() or "en")
    with translation.override(language):
        case = build_case(
            person,
            facts,
            user=request.user,
            submitter=submitter_from(query.validated_data, request.user),
        )
        body = to_pdf(case) if fmt == "pdf" else to_json(case)
    record(case, user=request.user, fmt=fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="case-{person.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Made while the request waits: larger batches go through `manage.py match_people
# --case-files`, which shows its progress and has no limit.
MAX_WEB_CASE_FILES = 200
BULK_FORMATS = {"json": ("json",), "pdf": ("pdf",), "both": ("json", "pdf")}


def too_many_message(count: int) -> str:
    return _(
        "%(count)d confident matches is more case files than one request makes "
        "(%(limit)d); run manage.py match_people LIST.csv --case-files cases.zip on the "
        "server, or split the list."
    ) % {"count": count, "limit": MAX_WEB_CASE_FILES}


def bulk_response(results: Sequence[RowResult], user: Any, formats: str) -> FileResponse:
    """A ZIP of the confident matches' case files with results.csv, which says for each row
    which file it got and what the file lacks. Raise BulkRefused (404) or BulkTooLarge."""
    if not may_make(user):
        raise Http404("No such list.")
    people = confident_people(results)
    if len(people) > MAX_WEB_CASE_FILES:
        raise BulkTooLarge(too_many_message(len(people)))
    name = user.get_full_name() or user.get_username()

    def results_file(batch: Batch) -> dict[str, bytes]:
        made = {p: (", ".join(m.files), m.missing) for p, m in batch.made.items()}
        return {"results.csv": results_csv(results, case_files=made).encode("utf-8")}

    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    write_zip(
        people,
        spool,
        user=user,
        formats=BULK_FORMATS[formats],
        submitter=Submitter(name=name),
        extra=results_file,
    )
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename="case-files.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


class BulkTooLarge(ValueError):
    """More confident matches than one request makes; the message says what to do."""
