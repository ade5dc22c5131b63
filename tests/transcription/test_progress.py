"""The queue an operator watches: counts, throughput, time to empty, failures retried."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from testimonies.models import MediaAsset, Testimony, Transcript
from tests.transcription.conftest import Sent
from transcription.progress import failure_reason, queue_report, retry_failed

pytestmark = pytest.mark.django_db
Status = Testimony.Status
SILENT = (
    "{path}: no speech detected in {seconds} s of audio. Check that the right file or audio "
    "track was ingested; nothing was transcribed."
)

JOB = "transcription.tasks.transcribe_testimony"


def _testimony(
    name: str,
    status: str,
    *durations: float | None,
    error: str = "",
    transcribed: dt.timedelta | None = None,
    engine: str = "faster-whisper",
) -> Testimony:
    """A testimony in `status` with an original (first duration) and derived copies (the
    rest), and a transcript by `engine` stored `transcribed` ago."""
    testimony = Testimony.objects.create(
        external_id=name, title=f"Title of {name}", status=status, processing_error=error
    )
    for i, seconds in enumerate(durations):
        MediaAsset.objects.create(
            testimony=testimony,
            kind=MediaAsset.Kind.DERIVED if i else MediaAsset.Kind.ORIGINAL,
            file=f"originals/{name}-{i}.wav",
            sha256=f"{name}-{i}",
            size=1000,
            duration=seconds,
        )
    if transcribed is not None:
        transcript = Transcript.objects.create(testimony=testimony, engine=engine, language="kk")
        Transcript.objects.filter(pk=transcript.pk).update(created_at=timezone.now() - transcribed)
    return testimony


@pytest.fixture
def archive() -> dict[str, Testimony]:
    minutes = dt.timedelta(minutes=1)
    rows = [
        _testimony("new", Status.NEW),
        # Whisper reads the derived working copy: its duration counts, not the original's.
        _testimony("queued", Status.QUEUED, 3700.0, 3600.0),
        _testimony("queued-unknown", Status.QUEUED, None),
        _testimony("running", Status.TRANSCRIBING, 1800.0),
        _testimony("done-10m", Status.TRANSCRIBED, 2700.0, transcribed=10 * minutes),
        _testimony("done-30m", Status.TRANSCRIBED, 900.0, transcribed=30 * minutes),
        _testimony("done-3h", Status.TRANSCRIBED, 7200.0, transcribed=180 * minutes),
        # An imported transcript is no work of the workers: not in throughput, not "done".
        _testimony("imported", Status.TRANSCRIBED, 600.0, transcribed=5 * minutes, engine="import"),
        _testimony(
            "silent-a",
            Status.FAILED,
            30.0,
            error=SILENT.format(path="/srv/media/originals/ab/ab12.wav", seconds="12.3"),
        ),
        _testimony(
            "silent-b",
            Status.FAILED,
            40.0,
            error=SILENT.format(path="/srv/media/originals/cd/cd34.mp3", seconds="4.0"),
        ),
        _testimony("locked", Status.FAILED, 50.0, error="OperationalError: database is locked"),
    ]
    return {t.external_id: t for t in rows}


def test_the_report_counts_states_throughput_audio_and_time_to_empty(
    archive: dict[str, Testimony],
):
    report = queue_report()

    counts = {s.state: (s.testimonies, s.audio_seconds, s.unknown_duration) for s in report.states}
    assert counts == {
        "new": (1, 0.0, 1),
        "queued": (2, 3600.0, 1),
        "transcribing": (1, 1800.0, 0),
        "transcribed": (4, 11400.0, 0),
        "failed": (3, 120.0, 0),
    }
    assert (report.waiting, report.transcribing, report.failed) == (2, 1, 3)
    assert report.done_last_hour == 2
    assert report.audio_last_hour == 3600.0
    assert report.audio_done == 10800.0
    assert report.audio_left == 5400.0
    assert report.left_unknown_duration == 1
    # 1.5 h of audio left at 1 h of audio per hour.
    assert report.eta == dt.timedelta(hours=1, minutes=30)
    assert report.eta_text == "about 1 h 30 min"
    assert report.rate_text == "1.0 h of audio per hour"


def test_failures_are_grouped_by_reason_with_their_testimonies(archive: dict[str, Testimony]):
    groups = queue_report().failures
    assert [(g.reason, g.ids) for g in groups] == [
        (
            SILENT.format(path="<file>", seconds="N"),
            [archive["silent-a"].pk, archive["silent-b"].pk],
        ),
        ("OperationalError: database is locked", [archive["locked"].pk]),
    ]
    # Each testimony keeps its own message, path and all.
    assert "/srv/media/originals/ab/ab12.wav" in groups[0].testimonies[0].message
    no_media = Testimony(
        external_id="sha256-0123abcd", processing_error="testimony sha256-0123abcd has no media"
    )
    assert failure_reason(no_media) == "testimony <testimony> has no media"
    assert failure_reason(Testimony(processing_error="")) == "(no message recorded)"


def test_without_recent_work_the_time_to_empty_is_unknown(archive: dict[str, Testimony]):
    Transcript.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    report = queue_report()
    assert report.done_last_hour == 0 and report.audio_last_hour == 0.0
    assert report.eta is None
    assert report.eta_text.startswith("unknown")


def test_an_empty_queue_is_empty_now():
    _testimony("done", Status.TRANSCRIBED, 60.0, transcribed=dt.timedelta(days=1))
    report = queue_report()
    assert report.eta == dt.timedelta(0) and report.eta_text == "empty"
    assert report.audio_done == 60.0 and report.audio_left == 0.0


def test_the_command_prints_a_table(archive: dict[str, Testimony], capsys: Any):
    call_command("queue_status")
    out = capsys.readouterr().out
    assert re.search(r"^Queued for transcription\s+2\s+1\.0 h  \(1 without duration\)$", out, re.M)
    assert re.search(r"^Transcribing\s+1\s+0\.5 h$", out, re.M)
    assert re.search(r"^Transcribed\s+4\s+3\.2 h$", out, re.M)
    assert re.search(r"^Failed\s+3\s+0\.0 h$", out, re.M)
    assert "Last hour:   2 testimonies transcribed, 1.0 h of audio per hour" in out
    assert "Audio done:  3.0 h" in out
    assert "Audio left:  1.5 h (and 1 testimonies without a known duration)" in out
    assert "Queue empty: about 1 h 30 min" in out
    failed = out[out.index("Failed, by reason:") :]
    assert f"     2  {SILENT.format(path='<file>', seconds='N')}" in failed
    assert f"ids: {archive['silent-a'].pk}, {archive['silent-b'].pk}" in failed


def test_the_command_prints_json(archive: dict[str, Testimony], capsys: Any):
    call_command("queue_status", "--json")
    data = json.loads(capsys.readouterr().out)
    expected = queue_report().as_dict()
    assert data.keys() == expected.keys()
    del data["at"], expected["at"]
    assert data == expected
    assert data["states"]["queued"] == {
        "label": "Queued for transcription",
        "testimonies": 2,
        "audio_seconds": 3600.0,
        "unknown_duration": 1,
    }
    assert data["last_hour"] == {"testimonies": 2, "audio_seconds": 3600.0}
    assert data["audio_seconds_left"] == 5400.0 and data["eta_seconds"] == 5400
    assert [len(g["testimonies"]) for g in data["failed"]] == [2, 1]


def test_retrying_a_reason_queues_those_testimonies_again(
    archive: dict[str, Testimony], transcribe_queue: Sent, django_capture_on_commit_callbacks: Any
):
    reason = SILENT.format(path="<file>", seconds="N")
    with django_capture_on_commit_callbacks(execute=True):
        queued = retry_failed(reason=reason)
    silent = [archive["silent-a"].pk, archive["silent-b"].pk]
    assert queued == silent
    for pk in silent:
        testimony = Testimony.objects.get(pk=pk)
        assert (testimony.status, testimony.processing_error) == (Status.QUEUED, "")
    assert Testimony.objects.get(external_id="locked").status == Status.FAILED
    assert transcribe_queue() == [(JOB, [pk]) for pk in silent]
    # Retried already: a second click queues nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed(reason=reason) == []
    assert transcribe_queue() == []


def test_the_command_retries_every_failed_testimony(
    archive: dict[str, Testimony],
    transcribe_queue: Sent,
    django_capture_on_commit_callbacks: Any,
    capsys: Any,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("queue_status", "--retry-failed", "--json")
    captured = capsys.readouterr()
    assert captured.err.strip() == "queued 3 failed testimonies again"
    data = json.loads(captured.out)
    assert data["failed"] == [] and data["states"]["queued"]["testimonies"] == 5
    assert len(transcribe_queue()) == 3


# The staff page ------------------------------------------------------------------------------


def _browser(username: str, *groups: str, is_staff: bool = False, csrf: bool = False) -> Client:
    user = User.objects.create_user(username, is_staff=is_staff)
    user.groups.add(*Group.objects.filter(name__in=groups))
    browser = Client(enforce_csrf_checks=csrf)
    browser.force_login(user)
    return browser


def test_the_page_is_for_staff_and_editors_and_retrying_for_editors(
    archive: dict[str, Testimony],
):
    anonymous = Client().get("/staff/queue/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/staff/queue/"
    assert Client().post("/staff/queue/retry", {"reason": "x"}).status_code == 302

    reviewer = _browser("reviewer", "reviewer")
    assert reviewer.get("/staff/queue/").status_code == 403
    assert reviewer.post("/staff/queue/retry", {"testimony": 1}).status_code == 403

    # A reviewer with a staff account (for the admin) may look, not send work to the GPUs.
    staff_reviewer = _browser("staff-reviewer", "reviewer", is_staff=True)
    page = staff_reviewer.get("/staff/queue/")
    assert page.status_code == 200 and "Retry" not in page.content.decode()
    locked = archive["locked"].pk
    assert staff_reviewer.post("/staff/queue/retry", {"testimony": locked}).status_code == 403
    assert Testimony.objects.get(pk=locked).status == Status.FAILED

    page = _browser("editor", "editor").get("/staff/queue/")
    assert page.status_code == 200 and "Retry" in page.content.decode()


def test_editors_see_the_report_and_retry_a_reason_or_one_testimony(
    archive: dict[str, Testimony], transcribe_queue: Sent, django_capture_on_commit_callbacks: Any
):
    editor = _browser("editor", "editor", csrf=True)
    page = editor.get("/staff/queue/")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'id="state-queued">\s*<td>Queued for transcription</td>\s*<td>2</td>', html)
    assert "1 without a known duration" in html
    assert "2 testimonies transcribed, 1.0 h of audio per hour" in html
    assert 'id="audio-left">1.5 h' in html and "about 1 h 30 min" in html
    assert "no speech detected in N s of audio" in html
    assert f"/admin/testimonies/testimony/{archive['locked'].pk}/change/" in html
    assert "<script" not in html and "Retry all 2 testimonies" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token

    # Without the CSRF token nothing happens.
    refused = editor.post("/staff/queue/retry", {"testimony": archive["locked"].pk})
    assert refused.status_code == 403
    assert Testimony.objects.get(external_id="locked").status == Status.FAILED

    reason = SILENT.format(path="<file>", seconds="N")
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post(
            "/staff/queue/retry",
            {"reason": reason, "csrfmiddlewaretoken": token[1]},
            follow=True,
        )
    assert done.redirect_chain == [("/staff/queue/", 302)]
    html = done.content.decode()
    assert "2 failed testimonies were queued for transcription again." in html
    assert re.search(r'id="state-queued">\s*<td>Queued for transcription</td>\s*<td>4</td>', html)
    silent = [archive["silent-a"].pk, archive["silent-b"].pk]
    assert transcribe_queue() == [(JOB, [pk]) for pk in silent]

    locked = archive["locked"].pk
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post(
            "/staff/queue/retry",
            {"testimony": locked, "csrfmiddlewaretoken": token[1]},
            follow=True,
        )
    assert "1 failed testimony was queued for transcription again." in done.content.decode()
    assert Testimony.objects.get(pk=locked).status == Status.QUEUED
    assert transcribe_queue() == [(JOB, [locked])]

    # Already queued: the page says so and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = editor.post(
            "/staff/queue/retry",
            {"testimony": locked, "csrfmiddlewaretoken": token[1]},
            follow=True,
        )
    assert "Nothing was queued" in again.content.decode()
    assert transcribe_queue() == []


def test_the_takedowns_page_links_to_the_queue():
    html = _browser("editor", "editor").get("/staff/takedowns/").content.decode()
    assert 'href="/staff/queue/"' in html
