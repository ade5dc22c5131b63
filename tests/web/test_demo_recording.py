"""The demo's real recording: stored public and queued on first start, transcribed by the
real Whisper base model, playable beside its transcript; the demo editor can log in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from testimonies.models import Testimony
from transcription import pipeline
from web import demo

pytestmark = pytest.mark.django_db


def test_the_demo_recording_is_queued_once_then_transcribed_and_played(
    settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    testimony = demo.load_recording()
    assert demo.load_recording().pk == testimony.pk
    assert testimony.status == Testimony.Status.QUEUED and testimony.is_public

    transcript = pipeline.transcribe_testimony(testimony_id=testimony.pk)

    assert transcript is not None
    text = " ".join(s.text for s in transcript.segments.all()).lower()
    assert "бедняга" in text and re.search(r"мест", text), text
    page = Client().get(f"/t/{demo.RECORDING_ID}/").content.decode()
    assert 'id="player"' in page and "бедняга" in page.lower()


def test_the_demo_editor_keeps_its_password_between_starts(tmp_path: Path):
    name, password = demo.editor_account(tmp_path)
    assert demo.editor_account(tmp_path) == (name, password)
    assert (tmp_path / "demo-editor-password").stat().st_mode & 0o077 == 0
    browser = Client()
    assert browser.login(username=name, password=password, request=RequestFactory().get("/"))
    assert browser.get("/edit/").status_code == 200
