"""How evidence hears of a new original: a public copy of a video, rendered after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from evidence.public_copies import prepare
from evidence.tasks import render_public_copy
from testimonies.jobs import enqueue_on_commit


def on_original_stored(sender: Any, *, asset_id: int, **kwargs: Any) -> None:
    if not settings.VIDEO_BLUR_AUTO:
        return
    redaction_id = prepare(asset_id)
    if redaction_id is not None:  # sound only: nothing to blur
        enqueue_on_commit(render_public_copy, redaction_id, True)
