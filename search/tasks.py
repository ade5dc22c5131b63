"""Thin Celery tasks for search: load ids, call sync."""

from celery import shared_task

from search import sync
from search.client import SearchAuthError, SearchUnavailable
from testimonies.jobs import enqueue_on_commit


@shared_task(
    autoretry_for=(SearchUnavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    dont_autoretry_for=(SearchAuthError,),
)
def sync_testimony(testimony_id: int) -> None:
    sync.sync_testimonies([testimony_id])


def schedule_sync(*testimony_ids: int) -> None:
    """Queue a re-index for after the current transaction commits (no worker sees it early)."""
    for testimony_id in sorted(set(testimony_ids)):
        enqueue_on_commit(sync_testimony, testimony_id)
