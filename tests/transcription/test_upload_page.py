"""The staff upload page: a media file sent over the web becomes a queued testimony."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from testimonies.models import MediaAsset, Testimony

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
JOB = "transcription.tasks.transcribe_testimony"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _browser(username: str, *groups: str, is_staff: bool = False) -> Client:
    user = User.objects.create_user(username, is_staff=is_staff)
    user.groups.add(*Group.objects.filter(name__in=groups))
    browser = Client()
    browser.force_login(user)
    return browser


def _clip(name: str = "ru_real.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (AUDIO / name).read_bytes(), content_type="audio/wav")


def test_the_page_is_for_editors():
    anonymous = Client().get("/staff/upload/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/staff/upload/"
    assert _browser("reviewer", "reviewer", is_staff=True).get("/staff/upload/").status_code == 403
    refused = _browser("r2", "reviewer", is_staff=True).post("/staff/upload/", {"file": _clip()})
    assert refused.status_code == 403 and not Testimony.objects.exists()
    assert _browser("editor", "editor").get("/staff/upload/").status_code == 200


def test_an_uploaded_clip_is_stored_and_queued_for_transcription(
    media_root: Path, transcribe_queue: Any, django_capture_on_commit_callbacks: Any
):
    editor = _browser("editor", "editor")
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post(
            "/staff/upload/",
            {"file": _clip(), "language": "ru", "visibility": "restricted"},
            follow=True,
        )

    assert done.redirect_chain == [("/staff/upload/", 302)]
    testimony = Testimony.objects.get()
    assert f"Stored as {testimony.external_id} and queued" in done.content.decode()
    assert testimony.title == "ru_real" and testimony.language == "ru"
    assert testimony.visibility == "restricted" and testimony.status == Testimony.Status.QUEUED
    asset = MediaAsset.objects.get(testimony=testimony)
    assert asset.sha256 == hashlib.sha256((AUDIO / "ru_real.wav").read_bytes()).hexdigest()
    assert Path(asset.file.path).read_bytes() == (AUDIO / "ru_real.wav").read_bytes()
    assert Path(asset.file.path).is_relative_to(media_root)
    assert transcribe_queue() == [(JOB, [testimony.pk])]

    again = editor.post("/staff/upload/", {"file": _clip(), "visibility": "draft"}, follow=True)
    assert f"Already in the archive as {testimony.external_id}" in again.content.decode()
    assert Testimony.objects.count() == 1 and transcribe_queue() == []


@pytest.mark.parametrize("name", ["notes.txt", "corrupt.mp4", "../ru_real"])
def test_what_is_not_media_is_refused_and_nothing_is_stored(media_root: Path, name: str):
    data = (AUDIO / "corrupt.mp4").read_bytes()
    sent = SimpleUploadedFile(name, data, content_type="application/octet-stream")

    refused = _browser("editor", "editor").post(
        "/staff/upload/", {"file": sent, "visibility": "draft"}
    )

    assert refused.status_code == 400
    assert "Not stored:" in refused.content.decode()
    assert not Testimony.objects.exists() and not MediaAsset.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]
