"""Backups restore exactly; media integrity is checked; a damaged backup imports nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from evidence.backup import sha256_of
from search.query import SearchParams, search_segments
from testimonies.demo import DEMO
from testimonies.importing import import_file
from testimonies.models import MediaAsset, Person, Place, Segment, Testimony
from tests.web.conftest import write_tone
from transcription.ingest import ingest_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(meili: Any, settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    import_file(DEMO)
    ingest_file(write_tone(tmp_path / "voice.wav", 2.0), language="kk", queue=False)
    return tmp_path


def _empty_install() -> None:
    """What a fresh install holds: migrations' rows (roles), no archive data, no accounts.

    (`flush` cannot run inside the test's transaction on PostgreSQL.)"""
    from django.apps import apps

    MediaAsset.objects.all().delete()
    for model in apps.get_app_config("testimonies").get_models():
        model.objects.all().delete()  # type: ignore[attr-defined]
    Token.objects.all().delete()
    User.objects.all().delete()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Testimony, Segment, Person, Place, MediaAsset)
    }


def test_export_then_import_into_an_empty_install_restores_everything(archive: Path, settings: Any):
    before = _counts()
    hashes = sorted(MediaAsset.objects.values_list("sha256", flat=True))
    call_command("export_archive", str(archive / "backup"), "--no-progress")
    assert (archive / "backup" / "MANIFEST.sha256").is_file()

    _empty_install()  # a fresh database...
    settings.MEDIA_ROOT = str(archive / "fresh-media")  # ...and a fresh media root
    assert Testimony.objects.count() == 0

    call_command("import_archive", str(archive / "backup"))

    assert _counts() == before
    restored = [
        sha256_of(Path(settings.MEDIA_ROOT) / str(a.file.name)) for a in MediaAsset.objects.all()
    ]
    assert sorted(restored) == hashes
    assert search_segments(SearchParams(q="Erlan Kabyl")).hits
    call_command("verify_media", "--no-progress")


def test_a_backup_whose_file_changed_imports_nothing(archive: Path):
    call_command("export_archive", str(archive / "backup"), "--no-progress")
    data = archive / "backup" / "data" / "archive.jsonl"
    data.write_text(data.read_text().replace("Ерлан", "Ерлaн", 1))
    _empty_install()
    with pytest.raises(CommandError, match=r"data/archive\.jsonl: SHA-256 differs"):
        call_command("import_archive", str(archive / "backup"))
    assert Testimony.objects.count() == 0


def test_verify_media_reports_a_changed_and_a_missing_file(archive: Path, capsys: Any):
    asset = MediaAsset.objects.get()
    path = Path(asset.file.path)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="1 of 1 media files"):
        call_command("verify_media", "--no-progress")
    assert "SHA-256 differs" in capsys.readouterr().err
    path.unlink()
    with pytest.raises(CommandError):
        call_command("verify_media", "--no-progress")
    assert "file missing" in capsys.readouterr().err
