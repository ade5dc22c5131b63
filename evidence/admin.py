"""Admin for evidence: every look at a platform copy (the takedown record), public copies."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from testimonies.models import SourceCheck, VideoRedaction


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    """The takedown report for staff: filter by state and date."""

    list_display = ("testimony", "state", "checked_at", "http_status", "url")
    list_filter = ("state", "checked_at")
    date_hierarchy = "checked_at"
    search_fields = ("testimony__external_id", "url", "message")
    readonly_fields = ("testimony", "url", "checked_at", "state", "http_status", "message")


@admin.register(VideoRedaction)
class VideoRedactionAdmin(admin.ModelAdmin):
    """Public copies of videos: their state and review, each with a link to its review page."""

    list_display = ("original", "state", "progress", "reviewed_at", "reviewed_by", "review")
    list_filter = ("state", "reviewed_at")
    search_fields = ("original__testimony__external_id",)
    readonly_fields = [f.name for f in VideoRedaction._meta.fields] + ["review"]

    @admin.display(description="Review")
    def review(self, obj: VideoRedaction) -> str:
        return format_html('<a href="{}">review</a>', reverse("staff-copy", args=[obj.pk]))
