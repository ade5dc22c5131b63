"""Archiving from video platforms: yt-dlp against a local HTTP server, no internet."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
import stat
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yt_dlp
from django.core.management import CommandError, call_command

from evidence.capture import archive_url, parse_rate
from evidence.errors import (
    ArchiveError,
    MissingInfoError,
    UnreachableError,
    UnsupportedSiteError,
)
from evidence.provenance import external_id_for
from testimonies.models import MediaAsset, Testimony

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A folder served over HTTP on 127.0.0.1 (base URL, folder), with voice.mp3 in it."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(AUDIO / "en.mp3", root / "voice.mp3")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db
def test_archive_url_records_provenance(served: tuple[str, Path], media_root: Path) -> None:
    base, root = served
    url = f"{base}/voice.mp3"
    seen: list[str] = []
    [item] = archive_url(
        url, language="en", queue=False, progress=lambda d: seen.append(d["status"])
    )
    assert item.created
    asset, testimony = item.asset, item.testimony
    assert asset.platform == "Generic"
    assert asset.platform_id == "voice"
    assert asset.captured_from == url
    assert asset.captured_at is not None
    assert asset.sha256 == _sha(root / "voice.mp3")
    assert asset.size == (root / "voice.mp3").stat().st_size
    assert asset.duration and asset.duration > 1
    assert asset.container == "mp3"
    assert asset.kind == MediaAsset.Kind.ORIGINAL
    meta = asset.platform_metadata
    assert meta["downloader"] == "yt-dlp"
    assert meta["downloader_version"] == yt_dlp.version.__version__
    assert meta["id"] == "voice"
    assert meta["webpage_url"] == url
    assert not any(key.startswith("_") and key != "_type" and key != "_version" for key in meta)
    assert "filepath" not in meta  # no local paths in the provenance
    assert testimony.external_id == "generic-voice"
    assert testimony.source_platform == "Generic"
    assert testimony.source_url == url
    assert testimony.language == "en"
    assert testimony.visibility == "draft"
    assert testimony.status == Testimony.Status.NEW  # queue=False
    name = str(asset.file.name)
    stored = media_root / name
    assert name.startswith(f"originals/{asset.sha256[:2]}/")
    assert _sha(stored) == asset.sha256
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert "finished" in seen  # the progress hook was fed
    # The staging copy is gone once stored; nothing is left to resume.
    staging = media_root / "archive-staging"
    assert not any(p.is_file() for p in staging.rglob("*"))


@pytest.mark.django_db
def test_rearchiving_returns_the_existing_testimony(
    served: tuple[str, Path], media_root: Path
) -> None:
    base, _root = served
    first = archive_url(f"{base}/voice.mp3", queue=False)
    again = archive_url(f"{base}/voice.mp3", queue=False)
    assert [a.created for a in first] == [True]
    assert [a.created for a in again] == [False]
    assert again[0].testimony.pk == first[0].testimony.pk
    assert Testimony.objects.count() == 1
    assert MediaAsset.objects.count() == 1


@pytest.mark.django_db
def test_same_file_at_another_address_is_not_stored_twice(
    served: tuple[str, Path], media_root: Path
) -> None:
    base, root = served
    shutil.copy(root / "voice.mp3", root / "copy.mp3")
    [first] = archive_url(f"{base}/voice.mp3", queue=False)
    [second] = archive_url(f"{base}/copy.mp3", queue=False)
    assert not second.created
    assert second.testimony.pk == first.testimony.pk
    assert Testimony.objects.count() == 1


@pytest.mark.django_db
def test_queue_marks_the_testimony_queued(served: tuple[str, Path], media_root: Path) -> None:
    base, _root = served
    [item] = archive_url(f"{base}/voice.mp3", queue=True)
    item.testimony.refresh_from_db()
    assert item.testimony.status == Testimony.Status.QUEUED


@pytest.mark.django_db
def test_missing_url_is_a_clear_error_and_creates_nothing(
    served: tuple[str, Path], media_root: Path
) -> None:
    base, _root = served
    url = f"{base}/gone.mp3"
    with pytest.raises(UnreachableError, match="404") as raised:
        archive_url(url, queue=False)
    assert url in str(raised.value)
    assert Testimony.objects.count() == 0
    assert MediaAsset.objects.count() == 0
    assert not list((media_root / "originals").rglob("*.mp3"))


@pytest.mark.django_db
def test_unreachable_host_is_a_clear_error(media_root: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UnreachableError, match="could not be reached"):
        archive_url(f"http://127.0.0.1:{port}/voice.mp3", queue=False)
    assert Testimony.objects.count() == 0


@pytest.mark.django_db
def test_page_without_video_is_unsupported(served: tuple[str, Path], media_root: Path) -> None:
    base, root = served
    (root / "page.html").write_text("<html><body>No video here.</body></html>")
    with pytest.raises(UnsupportedSiteError, match="--from-folder"):
        archive_url(f"{base}/page.html", queue=False)
    assert Testimony.objects.count() == 0


@pytest.mark.django_db
def test_command_archives_and_summarises(served: tuple[str, Path], media_root: Path) -> None:
    base, _root = served
    out = io.StringIO()
    call_command(
        "archive",
        f"{base}/voice.mp3",
        "--no-queue",
        "--no-progress",
        "--language",
        "kk",
        "--rate-limit",
        "10M",
        stdout=out,
    )
    assert "1 new testimonies, 0 already archived" in out.getvalue()
    testimony = Testimony.objects.get()
    assert testimony.language == "kk"
    out = io.StringIO()
    call_command("archive", f"{base}/voice.mp3", "--no-queue", "--no-progress", stdout=out)
    assert "0 new testimonies, 1 already archived" in out.getvalue()
    assert Testimony.objects.count() == 1


@pytest.mark.django_db
def test_command_404_is_a_command_error(served: tuple[str, Path], media_root: Path) -> None:
    base, _root = served
    with pytest.raises(CommandError, match=r"gone\.mp3.*HTTP 404"):
        call_command("archive", f"{base}/gone.mp3", "--no-queue", "--no-progress")
    assert Testimony.objects.count() == 0


def test_command_needs_a_url_or_folder() -> None:
    with pytest.raises(CommandError, match="URL"):
        call_command("archive", "--no-progress")


@pytest.mark.django_db
def test_from_folder_imports_info_json(tmp_path: Path, media_root: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    media = folder / "Testimony of Erlan [abc123XYZ_-].wav"
    shutil.copy(AUDIO / "en.wav", media)
    info = {
        "id": "abc123XYZ_-",
        "title": "Testimony of Erlan",
        "description": "A brother speaks.",
        "uploader": "Atajurt Kazakh Human Rights",
        "upload_date": "20190314",
        "epoch": 1700000000,
        "extractor": "youtube",
        "extractor_key": "Youtube",
        "webpage_url": "https://www.youtube.com/watch?v=abc123XYZ_-",
        "_type": "video",
        "_version": {"version": "2024.01.01"},
        "_filename": str(media),
    }
    media.with_name(media.stem + ".info.json").write_text(json.dumps(info))
    out = io.StringIO()
    call_command("archive", "--from-folder", str(folder), "--no-queue", "--no-progress", stdout=out)
    assert "1 new testimonies" in out.getvalue()
    asset = MediaAsset.objects.select_related("testimony").get()
    testimony = asset.testimony
    assert asset.platform == "Youtube"
    assert asset.platform_id == "abc123XYZ_-"
    assert asset.captured_from == info["webpage_url"]
    assert asset.captured_at is not None and int(asset.captured_at.timestamp()) == 1700000000
    assert asset.sha256 == _sha(AUDIO / "en.wav")
    assert asset.platform_metadata["uploader"] == "Atajurt Kazakh Human Rights"
    assert asset.platform_metadata["downloader_version"] == "2024.01.01"
    assert "_filename" not in asset.platform_metadata
    assert testimony.title == "Testimony of Erlan"
    assert testimony.description == "A brother speaks."
    assert testimony.external_id == "youtube-abc123xyz_-"
    assert str(testimony.published_on) == "2019-03-14"
    assert testimony.source_url == info["webpage_url"]
    assert media.exists()  # the folder is read, never changed
    # Importing the folder again finds the same video.
    call_command("archive", "--from-folder", str(folder), "--no-queue", "--no-progress")
    assert Testimony.objects.count() == 1


@pytest.mark.django_db
def test_from_folder_without_info_files_is_a_clear_error(tmp_path: Path, media_root: Path) -> None:
    shutil.copy(AUDIO / "en.wav", tmp_path / "lonely.wav")
    with pytest.raises(CommandError, match=r"info\.json"):
        call_command("archive", "--from-folder", str(tmp_path), "--no-progress")
    assert Testimony.objects.count() == 0


def test_rate_and_external_id_helpers() -> None:
    assert parse_rate("1M") == 1024 * 1024
    assert parse_rate(None) is None
    with pytest.raises(ArchiveError):
        parse_rate("fast")
    assert external_id_for("Youtube", "a b/c?") == "youtube-a-b-c-"
    assert MissingInfoError.__mro__[1] is ArchiveError


@pytest.mark.django_db
def test_leftover_partial_download_is_resumed_or_restarted_never_stored_half(
    served: tuple[str, Path], media_root: Path
) -> None:
    """A .part left by a cut-off run sits at the stable staging path; the next run completes
    it (this test server ignores Range, so yt-dlp starts over) and stores the whole file."""
    base, root = served
    url = f"{base}/voice.mp3"
    whole = (root / "voice.mp3").read_bytes()
    staging = media_root / "archive-staging" / hashlib.sha256(url.encode()).hexdigest()[:16]
    staging.mkdir(parents=True)
    (staging / "Generic-voice.mp3.part").write_bytes(whole[: len(whole) // 2])
    [item] = archive_url(url, queue=False)
    assert item.asset.size == len(whole)
    assert item.asset.sha256 == hashlib.sha256(whole).hexdigest()
    assert not (staging / "Generic-voice.mp3.part").exists()
