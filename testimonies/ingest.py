"""Ingest media files: content-addressed read-only originals, a testimony, a queued job."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from transcription.engine.audio import MediaInfo, probe_media

from .media import content_type
from .models import MediaAsset, Testimony, Visibility

MEDIA_SUFFIXES = {
    ".mp4",
    ".webm",
    ".mkv",
    ".mov",
    ".mp3",
    ".m4a",
    ".opus",
    ".ogg",
    ".wav",
    ".flac",
    ".aac",
}
CHUNK = 1024 * 1024


@dataclass
class Ingested:
    testimony: Testimony
    asset: MediaAsset
    created: bool


def media_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the media files inside the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in MEDIA_SUFFIXES:
                    yield found
        else:
            yield path


def store_original(path: Path) -> tuple[str, str, int]:
    """Copy a file under MEDIA_ROOT/originals/<sha256[:2]>/<sha256><ext>, read-only, once.

    Returns (name relative to MEDIA_ROOT, sha256, size). The copy is hashed while it is
    written and only then renamed into place, so a crash never leaves a partial original.
    """
    root = Path(settings.MEDIA_ROOT)
    staging = root / "originals" / ".incoming"
    staging.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source, tempfile.NamedTemporaryFile(dir=staging, delete=False) as out:
        try:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            # A full disk or an interrupt: no partial copy stays behind in the store.
            os.unlink(out.name)
            raise
    sha = digest.hexdigest()
    name = f"originals/{sha[:2]}/{sha}{path.suffix.lower()}"
    final = root / name
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(out.name)
        else:
            shutil.move(out.name, final)
            final.chmod(0o444)
    except BaseException:
        Path(out.name).unlink(missing_ok=True)
        raise
    return name, sha, size


def create_original(
    *,
    testimony: Testimony,
    source: Path,
    name: str,
    sha: str,
    size: int,
    info: MediaInfo,
    **provenance: Any,
) -> MediaAsset:
    """The row for a stored original: its file, hash and what PyAV found in it."""
    return MediaAsset.objects.create(
        testimony=testimony,
        kind=MediaAsset.Kind.ORIGINAL,
        file=name,
        original_filename=source.name[:500],
        sha256=sha,
        size=size,
        duration=info.duration,
        container=info.container or "",
        audio_codec=info.audio_codec or "",
        video_codec=info.video_codec or "",
        content_type=content_type(source),
        **provenance,
    )


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
    from transcription import pipeline

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
            pipeline.queue(testimony.pk)
    return Ingested(testimony, asset, created=True)
