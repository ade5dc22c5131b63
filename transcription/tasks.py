"""Thin Celery tasks for transcription, on the "transcribe" queue (one worker per GPU)."""

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from testimonies.jobs import enqueue_on_commit
from testimonies.models import Testimony
from transcription import pipeline


class TranscriptionTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Retries are spent (or the error was not transient): record it on the testimony.
        testimony_id = args[0] if args else kwargs.get("testimony_id")
        pipeline.mark_failed(testimony_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    base=TranscriptionTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def transcribe_testimony(testimony_id: int, overrides: dict[str, Any] | None = None) -> None:
    try:
        pipeline.transcribe_testimony(testimony_id=testimony_id, overrides=overrides)
    except pipeline.TranscriptionFailed as exc:
        pipeline.mark_failed(testimony_id, str(exc))


def queue(testimony_id: int, overrides: dict[str, Any] | None = None) -> None:
    """Mark a testimony queued and enqueue its job once the transaction commits."""
    Testimony.objects.filter(pk=testimony_id).update(status=Testimony.Status.QUEUED)
    if overrides:
        enqueue_on_commit(transcribe_testimony, testimony_id, overrides)
    else:
        enqueue_on_commit(transcribe_testimony, testimony_id)
