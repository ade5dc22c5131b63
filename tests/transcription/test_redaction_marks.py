"""Editors' redaction marks: masked in public, and they survive a re-transcription."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from search.query import SearchParams, search_segments
from testimonies.importing import import_file
from testimonies.models import Segment, Testimony, Transcript
from tests.factories import record, write_jsonl
from transcription import pipeline
from transcription.ingest import ingest_file

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db


def test_a_marked_span_is_masked_everywhere_public(meili: Any, tmp_path: Path):
    text = "Менің ағам Ерлан Қабыл Алматыдағы Абай көшесі 12 үйде тұрған."
    start = text.index("Абай")
    end = text.index("үйде") - 1
    segment = {
        "start": 0.0,
        "end": 5.0,
        "text": text,
        "translation": "My brother lived at 12 Abai St.",
        "redactions": [{"field": "text", "start": start, "end": end}],
    }
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("m-1", segments=[segment])]))
    browser = Client()
    page = browser.get("/t/m-1/").content.decode()
    assert "Абай көшесі" not in page and "[redacted]" in page
    assert "Абай" not in browser.get("/t/m-1/subtitles/original.vtt").content.decode()
    assert "Абай" not in browser.get("/api/v1/segments?testimony=m-1").content.decode()
    hits = search_segments(SearchParams(q="Ерлан")).hits
    assert hits and "Абай" not in hits[0].text
    assert search_segments(SearchParams(q="Абай көшесі")).hits == []
    assert "Абай көшесі" in Segment.objects.get().text  # the original is kept


def test_a_mark_follows_its_words_into_a_new_transcript(settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    item = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    pipeline.transcribe_testimony(testimony_id=item.testimony.pk)
    segment = Segment.objects.get(text__icontains="brother")
    start = segment.text.lower().index("brother")
    segment.redactions = [{"field": "text", "start": start, "end": start + len("brother")}]
    segment.save(update_fields=["redactions"])

    Testimony.objects.filter(pk=item.testimony.pk).update(status=Testimony.Status.QUEUED)
    pipeline.transcribe_testimony(testimony_id=item.testimony.pk)

    again = Segment.objects.get(text__icontains="brother", transcript__replaced_at=None)
    assert again.pk != segment.pk
    assert "brother" not in again.public_text.lower()
    assert "[redacted]" in again.public_text
    assert not Transcript.objects.get(replaced_at=None).needs_review


def test_a_mark_whose_words_are_gone_masks_the_whole_segment():
    old = Segment(
        start=0.0,
        end=5.0,
        text="Menin atym Erlan, men Abai koshesinde turdym.",
        translation="",
        redactions=[],
    )
    start = old.text.index("Abai")
    old.redactions = [{"field": "text", "start": start, "end": start + 4}]
    new = [
        Segment(
            start=0.5,
            end=5.5,
            text="Something else entirely was heard here.",
            translation="",
            redactions=[],
        )
    ]
    assert pipeline.carry_marks([old], new) == 1
    assert new[0].public_text == "[redacted]"
