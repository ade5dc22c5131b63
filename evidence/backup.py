"""Whole-archive backups: data as JSON Lines, media files, a SHA-256 manifest; and checks."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from testimonies.changes import changed
from testimonies.models import MediaAsset, Testimony

MANIFEST = "MANIFEST.sha256"
DATA = "data/archive.jsonl"
# Everything needed to restore exactly: the archive, its audit trail, roles and accounts.
APPS = ["testimonies", "auth.group", "auth.user", "authtoken"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the stored media is not what it should be; the message says what."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            yield path


def export_archive(target: Path, *, progress: Callable[[str], object] | None = None) -> int:
    """Write data, media and a manifest (`sha256sum -c` reads it) into an empty folder."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; export into a new folder.")
    (target / "data").mkdir(parents=True, exist_ok=True)
    call_command(
        "dumpdata",
        *APPS,
        # Search's bookkeeping, not the archive's: a restore indexes every testimony anyway.
        exclude=["testimonies.IndexChange"],
        format="jsonl",
        output=str(target / DATA),
        verbosity=0,
        natural_foreign=True,
    )
    media_root = Path(settings.MEDIA_ROOT)
    for asset in MediaAsset.objects.order_by("pk").iterator():
        name = str(asset.file.name)
        source = media_root / name
        if not source.is_file():
            raise BackupError(
                f"media file {name} of testimony {asset.testimony_id} is missing; "
                "run `manage.py verify_media` and restore it before exporting."
            )
        copy = target / "media" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        if progress:
            progress(name)
    lines = [f"{sha256_of(p)}  {p.relative_to(target).as_posix()}" for p in _files(target)]
    (target / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def check_manifest(source: Path) -> list[str]:
    """Problems with a backup folder: files missing, changed, or not in the manifest."""
    manifest = source / MANIFEST
    if not manifest.is_file():
        return [f"{manifest} is missing: this is not a complete backup"]
    expected: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    problems = []
    present = {p.relative_to(source).as_posix() for p in _files(source)}
    for name, digest in expected.items():
        path = source / name
        if name not in present:
            problems.append(f"{name}: missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    problems += [f"{name}: not in the manifest" for name in sorted(present - set(expected))]
    return problems


def import_archive(source: Path) -> int:
    """Restore a backup into an empty install, after checking every file against the
    manifest; then rebuild the search indexes. Returns the number of testimonies."""
    problems = check_manifest(source)
    if problems:
        raise BackupError(
            f"{source} does not match its manifest; nothing was imported:\n  "
            + "\n  ".join(problems[:50])
        )
    if Testimony.objects.exists():
        raise BackupError("This install already holds testimonies; restore into an empty one.")
    media_root = Path(settings.MEDIA_ROOT)
    copied: list[Path] = []
    try:
        with transaction.atomic():
            call_command("loaddata", str(source / DATA), verbosity=0)
            for path in _files(source / "media") if (source / "media").exists() else []:
                relative = path.relative_to(source / "media")
                destination = media_root / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                if not destination.exists():
                    shutil.copy2(path, destination)
                    destination.chmod(0o444)
                    copied.append(destination)
            bad = verify_media()
            if bad.problems:
                raise BackupError(
                    "restored media do not match the database: " + "; ".join(bad.problems[:20])
                )
    except Exception:
        for path in copied:  # nothing half-restored stays behind
            path.chmod(0o644)
            path.unlink(missing_ok=True)
        raise
    # Search builds its documents for every restored testimony before this returns.
    changed(Testimony.objects.values_list("pk", flat=True), now=True)
    return Testimony.objects.count()


@dataclass
class MediaReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def verify_media(*, progress: Callable[[int], object] | None = None) -> MediaReport:
    """Re-hash every stored media file against the SHA-256 recorded when it was archived."""
    report = MediaReport()
    media_root = Path(settings.MEDIA_ROOT)
    for asset in MediaAsset.objects.select_related("testimony").order_by("pk").iterator():
        path = media_root / str(asset.file.name)
        where = f"{asset.testimony.external_id} ({asset.file.name})"
        if not path.is_file():
            report.problems.append(f"{where}: file missing")
        elif sha256_of(path) != asset.sha256:
            report.problems.append(f"{where}: SHA-256 differs from the one recorded")
        report.checked += 1
        if progress:
            progress(1)
    return report
