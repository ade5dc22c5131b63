"""Celery jobs sent after commit: no worker sees a row before it exists."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send a task once the current transaction commits, so no worker sees a row early.

    `robust`: a broker that is down must not undo the user's committed edit; the failure is
    logged and `manage.py reindex` (or re-queueing) catches up.
    """

    def send() -> None:
        task.delay(*args)

    send.__qualname__ = f"{task.name}{args}"
    transaction.on_commit(send, robust=True)
