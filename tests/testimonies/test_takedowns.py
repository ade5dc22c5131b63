"""The takedown monitor against a local HTTP server that answers like a platform would."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.test import Client

from testimonies.models import SourceCheck, Testimony
from testimonies.takedowns import check_sources, disappeared_between, gone_since

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
    from testimonies import tasks

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    for name in ("a", "b", "c"):
        _testimony(name, f"{platform}/{name}.mp3")
    Testimony.objects.create(external_id="no-source", title="x", language="kk")
    assert tasks.check_sources.apply().get() == 3
    assert SourceCheck.objects.filter(state="available").count() == 3
