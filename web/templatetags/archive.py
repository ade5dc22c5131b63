"""Template filters for public pages."""

from django import template

from redaction import mask

register = template.Library()


@register.filter
def redact(value: str | None) -> str:
    """Identity numbers, passports and phones masked: every public page goes through this."""
    return mask(value or "")
