"""Template filters for public pages."""

from django import template
from django.core.exceptions import ValidationError

from redaction import mask
from testimonies.models import WEB_ADDRESS

register = template.Library()


@register.filter
def redact(value: str | None) -> str:
    """Identity numbers, passports and phones masked: every public page goes through this."""
    return mask(value or "")


@register.filter
def web_address(value: str | None) -> str:
    """The value if it is an http(s) address, else "": only those become links."""
    try:
        WEB_ADDRESS(value or "")
    except ValidationError:
        return ""
    return value or ""
