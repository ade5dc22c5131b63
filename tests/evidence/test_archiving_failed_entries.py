"""A playlist or channel entry that fails for good is skipped, reported, and tried again."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence import provenance
from evidence.capture import archive_url
from evidence.errors import DiskFullError, EntriesFailedError, Failed, NotMediaError
from testimonies.models import MediaAsset, Testimony
from tests.evidence.conftest import Platform

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Relatives speak</title>
<item><title>A sister speaks</title><guid>vid-001</guid>
  <enclosure url="{base}/media/001.mp3" type="audio/mpeg"/></item>
<item><title>Taken down</title><guid>vid-002</guid>
  <enclosure url="{base}/media/002.mp3" type="audio/mpeg"/></item>
<item><title>A son speaks</title><guid>vid-003</guid>
  <enclosure url="{base}/media/003.opus" type="audio/ogg"/></item>
</channel></rss>
"""
PAGE = """<!doctype html>
<html><head><title>Three testimonies</title></head><body>
<audio controls src="one.mp3"></audio>
<audio controls src="two.mp3"></audio>
<video controls src="three.webm"></video>
</body></html>
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _feed_without_its_second_item(site: Platform) -> str:
    """A channel feed of three items whose second one the platform took down (HTTP 404)."""
    (site.root / "media").mkdir()
    shutil.copy(AUDIO / "en.mp3", site.root / "media" / "001.mp3")
    shutil.copy(AUDIO / "ru.opus", site.root / "media" / "003.opus")
    (site.root / "feed.xml").write_text(FEED.format(base=site.base))
    return site.url("feed.xml")


def _archive(url: str) -> tuple[str, str, CommandError]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("archive", url, "--no-queue", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), raised.value


def test_a_taken_down_entry_is_skipped_reported_and_tried_again_next_run(
    video_site: Platform, media_root: Path
) -> None:
    url = _feed_without_its_second_item(video_site)
    gone = video_site.url("media/002.mp3")
    failure = f"{gone} (entry 2 of 3 in {url}, id vid-002): the site answered HTTP 404"

    out, err, error = _archive(url)
    assert error.returncode == 1  # the command exits non-zero
    message = str(error)
    assert message.startswith(f"2 stored, 1 failed: {failure}")
    assert "Run the same command again" in message
    assert "generic-vid-001: new" in out and "generic-vid-003: new" in out
    assert f"failed: {failure}" in out
    assert "2 new testimonies, 0 already archived, 1 failed." in out
    assert "3/3" in err  # the failed entry counts on the overall bar too

    # The entries on both sides of the failed one are stored with their provenance.
    assets = list(MediaAsset.objects.select_related("testimony").order_by("platform_id"))
    assert [(a.platform, a.platform_id) for a in assets] == [
        ("Generic", "vid-001"),
        ("Generic", "vid-003"),
    ]
    for asset, name, index in zip(assets, ("001.mp3", "003.opus"), (1, 3), strict=True):
        assert asset.sha256 == _sha(video_site.root / "media" / name)
        assert _sha(media_root / str(asset.file.name)) == asset.sha256
        assert asset.captured_from == video_site.url(f"media/{name}")
        assert asset.captured_at is not None
        meta = asset.platform_metadata
        assert meta["playlist_webpage_url"] == url
        assert meta["playlist_index"] == index and meta["n_entries"] == 3
        assert meta["downloader"] == "yt-dlp"
    assert [a.testimony.title for a in assets] == ["A sister speaks", "A son speaks"]
    assert not Testimony.objects.filter(title="Taken down").exists()

    # A second run stores nothing twice, asks for the taken-down entry again, and says so.
    stored = {p: len(video_site.asked(p)) for p in ("/media/001.mp3", "/media/003.opus")}
    tried = len(video_site.asked("/media/002.mp3"))
    out, err, error = _archive(url)
    assert str(error).startswith(f"2 stored, 1 failed: {failure}")
    assert "0 new testimonies, 2 already archived, 1 failed." in out
    assert f"failed: {failure}" in out
    assert MediaAsset.objects.count() == 2 and Testimony.objects.count() == 2
    # One request each to see what the entry is; no download.
    assert {p: len(video_site.asked(p)) for p in stored} == {p: n + 1 for p, n in stored.items()}
    assert len(video_site.asked("/media/002.mp3")) > tried

    # Once the entry answers again, the next run archives it and nothing else.
    shutil.copy(AUDIO / "en.webm", video_site.root / "media" / "002.mp3")
    third = io.StringIO()
    call_command("archive", url, "--no-queue", "--no-progress", stdout=third)
    assert "generic-vid-002: new" in third.getvalue()
    assert "1 new testimonies, 2 already archived." in third.getvalue()
    assert MediaAsset.objects.count() == 3


def test_an_entry_that_is_not_media_is_skipped_on_a_playlist_page(
    video_site: Platform, media_root: Path
) -> None:
    shutil.copy(AUDIO / "en.mp3", video_site.root / "one.mp3")
    # Served as audio/mpeg (by its name), but an error page: what a CDN does on a removal.
    (video_site.root / "two.mp3").write_text("Error: this recording was removed.\n" * 40)
    shutil.copy(AUDIO / "en.webm", video_site.root / "three.webm")
    (video_site.root / "page.html").write_text(PAGE)
    url = video_site.url("page.html")

    seen: list[Failed] = []
    with pytest.raises(EntriesFailedError) as raised:
        archive_url(url, queue=False, on_failure=seen.append)
    [failure] = raised.value.failures
    assert seen == [failure]  # reported as it happened, the run went on
    assert isinstance(failure.error, NotMediaError)
    assert failure.url == video_site.url("two.mp3")  # the entry, not the page it is on
    assert (failure.position, failure.total, failure.entry_id) == (2, 3, "page-2")
    assert failure.list_url == url
    assert "not readable media" in str(raised.value)
    assert [(a.asset.platform_id, a.created) for a in raised.value.archived] == [
        ("page-1", True),
        ("page-3", True),
    ]
    assert [a.captured_from for a in MediaAsset.objects.order_by("platform_id")] == [url, url]

    with pytest.raises(EntriesFailedError) as again:
        archive_url(url, queue=False)
    assert [f.entry_id for f in again.value.failures] == ["page-2"]
    assert [a.created for a in again.value.archived] == [False, False]
    assert MediaAsset.objects.count() == 2


def test_the_command_goes_on_after_an_address_that_fails(
    video_site: Platform, media_root: Path
) -> None:
    shutil.copy(AUDIO / "en.mp3", video_site.root / "voice.mp3")
    gone = video_site.url("gone.mp3")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 stored, 1 failed: .*gone\.mp3.*HTTP 404"):
        call_command(
            "archive", gone, video_site.url("voice.mp3"), "--no-queue", "--no-progress", stdout=out
        )
    assert "1 new testimonies, 0 already archived, 1 failed." in out.getvalue()
    assert f"failed: {gone}" in out.getvalue()
    assert [a.platform_id for a in MediaAsset.objects.all()] == ["voice"]


def test_a_full_disk_stops_a_list_at_once(
    video_site: Platform, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _feed_without_its_second_item(video_site)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(provenance.shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 100))
    with pytest.raises(DiskFullError, match="is full"):
        archive_url(url, queue=False)
    assert not video_site.asked("/media/003.opus")  # no entry after it was tried
    assert MediaAsset.objects.count() == 0
