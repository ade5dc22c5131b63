"""An entry archived earlier that the platform took down is no failure: it is recorded gone."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from evidence import takedowns
from evidence.capture import archive_url
from evidence.errors import EntriesFailedError
from testimonies.models import MediaAsset, SourceCheck, Testimony
from tests.evidence.conftest import Platform

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db

ITEM = """<item><title>{title}</title><guid>vid-{n}</guid>
  <enclosure url="{base}/media/{n}.{ext}" type="audio/mpeg"/></item>"""
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Relatives speak</title>{items}</channel></rss>
"""
ENTRIES = [
    ("001", "mp3", "A sister speaks", "en.mp3"),
    ("002", "webm", "A mother speaks", "en.webm"),
    ("003", "opus", "A son speaks", "ru.opus"),
]


def _write_feed(site: Platform, entries: list[tuple[str, str, str, str]]) -> str:
    items = "".join(
        ITEM.format(title=title, n=n, ext=ext, base=site.base) for n, ext, title, _ in entries
    )
    (site.root / "feed.xml").write_text(FEED.format(items=items))
    return site.url("feed.xml")


def _archived_feed(site: Platform) -> str:
    """A channel feed of three items, all archived by a first run."""
    (site.root / "media").mkdir()
    for n, ext, _title, fixture in ENTRIES:
        shutil.copy(AUDIO / fixture, site.root / "media" / f"{n}.{ext}")
    url = _write_feed(site, ENTRIES)
    out = io.StringIO()
    call_command("archive", url, "--no-queue", "--no-progress", stdout=out)
    assert "3 new testimonies, 0 already archived." in out.getvalue()
    return url


def test_an_archived_entry_taken_down_since_is_reported_gone_and_the_run_succeeds(
    video_site: Platform, media_root: Path
) -> None:
    url = _archived_feed(video_site)
    stored = list(MediaAsset.objects.values_list("sha256", flat=True).order_by("pk"))
    (video_site.root / "media" / "002.webm").unlink()  # the platform answers 404
    before = timezone.now()

    out, err = io.StringIO(), io.StringIO()
    call_command("archive", url, "--no-queue", stdout=out, stderr=err)  # exits 0

    today = f"{timezone.now():%Y-%m-%d}"
    printed = out.getvalue()
    assert (
        "generic-vid-002: already archived, no longer available on the platform "
        f"(removed since {today}) (Generic vid-002, sha256 " in printed
    )
    assert "generic-vid-001: already archived (" in printed
    assert "failed" not in printed
    assert "0 new testimonies, 2 already archived, 1 already archived and now gone." in printed
    assert "3/3" in err.getvalue()  # the gone entry counts on the overall bar

    # Nothing new stored: the archived copy is untouched.
    assert list(MediaAsset.objects.values_list("sha256", flat=True).order_by("pk")) == stored
    assert Testimony.objects.count() == 3

    # The takedown record shows it gone, from this run.
    testimony = Testimony.objects.get(external_id="generic-vid-002")
    [check] = SourceCheck.objects.filter(testimony=testimony)
    assert (check.state, check.http_status) == (SourceCheck.State.REMOVED, 404)
    assert check.url == video_site.url("media/002.webm")
    assert check.checked_at >= before
    assert takedowns.gone_since(testimony) == check
    assert not SourceCheck.objects.exclude(testimony=testimony).exists()
    [row] = takedowns.report(before, timezone.now() + dt.timedelta(seconds=1))
    assert (row.testimony, row.gone) == (testimony, check)

    # The API says the same, without an error.
    results = archive_url(url, queue=False)
    assert [(r.asset.platform_id, r.created, r.gone is not None) for r in results] == [
        ("vid-001", False, False),
        ("vid-002", False, True),
        ("vid-003", False, False),
    ]
    assert results[1].gone == check  # still the first check of this run of gone answers
    assert SourceCheck.objects.filter(testimony=testimony).count() == 2


def test_a_never_archived_entry_that_fails_still_fails_the_run(
    video_site: Platform, media_root: Path
) -> None:
    url = _archived_feed(video_site)
    video_site.status["/media/002.webm"] = 410
    testimony = Testimony.objects.get(external_id="generic-vid-002")
    # The takedown monitor had already seen it gone three days ago.
    earlier = SourceCheck.objects.create(
        testimony=testimony,
        url=testimony.source_url,
        checked_at=timezone.now() - dt.timedelta(days=3),
        state=SourceCheck.State.REMOVED,
        http_status=410,
    )
    # A new item the platform took down before it could be archived.
    _write_feed(video_site, [*ENTRIES, ("004", "mp3", "Never archived", "en.mp3")])
    never = video_site.url("media/004.mp3")

    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("archive", url, "--no-queue", "--no-progress", stdout=out)
    assert raised.value.returncode == 1
    failure = f"{never} (entry 4 of 4 in {url}, id vid-004): the site answered HTTP 404"
    assert str(raised.value).startswith(
        f"2 stored, 1 already archived and now gone, 1 failed: {failure}"
    )
    printed = out.getvalue()
    assert f"failed: {failure}" in printed
    assert "failed: " + video_site.url("media/002.webm") not in printed
    since = f"{earlier.checked_at:%Y-%m-%d}"
    assert (
        "generic-vid-002: already archived, no longer available on the platform "
        f"(removed since {since})" in printed
    )
    assert "0 new testimonies, 2 already archived, 1 already archived and now gone, 1 failed." in (
        printed
    )
    latest = SourceCheck.objects.filter(testimony=testimony).first()  # newest first
    assert latest is not None and latest != earlier
    assert (latest.state, latest.http_status) == (SourceCheck.State.REMOVED, 410)
    assert takedowns.gone_since(testimony) == earlier
    assert MediaAsset.objects.count() == 3


def test_an_archived_entry_the_platform_fails_to_serve_is_no_takedown(
    video_site: Platform, media_root: Path
) -> None:
    url = _archived_feed(video_site)
    video_site.status["/media/002.webm"] = 503  # a server error says nothing of a takedown

    with pytest.raises(EntriesFailedError) as raised:
        archive_url(url, queue=False)
    [failure] = raised.value.failures
    assert failure.entry_id == "vid-002"
    assert "HTTP 503" in str(failure)
    assert [(a.asset.platform_id, a.gone) for a in raised.value.archived] == [
        ("vid-001", None),
        ("vid-003", None),
    ]
    assert not SourceCheck.objects.exists()
