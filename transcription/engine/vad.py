"""Speech detection with the Silero VAD model that ships inside faster-whisper."""

from __future__ import annotations

from dataclasses import dataclass

from faster_whisper.vad import VadOptions, get_speech_timestamps

from transcription.engine.audio import SAMPLE_RATE, AudioArray
from transcription.engine.errors import SilentMediaError

__all__ = ["SpeechSpan", "VadOptions", "default_vad_options", "require_speech", "speech_spans"]


@dataclass(frozen=True)
class SpeechSpan:
    """One stretch of speech, in seconds from the start of the audio."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def default_vad_options() -> VadOptions:
    # Testimonies have long pauses (a witness holding up a photo, crying); a shorter
    # min_silence would cut sentences, a longer pad keeps word onsets Whisper needs.
    return VadOptions(threshold=0.5, min_silence_duration_ms=1000, speech_pad_ms=400)


def speech_spans(
    audio: AudioArray, options: VadOptions | None = None, sample_rate: int = SAMPLE_RATE
) -> list[SpeechSpan]:
    """Return the spans of `audio` (16 kHz mono float32) that hold speech."""
    if sample_rate != SAMPLE_RATE:
        raise ValueError(f"Silero VAD here expects {SAMPLE_RATE} Hz audio, got {sample_rate} Hz")
    chunks = get_speech_timestamps(
        audio, options or default_vad_options(), sampling_rate=sample_rate
    )
    return [SpeechSpan(c["start"] / sample_rate, c["end"] / sample_rate) for c in chunks]


def require_speech(
    audio: AudioArray, options: VadOptions | None = None, *, source: str = "audio"
) -> list[SpeechSpan]:
    """Like `speech_spans`, but raise `SilentMediaError` when there is no speech at all."""
    spans = speech_spans(audio, options)
    if not spans:
        raise SilentMediaError(
            f"{source}: no speech detected in {audio.shape[0] / SAMPLE_RATE:.1f} s of audio. "
            "Check that the right file or audio track was ingested; nothing was transcribed."
        )
    return spans
