"""503 with Retry-After, not 500, while the database does not answer (a restart, a failover).

A client, proxy or load balancer retries a 503; a 500 says the archive is broken. The next
request gets a fresh connection (CONN_HEALTH_CHECKS), so nothing needs restarting after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        first_line = (str(exception).strip().splitlines() or [""])[0][:200]
        logger.warning("Database unavailable for %s: %s", request.path, first_line)
        response: HttpResponse
        if request.path.startswith("/api/"):
            detail = "The archive's database is unavailable right now; try again shortly."
            response = JsonResponse({"detail": detail}, status=503)
        else:
            # No template: rendering one may ask the database again (the user, the session).
            message = escape(
                _("The archive is unavailable right now. Please try again in a minute.")
            )
            lang = escape(get_language() or "en")
            direction = "rtl" if get_language_bidi() else "ltr"
            page = (
                f'<!doctype html><html lang="{lang}" dir="{direction}"><meta charset="utf-8">'
                f"<title>{message}</title><p>{message}</p></html>"
            )
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
