"""GET /api/v1/search: testimony moments for a query in any script, public data only."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.client import SearchError
from search.forms import SearchForm
from search.query import search_segments


class SearchAPIView(APIView):
    """Search public testimony segments; every parameter is validated (400 with reasons)."""

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
