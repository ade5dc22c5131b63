"""Admin for editorial review: proposals to accept or reject, merges of people."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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

from review import decisions
from testimonies import roles
from testimonies.admin import PersonAdmin
from testimonies.models import Event, Mention, Person, PersonMerge

admin.site.unregister(Person)


@admin.register(Person)
class ReviewPersonAdmin(PersonAdmin):
    """The archive's person admin, with the merge action of review."""

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
            survivor = decisions.merge_people(
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Reviewers accept or reject a proposal as it stands: only editors change what it
        links to (testimony, person, place, event) or says."""
        if roles.may_link_records(request.user):
            return super().get_readonly_fields(request, obj)
        return [f.name for f in Mention._meta.fields]

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
                decisions.reject(mention, user=request.user)
                done += 1
                continue
            try:
                decisions.accept(mention, user=request.user)
                done += 1
            except decisions.ReviewError as exc:
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
