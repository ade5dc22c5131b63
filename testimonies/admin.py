"""Admin for the archive's records; saving anything that feeds search records the change.

Review (proposals, merges) and evidence (source checks) register their own admin pages.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import (
    HttpRequest,
)
from simple_history.admin import SimpleHistoryAdmin

from testimonies.changes import changed
from testimonies.models import (
    Event,
    MediaAsset,
    NameVariant,
    Person,
    Place,
    PlaceAlias,
    Segment,
    Testimony,
    Transcript,
)


class ReindexOnSave(SimpleHistoryAdmin):
    """Records that the affected testimonies changed (search catches up after commit)."""

    def testimony_ids(self, obj: Any) -> list[int]:
        raise NotImplementedError

    def save_related(
        self,
        request: HttpRequest,
        form: BaseModelForm,
        formsets: Any,
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        changed(self.testimony_ids(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ids = self.testimony_ids(obj)
        super().delete_model(request, obj)
        changed(ids)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = [i for obj in queryset for i in self.testimony_ids(obj)]
        super().delete_queryset(request, queryset)
        changed(ids)


class MediaAssetInline(admin.TabularInline):
    model = MediaAsset
    extra = 0
    fields = ("kind", "file", "sha256", "size", "duration", "container", "captured_at")
    readonly_fields = ("sha256", "size", "duration", "container", "captured_at")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ("person", "kind", "place", "date", "date_precision", "origin", "review")
    autocomplete_fields = ("person", "place")


class TranscriptInline(admin.TabularInline):
    model = Transcript
    extra = 0
    fields = ("engine", "model", "language", "language_source", "task", "needs_review")
    readonly_fields = fields
    show_change_link = True


@admin.register(Testimony)
class TestimonyAdmin(ReindexOnSave):
    list_display = ("external_id", "title", "language", "visibility", "status", "recorded_on")
    list_filter = ("visibility", "language", "status", "source_platform")
    search_fields = ("external_id", "title", "description", "witness_name")
    autocomplete_fields = ("people", "places")
    inlines = [TranscriptInline, MediaAssetInline, EventInline]
    readonly_fields = ("status", "processing_error", "created_at", "updated_at")

    def testimony_ids(self, obj: Testimony) -> list[int]:
        return [obj.pk]


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0
    fields = ("index", "start", "end", "text", "translation", "flags", "edited")
    readonly_fields = ("flags",)


@admin.register(Transcript)
class TranscriptAdmin(ReindexOnSave):
    list_display = ("testimony", "engine", "model", "language", "task", "needs_review")
    list_filter = ("engine", "language", "task", "needs_review", "reviewed")
    search_fields = ("testimony__external_id", "testimony__title")
    inlines = [SegmentInline]

    def testimony_ids(self, obj: Transcript) -> list[int]:
        return [obj.testimony_id]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for segment_form in formset.forms:
            if {"text", "translation"} & set(segment_form.changed_data):
                _edited(segment_form.instance, segment_form)
        super().save_formset(request, form, formset, change)


@admin.register(Segment)
class SegmentAdmin(ReindexOnSave):
    list_display = ("transcript", "index", "start", "end", "text", "edited")
    list_filter = ("edited", "transcript__language")
    search_fields = ("text", "translation", "transcript__testimony__external_id")
    list_select_related = ("transcript__testimony",)

    def testimony_ids(self, obj: Segment) -> list[int]:
        return [obj.transcript.testimony_id]

    def save_model(self, request: HttpRequest, obj: Segment, form: Any, change: bool) -> None:
        if {"text", "translation"} & set(form.changed_data):
            _edited(obj, form)
        super().save_model(request, obj, form, change)


def _edited(segment: Segment, form: Any) -> None:
    """A person changed the words: flag it, and move editor marks with their words."""
    segment.edited = True
    segment.follow_edit(
        old_text=form.initial.get("text", ""), old_translation=form.initial.get("translation", "")
    )


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 1


@admin.register(Person)
class PersonAdmin(ReindexOnSave):
    list_display = ("primary_name", "status", "birth_year", "gender", "ethnicity")
    list_filter = ("status", "gender", "ethnicity")
    search_fields = ("primary_name", "names__name", "key")
    inlines = [NameVariantInline]

    def testimony_ids(self, obj: Person) -> list[int]:
        return list(obj.testimonies.values_list("pk", flat=True)) if obj.pk else []


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 1


@admin.register(Place)
class PlaceAdmin(ReindexOnSave):
    list_display = ("name", "type", "parent", "gazetteer_id")
    list_filter = ("type",)
    search_fields = ("name", "aliases__name", "gazetteer_id")
    autocomplete_fields = ("parent",)
    inlines = [PlaceAliasInline]

    def testimony_ids(self, obj: Place) -> list[int]:
        return list(obj.testimonies.values_list("pk", flat=True)) if obj.pk else []


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ("testimony", "kind", "sha256", "size", "duration", "platform", "captured_at")
    list_filter = ("kind", "platform", "container")
    search_fields = ("sha256", "platform_id", "testimony__external_id", "original_filename")
    readonly_fields = ("sha256", "size", "created_at")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "place", "date", "date_precision", "origin", "review")
    list_filter = ("kind", "origin", "review", "date_precision")
    search_fields = ("person__primary_name", "place__name", "testimony__external_id")
    autocomplete_fields = ("person", "place", "testimony")
    raw_id_fields = ("segment",)
