"""Ingest media files: a stored original, a draft testimony, a queued transcription job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from testimonies.models import MediaAsset, Testimony, Visibility
from testimonies.storage import create_original, media_files, store_original
from transcription import tasks
from transcription.engine.audio import probe_media

__all__ = ["Ingested", "ingest_file", "media_files"]


@dataclass
class Ingested:
    testimony: Testimony
    asset: MediaAsset
    created: bool


def ingest_file(
    path: Path,
    *,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
) -> Ingested:
    """Store one media file as a new draft testimony and queue it for transcription.

    A file already in the archive (same SHA-256) is not stored twice: its testimony is
    returned. A file that is not readable media raises the engine's error before anything
    is stored.
    """
    info = probe_media(path)
    name, sha, size = store_original(path)
    existing = MediaAsset.objects.filter(sha256=sha).select_related("testimony").first()
    if existing:
        return Ingested(existing.testimony, existing, created=False)
    with transaction.atomic():
        testimony = Testimony.objects.create(
            external_id=f"sha256-{sha[:16]}",
            title=path.stem[:500],
            language=language,
            languages=[language] if language else [],
            visibility=visibility,
        )
        asset = create_original(
            testimony=testimony,
            source=path,
            name=name,
            sha=sha,
            size=size,
            info=info,
            captured_at=timezone.now(),
        )
        if queue:
            tasks.queue(testimony.pk)
    return Ingested(testimony, asset, created=True)
