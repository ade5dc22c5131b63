"""The faster-whisper engine with the real Whisper base model on the fixture clips."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from transcription.engine.audio import decode_audio
from transcription.engine.base import DecodeOptions, Engine, needs_fallback
from transcription.engine.errors import (
    EmptyMediaError,
    EngineError,
    MediaDecodeError,
    NoAudioStreamError,
    SilentMediaError,
)
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
from transcription.engine.schema import UNSUPPORTED_LANGUAGE_REASON
from transcription.engine.vad import SpeechSpan

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_english_speech_comes_back_with_its_words(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    result = engine.transcribe(audio_dir / "en.wav", language="en")

    assert {"witness", "said", "brother", "disappeared", "village"} <= words_of(result.text)
    assert result.language == "en"
    assert result.language_source == "declared"
    assert result.language_probability == 1.0
    assert (result.engine, result.model, result.task) == ("faster-whisper", "base", "transcribe")
    assert result.duration == pytest.approx(5.78, abs=0.05)
    assert not result.needs_review, result.review_reasons


def test_segments_carry_timings_words_and_confidences(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    result = engine.transcribe(audio_dir / "en.wav", language="en")
    segment = result.segments[0]
    assert 0.0 <= segment.start < segment.end <= result.duration + 0.05
    assert segment.words
    assert all(w.start <= w.end for w in segment.words)
    assert all(0.0 <= w.probability <= 1.0 for w in segment.words)
    assert "witness" in words_of(" ".join(w.word for w in segment.words))
    assert -1.0 < segment.avg_logprob < 0.0
    assert 0.0 <= segment.no_speech_prob <= 1.0
    assert segment.compression_ratio > 0.0


def test_without_word_timestamps_segments_have_no_words(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    result = engine.transcribe(audio_dir / "en.wav", language="en", word_timestamps=False)
    assert result.segments
    assert all(s.words == [] for s in result.segments)


def test_undeclared_language_is_detected(engine: FasterWhisperEngine, audio_dir: Path) -> None:
    result = engine.transcribe(audio_dir / "en.mp3", language=None)

    assert result.language == "en"
    assert result.language_source == "detected"
    assert 0.5 < result.language_probability <= 1.0
    assert result.decoded_language is None
    assert "brother" in words_of(result.text)


def test_generated_russian_speech_comes_back_in_cyrillic(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    result = engine.transcribe(audio_dir / "ru.opus", language="ru")

    assert result.language == "ru"
    assert result.language_source == "declared"
    assert CYRILLIC.search(result.text)
    assert not LATIN.search(result.text)
    assert "брат" in words_of(result.text)


def test_real_russian_recording_is_transcribed(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    # "нейронные сети это хорошо" (see tests/fixtures/audio/README.md)
    result = engine.transcribe(audio_dir / "ru_real.wav", language="ru")

    assert CYRILLIC.search(result.text)
    assert {"сети", "это", "хорошо"} <= words_of(result.text)


def test_translate_task_returns_english(engine: FasterWhisperEngine, audio_dir: Path) -> None:
    result = engine.transcribe(audio_dir / "ru_real.wav", language="ru", task="translate")

    assert result.task == "translate"
    assert result.language == "ru"  # the language spoken, not the output's
    assert LATIN.search(result.text)
    assert not CYRILLIC.search(result.text)


def test_uyghur_is_flagged_and_transcribed_with_the_fallback(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    assert not engine.supports_language("ug")

    result = engine.transcribe(audio_dir / "kk.wav", language="ug")

    assert result.language == "ug"
    assert result.language_source == "declared"
    assert result.decoded_language == "kk"
    assert result.needs_review
    assert UNSUPPORTED_LANGUAGE_REASON in result.review_reasons
    assert "language not supported by the model — needs review" in result.review_reasons
    assert CYRILLIC.search(result.text)  # decoded as Kazakh Cyrillic for an editor to fix


def test_uyghur_without_fallback_is_flagged_and_still_recorded_as_uyghur(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    no_fallback = FasterWhisperEngine(
        engine.model_path, device="cpu", cpu_threads=2, options=DecodeOptions(beam_size=1)
    )
    result = no_fallback.transcribe(audio_dir / "en.wav", language="ug")

    assert result.language == "ug"
    assert result.review_reasons[0] == UNSUPPORTED_LANGUAGE_REASON
    assert result.decoded_language == "en"  # what detection found


def test_a_language_token_override_is_used_without_review(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    # As with a Uyghur fine-tune trained under the Kazakh token: the model does know it.
    fine_tune = FasterWhisperEngine(
        engine.model_path,
        device="cpu",
        cpu_threads=2,
        language_token_overrides={"ug": "kk"},
        options=DecodeOptions(beam_size=1, temperatures=(0.0,)),
    )
    result = fine_tune.transcribe(audio_dir / "kk.wav", language="ug")

    assert (result.language, result.decoded_language) == ("ug", "kk")
    assert UNSUPPORTED_LANGUAGE_REASON not in result.review_reasons
    assert CYRILLIC.search(result.text)


def test_an_override_to_a_token_the_model_lacks_is_refused(engine: FasterWhisperEngine) -> None:
    with pytest.raises(EngineError, match=re.escape("no <|ug|> token")):
        FasterWhisperEngine(engine.model_path, device="cpu", language_token_overrides={"x": "ug"})


def test_silent_audio_raises_silent_media_error(
    engine: FasterWhisperEngine, audio_dir: Path
) -> None:
    with pytest.raises(SilentMediaError, match=r"silence\.wav: no speech detected"):
        engine.transcribe(audio_dir / "silence.wav", language="en")


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("corrupt.mp4", MediaDecodeError),
        ("empty.wav", EmptyMediaError),
        ("video_no_audio.mp4", NoAudioStreamError),
    ],
)
def test_bad_media_raises_its_specific_error(
    engine: FasterWhisperEngine, audio_dir: Path, name: str, error: type[EngineError]
) -> None:
    with pytest.raises(error, match=re.escape(name)):
        engine.transcribe(audio_dir / name, language="en")


def test_decoded_arrays_are_accepted(engine: FasterWhisperEngine, audio_dir: Path) -> None:
    samples = decode_audio(audio_dir / "en.webm")
    result = engine.transcribe(samples, language="en")
    assert "brother" in words_of(result.text)


def test_the_gpu_settings_run_on_cpu(engine: FasterWhisperEngine, audio_dir: Path) -> None:
    # float16 and batching are what the GPU workers use; CI has no GPU, so the same settings
    # must degrade to a CPU compute type and still transcribe.
    batched = FasterWhisperEngine(
        engine.model_path,
        device="cpu",
        compute_type="float16",
        batch_size=4,
        cpu_threads=2,
        options=DecodeOptions(beam_size=1),
    )
    assert batched.compute_type == "float32"
    assert batched.pipeline is not None
    assert isinstance(batched, Engine)

    # Eight copies of the sentence without pauses: one VAD span of 41 s, longer than Whisper's
    # 30 s window. Uncapped, the batched pipeline feeds it whole to CTranslate2, which
    # crashes the process ("corrupted double-linked list").
    sentence = decode_audio(audio_dir / "en.wav")[4800:-4800]  # the clip's 0.3 s pads
    long_audio = np.concatenate([sentence] * 8)
    result = batched.transcribe(long_audio, language="en")

    assert result.duration > 40.0
    assert len(result.segments) >= 2
    assert result.segments[-1].end > 35.0
    assert result.text.lower().count("village") >= 6


def batched_engine(engine: FasterWhisperEngine, options: DecodeOptions) -> FasterWhisperEngine:
    return FasterWhisperEngine(
        engine.model_path, device="cpu", batch_size=4, cpu_threads=2, options=options
    )


def test_a_batched_window_that_fails_the_thresholds_is_decoded_again_with_fallback(
    engine: FasterWhisperEngine, audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No text compresses below ratio 0.5, so every window fails as a hallucination loop would.
    strict = batched_engine(engine, DecodeOptions(beam_size=1, compression_ratio_threshold=0.5))
    redecoded: list[dict[str, Any]] = []
    sequential = strict.model.transcribe

    def spy(*args: Any, **kwargs: Any) -> Any:
        redecoded.append(kwargs)
        return sequential(*args, **kwargs)

    monkeypatch.setattr(strict.model, "transcribe", spy)
    result = strict.transcribe(audio_dir / "two_languages.opus", word_timestamps=False)

    assert redecoded, "no window was decoded again"
    assert all(list(k["temperature"]) == list(DecodeOptions().temperatures) for k in redecoded)
    assert all(k["condition_on_previous_text"] is False for k in redecoded)
    # Every segment is still checked on its own, and the transcript goes to review. The
    # fallback samples: a short sampled text can compress below 0.5 and be kept (at a
    # temperature above 0), else the best failed decode is kept with its high ratio.
    assert result.segments
    for segment in result.segments:
        assert ("high_compression_ratio" in segment.flags) == (segment.compression_ratio > 0.5)
        assert ("fallback_temperature" in segment.flags) == (segment.temperature > 0)
        assert segment.compression_ratio > 0.5 or segment.temperature > 0
    assert result.needs_review


def test_a_batched_window_that_passes_is_decoded_once(
    engine: FasterWhisperEngine, audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched = batched_engine(engine, DecodeOptions(beam_size=2, best_of=2))
    monkeypatch.setattr(batched.model, "transcribe", pytest.fail)

    result = batched.transcribe(audio_dir / "en.wav", language="en")

    assert {"witness", "brother", "village"} <= words_of(result.text)
    assert all(s.temperature == 0.0 for s in result.segments)


def test_a_batched_window_whose_text_stops_early_is_decoded_again() -> None:
    window = SpeechSpan(10.0, 24.0)
    sure = dict(avg_logprob=-0.3, no_speech_prob=0.01, text="Мой брат пропал в Китае.")
    stopped = [SimpleNamespace(start=10.2, end=15.0, **sure)]
    finished = [*stopped, SimpleNamespace(start=15.0, end=23.6, **sure)]

    assert needs_fallback(stopped, window, DecodeOptions())
    assert not needs_fallback(finished, window, DecodeOptions())
    assert needs_fallback([], window, DecodeOptions())


def test_gpu_workers_30_second_windows_hold_more_speech_each(
    engine: FasterWhisperEngine, audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whisper encodes 30 s whatever a window holds: GPU workers fill each window (setting
    # TRANSCRIPTION_WINDOW_SECONDS=30), halving the encoder's work against 15 s windows.
    sentence = decode_audio(audio_dir / "en.wav")
    pause = np.zeros(8000, dtype=np.float32)
    audio = np.concatenate([sentence, pause] * 10)
    windows: dict[int, list[dict[str, float]]] = {}
    for seconds in (15, 30):
        wide = FasterWhisperEngine(
            engine.model_path,
            device="cpu",
            batch_size=4,
            window_seconds=seconds,
            cpu_threads=2,
            # Greedy only: the temperature fallback samples, so its text differs run to run.
            options=DecodeOptions(beam_size=1, temperatures=(0.0,)),
        )
        assert wide.pipeline is not None
        run = wide.pipeline.transcribe

        def spy(*args: Any, _seconds: int = seconds, _run: Any = run, **kwargs: Any) -> Any:
            windows[_seconds] = kwargs["clip_timestamps"]
            return _run(*args, **kwargs)

        monkeypatch.setattr(wide.pipeline, "transcribe", spy)
        result = wide.transcribe(audio, language="en")
        # The speech was decoded, not skipped: most of the ten sentences come back.
        assert result.text.lower().count("village") >= 6
    assert all(w["end"] - w["start"] <= 30 for w in windows[30])
    assert max(w["end"] - w["start"] for w in windows[30]) > 15
    assert len(windows[30]) < len(windows[15])


def test_a_window_longer_than_whisper_hears_is_refused(engine: FasterWhisperEngine) -> None:
    with pytest.raises(EngineError, match="1-30 s"):
        FasterWhisperEngine(engine.model_path, device="cpu", batch_size=4, window_seconds=45)
