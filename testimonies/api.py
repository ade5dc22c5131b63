"""REST API v1 for researchers: public testimonies, transcripts, segments, people, places, events.

Every queryset starts from public testimonies; free text goes out with identity numbers masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from . import csvsafe
from .dates import format_partial
from .models import (
    Event,
    NameVariant,
    Person,
    Place,
    PlaceAlias,
    Segment,
    Testimony,
    Transcript,
    Visibility,
)
from .redaction import mask
from .takedowns import gone_since


class ById(CursorPagination):
    """Stable under inserts: a cursor over the primary key, newest last."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Redacted(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        return mask(str(value or ""))


class NameVariantSerializer(serializers.ModelSerializer[NameVariant]):
    class Meta:
        model = NameVariant
        fields = ["name", "script", "language", "form"]


class PlaceAliasSerializer(serializers.ModelSerializer[PlaceAlias]):
    class Meta:
        model = PlaceAlias
        fields = ["name", "script", "language", "is_exonym"]


class PersonSerializer(serializers.ModelSerializer[Person]):
    names = NameVariantSerializer(many=True, read_only=True)
    # Declared, not derived: the model's range depends on the database backend, and the
    # schema must be the same on SQLite and PostgreSQL.
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)
    testimonies = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "primary_name",
            "names",
            "status",
            "birth_year",
            "gender",
            "ethnicity",
            "testimonies",
            "page",
        ]

    def get_testimonies(self, person: Person) -> list[str]:
        levels = self.context.get("levels", (Visibility.PUBLIC,))
        return [t.external_id for t in person.testimonies.all() if t.visibility in levels]

    def get_page(self, person: Person) -> str:
        return reverse("person", args=[person.pk])


class PlaceSerializer(serializers.ModelSerializer[Place]):
    aliases = PlaceAliasSerializer(many=True, read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "type",
            "parent",
            "gazetteer_id",
            "latitude",
            "longitude",
            "aliases",
            "page",
        ]

    def get_page(self, place: Place) -> str:
        return reverse("place", args=[place.pk])


class SegmentSerializer(serializers.ModelSerializer[Segment]):
    testimony = serializers.CharField(source="transcript.testimony.external_id", read_only=True)
    index = serializers.IntegerField(read_only=True, help_text="Position in the transcript.")
    text = serializers.CharField(source="public_text", read_only=True)
    translation = serializers.CharField(source="public_translation", read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = [
            "id",
            "testimony",
            "transcript",
            "index",
            "start",
            "end",
            "text",
            "translation",
            "avg_logprob",
            "no_speech_prob",
            "compression_ratio",
            "flags",
            "edited",
            "page",
        ]

    def get_page(self, segment: Segment) -> str:
        external_id = segment.transcript.testimony.external_id
        return f"{reverse('testimony', args=[external_id])}?t={segment.start:g}"


class TranscriptSerializer(serializers.ModelSerializer[Transcript]):
    testimony = serializers.CharField(source="testimony.external_id", read_only=True)
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Transcript
        fields = [
            "id",
            "testimony",
            "engine",
            "model",
            "language",
            "language_source",
            "task",
            "needs_review",
            "review_reasons",
            "reviewed",
            "created_at",
            "segments",
        ]


class TestimonySerializer(serializers.ModelSerializer[Testimony]):
    title = Redacted()
    description = Redacted()
    recorded_on = serializers.SerializerMethodField()
    people: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    places: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    page = serializers.SerializerMethodField()
    source_status = serializers.SerializerMethodField(
        help_text="Set when the platform copy is gone: state and the first check that saw it."
    )

    class Meta:
        model = Testimony
        fields = [
            "id",
            "external_id",
            "title",
            "description",
            "language",
            "languages",
            "recorded_on",
            "source_platform",
            "source_url",
            "witness_relation",
            "people",
            "places",
            "status",
            "page",
            "source_status",
        ]

    @extend_schema_field(
        inline_serializer(
            "SourceStatus",
            {"state": serializers.CharField(), "since": serializers.DateTimeField()},
            allow_null=True,
        )
    )
    def get_source_status(self, testimony: Testimony) -> dict[str, Any] | None:
        gone = gone_since(testimony)
        return {"state": gone.state, "since": gone.checked_at.isoformat()} if gone else None

    def get_recorded_on(self, testimony: Testimony) -> str:
        return format_partial(testimony.recorded_on, testimony.recorded_precision)

    def get_page(self, testimony: Testimony) -> str:
        return reverse("testimony", args=[testimony.external_id])


class EventSerializer(serializers.ModelSerializer[Event]):
    testimony = serializers.CharField(source="testimony.external_id", read_only=True)
    date = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "person",
            "place",
            "kind",
            "date",
            "date_precision",
            "testimony",
            "segment",
            "origin",
            "review",
        ]

    def get_date(self, event: Event) -> str:
        return event.date_display


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A year filter that answers any number: a year the database cannot hold (65248)
    finds nothing instead of failing inside the date lookup."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value in (None, ""):
            return qs
        if not 1 <= value <= 9999:
            return qs.none()
        return qs.filter(**{self.field_name: int(value)})


def year_filter(lookup: str) -> YearFilter:
    return YearFilter(field_name=lookup)


class TestimonyFilter(django_filters.FilterSet):
    year_from = year_filter("recorded_on__year__gte")
    year_to = year_filter("recorded_on__year__lte")
    person: django_filters.NumberFilter = django_filters.NumberFilter(field_name="people")
    place: django_filters.NumberFilter = django_filters.NumberFilter(field_name="places")

    class Meta:
        model = Testimony
        fields = ["language", "source_platform", "status"]


class SegmentFilter(django_filters.FilterSet):
    testimony = django_filters.CharFilter(field_name="transcript__testimony__external_id")
    language = django_filters.CharFilter(field_name="transcript__language")
    start_from = django_filters.NumberFilter(field_name="start", lookup_expr="gte")
    start_to = django_filters.NumberFilter(field_name="start", lookup_expr="lte")

    class Meta:
        model = Segment
        fields = ["edited"]


class EventFilter(django_filters.FilterSet):
    year = year_filter("date__year")
    # Plain numbers, not choices: an unknown id finds nothing rather than being an error.
    person: django_filters.NumberFilter = django_filters.NumberFilter(field_name="person")
    place: django_filters.NumberFilter = django_filters.NumberFilter(field_name="place")

    class Meta:
        model = Event
        fields = ["kind", "review"]


class PersonFilter(django_filters.FilterSet):
    birth_year = year_filter("birth_year")

    class Meta:
        model = Person
        fields = ["status", "gender", "ethnicity"]


class PlaceFilter(django_filters.FilterSet):
    parent: django_filters.NumberFilter = django_filters.NumberFilter(field_name="parent")

    class Meta:
        model = Place
        fields = ["type", "gazetteer_id"]


_BAD_FILTER = OpenApiResponse(description="A filter value is not valid; the body says which.")
_NOT_FOUND = OpenApiResponse(description="No such public record, or the cursor is not valid.")


def documented(serializer: type[serializers.BaseSerializer[Any]]) -> Any:
    """The error answers every read-only viewset gives, in the schema (no surprises)."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer, 400: _BAD_FILTER, 404: _NOT_FOUND}),
        retrieve=extend_schema(responses={200: serializer, 404: _NOT_FOUND}),
    )


def public_places() -> QuerySet[Place]:
    """Gazetteer places, and places a public testimony names; not a restricted one's."""
    return places_for((Visibility.PUBLIC,))


def places_for(levels: Sequence[str]) -> QuerySet[Place]:
    return Place.objects.filter(
        Q(testimonies__visibility__in=levels) | Q(gazetteer_id__isnull=False)
    ).distinct()


def visible_levels(user: Any) -> tuple[str, ...]:
    """Public for everyone; restricted too for vetted researchers; drafts for staff."""
    if user.is_authenticated and user.is_staff:
        return (Visibility.PUBLIC, Visibility.RESTRICTED, Visibility.DRAFT)
    if user.is_authenticated and user.groups.filter(name="researcher").exists():
        return (Visibility.PUBLIC, Visibility.RESTRICTED)
    return (Visibility.PUBLIC,)


class Visible(viewsets.GenericViewSet):
    """Viewsets answer with what the requesting account may see, nothing more."""

    def levels(self) -> tuple[str, ...]:
        return visible_levels(self.request.user)

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
        return Testimony.objects.filter(visibility__in=self.levels()).prefetch_related(
            "people", "places", "source_checks"
        )


@documented(TranscriptSerializer)
class TranscriptViewSet(Visible, viewsets.ReadOnlyModelViewSet[Transcript]):
    """Transcripts of the testimonies you may see, with their segments."""

    serializer_class = TranscriptSerializer
    filterset_fields = ["language", "task", "engine", "needs_review"]
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Transcript]:
        return (
            Transcript.objects.filter(testimony__visibility__in=self.levels())
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
        return Segment.objects.filter(
            transcript__testimony__visibility__in=self.levels(),
            transcript__task=Transcript.Task.TRANSCRIBE,
        ).select_related("transcript__testimony")


@documented(PersonSerializer)
class PersonViewSet(Visible, viewsets.ReadOnlyModelViewSet[Person]):
    """People named in the testimonies you may see, with every spelling."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Person]:
        return (
            Person.objects.filter(testimonies__visibility__in=self.levels())
            .distinct()
            .prefetch_related("names", "testimonies")
        )


@documented(PlaceSerializer)
class PlaceViewSet(Visible, viewsets.ReadOnlyModelViewSet[Place]):
    """Places with their aliases in every script."""

    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Place]:
        return places_for(self.levels()).prefetch_related("aliases")


@documented(EventSerializer)
class EventViewSet(Visible, viewsets.ReadOnlyModelViewSet[Event]):
    """What happened to whom, where and when."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.filter(testimony__visibility__in=self.levels()).select_related(
            "testimony"
        )


def _public_export_rows() -> Any:
    return (
        Testimony.objects.public()
        .order_by("pk")
        .prefetch_related("people__names", "places__aliases", "transcripts__segments")
    )


def _jsonl_lines() -> Iterator[str]:
    from .importing import export_record

    for testimony in _public_export_rows().iterator(chunk_size=200):
        yield json.dumps(export_record(testimony, redact=True), ensure_ascii=False) + "\n"


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "external_id",
    "title",
    "language",
    "recorded_on",
    "source_url",
    "segment",
    "start",
    "end",
    "text",
    "translation",
    "people",
    "places",
]


def _csv_lines() -> Iterator[str]:
    """One row per segment: spreadsheets cannot nest, so the testimony repeats per row."""
    from .importing import export_record

    writer = csvsafe.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for testimony in _public_export_rows().iterator(chunk_size=200):
        record = export_record(testimony, redact=True)
        people = " | ".join(" / ".join(p["names"]) for p in record["people"])
        places = " | ".join(" / ".join(p["names"]) for p in record["places"])
        for index, segment in enumerate(record["segments"] or [{}]):
            yield writer.writerow(
                [
                    record["external_id"],
                    record["title"],
                    record["language"],
                    record.get("recorded_on", ""),
                    record.get("source_url", ""),
                    index if segment else "",
                    segment.get("start", ""),
                    segment.get("end", ""),
                    segment.get("text", ""),
                    segment.get("translation", ""),
                    people,
                    places,
                ]
            )


@extend_schema(
    summary="Export public testimonies",
    description="JSON Lines in the import format (re-importable with import_testimonies), "
    "or CSV with one row per segment. Streamed: memory stays flat whatever the size.",
    parameters=[
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["jsonl", "csv"]),
    ],
    responses={(200, "application/x-ndjson"): str, (200, "text/csv"): str},
)
@api_view(["GET"])
@throttle_classes([AnonRateThrottle, UserRateThrottle])
def export(request: Request, fmt: str) -> StreamingHttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_jsonl_lines(), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="testimonies.{fmt}"'
    return response
