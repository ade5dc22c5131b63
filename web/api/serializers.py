"""REST API output: one serializer per record; free text goes out with identity numbers masked."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from evidence.takedowns import gone_since
from names.dates import format_partial
from redaction import mask
from testimonies.models import (
    Event,
    NameVariant,
    Person,
    Place,
    PlaceAlias,
    Segment,
    Testimony,
    Transcript,
)
from testimonies.visibility import PUBLIC_LEVELS


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
        levels = self.context.get("levels", PUBLIC_LEVELS)
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
