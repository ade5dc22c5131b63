"""A new machine pass keeps people's work: segments edited or verified by a person stay
byte-identical, the machine fills only the time they leave, the previous machine transcript
is kept (real Whisper base model on real speech)."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from testimonies.models import Event, Mention, Person, Segment, Testimony, Transcript
from transcription import pipeline
from transcription.engine.audio import SAMPLE_RATE, decode_audio
from transcription.engine.schema import Segment as ResultSegment
from transcription.engine.schema import TranscriptionResult, Word
from transcription.ingest import ingest_file

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db

# Everything a person's segment is: none of it may change in a machine pass.
KEPT = (
    "pk",
    "text",
    "translation",
    "start",
    "end",
    "words",
    "redactions",
    "flags",
    "edited",
    "edited_by_id",
    "edited_at",
    "verified_by_id",
    "verified_at",
    "version",
    "avg_logprob",
)


def _clips() -> list[Path]:
    """Two real Russian recordings (their attribution: tests/fixtures/audio/README.md)."""
    return [AUDIO / "ru_real.wav", AUDIO / "ru_deepspeech.wav"]


def _testimony_audio(path: Path) -> Path:
    """The clips one after another with a second of silence between: a short testimony."""
    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    parts: list[Any] = []
    for clip in _clips():
        parts += [decode_audio(clip), silence]
    samples = np.concatenate(parts)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _row(segment: Segment) -> tuple[Any, ...]:
    segment.refresh_from_db()
    return tuple(getattr(segment, field) for field in KEPT)


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs run where they are sent (search stays off: its own tests cover it)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr("search.tasks.drain_index.apply_async", lambda *a, **k: None)
    return django_capture_on_commit_callbacks


def test_edited_and_verified_segments_survive_a_new_pass_byte_identical(
    settings: Any, tmp_path: Path, eager: Any
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    item = ingest_file(_testimony_audio(tmp_path / "ru-three.wav"), language="ru", queue=False)
    first = pipeline.transcribe_testimony(testimony_id=item.testimony.pk)
    assert first is not None
    segments = list(first.segments.order_by("index"))
    assert len(segments) >= 3, [s.text for s in segments]
    editor = User.objects.create_user("editor")
    checker = User.objects.create_user("checker")
    edited, verified = segments[0], segments[-1]
    edited.text = "Нейронные сети — это хорошо."
    edited.translation = "Neural networks are good."
    edited.redactions = [{"field": "text", "start": 0, "end": 8}]
    edited.edited, edited.edited_by, edited.edited_at = True, editor, timezone.now()
    edited.version += 1
    edited.save()
    verified.verified_by, verified.verified_at = checker, timezone.now()
    verified.save()
    person = Person.objects.create(primary_name="Ерлан Қабыл")
    reviewed = Mention.objects.create(
        testimony=item.testimony,
        segment=edited,
        kind=Mention.Kind.PERSON,
        surface="Нейронные",
        review=Event.Review.ACCEPTED,
        person=person,
    )
    before = {s.pk: _row(s) for s in (edited, verified)}
    machine_before = {s.pk: s.text for s in segments[1:-1]}

    # Another engine setting: the sequential decoder instead of batched windows.
    settings.TRANSCRIPTION_BATCH_SIZE = 1
    with eager(execute=True):
        call_command("retranscribe", "--testimony", item.testimony.external_id, "--no-progress")

    item.testimony.refresh_from_db()
    assert item.testimony.status == Testimony.Status.TRANSCRIBED
    current = item.testimony.current_transcript()
    assert current is not None and current.pk != first.pk
    now = list(current.segments.order_by("index"))
    for segment in (edited, verified):
        assert _row(segment) == before[segment.pk]
        assert segment.transcript_id == current.pk
    # The machine's segments are the new pass's, in the time people left to it.
    machine_now = [s for s in now if s.pk not in before]
    assert machine_now and not {s.pk for s in machine_now} & set(machine_before)
    for segment in machine_now:
        for kept in (edited, verified):
            middle = (segment.start + segment.end) / 2
            assert not kept.start <= middle < kept.end
    assert [s.index for s in now] == list(range(len(now)))
    assert [s.start for s in now] == sorted(s.start for s in now)
    # The first pass's machine text is kept beside it, never shown as current.
    first.refresh_from_db()
    assert first.replaced_at is not None
    assert {s.pk: s.text for s in first.segments.all()} == machine_before
    # The accepted proposal still points at its words.
    reviewed.refresh_from_db()
    assert reviewed.segment_id == edited.pk and reviewed.person_id == person.pk


def test_the_machine_fills_only_the_time_people_left(settings: Any):
    words = [Word(start=i, end=i + 0.8, word=f" w{i}", probability=0.9) for i in range(6)]
    machine = [
        ResultSegment(start=0, end=6, text="w0 w1 w2 w3 w4 w5", words=words, translation="en"),
        ResultSegment(start=6, end=9, text="no words here", translation="more"),
        ResultSegment(start=9, end=10, text="covered", translation="gone"),
    ]

    kept = pipeline.fill_around([(1.9, 3.9), (8.5, 10.0)], machine)

    assert [s.text for s in kept] == ["w0 w1 w4 w5", "no words here"]
    assert (kept[0].start, kept[0].end) == (0, 5.8)
    assert kept[0].translation == "en"  # four words of six stayed: the English stays
    assert (kept[1].start, kept[1].end) == (6, 8.5)
    # Most of a segment covered: its English cannot be cut by words, so it goes.
    (cut,) = pipeline.fill_around([(0.0, 4.5)], machine[:1])
    assert cut.text == "w5" and cut.translation == ""


def _result(*spans: tuple[float, float, str]) -> TranscriptionResult:
    return TranscriptionResult(
        language="en",
        language_source="declared",
        language_probability=1.0,
        task="transcribe",
        engine="faster-whisper",
        model="base",
        duration=max(end for _, end, _ in spans),
        segments=[ResultSegment(start=s, end=e, text=t) for s, e, t in spans],
    )


def test_only_the_last_replaced_transcript_is_kept_and_proposals_follow_the_words(
    eager: Any,
):
    testimony = Testimony.objects.create(external_id="kept-1", title="t", language="en")
    first = pipeline.store_result(testimony, _result((0, 5, "one"), (5, 10, "two")))
    old = first.segments.get(index=1)
    person = Person.objects.create(primary_name="Erlan Kabyl")
    accepted = Mention.objects.create(
        testimony=testimony, segment=old, kind="person", surface="two", review="accepted"
    )
    proposed = Mention.objects.create(testimony=testimony, segment=old, kind="person", surface="x")
    event = Event.objects.create(person=person, testimony=testimony, segment=old)

    second = pipeline.store_result(testimony, _result((0, 5, "one again"), (5, 10, "two again")))
    third = pipeline.store_result(testimony, _result((0, 10, "all of it")))

    assert not Transcript.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.replaced_at is not None
    assert [s.text for s in second.segments.all()] == ["one again", "two again"]
    assert testimony.current_transcript() == third
    accepted.refresh_from_db()
    event.refresh_from_db()
    assert accepted.segment_id is None and event.segment_id is None  # extraction re-finds them
    assert not Mention.objects.filter(pk=proposed.pk).exists()


def test_the_command_lists_without_queueing_and_names_an_unknown_model(
    settings: Any, tmp_path: Path, capsys: Any
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    item = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    Testimony.objects.filter(pk=item.testimony.pk).update(status=Testimony.Status.TRANSCRIBED)

    call_command("retranscribe", "--language", "en", "--dry-run")
    out = capsys.readouterr().out
    assert item.testimony.external_id in out and "Would queue 1 testimonies" in out
    item.testimony.refresh_from_db()
    assert item.testimony.status == Testimony.Status.TRANSCRIBED

    with pytest.raises(CommandError, match=r"large-v9.*never downloaded"):
        call_command("retranscribe", "--model", "large-v9")
    with pytest.raises(CommandError, match=r"No such testimony: nope"):
        call_command("retranscribe", "--testimony", "nope")
    call_command("retranscribe", "--language", "kk", "--dry-run")
    assert "Would queue 0 testimonies" in capsys.readouterr().out


def test_the_editor_shows_what_the_previous_pass_heard_beside_unedited_segments(eager: Any):
    from django.test import Client

    from testimonies import roles

    testimony = Testimony.objects.create(external_id="prev-1", title="t", language="en")
    first = pipeline.store_result(testimony, _result((0, 5, "old one"), (5, 10, "old two")))
    mine = first.segments.get(index=1)
    Segment.objects.filter(pk=mine.pk).update(text="mine", edited=True)
    pipeline.store_result(testimony, _result((0, 5, "new one"), (5, 10, "new two")))
    editor = User.objects.create_user("ed", is_staff=True)
    roles.grant(editor, roles.EDITOR)
    browser = Client()
    browser.force_login(editor)

    segments = browser.get("/edit/t/prev-1/segments").json()["segments"]

    assert [(s["text"], s["previous"]) for s in segments] == [("new one", "old one"), ("mine", "")]
