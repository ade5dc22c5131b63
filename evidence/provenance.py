"""Store one captured file as an original testimony with where, when and how it was captured."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from evidence.errors import NotMediaError, disk_full
from names.dates import Precision
from testimonies.models import MediaAsset, SourceCheck, Testimony, Visibility
from testimonies.storage import CHUNK, create_original, store_original
from transcription import tasks as transcription_tasks
from transcription.engine.audio import probe_media
from transcription.engine.errors import EngineError

logger = logging.getLogger(__name__)

# Extractors whose id is only a file or page name: the address is part of the identity.
_NAMED_BY_ADDRESS = {"generic", "html5mediaembed"}


@dataclass
class Archived:
    testimony: Testimony
    asset: MediaAsset
    created: bool  # a new testimony
    # Same platform id, different bytes: a second original on the existing testimony.
    new_version: bool = False
    # Archived earlier, and the platform no longer serves it (removed, private…): the first
    # check of its current run of gone states, as the takedown report shows it.
    gone: SourceCheck | None = None


def external_id_for(platform: str, platform_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._:-]", "-", f"{platform}-{platform_id}".lower())[:100]


def find_archived(platform: str, platform_id: str, source: str) -> MediaAsset | None:
    """The first original archived from this platform id (and address, where it counts)."""
    if not platform or not platform_id:
        return None
    found = MediaAsset.objects.filter(
        platform=platform, platform_id=platform_id, kind=MediaAsset.Kind.ORIGINAL
    )
    if platform.lower() in _NAMED_BY_ADDRESS:
        # These extractors name a file by its basename (or a page's name and a number): the
        # same id on two hosts is two recordings, so the address is part of the identity.
        found = found.filter(captured_from=source)
    return found.select_related("testimony").order_by("pk").first()


def clip(value: Any, limit: int) -> str:
    """A metadata value as text for a field of `limit` characters ('' when missing)."""
    return str(value)[:limit] if value not in (None, "") else ""


def _same_bytes(path: Path, asset: MediaAsset) -> bool:
    if path.stat().st_size != asset.size:
        return False
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == asset.sha256


def _published(meta: dict[str, Any]) -> dt.date | None:
    raw = meta.get("upload_date")
    if not isinstance(raw, str) or not re.fullmatch(r"\d{8}", raw):
        return None
    try:
        return dt.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        return None


def _check_space(path: Path, source: str) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    needed = path.stat().st_size
    free = shutil.disk_usage(root).free
    if free < needed:
        raise disk_full(source)


def record(
    path: Path,
    meta: dict[str, Any],
    *,
    captured_from: str,
    captured_at: dt.datetime,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
) -> Archived:
    """Store one downloaded file and its provenance; an archived one is returned as it is.

    `meta` is the sanitised info dict as captured (JSON-safe). The file is stored first;
    the rows are written in one transaction afterwards, so a failure leaves no half row.
    A video already archived whose bytes have changed (the platform re-encoded or edited
    it) is stored as a second original of the same testimony; the first is never touched.
    """
    platform = clip(meta.get("extractor_key") or meta.get("ie_key"), 50)
    platform_id = clip(meta.get("id"), 200)
    source = captured_from or str(path)
    existing = find_archived(platform, platform_id, captured_from)
    if existing is not None and _same_bytes(path, existing):
        return Archived(existing.testimony, existing, created=False)
    try:
        media = probe_media(path)
    except EngineError as exc:
        raise NotMediaError(
            f"{source}: the downloaded file {path.name} is not readable media ({exc}). "
            "Check the URL in a browser; the site may have served an error page."
        ) from exc
    _check_space(path, source)
    try:
        name, sha, size = store_original(path)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(source) from exc
        raise
    same = MediaAsset.objects.filter(sha256=sha).select_related("testimony").order_by("pk").first()
    if same is not None:
        return Archived(same.testimony, same, created=False)
    store = functools.partial(
        create_original,
        source=path,
        name=name,
        sha=sha,
        size=size,
        info=media,
        captured_at=captured_at,
        captured_from=captured_from[:1000],
        platform=platform,
        platform_id=platform_id,
    )
    if existing is not None:
        # Not queued: the testimony's transcript follows its first original.
        asset = store(
            testimony=existing.testimony,
            platform_metadata={**meta, "previous_sha256": existing.sha256},
        )
        logger.warning(
            "%s: %s %s changed since it was archived (sha256 %s, now %s); stored as a new "
            "version of %s, the earlier original is kept.",
            source,
            platform,
            platform_id,
            existing.sha256[:12],
            sha[:12],
            existing.testimony.external_id,
        )
        return Archived(existing.testimony, asset, created=False, new_version=True)
    external_id = external_id_for(platform or "file", platform_id or sha[:16])
    if Testimony.objects.filter(external_id=external_id).exists():
        external_id = f"{external_id[:91]}-{sha[:8]}"
    published = _published(meta)
    with transaction.atomic():
        testimony = Testimony.objects.create(
            external_id=external_id,
            title=clip(meta.get("title") or path.stem, 500),
            description=clip(meta.get("description"), 100_000),
            language=language,
            languages=[language] if language else [],
            visibility=visibility,
            published_on=published,
            published_precision=Precision.DAY,
            source_platform=platform,
            source_url=captured_from[:1000],
        )
        asset = store(testimony=testimony, platform_metadata=meta)
        if queue:
            transcription_tasks.queue(testimony.pk)
    return Archived(testimony, asset, created=True)
