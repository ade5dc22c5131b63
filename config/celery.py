"""The Celery app: queue "transcribe" for GPU workers, "default" for everything else."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("archive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send a task once the current transaction commits, so no worker sees a row early.

    `robust`: a broker that is down must not undo the user's committed edit; the failure is
    logged and `manage.py reindex` (or re-queueing) catches up.
    """
    from django.db import transaction

    def send() -> None:
        task.delay(*args)

    send.__qualname__ = f"{task.name}{args}"
    transaction.on_commit(send, robust=True)
