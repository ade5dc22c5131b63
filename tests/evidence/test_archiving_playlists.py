"""Archiving playlists and channels: every entry, its provenance, dedupe, progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.capture import archive_url
from evidence.errors import EntriesFailedError, UnreachableError
from testimonies.models import MediaAsset, Testimony
from tests.evidence.conftest import Platform

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db

# The generic extractor reads a page with several <audio>/<video> elements as a playlist.
PAGE = """<!doctype html>
<html><head><title>Three testimonies</title></head><body>
<h1>Three testimonies</h1>
<audio controls src="one.mp3"></audio>
<audio controls><source src="two.opus" type="audio/ogg"></audio>
<video controls src="three.webm"></video>
</body></html>
"""
# A channel's feed: RSS items with their own ids (guid), titles and dates.
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Relatives speak</title>
<item><title>A sister speaks</title><guid>vid-001</guid>
  <pubDate>Tue, 12 Mar 2019 10:00:00 GMT</pubDate>
  <enclosure url="{base}/media/001.mp3" type="audio/mpeg"/></item>
<item><title>A son speaks</title><guid>vid-002</guid>
  <pubDate>Wed, 13 Mar 2019 10:00:00 GMT</pubDate>
  <enclosure url="{base}/media/002.opus" type="audio/ogg"/></item>
</channel></rss>
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page(site: Platform) -> str:
    shutil.copy(AUDIO / "en.mp3", site.root / "one.mp3")
    shutil.copy(AUDIO / "ru.opus", site.root / "two.opus")
    shutil.copy(AUDIO / "en.webm", site.root / "three.webm")
    (site.root / "page.html").write_text(PAGE)
    return site.url("page.html")


def _feed(site: Platform) -> str:
    (site.root / "media").mkdir()
    shutil.copy(AUDIO / "en.mp3", site.root / "media" / "001.mp3")
    shutil.copy(AUDIO / "ru.opus", site.root / "media" / "002.opus")
    (site.root / "feed.xml").write_text(FEED.format(base=site.base))
    return site.url("feed.xml")


def test_every_entry_of_a_playlist_page_is_archived_with_its_provenance(
    video_site: Platform, media_root: Path
) -> None:
    url = _page(video_site)
    out, err = io.StringIO(), io.StringIO()
    call_command("archive", url, "--no-queue", stdout=out, stderr=err)

    assets = list(MediaAsset.objects.select_related("testimony").order_by("platform_id"))
    assert [(a.platform, a.platform_id) for a in assets] == [
        ("HTML5MediaEmbed", "page-1"),
        ("HTML5MediaEmbed", "page-2"),
        ("HTML5MediaEmbed", "page-3"),
    ]
    sources = ["one.mp3", "two.opus", "three.webm"]
    for asset, source in zip(assets, sources, strict=True):
        assert asset.sha256 == _sha(video_site.root / source)
        assert _sha(media_root / str(asset.file.name)) == asset.sha256
        assert asset.captured_from == url  # the page the recording was published on
        assert asset.captured_at is not None
        meta = asset.platform_metadata
        assert meta["playlist_webpage_url"] == url
        assert meta["n_entries"] == 3
        assert meta["downloader"] == "yt-dlp"
        assert asset.testimony.source_url == url
    assert Testimony.objects.count() == 3
    assert len({a.testimony.external_id for a in assets}) == 3
    assert "3 new testimonies, 0 already archived" in out.getvalue()

    progress = err.getvalue()
    for name in ("page-1.mp3", "page-2.ogg", "page-3.webm"):
        assert name in progress  # one bar per file
    assert "overall" in progress and "3/3" in progress  # and one for the whole list
    # Nothing is left to resume, and no playlist file was written beside the entries.
    assert not [p for p in (media_root / "archive-staging").rglob("*") if p.is_file()]


def test_a_second_run_of_a_playlist_downloads_nothing_again(
    video_site: Platform, media_root: Path
) -> None:
    url = _page(video_site)
    first = archive_url(url, queue=False)
    media = ["/one.mp3", "/two.opus", "/three.webm"]
    assert [len(video_site.asked(path)) for path in media] == [1, 1, 1]

    counted: list[tuple[str, int | None]] = []
    again = archive_url(
        url, queue=False, on_item=lambda a, n: counted.append((a.asset.platform_id, n))
    )
    assert [a.created for a in first] == [True, True, True]
    assert [a.created for a in again] == [False, False, False]
    assert [a.asset.pk for a in again] == [a.asset.pk for a in first]
    assert [len(video_site.asked(path)) for path in media] == [1, 1, 1]  # no second download
    assert counted == [("page-1", 3), ("page-2", 3), ("page-3", 3)]  # progress still moves
    assert MediaAsset.objects.count() == 3

    out, err = io.StringIO(), io.StringIO()
    call_command("archive", url, "--no-queue", stdout=out, stderr=err)
    assert "0 new testimonies, 3 already archived" in out.getvalue()
    assert "3/3" in err.getvalue()


def test_a_channel_feed_is_archived_entry_by_entry_and_deduped(
    video_site: Platform, media_root: Path
) -> None:
    url = _feed(video_site)
    out = io.StringIO()
    call_command("archive", url, "--no-queue", "--no-progress", stdout=out)
    assert "2 new testimonies, 0 already archived" in out.getvalue()

    assets = list(MediaAsset.objects.select_related("testimony").order_by("platform_id"))
    assert [(a.platform, a.platform_id) for a in assets] == [
        ("Generic", "vid-001"),
        ("Generic", "vid-002"),
    ]
    first, second = assets
    # The file's own address, without yt-dlp's internal #__youtubedl_smuggle fragment.
    assert first.captured_from == video_site.url("media/001.mp3")
    assert second.captured_from == video_site.url("media/002.opus")
    assert first.sha256 == _sha(video_site.root / "media" / "001.mp3")
    assert second.sha256 == _sha(video_site.root / "media" / "002.opus")
    assert first.platform_metadata["playlist_webpage_url"] == url
    assert first.platform_metadata["playlist_title"] == "Relatives speak"
    assert first.testimony.title == "A sister speaks"
    assert first.testimony.external_id == "generic-vid-001"
    assert first.testimony.published_on == dt.date(2019, 3, 12)
    assert second.testimony.title == "A son speaks"

    downloads = {p: len(video_site.asked(p)) for p in ("/media/001.mp3", "/media/002.opus")}
    out = io.StringIO()
    call_command("archive", url, "--no-queue", "--no-progress", stdout=out)
    assert "0 new testimonies, 2 already archived" in out.getvalue()
    # The second run only asks what each entry is (one request each), downloads none.
    assert {p: len(video_site.asked(p)) for p in downloads} == {
        p: n + 1 for p, n in downloads.items()
    }
    assert MediaAsset.objects.count() == 2


def test_a_channel_entry_that_fails_is_skipped_and_the_next_run_completes_it(
    video_site: Platform, media_root: Path
) -> None:
    url = _feed(video_site)
    missing = video_site.root / "media" / "002.opus"
    held = missing.read_bytes()
    missing.unlink()
    with pytest.raises(EntriesFailedError, match="404") as raised:
        archive_url(url, queue=False)
    [failure] = raised.value.failures
    assert isinstance(failure.error, UnreachableError)
    assert failure.url == video_site.url("media/002.opus")
    assert [a.asset.platform_id for a in raised.value.archived] == ["vid-001"]
    assert [a.platform_id for a in MediaAsset.objects.all()] == ["vid-001"]

    missing.write_bytes(held)
    asked_before = len(video_site.asked("/media/001.mp3"))
    results = archive_url(url, queue=False)
    assert [(r.asset.platform_id, r.created) for r in results] == [
        ("vid-001", False),
        ("vid-002", True),
    ]
    assert len(video_site.asked("/media/001.mp3")) == asked_before + 1  # asked, not downloaded
    assert MediaAsset.objects.count() == 2


def test_the_command_names_the_failing_entry(video_site: Platform, media_root: Path) -> None:
    url = _feed(video_site)
    (video_site.root / "media" / "002.opus").unlink()
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 stored, 1 failed: .*002\.opus.*HTTP 404"):
        call_command("archive", url, "--no-queue", "--no-progress", stdout=out)
    assert "1 new testimonies" in out.getvalue()  # the summary still lists what was kept
