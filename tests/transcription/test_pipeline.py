"""The Django side of transcription: ingest, store, replace, fail clearly (real base model)."""

from __future__ import annotations

import importlib
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from testimonies.models import MediaAsset, Segment, Testimony, Transcript
from transcription import pipeline
from transcription.engine.errors import MediaDecodeError
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
from transcription.ingest import ingest_file
from transcription.tasks import transcribe_testimony

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def test_ingest_stores_a_read_only_content_addressed_original_once(media_root: Path):
    first = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    again = ingest_file(AUDIO / "en.wav", language="en", queue=False)

    assert first.created and not again.created
    assert again.testimony.pk == first.testimony.pk
    assert MediaAsset.objects.count() == 1
    stored = Path(first.asset.file.path)
    assert stored.name == f"{first.asset.sha256}.wav"
    assert stored.read_bytes() == (AUDIO / "en.wav").read_bytes()
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert first.asset.duration and first.asset.duration > 1
    assert first.testimony.visibility == "draft"


def test_ingest_refuses_a_file_that_is_not_media_and_stores_nothing(
    media_root: Path, tmp_path: Path
):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video")
    with pytest.raises(MediaDecodeError, match=r"notes\.mp4"):
        ingest_file(bogus, queue=False)
    assert Testimony.objects.count() == 0
    assert not list(media_root.rglob("*.mp4"))


def test_a_testimony_is_transcribed_with_english_and_confidences(media_root: Path):
    item = ingest_file(AUDIO / "ru_real.wav", language="ru", queue=False)

    transcript = pipeline.transcribe_testimony(testimony_id=item.testimony.pk)

    assert transcript is not None
    assert transcript.language == "ru" and transcript.language_source == "declared"
    segments = list(transcript.segments.all())
    assert segments
    text = " ".join(s.text for s in segments)
    assert re.search("[а-яё]", text.lower()), text
    english = " ".join(s.translation for s in segments)
    assert re.search("[a-z]{3}", english.lower()) and not re.search("[а-я]", english.lower())
    assert all(s.avg_logprob is not None and s.compression_ratio for s in segments)
    assert any(s.words for s in segments)
    item.testimony.refresh_from_db()
    assert item.testimony.status == Testimony.Status.TRANSCRIBED


def test_running_again_replaces_the_transcript_and_keeps_the_previous_one_apart(media_root: Path):
    item = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    pipeline.transcribe_testimony(testimony_id=item.testimony.pk)
    count = Segment.objects.count()
    Testimony.objects.filter(pk=item.testimony.pk).update(status=Testimony.Status.QUEUED)

    pipeline.transcribe_testimony(testimony_id=item.testimony.pk)

    assert Transcript.objects.filter(replaced_at=None).count() == 1
    current = Segment.objects.filter(transcript__replaced_at=None)
    assert current.count() == count
    # The machine text it replaced is kept beside it, for editors to compare.
    assert Segment.objects.exclude(transcript__replaced_at=None).count() == count
    english = current.first()
    assert english is not None and english.translation == english.text


def test_a_finished_testimony_is_not_claimed_twice(media_root: Path):
    item = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    assert pipeline.claim(item.testimony.pk)
    Testimony.objects.filter(pk=item.testimony.pk).update(status=Testimony.Status.TRANSCRIBED)
    assert not pipeline.claim(item.testimony.pk)
    assert pipeline.transcribe_testimony(testimony_id=item.testimony.pk) is None


def test_a_permanent_failure_is_recorded_on_the_testimony(media_root: Path):
    item = ingest_file(AUDIO / "en.wav", language="en", queue=False)
    # The stored file went bad on disk: the job fails for good, with its reason kept.
    path = Path(item.asset.file.path)
    path.chmod(0o644)
    path.write_bytes(b"\x00" * 64)

    transcribe_testimony.apply(args=[item.testimony.pk])

    item.testimony.refresh_from_db()
    assert item.testimony.status == Testimony.Status.FAILED
    assert Path(item.asset.file.path).name in item.testimony.processing_error
    assert Transcript.objects.count() == 0


def test_uyghur_without_a_model_is_flagged_and_never_labelled_another_language(
    media_root: Path,
):
    item = ingest_file(AUDIO / "kk.wav", language="ug", queue=False)
    transcript = pipeline.transcribe_testimony(testimony_id=item.testimony.pk)
    assert transcript is not None
    assert transcript.language == "ug"
    assert transcript.needs_review
    assert "language not supported by the model — needs review" in transcript.review_reasons


def test_the_transcribe_command_prints_subtitles_without_a_database_row(capsys: Any):
    call_command("transcribe", str(AUDIO / "en.wav"), "--language", "en", "--format", "vtt")
    out = capsys.readouterr()
    assert out.out.startswith("WEBVTT")
    assert re.search(r"00:00:0\d\.\d{3} --> 00:00:\d\d\.\d{3}", out.out)
    assert "real time" in out.err
    assert Testimony.objects.count() == 0


def test_the_transcribe_command_names_a_missing_model(capsys: Any, tmp_path: Path):
    with pytest.raises(CommandError, match=r"model\.bin"):
        call_command("transcribe", str(AUDIO / "en.wav"), "--model", str(tmp_path / "nope"))


def test_a_converted_checkpoint_runs_the_openai_whisper_engine(capsys: Any, tmp_path: Path):
    pytest.importorskip("whisper")
    checkpoint = tmp_path / "base.pt"
    call_command("openai_checkpoint", str(checkpoint))
    assert "use it as TRANSCRIPTION_MODEL" in capsys.readouterr().out
    call_command(
        "transcribe",
        str(AUDIO / "en.wav"),
        *("--language", "en", "--engine", "openai-whisper", "--model", str(checkpoint)),
    )
    assert "witness" in capsys.readouterr().out.lower()
    with pytest.raises(CommandError, match=r"model\.bin"):
        call_command("openai_checkpoint", str(tmp_path / "x.pt"), "--model", str(tmp_path))


def test_the_ingest_command_queues_each_file_once(media_root: Path, capsys: Any, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("en.wav", "ru.wav"):
        (folder / name).write_bytes((AUDIO / name).read_bytes())
    (folder / "readme.txt").write_text("not media")
    os.link(folder / "en.wav", folder / "copy.mp3")  # same bytes, other name: a duplicate

    call_command("ingest", str(folder), "--no-queue", "--no-progress")

    assert Testimony.objects.count() == 2
    assert "1 already archived" in capsys.readouterr().out


def test_the_cpu_default_decodes_in_batches_and_sequential_stays_selectable(
    settings: Any, monkeypatch: pytest.MonkeyPatch
):
    from config.settings import transcription as transcription_settings

    monkeypatch.delenv("TRANSCRIPTION_BATCH_SIZE", raising=False)
    settings.TRANSCRIPTION_BATCH_SIZE = importlib.reload(
        transcription_settings
    ).TRANSCRIPTION_BATCH_SIZE
    settings.TRANSCRIPTION_DEVICE = "cpu"

    default = pipeline.engine_for("ru")
    assert isinstance(default, FasterWhisperEngine)
    assert (default.device, default.batch_size) == ("cpu", 4)
    assert default.pipeline is not None

    settings.TRANSCRIPTION_BATCH_SIZE = 1
    sequential = pipeline.engine_for("ru")
    assert isinstance(sequential, FasterWhisperEngine) and sequential.pipeline is None
