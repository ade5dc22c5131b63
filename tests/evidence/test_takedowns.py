"""The takedown monitor against a local HTTP server that answers like a platform would."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from evidence.takedowns import check_sources, disappeared_between, gone_since
from testimonies.models import SourceCheck, Testimony

AUDIO = (Path(__file__).resolve().parents[1] / "fixtures" / "audio" / "en.mp3").read_bytes()
pytestmark = pytest.mark.django_db


class Platform(BaseHTTPRequestHandler):
    status: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        code = self.status.get(self.path, 200)
        self.send_response(code)
        self.send_header("Content-Type", "audio/mpeg" if code == 200 else "text/plain")
        body = AUDIO if code == 200 else b"gone"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def platform() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Platform.status = {}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _testimony(external_id: str, url: str) -> Testimony:
    return Testimony.objects.create(
        external_id=external_id,
        title=external_id,
        language="kk",
        visibility="public",
        source_url=url,
        source_platform="youtube",
    )


def test_each_answer_becomes_a_state(platform: str):
    Platform.status = {"/gone.mp3": 404, "/deleted.mp3": 410, "/private.mp3": 403}
    for name in ("ok", "gone", "deleted", "private"):
        _testimony(name, f"{platform}/{name}.mp3")
    _testimony("down", "http://127.0.0.1:9/nothing.mp3")
    states = {c.testimony.external_id: (c.state, c.http_status) for c in check_sources()}
    assert states == {
        "ok": ("available", 200),
        "gone": ("removed", 404),
        "deleted": ("removed", 410),
        "private": ("private", 403),
        "down": ("error", None),
    }
    assert "404" in SourceCheck.objects.get(testimony__external_id="gone").message


def test_a_removal_is_dated_reported_and_shown(platform: str, capsys: Any):
    testimony = _testimony("t-1", f"{platform}/video.mp3")
    first = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    check_sources(now=first)
    assert gone_since(testimony) is None
    Platform.status = {"/video.mp3": 410}
    check_sources(now=first + dt.timedelta(days=1))
    check_sources(now=first + dt.timedelta(days=2))

    since = gone_since(testimony)
    assert since is not None and since.checked_at == first + dt.timedelta(days=1)
    pairs = disappeared_between(first, first + dt.timedelta(days=7))
    assert [(t.external_id, c.state) for t, c in pairs] == [("t-1", "removed")]
    assert disappeared_between(first + dt.timedelta(days=3), first + dt.timedelta(days=7)) == []

    call_command("takedown_report", "--since", "2026-03-01", "--until", "2026-03-08")
    assert "t-1," in capsys.readouterr().out
    page = Client().get("/t/t-1/").content.decode()
    assert "Removed on youtube since 2026-03-02" in page
    api = Client().get("/api/v1/testimonies/t-1").json()
    assert api["source_status"]["state"] == "removed"
    assert api["source_status"]["since"].startswith("2026-03-02")


def test_the_periodic_task_checks_every_source(platform: str, monkeypatch: pytest.MonkeyPatch):
    from config.celery import app
    from evidence import tasks

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    for name in ("a", "b", "c"):
        _testimony(name, f"{platform}/{name}.mp3")
    Testimony.objects.create(external_id="no-source", title="x", language="kk")
    assert tasks.check_sources.apply().get() == 3
    assert SourceCheck.objects.filter(state="available").count() == 3


def _history(testimony: Testimony, *states: tuple[str, dt.datetime]) -> None:
    for state, when in states:
        SourceCheck.objects.create(
            testimony=testimony, url=testimony.source_url, checked_at=when, state=state
        )


@pytest.fixture
def gone() -> dict[str, dt.datetime]:
    """Three copies: one gone ten days ago, one gone long ago, one still there."""
    now = timezone.now()
    days = {"recent": now - dt.timedelta(days=10), "old": now - dt.timedelta(days=45)}
    recent = _testimony("t-recent", "https://video.example/watch?v=recent")
    _history(
        recent,
        ("available", now - dt.timedelta(days=40)),
        ("available", now - dt.timedelta(days=12)),
        ("error", now - dt.timedelta(days=11)),  # a network error is not a takedown
        ("removed", days["recent"]),
        ("removed", now - dt.timedelta(days=1)),
    )
    old = _testimony("t-old", "https://video.example/watch?v=old")
    _history(old, ("available", now - dt.timedelta(days=60)), ("private", days["old"]))
    still = _testimony("t-still", "https://video.example/watch?v=still")
    _history(still, ("available", now - dt.timedelta(days=2)))
    return days


def _staff() -> Client:
    browser = Client()
    browser.force_login(User.objects.create_user("staff", is_staff=True))
    return browser


def test_the_staff_page_lists_what_disappeared_in_the_last_30_days(gone: dict[str, Any]):
    page = _staff().get("/staff/takedowns/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "t-recent" in html and "t-old" not in html and "t-still" not in html
    row = html[html.index("t-recent") :]
    assert "Removed" in row and "youtube" in row
    assert f"{gone['recent']:%Y-%m-%d}" in row  # first seen gone
    last = timezone.now() - dt.timedelta(days=12)
    assert f"{last:%Y-%m-%d}" in row  # last seen available
    recent = Testimony.objects.get(external_id="t-recent")
    assert f"/admin/testimonies/testimony/{recent.pk}/change/" in html
    assert "/t/t-recent/" in html  # public, so its public page too
    assert 'href="/static/archive/site.css"' in html and "<script" not in html
    since = (timezone.now() - dt.timedelta(days=30)).date()
    assert f"/staff/takedowns.csv?since={since}&amp;until={timezone.now().date()}" in html


def test_a_period_is_chosen_with_since_and_until(gone: dict[str, Any]):
    day = gone["old"].date()
    page = _staff().get("/staff/takedowns/", {"since": str(day), "until": str(day)})
    html = page.content.decode()
    assert "t-old" in html and "t-recent" not in html
    assert "Private or access denied" in html
    assert "1 testimony disappeared" in html


def test_the_csv_download_is_the_command_s_report(gone: dict[str, Any], capsys: Any):
    since = (timezone.now() - dt.timedelta(days=50)).date()
    until = timezone.now().date()
    download = _staff().get("/staff/takedowns.csv", {"since": str(since), "until": str(until)})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert f'filename="takedowns-{since}-{until}.csv"' in download["Content-Disposition"]
    call_command("takedown_report", "--since", str(since), "--until", str(until))
    command = capsys.readouterr().out
    body = download.content.decode()
    assert body.splitlines() == command.splitlines()
    header, *rows = body.splitlines()
    assert header.startswith("external_id,title,platform,source_url,state,since,last_available")
    assert [r.split(",")[0] for r in rows] == ["t-old", "t-recent"]
    assert ",removed," in rows[1] and ",private," in rows[0]


def test_only_staff_and_editors_see_the_report(gone: dict[str, Any]):
    anonymous = Client().get("/staff/takedowns/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get("/staff/takedowns.csv").status_code == 302

    browser = Client()
    researcher = User.objects.create_user("researcher")
    researcher.groups.add(Group.objects.get(name="researcher"))
    browser.force_login(researcher)
    assert browser.get("/staff/takedowns/").status_code == 403
    assert browser.get("/staff/takedowns.csv").status_code == 403

    editor = User.objects.create_user("editor")
    editor.groups.add(Group.objects.get(name="editor"))
    browser.force_login(editor)
    assert browser.get("/staff/takedowns/").status_code == 200


def test_bad_dates_get_a_clear_answer():
    browser = _staff()
    page = browser.get("/staff/takedowns/", {"since": "2026-13-01"})
    assert page.status_code == 400 and "Enter a valid date" in page.content.decode()
    page = browser.get("/staff/takedowns/", {"since": "2026-03-08", "until": "2026-03-01"})
    assert page.status_code == 400 and "ends before it starts" in page.content.decode()
    csv = browser.get("/staff/takedowns.csv", {"since": "2026-03-08", "until": "2026-03-01"})
    assert csv.status_code == 400 and b"ends before it starts" in csv.content


@pytest.mark.parametrize(
    ("language", "label"),
    [("ru", "Удалено"), ("kk", "Жойылған"), ("zh-hans", "已删除"), ("ug", "ئۆچۈرۈلگەن")],
)
def test_state_labels_are_translated(gone: dict[str, Any], language: str, label: str):
    with translation.override(language):
        assert str(SourceCheck.State.REMOVED.label) == label
    browser = _staff()
    browser.cookies["django_language"] = language
    assert label in browser.get("/staff/takedowns/").content.decode()
