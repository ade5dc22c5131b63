"""GET /api/v1/search: testimony moments for a query in any script, public data only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.client import SearchError
from search.forms import SearchForm
from search.query import search_segments

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
    """Search public testimony segments; every parameter is validated (400 with reasons)."""

    @extend_schema(
        parameters=_parameters(),
        responses={200: _RESULT, 400: _ERRORS, 503: _DETAIL},
        summary="Moments of public testimonies that name a person, place or words",
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = search_segments(form.params())
        except SearchError:
            return Response(
                {"detail": "Search is unavailable right now; try again shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        hits = []
        for hit in result.hits:
            page = reverse("testimony", args=[hit.testimony])
            hits.append({**hit.as_dict(), "url": f"{page}?t={hit.start:g}"})
        return Response(
            {
                "hits": hits,
                "total": result.total,
                "limit": result.limit,
                "offset": result.offset,
                "facets": result.facets,
            }
        )
