"""Admin for the archive's records; saving anything that feeds search records the change.

Review (proposals, merges) and evidence (source checks) register their own admin pages.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import (
    HttpRequest,
)
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from testimonies.changes import changed
from testimonies.facts import add_claims, refresh_person, refresh_place
from testimonies.models import (
    Claim,
    Event,
    MediaAsset,
    NameVariant,
    Person,
    Place,
    PlaceAlias,
    Segment,
    Testimony,
    Transcript,
    Visibility,
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
    filter_horizontal = ("transcribers",)

    def testimony_ids(self, obj: Testimony) -> list[int]:
        return [obj.pk]


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0
    fields = ("index", "start", "end", "text", "translation", "flags", "edited", "version")
    readonly_fields = ("flags", "version")


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
                _edited(segment_form.instance, request)
        super().save_formset(request, form, formset, change)


@admin.register(Segment)
class SegmentAdmin(ReindexOnSave):
    list_display = ("transcript", "index", "start", "end", "text", "edited")
    list_filter = ("edited", "transcript__language")
    search_fields = ("text", "translation", "transcript__testimony__external_id")
    list_select_related = ("transcript__testimony",)
    # Set by the transcript editor (review.corrections); the admin raises the version too.
    readonly_fields = ("edited_by", "edited_at", "verified_by", "verified_at", "version")

    def testimony_ids(self, obj: Segment) -> list[int]:
        return [obj.transcript.testimony_id]

    def save_model(self, request: HttpRequest, obj: Segment, form: Any, change: bool) -> None:
        if {"text", "translation"} & set(form.changed_data):
            _edited(obj, request)
        super().save_model(request, obj, form, change)


def _edited(segment: Segment, request: HttpRequest) -> None:
    """A person changed the words (saving moves editor marks with them): a new version, so
    an editor page holding the old one is told, not overwritten."""
    segment.edited = True
    segment.edited_by = request.user if request.user.is_authenticated else None
    segment.edited_at = timezone.now()
    segment.version += 1


class ClaimForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not data.get("visibility"):
            self.add_error("visibility", "Choose who may see this decision.")
        case_fact = data.get("field") in (Claim.Field.PERPETRATOR, Claim.Field.FAMILY_ACTION)
        detail = data.get("detail")
        if case_fact and not (isinstance(detail, dict) and str(detail.get("source", "")).strip()):
            self.add_error(
                "detail",
                'Say where this is known from, e.g. {"source": "letter kept by the family", '
                '"date": "2019-05"}: a case file cites it.',
            )
        return data


class _ClaimInline(admin.TabularInline):
    """Every fact with its source. Editors settle a fact by adding their own decision (it
    wins over testimonies' claims at its visibility and above); sources' claims stay."""

    model = Claim
    form = ClaimForm
    extra = 1
    fields = ("field", "value", "detail", "testimony", "visibility", "origin", "decided_by")
    readonly_fields = ("testimony", "origin", "decided_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a claim is what a source said: add a decision, or delete it


class PersonClaimInline(_ClaimInline):
    fk_name = "person"


class PlaceClaimInline(_ClaimInline):
    fk_name = "place"


class _DerivedInline(admin.TabularInline):
    """Spellings as every source states them, kept from the claims (read-only)."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NameVariantInline(_DerivedInline):
    model = NameVariant


class PlaceAliasInline(_DerivedInline):
    model = PlaceAlias


class _FactsAdmin(ReindexOnSave):
    """Facts are claims: on an existing record the fields show the view from every claim
    and change through the claims inline; a record added here starts as an editor's draft
    decision."""

    fact_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), *(self.fact_fields if obj else ()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            facts: list[tuple[str, Any, dict[str, Any]]] = [
                (Claim.Field.NAME, form.cleaned_data.get(self.fact_fields[0]), {"primary": True})
            ]
            facts += [
                (name, form.cleaned_data.get(name), {})
                for name in self.fact_fields[1:]
                if name in Claim.Field.values and form.cleaned_data.get(name) != "unknown"
            ]
            latitude, longitude = (
                form.cleaned_data.get("latitude"),
                form.cleaned_data.get("longitude"),
            )
            if latitude is not None and longitude is not None:
                facts.append((Claim.Field.COORDINATES, f"{latitude},{longitude}", {}))
            add_claims(
                obj, facts, visibility=Visibility.DRAFT, origin=Claim.Origin.EDITOR, by=request.user
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Claim:
            for claim in formset.save(commit=False):
                claim.origin = Claim.Origin.EDITOR
                claim.decided_by = request.user
                claim.testimony = None
                claim.save()
            for claim in formset.deleted_objects:
                claim.delete()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh = refresh_person if isinstance(form.instance, Person) else refresh_place
        refresh(form.instance)


@admin.register(Person)
class PersonAdmin(_FactsAdmin):
    list_display = ("primary_name", "status", "birth_year", "gender", "ethnicity")
    list_filter = ("status", "gender", "ethnicity")
    search_fields = ("primary_name", "names__name", "key")
    fact_fields = ("primary_name", "status", "birth_year", "gender", "ethnicity")
    inlines = [PersonClaimInline, NameVariantInline]

    def testimony_ids(self, obj: Person) -> list[int]:
        return list(obj.testimonies.values_list("pk", flat=True)) if obj.pk else []


@admin.register(Place)
class PlaceAdmin(_FactsAdmin):
    list_display = ("name", "type", "parent", "gazetteer_id")
    list_filter = ("type",)
    search_fields = ("name", "aliases__name", "gazetteer_id")
    autocomplete_fields = ("parent",)
    fact_fields = ("name", "type", "latitude", "longitude", "gazetteer_id")
    inlines = [PlaceClaimInline, PlaceAliasInline]

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
