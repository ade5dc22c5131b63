"""Decoding and probing media with PyAV, and the errors bad media raises."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from transcription.engine.audio import SAMPLE_RATE, decode_audio, probe_media
from transcription.engine.errors import (
    EmptyMediaError,
    EngineError,
    MediaDecodeError,
    NoAudioStreamError,
    SilentMediaError,
)
from transcription.engine.vad import require_speech, speech_spans


@pytest.mark.parametrize(
    "name", ["en.wav", "en.mp3", "en.webm", "en_video.mp4", "ru.opus", "two_languages.opus"]
)
def test_every_container_decodes_to_16k_mono_float32(audio_dir: Path, name: str) -> None:
    samples = decode_audio(audio_dir / name)

    assert samples.dtype == np.float32
    assert samples.ndim == 1
    assert 2.0 < samples.shape[0] / SAMPLE_RATE < 12.0
    assert 0.05 < float(np.abs(samples).max()) <= 1.0


def test_lossy_copies_keep_the_length_of_the_original(audio_dir: Path) -> None:
    original = decode_audio(audio_dir / "en.wav").shape[0]
    for name in ("en.mp3", "en.webm", "en_video.mp4"):
        assert abs(decode_audio(audio_dir / name).shape[0] - original) < 0.1 * SAMPLE_RATE


def test_decode_resamples_to_the_requested_rate(audio_dir: Path) -> None:
    at_8k = decode_audio(audio_dir / "en.wav", sample_rate=8000)
    at_16k = decode_audio(audio_dir / "en.wav")
    assert abs(at_8k.shape[0] * 2 - at_16k.shape[0]) < 100


def test_probe_reports_duration_container_and_codecs(audio_dir: Path) -> None:
    video = probe_media(audio_dir / "en_video.mp4")
    assert video.container.startswith("mov,mp4")
    assert video.audio_codec == "aac"
    assert video.video_codec == "h264"
    assert video.duration == pytest.approx(5.8, abs=0.3)

    wav = probe_media(audio_dir / "en.wav")
    assert (wav.container, wav.audio_codec, wav.video_codec) == ("wav", "pcm_s16le", None)
    assert wav.sample_rate == 16000
    assert wav.channels == 1

    silent_video = probe_media(audio_dir / "video_no_audio.mp4")
    assert silent_video.audio_codec is None
    assert silent_video.video_codec == "h264"


def test_corrupt_file_raises_media_decode_error_naming_the_file(audio_dir: Path) -> None:
    with pytest.raises(MediaDecodeError) as excinfo:
        decode_audio(audio_dir / "corrupt.mp4")
    message = str(excinfo.value)
    assert "corrupt.mp4" in message
    assert "Re-download or re-export" in message


def test_non_media_file_raises_media_decode_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("These are an editor's notes, not a recording.\n" * 20)
    with pytest.raises(MediaDecodeError, match=r"notes\.wav: not a media file"):
        decode_audio(notes)
    with pytest.raises(MediaDecodeError):
        probe_media(notes)


def test_missing_file_raises_media_decode_error(tmp_path: Path) -> None:
    with pytest.raises(MediaDecodeError, match="no such file"):
        decode_audio(tmp_path / "gone.mp4")


def test_video_without_audio_raises_no_audio_stream_error(audio_dir: Path) -> None:
    with pytest.raises(NoAudioStreamError) as excinfo:
        decode_audio(audio_dir / "video_no_audio.mp4")
    message = str(excinfo.value)
    assert "video_no_audio.mp4" in message
    assert "no audio stream" in message
    assert "streams: video" in message


def test_zero_length_audio_raises_empty_media_error(audio_dir: Path) -> None:
    with pytest.raises(EmptyMediaError, match=r"empty\.wav: the audio stream holds no samples"):
        decode_audio(audio_dir / "empty.wav")


def test_all_media_errors_share_one_base_class() -> None:
    for error in (MediaDecodeError, NoAudioStreamError, EmptyMediaError, SilentMediaError):
        assert issubclass(error, EngineError)


def test_speech_spans_cover_the_spoken_part_only(audio_dir: Path) -> None:
    samples = decode_audio(audio_dir / "en.wav")
    spans = speech_spans(samples)

    assert spans
    assert spans[0].start < 1.0
    assert spans[-1].end <= samples.shape[0] / SAMPLE_RATE + 0.01
    assert sum(s.duration for s in spans) > 3.0


def test_silence_has_no_speech_spans_and_require_speech_raises(audio_dir: Path) -> None:
    samples = decode_audio(audio_dir / "silence.wav")
    assert speech_spans(samples) == []
    with pytest.raises(SilentMediaError, match=r"silence\.wav: no speech detected in 2\.0 s"):
        require_speech(samples, source=str(audio_dir / "silence.wav"))
