"""Limits the site's pages share with the API: a body's declared size, and the API's rates."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from search.list_matching import MAX_BYTES

# The largest body either takes is a list to match; an upload adds its multipart framing.
MAX_UPLOAD_BYTES = MAX_BYTES + 64 * 1024


def declared_length(request: HttpRequest) -> int:
    """The body's size as the client declares it; 0 when absent or not a number, as Django
    reads it (then no body is read at all)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def throttle_wait(request: HttpRequest) -> float | None:
    """None while the client is within the API's rates, else the seconds until it is again.

    The API's own throttle classes and rates (REST_FRAMEWORK), so a page and the API draw on
    one allowance per client, told apart as the API tells them (NUM_PROXIES).
    """
    waits: list[float] = []
    # DRF's rate throttles read only the request's `user` and `META` (a Django request has
    # both) and ignore the view.
    drf_request: Any = request
    no_view: Any = None
    classes = cast(list[type[BaseThrottle]], api_settings.DEFAULT_THROTTLE_CLASSES)
    for throttle_class in classes:
        throttle = throttle_class()
        if not throttle.allow_request(drf_request, no_view):
            waits.append(throttle.wait() or 1.0)
    return max(waits) if waits else None
