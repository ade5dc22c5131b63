"""REST API v1 for researchers: testimonies, transcripts, segments, people, places, events.

Every queryset starts from what the requesting account may see (`testimonies.visibility`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination

from testimonies.facts import with_claims
from testimonies.models import Event, Person, Place, Segment, Testimony, Transcript
from testimonies.visibility import levels_for
from web.api.filters import EventFilter, PersonFilter, PlaceFilter, SegmentFilter, TestimonyFilter
from web.api.serializers import (
    EventSerializer,
    PersonSerializer,
    PlaceSerializer,
    SegmentSerializer,
    TestimonySerializer,
    TranscriptSerializer,
)


class ById(CursorPagination):
    """Stable under inserts: a cursor over the primary key, newest last."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


_BAD_FILTER = OpenApiResponse(description="A filter value is not valid; the body says which.")
_NOT_FOUND = OpenApiResponse(description="No such public record, or the cursor is not valid.")


def documented(serializer: type[serializers.BaseSerializer[Any]]) -> Any:
    """The error answers every read-only viewset gives, in the schema (no surprises)."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer, 400: _BAD_FILTER, 404: _NOT_FOUND}),
        retrieve=extend_schema(responses={200: serializer, 404: _NOT_FOUND}),
    )


class Visible(viewsets.GenericViewSet):
    """Viewsets answer with what the requesting account may see, nothing more."""

    def levels(self) -> tuple[str, ...]:
        return levels_for(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "levels": self.levels()}


@documented(TestimonySerializer)
class TestimonyViewSet(Visible, viewsets.ReadOnlyModelViewSet[Testimony]):
    """Testimonies (public; restricted too with a researcher token). Filter by language,
    year, person id or place id."""

    serializer_class = TestimonySerializer
    filterset_class = TestimonyFilter
    pagination_class = ById
    lookup_field = "external_id"

    def get_queryset(self) -> QuerySet[Testimony]:
        levels = self.levels()
        return (
            Testimony.objects.at_levels(levels)
            # By id: the default order follows names from every source.
            .prefetch_related(
                Prefetch("people", queryset=Person.objects.at_levels(levels).order_by("pk"))
            )
            .prefetch_related(
                Prefetch("places", queryset=Place.objects.at_levels(levels).order_by("pk"))
            )
            .prefetch_related("source_checks")
        )


@documented(TranscriptSerializer)
class TranscriptViewSet(Visible, viewsets.ReadOnlyModelViewSet[Transcript]):
    """Transcripts of the testimonies you may see, with their segments."""

    serializer_class = TranscriptSerializer
    filterset_fields = ["language", "task", "engine", "needs_review"]
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Transcript]:
        return (
            Transcript.objects.at_levels(self.levels())
            .filter(replaced_at=None)
            .select_related("testimony")
            .prefetch_related(
                Prefetch(
                    "segments", queryset=Segment.objects.select_related("transcript__testimony")
                )
            )
        )


@documented(SegmentSerializer)
class SegmentViewSet(Visible, viewsets.ReadOnlyModelViewSet[Segment]):
    """Time-coded segments, each with a link to its moment."""

    serializer_class = SegmentSerializer
    filterset_class = SegmentFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Segment]:
        return (
            Segment.objects.at_levels(self.levels())
            .filter(transcript__task=Transcript.Task.TRANSCRIBE, transcript__replaced_at=None)
            .select_related("transcript__testimony")
        )


@documented(PersonSerializer)
class PersonViewSet(Visible, viewsets.ReadOnlyModelViewSet[Person]):
    """People named in the testimonies you may see: each fact (spelling, status, birth
    year…) as those testimonies state it, with the testimonies that support it."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.at_levels(self.levels()).prefetch_related(
            with_claims(), "testimonies"
        )


@documented(PlaceSerializer)
class PlaceViewSet(Visible, viewsets.ReadOnlyModelViewSet[Place]):
    """Places with their aliases in every script."""

    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Place]:
        return Place.objects.at_levels(self.levels()).prefetch_related(with_claims(), "testimonies")


@documented(EventSerializer)
class EventViewSet(Visible, viewsets.ReadOnlyModelViewSet[Event]):
    """What happened to whom, where and when."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.at_levels(self.levels()).select_related("testimony")
