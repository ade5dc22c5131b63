"""Archiving when things go wrong: a cut connection, a full disk, an error page, changed bytes."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import stat
from collections import namedtuple
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence import provenance
from evidence.capture import archive_url
from evidence.errors import DiskFullError, DownloadInterruptedError, NotMediaError
from evidence.folders import archive_folder
from testimonies.models import MediaAsset, Testimony
from tests.evidence.conftest import Platform

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _staging(media_root: Path, url: str) -> Path:
    return media_root / "archive-staging" / hashlib.sha256(url.encode()).hexdigest()[:16]


def _store_files(media_root: Path) -> list[Path]:
    return [p for p in (media_root / "originals").rglob("*") if p.is_file()]


def test_a_cut_download_resumes_from_the_partial_file(
    video_site: Platform, media_root: Path
) -> None:
    whole = (AUDIO / "en.wav").read_bytes()
    (video_site.root / "voice.wav").write_bytes(whole)
    url = video_site.url("voice.wav")
    video_site.cut["/voice.wav"] = len(whole) // 2  # every answer stops halfway

    with pytest.raises(DownloadInterruptedError, match="resumes"):
        archive_url(url, queue=False)
    part = _staging(media_root, url) / "Generic-voice.wav.part"
    kept = part.stat().st_size
    assert 0 < kept <= len(whole) // 2
    assert part.read_bytes() == whole[:kept]
    assert MediaAsset.objects.count() == 0 and not _store_files(media_root)

    del video_site.cut["/voice.wav"]
    video_site.requests.clear()
    [item] = archive_url(url, queue=False)

    ranged = [r for r in video_site.asked("/voice.wav") if r.range]
    assert [r.range for r in ranged] == [f"bytes={kept}-"]
    assert ranged[0].sent == len(whole) - kept  # only the missing bytes crossed the wire
    assert item.asset.sha256 == _sha(whole)
    assert (media_root / str(item.asset.file.name)).read_bytes() == whole
    assert not part.exists()


def _no_space_for_originals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the original is copied into the store (ENOSPC at fsync, as on a
    filesystem that allocates late); every other write succeeds."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if "/originals/.incoming/" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_disk_while_storing_leaves_nothing_half_written(
    video_site: Platform, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(AUDIO / "en.mp3", video_site.root / "voice.mp3")
    url = video_site.url("voice.mp3")
    with monkeypatch.context() as patched:
        _no_space_for_originals(patched)
        with pytest.raises(DiskFullError) as raised:
            archive_url(url, queue=False)
    message = str(raised.value)
    assert url in message and "is full" in message and "Free space" in message
    assert "run the same command again" in message
    assert Testimony.objects.count() == 0 and MediaAsset.objects.count() == 0
    assert not _store_files(media_root)  # no partial original, not even in .incoming
    # The finished download waits in staging: the next run stores it without downloading.
    assert (_staging(media_root, url) / "Generic-voice.mp3").is_file()
    downloads = len(video_site.asked("/voice.mp3"))

    [item] = archive_url(url, queue=False)
    assert item.created and item.asset.sha256 == _sha((video_site.root / "voice.mp3").read_bytes())
    assert len(video_site.asked("/voice.mp3")) == downloads + 1  # the extractor's look only


def test_a_full_disk_before_storing_is_a_clear_command_error(
    video_site: Platform, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(AUDIO / "en.mp3", video_site.root / "voice.mp3")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(provenance.shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 100))
    with pytest.raises(CommandError, match=r"voice\.mp3: the disk holding .* is full\. Free space"):
        call_command("archive", video_site.url("voice.mp3"), "--no-queue", "--no-progress")
    assert Testimony.objects.count() == 0 and MediaAsset.objects.count() == 0
    assert not _store_files(media_root)


def test_an_error_page_served_as_video_is_refused_and_fetched_afresh_next_time(
    video_site: Platform, media_root: Path
) -> None:
    page = b"<html><body><h1>429 Too Many Requests</h1>Try again later.</body></html>\n" * 40
    # Served as video/mp4 (by its name) but not HTML-sniffed: what a CDN does on an error.
    (video_site.root / "clip.mp4").write_bytes(b"Error " + page)
    url = video_site.url("clip.mp4")
    with pytest.raises(NotMediaError) as raised:
        archive_url(url, queue=False)
    message = str(raised.value)
    assert url in message and "not readable media" in message and "error page" in message
    assert Testimony.objects.count() == 0 and MediaAsset.objects.count() == 0
    assert not _store_files(media_root)
    assert not _staging(media_root, url).exists()  # nothing kept to "resume"

    shutil.copy(AUDIO / "en_video.mp4", video_site.root / "clip.mp4")
    [item] = archive_url(url, queue=False)
    assert item.asset.sha256 == _sha((AUDIO / "en_video.mp4").read_bytes())
    assert item.asset.video_codec


def test_a_text_file_is_a_clear_command_error(video_site: Platform, media_root: Path) -> None:
    (video_site.root / "notes.txt").write_text("Not a recording.\n" * 100)
    with pytest.raises(CommandError, match=r"notes\.txt.*not readable media"):
        call_command("archive", video_site.url("notes.txt"), "--no-queue", "--no-progress")
    assert Testimony.objects.count() == 0 and not _store_files(media_root)


def test_changed_bytes_for_an_archived_video_become_a_new_version_never_an_overwrite(
    video_site: Platform, media_root: Path, tmp_path: Path
) -> None:
    shutil.copy(AUDIO / "en.mp3", video_site.root / "voice.mp3")
    url = video_site.url("voice.mp3")
    [first] = archive_url(url, queue=False)
    original = media_root / str(first.asset.file.name)
    before = original.read_bytes()

    # The same video (extractor, id and address) downloaded again later, re-encoded.
    folder = tmp_path / "later"
    folder.mkdir()
    shutil.copy(AUDIO / "en.webm", folder / "Generic-voice.webm")
    info = {
        **first.asset.platform_metadata,
        "ext": "webm",
        "epoch": 1800000000,
        "_filename": "Generic-voice.webm",
    }
    (folder / "Generic-voice.info.json").write_text(json.dumps(info))
    out = io.StringIO()
    call_command("archive", "--from-folder", str(folder), "--no-queue", "--no-progress", stdout=out)

    assert "new version" in out.getvalue() and "earlier original is kept" in out.getvalue()
    assert "0 new testimonies, 0 already archived, 1 new versions" in out.getvalue()
    assert Testimony.objects.count() == 1
    old, new = MediaAsset.objects.order_by("pk")
    assert old.pk == first.asset.pk and old.sha256 == first.asset.sha256
    assert original.read_bytes() == before  # the first original is untouched
    assert not original.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert new.testimony_id == old.testimony_id
    assert new.kind == MediaAsset.Kind.ORIGINAL
    assert new.sha256 == _sha((AUDIO / "en.webm").read_bytes())
    assert new.platform_metadata["previous_sha256"] == old.sha256
    assert (media_root / str(new.file.name)).read_bytes() == (AUDIO / "en.webm").read_bytes()

    # The same changed file again is "already archived", not a third version.
    [again] = archive_folder(folder, queue=False)
    assert not again.created and not again.new_version and again.asset.pk == new.pk
    assert MediaAsset.objects.count() == 2
