"""How search hears that testimonies changed: the one re-indexing path (testimonies.changes)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from search import sync, tasks
from search.client import SearchError

log = logging.getLogger(__name__)


def on_testimonies_changed(
    sender: Any, *, testimony_ids: list[int], now: bool = False, **kwargs: Any
) -> None:
    """Now: index before returning (an import rolls back if this raises). Otherwise, once the
    transaction commits: testimonies that left a level leave its indexes at once, and a job
    per testimony brings the rest up to date (a stopped worker delays only additions)."""
    if now:
        sync.sync_now(testimony_ids)
    else:
        transaction.on_commit(lambda: _withdraw(testimony_ids), robust=True)
        tasks.schedule_sync(*testimony_ids)


def _withdraw(testimony_ids: list[int]) -> None:
    """The change is committed whatever search says; public results are checked against the
    database until the indexes catch up (`manage.py reindex`, or the queued jobs)."""
    try:
        sync.withdraw(testimony_ids)
    except SearchError as exc:
        log.warning("Testimonies %s are saved, not yet out of search: %s", testimony_ids, exc)
