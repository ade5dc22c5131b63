"""Thin Celery tasks for the testimony domain."""

from celery import shared_task

from testimonies.takedowns import check_sources as run_checks


@shared_task
def check_sources() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): re-check every platform copy, record what is seen."""
    return len(run_checks())
