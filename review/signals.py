"""How review hears of a new machine transcript: proposals from its words, after commit."""

from __future__ import annotations

from typing import Any

from review.tasks import extract_testimony
from testimonies.jobs import enqueue_on_commit


def on_transcript_stored(sender: Any, *, testimony_id: int, **kwargs: Any) -> None:
    # On the default queue, not the GPU's.
    enqueue_on_commit(extract_testimony, testimony_id)
