"""Thin Celery tasks for search: load ids, call sync."""

from celery import shared_task

from search import sync
from search.client import SearchAuthError, SearchUnavailable


@shared_task(
    autoretry_for=(SearchUnavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    dont_autoretry_for=(SearchAuthError,),
)
def sync_testimony(testimony_id: int) -> None:
    sync.sync_testimonies([testimony_id])
