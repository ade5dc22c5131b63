"""Thin Celery tasks for the testimony domain."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from testimonies.extraction import propose
from testimonies.models import Testimony
from testimonies.takedowns import check_sources as run_checks


@shared_task
def check_sources() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): one job per source, so a slow platform never holds
    up the worker's other jobs (re-indexing) for long."""
    ids = list(Testimony.objects.exclude(source_url="").values_list("pk", flat=True))
    for testimony_id in ids:
        check_source.delay(testimony_id)
    return len(ids)


@shared_task
def check_source(testimony_id: int) -> None:
    run_checks(Testimony.objects.filter(pk=testimony_id))


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=30, max_retries=5)
def extract_testimony(testimony_id: int) -> int:
    """Proposals (people, places, dates, events) for editors, after each transcription."""
    return propose(testimony_id)
