"""Ingest media files: a stored original, a draft testimony, a queued transcription job."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from testimonies.models import MediaAsset, Testimony, Visibility
from testimonies.storage import MEDIA_SUFFIXES, create_original, media_files, store_original
from transcription import tasks
from transcription.engine.audio import probe_media
from transcription.engine.errors import EngineError

__all__ = ["Ingested", "UploadRefused", "ingest_file", "ingest_upload", "media_files"]


class UploadRefused(ValueError):
    """An uploaded file that was not stored, and why (the words name the file as sent)."""


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


def ingest_upload(
    *,
    name: str,
    chunks: Iterable[bytes],
    language: str = "",
    visibility: str = Visibility.DRAFT,
) -> Ingested:
    """`ingest_file` for a file sent over the web: written under its own name (which becomes
    the title) in a private temporary folder, then ingested from there."""
    filename = Path(name).name
    if Path(filename).suffix.lower() not in MEDIA_SUFFIXES:
        suffixes = ", ".join(sorted(MEDIA_SUFFIXES))
        raise UploadRefused(f"{name!r} is not a media file ({suffixes}).")
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / filename
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        try:
            return ingest_file(path, language=language, visibility=visibility)
        except EngineError as exc:
            # Nothing is stored before the file has been read as media.
            raise UploadRefused(str(exc).replace(str(path), filename)) from exc
