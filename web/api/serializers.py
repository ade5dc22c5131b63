"""REST API output: one serializer per record; free text goes out with identity numbers masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from evidence.takedowns import gone_since
from names.dates import format_partial
from redaction import mask
from testimonies import labels
from testimonies.facts import person_facts, place_facts
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


class Label(serializers.CharField):
    """A choice's label in the reader's language (Accept-Language or the site's language
    cookie), beside the stable code: clients filter on the code and show the label."""

    def __init__(self, source: str, label_of: Callable[[str], str], **kwargs: Any) -> None:
        self.label_of = label_of
        kwargs.setdefault("help_text", f"`{source}` in the reader's language.")
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return self.label_of(str(value or ""))


class NameVariantSerializer(serializers.ModelSerializer[NameVariant]):
    class Meta:
        model = NameVariant
        fields = ["name", "script", "language", "form"]


class PlaceAliasSerializer(serializers.ModelSerializer[PlaceAlias]):
    class Meta:
        model = PlaceAlias
        fields = ["name", "script", "language", "is_exonym"]


class EvidenceSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="name, status, birth_year, gender, ethnicity…")
    value = serializers.CharField()
    testimonies = serializers.ListField(
        child=serializers.CharField(), help_text="The testimonies you may see that state it."
    )
    decided = serializers.BooleanField(help_text="An editor settled it.")


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person as the requesting account may know them: every field comes from the claims
    of sources it may see (`testimonies.facts`), each listed in `evidence`."""

    names = NameVariantSerializer(many=True, read_only=True)
    # Declared, not derived: the model's range depends on the database backend, and the
    # schema must be the same on SQLite and PostgreSQL.
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)
    testimonies = serializers.ListField(child=serializers.CharField(), read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    status_display = Label("status", labels.status_label)
    gender_display = Label("gender", labels.gender_label)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "primary_name",
            "names",
            "status",
            "status_display",
            "birth_year",
            "gender",
            "gender_display",
            "ethnicity",
            "testimonies",
            "evidence",
            "page",
        ]

    def to_representation(self, instance: Any) -> Any:
        facts = person_facts(instance, self.context.get("levels", PUBLIC_LEVELS))
        if facts is None:  # querysets start from visible people; this guards a race
            raise NotFound("No such person.")
        return super().to_representation(cast(Any, facts))

    def get_page(self, person: Any) -> str:
        return reverse("person", args=[person.pk])


class PlaceSerializer(serializers.ModelSerializer[Place]):
    """A place as the requesting account may know it, from claims of sources it may see."""

    aliases = PlaceAliasSerializer(many=True, read_only=True)
    # The serializer's own `parent` attribute is not a field; DRF takes declared fields out.
    parent = serializers.IntegerField(read_only=True, allow_null=True)  # type: ignore[assignment]
    gazetteer_id = serializers.CharField(read_only=True, allow_null=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    testimonies = serializers.ListField(child=serializers.CharField(), read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    type_display = Label("type", labels.place_type_label)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "type",
            "type_display",
            "parent",
            "gazetteer_id",
            "latitude",
            "longitude",
            "aliases",
            "testimonies",
            "evidence",
            "page",
        ]

    def to_representation(self, instance: Any) -> Any:
        levels = self.context.get("levels", PUBLIC_LEVELS)
        parent_visible = instance.parent_id is None or (
            Place.objects.at_levels(levels).filter(pk=instance.parent_id).exists()
        )
        facts = place_facts(instance, levels, parent_visible=parent_visible)
        if facts is None:
            raise NotFound("No such place.")
        return super().to_representation(cast(Any, facts))

    def get_page(self, place: Any) -> str:
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
    language_display = Label("language", labels.language_label)

    class Meta:
        model = Transcript
        fields = [
            "id",
            "testimony",
            "engine",
            "model",
            "language",
            "language_display",
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
    language_display = Label("language", labels.language_label)
    witness_relation_display = Label("witness_relation", labels.relation_label)
    status_display = Label("status", labels.testimony_status_label)

    class Meta:
        model = Testimony
        fields = [
            "id",
            "external_id",
            "title",
            "description",
            "language",
            "language_display",
            "languages",
            "recorded_on",
            "source_platform",
            "source_url",
            "witness_relation",
            "witness_relation_display",
            "people",
            "places",
            "status",
            "status_display",
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
    kind_display = Label("kind", labels.kind_label)

    class Meta:
        model = Event
        fields = [
            "id",
            "person",
            "place",
            "kind",
            "kind_display",
            "date",
            "date_precision",
            "testimony",
            "segment",
            "origin",
            "review",
        ]

    def get_date(self, event: Event) -> str:
        return event.date_display
