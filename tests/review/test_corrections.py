"""Saving corrections from the editor: versions refuse a stale save with both texts, every
change is in the history and can be restored, verification is recorded apart, split and
merge keep the transcript whole, and only the right accounts may do any of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from review import corrections
from testimonies import roles
from testimonies.importing import import_file
from testimonies.models import IndexChange, MediaAsset, Mention, Segment, Testimony
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db

FIRST = "Менің ағам Ерлан Қабыл 2018 жылы Құлжада ұсталды."


@pytest.fixture
def testimony(meili: Any, tmp_path: Path) -> Testimony:
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("c-1", visibility="draft")]))
    return Testimony.objects.get(external_id="c-1")


def _account(name: str, *groups: str, staff: bool = False) -> Client:
    user = User.objects.create_user(name, password="pw-for-tests-only", is_staff=staff)
    for group in groups:
        roles.grant(user, group)
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, segment: Segment, action: str, **body: Any) -> Any:
    response = client.post(
        f"/edit/segments/{segment.pk}/{action}",
        json.dumps(body),
        content_type="application/json",
    )
    return response.status_code, response.json() if response.content else None


def _segments(testimony: Testimony) -> list[Segment]:
    transcript = testimony.current_transcript()
    assert transcript is not None
    return list(transcript.segments.order_by("index"))


def test_a_save_raises_the_version_and_is_in_the_history_with_its_author(testimony: Testimony):
    editor = _account("ed", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    IndexChange.objects.all().delete()

    status, data = _post(editor, first, "save", version=1, text="Менің ағам Ерлан Кабыл ұсталды.")

    assert status == 200, data
    (saved,) = data["segments"]
    assert saved["version"] == 2 and saved["edited_by"] == "ed" and not saved["verified"]
    first.refresh_from_db()
    assert first.text == "Менің ағам Ерлан Кабыл ұсталды." and first.edited
    latest = first.history.order_by("-history_date").first()
    assert latest is not None and latest.history_user.username == "ed"
    assert latest.text == first.text and latest.history_change_reason == "edited"
    assert IndexChange.objects.filter(testimony_id=testimony.pk).exists()  # search follows


def test_a_save_on_a_version_someone_else_changed_is_refused_with_both_texts(
    testimony: Testimony,
):
    alma = _account("alma", roles.EDITOR, staff=True)
    berik = _account("berik", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    assert _post(alma, first, "save", version=1, text="Алма's words")[0] == 200

    status, data = _post(berik, first, "save", version=1, text="Berik's words")

    assert status == 409
    assert data["theirs"]["text"] == "Алма's words" and data["theirs"]["version"] == 2
    assert data["yours"] == {"text": "Berik's words"}
    assert "Someone else saved" in data["message"]
    first.refresh_from_db()
    assert first.text == "Алма's words" and first.version == 2
    # Settled: Berik keeps his on top of the version he has now seen.
    assert _post(berik, first, "save", version=2, text="Berik's words")[0] == 200
    assert [v.text for v in corrections.history(first)][:3] == [
        "Berik's words",
        "Алма's words",
        FIRST,
    ]


def test_a_second_persons_verification_is_recorded_apart_and_an_edit_undoes_it(
    testimony: Testimony,
):
    editor = _account("ed", roles.EDITOR, staff=True)
    checker = _account("check", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    _post(editor, first, "save", version=1, translation="My brother Erlan Kabyl was detained.")

    status, data = _post(checker, first, "verify", version=2)

    assert status == 200
    first.refresh_from_db()
    assert first.edited_by is not None and first.verified_by is not None
    assert first.edited_by.username == "ed" and first.verified_by.username == "check"
    assert data["progress"]["verified_segments"] == 1
    assert data["progress"]["verified_seconds"] == pytest.approx(first.end - first.start)
    # New words were not what was verified.
    _post(editor, first, "save", version=3, text="Менің ағам.")
    first.refresh_from_db()
    assert first.verified_by is None
    assert first.edited_by is not None and first.edited_by.username == "ed"


def test_an_earlier_version_can_be_restored_as_a_new_one(testimony: Testimony):
    editor = _account("ed", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    _post(editor, first, "save", version=1, text="wrong")
    original = next(v for v in corrections.history(first) if v.text == FIRST)

    status, data = _post(editor, first, "restore", version=2, history_id=original.history_id)

    assert status == 200 and data["segments"][0]["text"] == FIRST
    assert data["segments"][0]["version"] == 3
    history = json.loads(editor.get(f"/edit/segments/{first.pk}/history").content)
    assert [v["text"] for v in history["versions"]][:3] == [FIRST, "wrong", FIRST]
    assert history["versions"][0]["what"] == "restored version 1"


def test_split_at_the_playhead_and_merge_back_keep_the_words_and_the_order(
    testimony: Testimony,
):
    editor = _account("ed", roles.EDITOR, staff=True)
    first, second = _segments(testimony)
    text = first.text

    status, data = _post(editor, first, "split", version=1, at=2.0)

    assert status == 200
    left, right = data["segments"]
    assert (left["start"], left["end"], right["start"], right["end"]) == (0.0, 2.0, 2.0, 4.2)
    assert f"{left['text']} {right['text']}" == text
    rows = _segments(testimony)
    assert [s.index for s in rows] == [0, 1, 2] and rows[2].pk == second.pk

    status, data = _post(editor, rows[0], "merge", version=2, next_version=1)

    assert status == 200 and data["segments"][0]["text"] == text
    assert [s.pk for s in _segments(testimony)] == [first.pk, second.pk]
    assert [s.index for s in _segments(testimony)] == [0, 1]
    # Another session still holding the merged-away segment is told to reload.
    gone = Segment(pk=rows[1].pk)
    status, data = _post(editor, gone, "save", version=1, text="late")
    assert status == 409 and data["theirs"] is None and "reload" in data["message"]


def test_bad_input_is_refused_with_what_to_do(testimony: Testimony):
    editor = _account("ed", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"version": 1, "end": -1}, "cannot be before"),
        ({"version": 1, "start": 9.0}, "is before the start"),
        ({"version": 1, "text": "x" * 6000}, "split the segment"),
        ({"text": "no version"}, "reload the page"),
        ({"version": 1}, "Nothing to save"),
    ]
    for body, message in cases:
        status, data = _post(editor, first, "save", **body)
        assert status == 400 and message in data["message"], (body, data)
    status, data = _post(editor, first, "split", version=1, at=30.0)
    assert status == 400 and "inside the segment" in data["message"]
    first.refresh_from_db()
    assert first.text == FIRST and first.version == 1


def test_transcribers_correct_only_what_they_were_given(testimony: Testimony, tmp_path: Path):
    import_file(write_jsonl(tmp_path / "r.jsonl", [record("c-r", visibility="restricted")]))
    restricted = Testimony.objects.get(external_id="c-r")
    volunteer = _account("vol", roles.TRANSCRIBER)
    vetted = _account("vetted", roles.TRANSCRIBER, roles.RESEARCHER)
    first = _segments(testimony)[0]
    assert volunteer.get("/edit/t/c-1/").status_code == 404
    assert _post(volunteer, first, "save", version=1, text="x")[0] == 404

    staff = _account("boss", roles.EDITOR, staff=True)
    for name in ("vol", "vetted"):
        pk = User.objects.get(username=name).pk
        for t in (testimony, restricted):
            response = staff.post(
                "/edit/hand-out", {"testimony": t.pk, "transcriber": pk, "action": "give"}
            )
            assert response.status_code == 302

    assert volunteer.get("/edit/t/c-1/").status_code == 200
    assert _post(volunteer, first, "save", version=1, text="x")[0] == 200
    assert volunteer.get("/edit/t/c-r/").status_code == 404  # not vetted for restricted
    assert vetted.get("/edit/t/c-r/").status_code == 200
    listed = volunteer.get("/edit/").content.decode()
    assert "c-1" in listed and "c-r" not in listed
    # Being given a draft to correct shows it nowhere else.
    assert volunteer.get("/t/c-1/").status_code == 404
    assert "c-1" not in volunteer.get("/api/v1/testimonies").content.decode()
    # Reviewers and anonymous visitors may not edit; the page asks strangers to log in.
    reviewer = _account("rev", roles.REVIEWER)
    assert reviewer.get("/edit/").status_code == 403
    assert Client().get("/edit/t/c-1/").status_code == 302


def test_the_staff_list_shows_progress_by_time_and_segments(testimony: Testimony):
    editor = _account("ed", roles.EDITOR, staff=True)
    _first, second = _segments(testimony)
    _post(editor, second, "verify", version=1)

    done = corrections.progress(testimony)

    assert (done.segments, done.verified_segments) == (2, 1)
    assert done.share_by_time == pytest.approx((9.0 - 4.2) / 9.0)
    page = editor.get("/edit/?language=kk&progress=started").content.decode()
    assert "c-1" in page and "1 / 2" in page
    assert "c-1" not in editor.get("/edit/?progress=todo").content.decode()


def test_the_testimony_page_shows_what_people_checked_and_links_editors_to_the_editor(
    testimony: Testimony, tmp_path: Path
):
    editor = _account("ed", roles.EDITOR, staff=True)
    _post(editor, _segments(testimony)[1], "verify", version=1)

    page = editor.get("/t/c-1/").content.decode()

    assert "1 of 2 segments" in page and 'href="/edit/t/c-1/"' in page
    import_file(write_jsonl(tmp_path / "p.jsonl", [record("c-p")]))
    public = Client().get("/t/c-p/").content.decode()
    assert "0 of 2 segments" in public and "/edit/" not in public


def test_verified_words_are_proposed_and_editors_reach_their_review_from_the_editor(
    testimony: Testimony,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr("search.tasks.drain_index.apply_async", lambda *a, **k: None)
    editor = _account("ed", roles.EDITOR, staff=True)
    first = _segments(testimony)[0]
    _post(editor, first, "save", version=1, text="Менің інім Нұрболат Қабыл Құлжада ұсталды.")
    Mention.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert _post(editor, first, "verify", version=2)[0] == 200

    found = Mention.objects.filter(segment=first)
    assert found.filter(kind="person", surface__contains="Нұрболат").exists()
    shown = editor.get("/edit/t/c-1/segments").json()["segments"][0]["proposals"]
    person = next(p for p in shown if "Нұрболат" in p["surface"])
    assert person["url"].startswith("/admin/testimonies/mention/")
    assert editor.get(person["url"]).status_code == 200
    # A volunteer corrects words; reviewing proposals is the editors'.
    volunteer = _account("vol", roles.TRANSCRIBER)
    testimony.transcribers.add(User.objects.get(username="vol"))
    assert volunteer.get("/edit/t/c-1/segments").json()["segments"][0]["proposals"] == []


def test_a_volunteer_never_gets_the_original_video_in_the_editor(
    testimony: Testimony, settings: Any, tmp_path: Path
):
    """Editors hear the original; a transcriber gets sound without a picture or the copy with
    identity documents blurred, and until one exists no file at all."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "v.mp4").write_bytes(b"original video bytes")
    (tmp_path / "media" / "a.wav").write_bytes(b"sound bytes")
    MediaAsset.objects.create(
        testimony=testimony, file="v.mp4", sha256="1" * 64, size=20, video_codec="h264",
        content_type="video/mp4",
    )  # fmt: skip
    volunteer = _account("vol", roles.TRANSCRIBER)
    testimony.transcribers.add(User.objects.get(username="vol"))
    editor = _account("boss", roles.EDITOR, staff=True)

    def heard(client: Client) -> tuple[int, bytes]:
        response = client.get("/edit/t/c-1/media")
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""  # type: ignore[attr-defined]
        return response.status_code, body

    assert heard(editor) == (200, b"original video bytes")
    assert heard(volunteer)[0] == 404
    page = volunteer.get("/edit/t/c-1/").content.decode()
    assert "once its copy with identity documents blurred is ready" in page
    MediaAsset.objects.create(
        testimony=testimony, kind=MediaAsset.Kind.DERIVED, file="a.wav", sha256="2" * 64,
        size=11, content_type="audio/wav",
    )  # fmt: skip
    assert heard(volunteer) == (200, b"sound bytes")
    assert heard(editor) == (200, b"original video bytes")
