"""The one way to say "these testimonies changed": whoever keeps derived data listens.

Code that changes what a testimony shows (its fields, transcripts, segments, people, places,
visibility) calls `changed(...)`. The change is written down first, in the caller's
transaction (the `IndexChange` outbox): it commits or rolls back with the change itself, so
no outage of a broker, a worker or the search server can lose it. It does not know about
search: `search` connects to the signal, drains the outbox and alone decides how and when its
indexes catch up. `now=True` asks for derived data to be up to date before the call returns
(an import that must roll back if search is down); the default lets the listener do it after
the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.dispatch import Signal

# Sent with testimony_ids (sorted list of int) and now (bool).
testimonies_changed = Signal()
# Sent with testimony_id (int) once a new machine transcript is stored and committed to.
transcript_stored = Signal()
# Sent with asset_id (int) once a new original media file is stored (its row exists in the
# caller's transaction): evidence renders the public copy of a video.
original_stored = Signal()


class DerivedDataError(Exception):
    """Derived data (the search indexes) could not be brought up to date; the database holds
    the truth and `manage.py reindex` rebuilds it."""


def changed(testimony_ids: Iterable[int], *, now: bool = False) -> None:
    ids = sorted({int(i) for i in testimony_ids})
    if ids:
        _record(ids)
        testimonies_changed.send(sender=None, testimony_ids=ids, now=now)


def _record(ids: list[int]) -> None:
    """One outbox row per testimony: a testimony already waiting gets a new version, which
    tells a drain working on the old one that it must come back (sorted: no deadlock)."""
    # Looked up, not imported: search and review import this module while apps load.
    index_change = apps.get_model("testimonies", "IndexChange")
    index_change.objects.bulk_create(
        [index_change(testimony_id=i) for i in ids],
        update_conflicts=True,
        unique_fields=["testimony_id"],
        update_fields=["version"],
    )
