"""Liveness (/healthz) and readiness (/readyz) for load balancers and operators.

Both are plain views: no login, session, throttle or template. /readyz asks the database,
Meilisearch and the broker at once and answers within about CHECK_SECONDS, whatever hangs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from search import client

CHECK_SECONDS = 1.0


def _database() -> None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connections.close_all()  # this thread's own connection


def _search() -> None:
    client.check(timeout=CHECK_SECONDS)


def _broker() -> None:
    url = settings.CELERY_BROKER_URL
    options: dict[str, Any] = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if url.startswith(("redis", "rediss")):
        options.update(socket_connect_timeout=CHECK_SECONDS, socket_timeout=CHECK_SECONDS)
    with Connection(url, connect_timeout=CHECK_SECONDS, transport_options=options) as broker:
        broker.ensure_connection(max_retries=0)
        if broker.transport.driver_type == "sql":
            # The serverless broker opens its database only when a queue is read.
            queue = settings.CELERY_TASK_DEFAULT_QUEUE
            broker.default_channel.queue_declare(queue=queue, passive=True)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "search": _search,
    "broker": _broker,
}
# Threads of its own for each check: one component that hangs never delays the others' answer.
_POOLS = {
    name: ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"readyz-{name}") for name in CHECKS
}


def _describe(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return re.sub(r"//[^/@\s]*@", "//***@", text)[:200]  # no password from a URL


def _outcome(future: Future[None], done: set[Future[None]]) -> dict[str, Any]:
    if future not in done:
        future.cancel()
        return {"ok": False, "error": f"no answer within {CHECK_SECONDS:g} s"}
    exc = future.exception()
    return {"ok": exc is None, "error": None if exc is None else _describe(exc)}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; asks nothing else, so a slow database never restarts it."""
    return JsonResponse({"ok": True})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, Meilisearch and the broker all answer, else 503 naming which."""
    futures = {name: _POOLS[name].submit(check) for name, check in CHECKS.items()}
    done, _ = wait(futures.values(), timeout=CHECK_SECONDS + 0.5)
    checks = {name: _outcome(future, done) for name, future in futures.items()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
