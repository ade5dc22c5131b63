"""Template filters for public pages."""

from django import template
from django.core.exceptions import ValidationError

from redaction import mask
from testimonies import labels
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


@register.filter
def relation(value: str | None) -> str:
    """A witness's kinship in the reader's language (free text stays as written)."""
    return labels.relation_label(value or "")


@register.filter
def language_name(code: str | None) -> str:
    """A language code as the reader's language names it ("kk" → "Қазақ тілі")."""
    return labels.language_label(code or "")
