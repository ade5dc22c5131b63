"""How search hears that testimonies changed (testimonies.changes), and drains the outbox
when a worker starts."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connection, transaction

from search import sync, tasks
from search.client import SearchError

log = logging.getLogger(__name__)


def on_testimonies_changed(
    sender: Any, *, testimony_ids: list[int], now: bool = False, **kwargs: Any
) -> None:
    """The change is already in the outbox. Now: index before returning (an import rolls back
    if this raises). Otherwise, once the transaction commits: testimonies that left a level
    leave its indexes at once, and a job drains the outbox (a stopped worker or broker only
    delays the rest: the periodic drain and every starting worker take it)."""
    if now:
        sync.drain_now(testimony_ids)
    else:
        transaction.on_commit(lambda: _withdraw(testimony_ids), robust=True)
        tasks.schedule_drain()


def _withdraw(testimony_ids: list[int]) -> None:
    """The change is committed whatever search says; public results are checked against the
    database until the indexes catch up (the outbox is drained)."""
    try:
        sync.withdraw(testimony_ids)
    except SearchError as exc:
        log.warning("Testimonies %s are saved, not yet out of search: %s", testimony_ids, exc)


def drain_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """What waited while no worker or broker ran is indexed as soon as one starts; in a
    thread, so the worker takes jobs meanwhile."""
    threading.Thread(target=_drain_backlog, name="index-outbox", daemon=True).start()


def _drain_backlog() -> None:
    try:
        drained = sync.drain_outbox()
        if drained.synced:
            log.info("Index outbox at worker start: %d testimonies indexed", drained.synced)
        if drained.error:
            log.warning("Index changes still wait in the outbox: %s", drained.error)
    except Exception:
        log.exception("Draining the index outbox at worker start failed; the next drain retries")
    finally:
        connection.close()  # this thread's own; a forked pool process must not inherit it
