"""Admin for evidence: every look at a platform copy (the takedown record)."""

from django.contrib import admin

from testimonies.models import SourceCheck


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    """The takedown report for staff: filter by state and date."""

    list_display = ("testimony", "state", "checked_at", "http_status", "url")
    list_filter = ("state", "checked_at")
    date_hierarchy = "checked_at"
    search_fields = ("testimony__external_id", "url", "message")
    readonly_fields = ("testimony", "url", "checked_at", "state", "http_status", "message")
