"""Admin for every model; saving anything that feeds search queues a re-index."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from search.sync import schedule_sync

from . import review
from .models import (
    Event,
    MediaAsset,
    Mention,
    NameVariant,
    Person,
    PersonMerge,
    Place,
    PlaceAlias,
    Segment,
    SourceCheck,
    Testimony,
    Transcript,
)


class ReindexOnSave(SimpleHistoryAdmin):
    """Queues a re-index of the affected testimonies once the admin's transaction commits."""

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
        schedule_sync(*self.testimony_ids(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ids = self.testimony_ids(obj)
        super().delete_model(request, obj)
        schedule_sync(*ids)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = [i for obj in queryset for i in self.testimony_ids(obj)]
        super().delete_queryset(request, queryset)
        schedule_sync(*ids)


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
                segment_form.instance.edited = True
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
            obj.edited = True
        super().save_model(request, obj, form, change)


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 1


@admin.register(Person)
class PersonAdmin(ReindexOnSave):
    list_display = ("primary_name", "status", "birth_year", "gender", "ethnicity")
    list_filter = ("status", "gender", "ethnicity")
    search_fields = ("primary_name", "names__name", "key")
    inlines = [NameVariantInline]
    actions = ("merge_people",)

    @admin.action(description="Merge the selected people into one", permissions=["change"])
    def merge_people(self, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse | None:
        """Asks which record stays, then merges; nothing is lost and the merge is recorded."""
        people = list(queryset.prefetch_related("names", "testimonies"))
        if len(people) < 2:
            self.message_user(request, "Select at least two people to merge.", messages.WARNING)
            return None
        if request.POST.get("survivor"):
            chosen = [p for p in people if str(p.pk) == request.POST["survivor"]]
            if not chosen:
                self.message_user(request, "Choose one of the selected people.", messages.ERROR)
                return None
            survivor = review.merge_people(
                chosen[0],
                [p for p in people if p.pk != chosen[0].pk],
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
            self.message_user(
                request,
                f"Merged {len(people) - 1} into {survivor} (see Person merges).",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/testimonies/person/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge people",
                "people": people,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

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


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Proposals to review: one click accepts (links or creates the records) or rejects."""

    list_display = (
        "kind",
        "surface_short",
        "proposal",
        "confidence",
        "review",
        "reviewed_by",
        "testimony_link",
        "review_buttons",
    )
    list_filter = ("review", "kind", "origin", "segment__transcript__language")
    search_fields = ("surface", "testimony__external_id")
    raw_id_fields = ("testimony", "segment", "person", "place", "event")
    readonly_fields = ("reviewed_by", "reviewed_at")
    list_select_related = ("testimony", "segment", "person", "place", "reviewed_by")
    actions = ("accept_selected", "reject_selected")

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:pk>/review/<str:verdict>/",
                self.admin_site.admin_view(self.review_view),
                name="testimonies_mention_review",
            )
        ]
        return own + super().get_urls()

    @admin.display(description="text")
    def surface_short(self, obj: Mention) -> str:
        return obj.surface if len(obj.surface) <= 80 else obj.surface[:79] + "…"

    @admin.display(description="proposal")
    def proposal(self, obj: Mention) -> str:
        value = obj.value or {}
        if obj.kind == Mention.Kind.PERSON:
            linked = f" → {obj.person}" if obj.person else " (new person)"
            return f"{value.get('name')} [{value.get('kinship') or '?'}]{linked}"
        if obj.kind == Mention.Kind.PLACE:
            return f"{value.get('name')} ({value.get('gazetteer_id')})"
        if obj.kind == Mention.Kind.DATE:
            return f"{value.get('date')} ({value.get('precision')})"
        return ", ".join(
            f"{k}: {value[k]}" for k in ("kind", "person", "place", "date") if value.get(k)
        )

    @admin.display(description="testimony")
    def testimony_link(self, obj: Mention) -> str:
        return format_html(
            '<a href="{}">{}</a> {}',
            reverse("admin:testimonies_testimony_change", args=[obj.testimony_id]),
            obj.testimony.external_id,
            f"{obj.segment.start:.0f}s" if obj.segment else "(no segment)",
        )

    @admin.display(description="review")
    def review_buttons(self, obj: Mention) -> str:
        if obj.review != Event.Review.PROPOSED:
            return "—"
        # Buttons of the changelist form posting elsewhere: no nested form, no script.
        return format_html(
            '<button type="submit" class="button" formaction="{}">Accept</button> '
            '<button type="submit" class="button" formaction="{}">Reject</button>',
            reverse("admin:testimonies_mention_review", args=[obj.pk, "accept"]),
            reverse("admin:testimonies_mention_review", args=[obj.pk, "reject"]),
        )

    def review_view(self, request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
        if verdict not in ("accept", "reject"):
            raise Http404(f"No such verdict: {verdict!r}")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        mention = get_object_or_404(Mention, pk=pk)
        if not self.has_change_permission(request, mention):
            raise PermissionDenied
        self._review(request, [mention], verdict)
        back = request.META.get("HTTP_REFERER") or reverse("admin:testimonies_mention_changelist")
        return HttpResponseRedirect(
            back
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
            else reverse("admin:testimonies_mention_changelist")
        )

    def _review(self, request: HttpRequest, mentions: Any, verdict: str) -> None:
        done = 0
        for mention in mentions:
            if verdict == "reject":
                review.reject(mention, user=request.user)
                done += 1
                continue
            try:
                review.accept(mention, user=request.user)
                done += 1
            except review.ReviewError as exc:
                self.message_user(request, f"{mention}: {exc}", messages.WARNING)
        if done:
            verb = "accepted" if verdict == "accept" else "rejected"
            self.message_user(request, f"{done} proposal(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Accept the selected proposals", permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Mention]) -> None:
        self._review(request, queryset, "accept")

    @admin.action(description="Reject the selected proposals", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Mention]) -> None:
        self._review(request, queryset, "reject")


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    """The record of merges: read-only."""

    list_display = ("merged_name", "merged_id", "survivor", "merged_by", "merged_at")
    search_fields = ("merged_name", "merged_key", "survivor__primary_name")
    readonly_fields = [f.name for f in PersonMerge._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    """The takedown report for staff: filter by state and date."""

    list_display = ("testimony", "state", "checked_at", "http_status", "url")
    list_filter = ("state", "checked_at")
    date_hierarchy = "checked_at"
    search_fields = ("testimony__external_id", "url", "message")
    readonly_fields = ("testimony", "url", "checked_at", "state", "http_status", "message")
