"""Several files decoded together: `transcribe_many` and the worker threads' shared engine."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from transcription.engine.audio import SAMPLE_RATE, decode_audio
from transcription.engine.base import DecodeOptions, Request
from transcription.engine.batching import BatchingEngine
from transcription.engine.errors import MediaDecodeError, SilentMediaError
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
from transcription.engine.schema import TranscriptionResult


@pytest.fixture(scope="module")
def batched(engine: FasterWhisperEngine) -> FasterWhisperEngine:
    return FasterWhisperEngine(
        engine.model_path,
        device="cpu",
        batch_size=4,
        cpu_threads=2,
        options=DecodeOptions(beam_size=1, best_of=1),
    )


def _within_own_file(result: TranscriptionResult) -> bool:
    times = [t for s in result.segments for t in (s.start, s.end)]
    times += [t for s in result.segments for w in s.words for t in (w.start, w.end)]
    return bool(times) and all(0.0 <= t <= result.duration + 0.05 for t in times)


def test_files_of_one_language_share_one_decode_and_keep_their_own_clock(
    batched: FasterWhisperEngine, audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[dict[str, float]]] = []
    run = batched.pipeline.transcribe  # type: ignore[union-attr]

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["clip_timestamps"])
        return run(*args, **kwargs)

    monkeypatch.setattr(batched.pipeline, "transcribe", spy)
    files = ["ru.wav", "en.wav", "ru_real.wav", "silence.wav", "corrupt.mp4", "ru.opus"]
    languages = ["ru", "en", "ru", "ru", "ru", "ru"]
    results = batched.transcribe_many(
        [Request(audio_dir / f, lang) for f, lang in zip(files, languages, strict=True)]
    )

    assert isinstance(results[3], SilentMediaError) and "silence.wav" in str(results[3])
    assert isinstance(results[4], MediaDecodeError)
    ru, en, ru_real, ru_opus = (results[i] for i in (0, 1, 2, 5))
    assert all(isinstance(r, TranscriptionResult) for r in (ru, en, ru_real, ru_opus))
    assert "witness" in en.text.lower()  # type: ignore[union-attr]
    for result in (ru, ru_real, ru_opus):
        assert re.search("[а-яё]", result.text.lower())  # type: ignore[union-attr]
        assert result.language == "ru" and result.language_source == "declared"  # type: ignore[union-attr]
    assert all(_within_own_file(r) for r in (ru, en, ru_real, ru_opus))  # type: ignore[arg-type]
    assert "брат" in ru.text.lower() and "брат" in ru_opus.text.lower()  # type: ignore[union-attr]
    # Nothing of one file leaks into its neighbour's result.
    assert "сети" in ru_real.text.lower() and "брат" not in ru_real.text.lower()  # type: ignore[union-attr]
    assert "сети" not in ru.text.lower() and "сети" not in ru_opus.text.lower()  # type: ignore[union-attr]

    # One decode for English, one for the three Russian files, whose windows were laid end
    # to end: the last file's windows start after the first two files' audio.
    assert len(calls) == 2
    russian = max(calls, key=len)
    first_two = sum(decode_audio(audio_dir / f).shape[0] for f in ("ru.wav", "ru_real.wav"))
    assert len(russian) >= 3
    assert russian[-1]["start"] >= first_two / SAMPLE_RATE


def test_worker_threads_calls_are_decoded_together(
    batched: FasterWhisperEngine, audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    many = batched.transcribe_many

    def spy(requests: Any) -> Any:
        batches.append(len(requests))
        return many(requests)

    monkeypatch.setattr(batched, "transcribe_many", spy)
    # Two files will reach the decoding thread (the silent one fails in its own thread); it
    # decodes as soon as both are there, however long the other thread's VAD takes.
    shared = BatchingEngine(batched, max_files=2, wait_seconds=60.0)
    assert shared.supports_language("kk")  # the wrapped engine's
    got: dict[str, Any] = {}

    def work(name: str, language: str) -> None:
        try:
            got[name] = shared.transcribe(audio_dir / name, language=language)
        except Exception as exc:
            got[name] = exc

    threads = [
        threading.Thread(target=work, args=args)
        for args in (("en.wav", "en"), ("ru_real.wav", "ru"), ("silence.wav", "en"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert "witness" in got["en.wav"].text.lower()
    assert "сети" in got["ru_real.wav"].text.lower()
    assert isinstance(got["silence.wav"], SilentMediaError)  # found in its own thread
    assert batches == [2] and shared.batches == 1
