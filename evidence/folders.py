"""Archive a folder of files yt-dlp downloaded earlier, each with its .info.json."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yt_dlp
from django.utils import timezone

from evidence.capture import DOWNLOADER, downloader_version
from evidence.errors import MissingInfoError
from evidence.provenance import Archived, record
from testimonies.models import Visibility
from testimonies.storage import MEDIA_SUFFIXES


def _media_beside(info_json: Path, info: dict[str, Any]) -> Path | None:
    stem = info_json.name.removesuffix(".info.json")
    named = info.get("_filename") or info.get("filename")
    candidates: list[Path] = []
    if isinstance(named, str):
        candidates.append(info_json.parent / Path(named).name)
    candidates += [info_json.with_name(stem + suffix) for suffix in sorted(MEDIA_SUFFIXES)]
    return next((c for c in candidates if c.is_file()), None)


def archive_folder(
    folder: Path,
    *,
    language: str = "",
    visibility: str = Visibility.DRAFT,
    queue: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> list[Archived]:
    """Import files yt-dlp already downloaded (media + `<name>.info.json`), without network."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingInfoError(f"{folder}: not a folder. Give the folder yt-dlp downloaded into.")
    pairs: list[tuple[Path, Path, dict[str, Any]]] = []
    for info_json in sorted(folder.rglob("*.info.json")):
        try:
            info = json.loads(info_json.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MissingInfoError(
                f"{info_json}: not a readable yt-dlp info file ({exc}). Remove it or "
                "download its video again with --write-info-json."
            ) from exc
        if not isinstance(info, dict) or info.get("_type", "video") != "video":
            continue  # playlist and channel info files describe no single file
        media = _media_beside(info_json, info)
        if media is None:
            raise MissingInfoError(
                f"{info_json}: no media file beside it. Put the downloaded file next to its "
                ".info.json (same name), or download it again."
            )
        pairs.append((info_json, media, info))
    if not pairs:
        raise MissingInfoError(
            f"{folder}: no <name>.info.json files. Download with yt-dlp --write-info-json, "
            "or use `manage.py ingest` for files without their platform metadata."
        )
    results: list[Archived] = []
    for _info_json, media, info in pairs:
        meta = yt_dlp.YoutubeDL.sanitize_info(info, remove_private_keys=True)
        meta = json.loads(json.dumps(meta, default=str))
        version = info.get("_version")
        meta["downloader"] = DOWNLOADER
        meta["downloader_version"] = (
            str(version.get("version", "")) if isinstance(version, dict) else "unknown"
        )
        meta["imported_from_folder"] = True
        meta["importer_version"] = downloader_version()
        epoch = info.get("epoch")
        captured_at = (
            dt.datetime.fromtimestamp(float(epoch), tz=dt.UTC)
            if isinstance(epoch, int | float)
            else timezone.now()
        )
        source = str(info.get("webpage_url") or info.get("original_url") or "")
        results.append(
            record(
                media,
                meta,
                captured_from=source,
                captured_at=captured_at,
                language=language,
                visibility=visibility,
                queue=queue,
            )
        )
        if progress is not None:
            progress(media)
    return results
