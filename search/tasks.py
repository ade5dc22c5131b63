"""Thin Celery tasks for search: load ids, call sync."""

import logging

from celery import shared_task
from django.db import transaction

from search import sync
from search.client import SearchAuthError, SearchUnavailable

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def drain_index() -> None:
    """Bring what waits in the index outbox into the indexes (a failure stays there)."""
    sync.drain_outbox()


@shared_task(
    autoretry_for=(SearchUnavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    dont_autoretry_for=(SearchAuthError,),
)
def sync_testimony(testimony_id: int) -> None:
    """Jobs queued before the outbox existed; changes now go through `drain_index`."""
    sync.sync_testimonies([testimony_id])


def schedule_drain() -> None:
    """Ask a worker to drain the outbox once the current transaction commits: the fast path.

    The change is already in the outbox, so a broker that is down loses nothing: a warning,
    and the periodic drain (or the next worker to start) takes it.
    """
    transaction.on_commit(_send_drain)


def _send_drain() -> None:
    try:
        # One try, one second at most: the outbox keeps the change, so an editor's request
        # need not wait for a broker that is down (the defaults retry for about 6 s).
        with drain_index.app.connection_for_write(
            connect_timeout=1, transport_options={"max_retries": 0}
        ) as broker:
            drain_index.apply_async(retry=False, connection=broker)
    except Exception as exc:  # whatever the broker's client raises, the outbox has the change
        log.warning(
            "Index changes wait in the outbox (the broker did not take the job: %s); "
            "the periodic drain will index them.",
            exc,
        )
