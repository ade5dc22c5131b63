"""How search hears that testimonies changed: the one re-indexing path (testimonies.changes)."""

from __future__ import annotations

from typing import Any

from search import sync, tasks


def on_testimonies_changed(
    sender: Any, *, testimony_ids: list[int], now: bool = False, **kwargs: Any
) -> None:
    """Now: index before returning (an import rolls back if this raises). Otherwise: a job per
    testimony once the transaction commits."""
    if now:
        sync.sync_now(testimony_ids)
    else:
        tasks.schedule_sync(*testimony_ids)
