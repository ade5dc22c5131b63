"""The one way to say "these testimonies changed": whoever keeps derived data listens.

Code that changes what a testimony shows (its fields, transcripts, segments, people, places,
visibility) calls `changed(...)`. It does not know about search: `search` connects to the
signal and alone decides how and when its indexes catch up. `now=True` asks for derived data
to be up to date before the call returns (an import that must roll back if search is down);
the default lets the listener do it after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

# Sent with testimony_ids (sorted list of int) and now (bool).
testimonies_changed = Signal()
# Sent with testimony_id (int) once a new machine transcript is stored and committed to.
transcript_stored = Signal()


class DerivedDataError(Exception):
    """Derived data (the search indexes) could not be brought up to date; the database holds
    the truth and `manage.py reindex` rebuilds it."""


def changed(testimony_ids: Iterable[int], *, now: bool = False) -> None:
    ids = sorted({int(i) for i in testimony_ids})
    if ids:
        testimonies_changed.send(sender=None, testimony_ids=ids, now=now)
