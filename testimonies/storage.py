"""Storage of originals: content-addressed, read-only files under MEDIA_ROOT and their rows."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from testimonies.changes import original_stored
from testimonies.models import MediaAsset, Testimony

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


TYPES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mp3": "audio/mpeg",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
}


def content_type(path: Path, stored: str = "") -> str:
    return (
        stored
        or TYPES.get(path.suffix.lower())
        or (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    )


class ProbedMedia(Protocol):
    """What a media probe found (the engine's MediaInfo has these)."""

    @property
    def duration(self) -> float | None: ...
    @property
    def container(self) -> str | None: ...
    @property
    def audio_codec(self) -> str | None: ...
    @property
    def video_codec(self) -> str | None: ...


def media_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the media files inside the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in MEDIA_SUFFIXES:
                    yield found
        else:
            yield path


def store_original(path: Path, *, folder: str = "originals") -> tuple[str, str, int]:
    """Copy a file under MEDIA_ROOT/<folder>/<sha256[:2]>/<sha256><ext>, read-only, once.

    Returns (name relative to MEDIA_ROOT, sha256, size). The copy is hashed while it is
    written and only then renamed into place, so a crash never leaves a partial original.
    Public copies of videos go to the folder "copies", away from the originals.
    """
    root = Path(settings.MEDIA_ROOT)
    staging = root / folder / ".incoming"
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
    name = f"{folder}/{sha[:2]}/{sha}{path.suffix.lower()}"
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
    info: ProbedMedia,
    **provenance: Any,
) -> MediaAsset:
    """The row for a stored original: its file, hash and what PyAV found in it."""
    asset = MediaAsset.objects.create(
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
    original_stored.send(sender=MediaAsset, asset_id=asset.pk)
    return asset


def create_public_copy(
    *, original: MediaAsset, path: Path, duration: float | None, audio_codec: str | None
) -> MediaAsset:
    """Store a rendered public copy (H.264 in MP4) as a new asset derived from the original;
    the original's file and row are not touched."""
    name, sha, size = store_original(path, folder="copies")
    return MediaAsset.objects.create(
        testimony_id=original.testimony_id,
        kind=MediaAsset.Kind.PUBLIC_COPY,
        derived_from=original,
        file=name,
        original_filename=f"{Path(original.original_filename or 'video').stem}-public.mp4"[:500],
        sha256=sha,
        size=size,
        duration=duration,
        container="mp4",
        audio_codec=audio_codec or "",
        video_codec="h264",
        content_type="video/mp4",
    )
