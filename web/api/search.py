"""GET /api/v1/search: testimony moments for a query in any script, public data only."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.client import SearchError
from search.forms import SearchForm
from search.list_matching import (
    MAX_BYTES,
    ListError,
    match_rows,
    rows_from_csv,
    rows_from_dicts,
)
from search.query import search_segments
from testimonies.casefiles import may_make
from testimonies.visibility import PUBLIC_LEVELS, levels_for
from web.api.casefiles import BULK_FORMATS, BulkTooLarge, bulk_response
from web.api.parsers import BodyTooLarge, BoundedJSONParser, BoundedMultiPartParser

_HIT_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "testimony": serializers.CharField(help_text="The testimony's external id."),
    "title": serializers.CharField(),
    "language": serializers.CharField(),
    "start": serializers.FloatField(help_text="Seconds."),
    "end": serializers.FloatField(help_text="Seconds."),
    "text": serializers.CharField(help_text="The segment in its original script."),
    "translation": serializers.CharField(help_text="English."),
    "highlight": serializers.CharField(help_text="Escaped HTML, <mark> around matches."),
    "highlight_translation": serializers.CharField(),
    "visibility": serializers.CharField(
        help_text="public, or restricted (researchers only: not for publication)."
    ),
    "url": serializers.CharField(help_text="The testimony page at this moment."),
}
_RESULT = inline_serializer(
    "SearchResult",
    {
        "hits": inline_serializer("SearchHit", _HIT_FIELDS, many=True),
        "total": serializers.IntegerField(),
        "limit": serializers.IntegerField(),
        "offset": serializers.IntegerField(),
        "facets": serializers.DictField(
            child=serializers.DictField(child=serializers.IntegerField())
        ),
    },
)
_ERRORS = inline_serializer(
    "SearchErrors",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)
_DETAIL = inline_serializer("SearchUnavailable", {"detail": serializers.CharField()})


def _parameters() -> list[OpenApiParameter]:
    """The search form's fields as documented query parameters (choices as enums)."""
    params = []
    for name, field in SearchForm.base_fields.items():
        enum = None
        kind = OpenApiTypes.STR
        if isinstance(field, forms.IntegerField):
            kind = OpenApiTypes.INT
        elif isinstance(field, forms.ChoiceField):
            enum = [str(value) for value, _ in field.choices if value]  # type: ignore[union-attr,misc]
        params.append(
            OpenApiParameter(
                name, kind, description=str(field.help_text or ""), required=False, enum=enum
            )
        )
    return params


class SearchAPIView(APIView):
    """Search testimony segments: public ones, and restricted ones too with a researcher's
    token (masked as everywhere). Every parameter is validated (400 with reasons)."""

    @extend_schema(
        parameters=_parameters(),
        responses={200: _RESULT, 400: _ERRORS, 503: _DETAIL},
        summary="Moments of testimonies that name a person, place or words",
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        levels = levels_for(request.user)
        try:
            result = search_segments(form.params(), levels=levels)
        except SearchError:
            return Response(
                {"detail": "Search is unavailable right now; try again shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        hits = []
        for hit in result.hits:
            page = reverse("testimony", args=[hit.testimony])
            hits.append({**hit.as_dict(), "url": f"{page}?t={hit.start:g}"})
        response = Response(
            {
                "hits": hits,
                "total": result.total,
                "limit": result.limit,
                "offset": result.offset,
                "facets": result.facets,
            }
        )
        if levels != PUBLIC_LEVELS:
            # A token is not a cookie: without this a shared cache could serve it to anyone.
            patch_cache_control(response, private=True, no_store=True)
        return response


class PeopleMatchAPIView(APIView):
    """Match a victim list against the archive's public people.

    JSON `{"rows": [{"name": ..., "birth_year": ..., "place": ..., "father_name": ...}]}` or
    a multipart upload `file` (CSV with a header row; `name` required). For each row: the
    ranked candidates with a score, which of their spellings matched, their public
    testimonies and the moments that name them.
    """

    parser_classes = [BoundedJSONParser, BoundedMultiPartParser]

    @extend_schema(
        request={
            "application/json": inline_serializer(
                "MatchRequest",
                {
                    "rows": inline_serializer(
                        "MatchRow",
                        {
                            "name": serializers.CharField(),
                            "birth_year": serializers.IntegerField(required=False),
                            "place": serializers.CharField(required=False),
                            "father_name": serializers.CharField(required=False),
                        },
                        many=True,
                    )
                },
            ),
            "multipart/form-data": inline_serializer(
                "MatchUpload", {"file": serializers.FileField()}
            ),
        },
        responses={
            (200, "application/json"): inline_serializer(
                "MatchResponse",
                {"results": serializers.ListField(child=serializers.DictField())},
            ),
            400: _DETAIL,
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: OpenApiResponse(
                description="case_files asked for by an account that may not make them."
            ),
            413: _DETAIL,
            503: _DETAIL,
        },
        parameters=[
            OpenApiParameter(
                "case_files",
                str,
                enum=list(BULK_FORMATS),
                required=False,
                description="For researchers, NGOs and editors: answer with a ZIP of the "
                "confident matches' case files (json, pdf or both) and results.csv, which says "
                "for each row which file it got and what the file lacks. At most "
                "200 files; more with manage.py match_people --case-files.",
            )
        ],
        summary="Which people of a list appear in the archive, and where",
    )
    def post(self, request: Request) -> Response | FileResponse:
        case_files = request.query_params.get("case_files", "")
        if case_files and case_files not in BULK_FORMATS:
            return Response(
                {"case_files": f"one of {', '.join(BULK_FORMATS)}"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if case_files and not may_make(request.user):
            raise Http404("No such list.")  # as if case files did not exist
        try:
            upload = request.FILES.get("file") if hasattr(request, "FILES") else None
            if upload is not None:
                if upload.size and upload.size > MAX_BYTES:
                    raise BodyTooLarge()
                rows = rows_from_csv(upload.read())
            else:
                body = request.data
                if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
                    raise ListError(
                        'Send JSON {"rows": [{"name": "..."}]} or upload a CSV as "file".'
                    )
                rows = rows_from_dicts(body["rows"])
            results = match_rows(rows)
        except ListError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        except SearchError:
            return Response(
                {"detail": "Search is unavailable right now; try again shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        if case_files:
            try:
                return bulk_response(results, request.user, case_files)
            except BulkTooLarge as exc:
                return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"results": [asdict(r) for r in results]})
