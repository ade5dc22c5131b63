"""What the engines share: the Engine protocol, decode options, audio, checks and devices."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import ctranslate2
import numpy as np
from faster_whisper.transcribe import get_compression_ratio

from transcription.engine.audio import AudioArray, decode_audio
from transcription.engine.errors import EngineError
from transcription.engine.languages import LanguagePlan
from transcription.engine.quality import QualityThresholds, flag_segments, review_segments
from transcription.engine.schema import Task, TranscriptionResult
from transcription.engine.vad import SpeechSpan

logger = logging.getLogger(__name__)

Device = Literal["cpu", "cuda", "auto"]
AudioInput = str | os.PathLike[str] | AudioArray

# Below this, a detected language is a guess an editor should confirm.
LOW_LANGUAGE_PROBABILITY = 0.5
LOW_LANGUAGE_PROBABILITY_REASON = "language detection uncertain — needs review"
NO_TEXT_REASON = "speech detected but no text recognised — needs review"

# A batched window whose text ends this long before its speech does is decoded again.
UNDECODED_TAIL_SECONDS = 2.0


@dataclass(frozen=True)
class DecodeOptions:
    """Long-form decoding settings shared by the Whisper engines."""

    beam_size: int = 5
    best_of: int = 5
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    # Off: on hour-long testimonies, conditioning on earlier text lets one hallucinated loop
    # carry through every following window.
    condition_on_previous_text: bool = False
    # Left at their defaults in production. The speed benchmarks fix every window's decode
    # length (no end-of-text, no timestamps) so randomly initialised models do equal work.
    max_new_tokens: int | None = None
    suppress_tokens: tuple[int, ...] = (-1,)
    without_timestamps: bool = False

    def thresholds(self) -> QualityThresholds:
        return QualityThresholds(
            compression_ratio=self.compression_ratio_threshold,
            avg_logprob=self.log_prob_threshold,
            no_speech_prob=self.no_speech_threshold,
        )


@runtime_checkable
class Engine(Protocol):
    """Anything that turns audio into a `TranscriptionResult`."""

    name: str
    model_name: str

    def transcribe(
        self,
        audio: AudioInput,
        *,
        language: str | None = None,
        task: Task = "transcribe",
        word_timestamps: bool = True,
    ) -> TranscriptionResult: ...


@dataclass(frozen=True)
class Request:
    """One file for `transcribe_many`."""

    audio: AudioInput
    language: str | None = None
    task: Task = "transcribe"
    word_timestamps: bool = True
    source: str | None = None  # the file's name in errors, when `audio` is decoded samples
    windows: list[SpeechSpan] | None = None  # from `speech_windows`, if already found


def load_audio(audio: AudioInput) -> tuple[AudioArray, str]:
    """Decoded samples and a name for error messages."""
    if isinstance(audio, np.ndarray):
        return audio.astype(np.float32, copy=False), "audio array"
    return decode_audio(audio), os.fspath(audio)


def finish_result(
    result: TranscriptionResult, plan: LanguagePlan, options: DecodeOptions
) -> TranscriptionResult:
    """Apply the quality checks and review reasons every engine shares."""
    flag_segments(result.segments, options.thresholds())
    for reason in plan.review_reasons:
        result.flag_for_review(reason)
    if plan.source == "detected" and result.language_probability < LOW_LANGUAGE_PROBABILITY:
        result.flag_for_review(LOW_LANGUAGE_PROBABILITY_REASON)
    if not any(s.text.strip() for s in result.segments):
        result.flag_for_review(NO_TEXT_REASON)
    review_segments(result)
    return result


def resolve_device(device: Device) -> Literal["cpu", "cuda"]:
    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return "cuda" if gpus > 0 else "cpu"
    if device == "cuda" and gpus == 0:
        raise EngineError(
            "device 'cuda' was requested but CTranslate2 sees no CUDA GPU; set the transcription "
            "device to 'auto' or 'cpu', or check the worker's GPU and CUDA libraries."
        )
    return device


def resolve_compute_type(device: Literal["cpu", "cuda"], compute_type: str | None) -> str:
    """float16 on GPU and int8 on CPU by default; degrade what the device cannot run."""
    wanted = compute_type or ("float16" if device == "cuda" else "int8")
    supported = ctranslate2.get_supported_compute_types(device)
    if wanted in supported or wanted in ("default", "auto"):
        return wanted
    # The GPU settings must still run in CI and on CPU-only workers: fall back to the
    # nearest type the device supports instead of failing.
    for candidate in {
        "float16": ("float32",),
        "bfloat16": ("float32",),
        "int8_float16": ("int8_float32", "int8"),
        "int8_bfloat16": ("int8_float32", "int8"),
    }.get(wanted, ()):
        if candidate in supported:
            logger.warning(
                "compute type %s is not supported on %s; using %s", wanted, device, candidate
            )
            return candidate
    raise EngineError(
        f"compute type {wanted!r} is not supported on {device}; choose one of "
        f"{', '.join(sorted(supported))}"
    )


def batch_windows(spans: Sequence[SpeechSpan], limit: float) -> list[SpeechSpan]:
    """Neighbouring speech spans joined into windows no longer than `limit` seconds."""
    windows: list[SpeechSpan] = []
    for span in spans:
        if windows and span.end - windows[-1].start <= limit:
            windows[-1] = SpeechSpan(windows[-1].start, span.end)
        else:
            windows.append(span)
    return windows


def needs_fallback(segments: Sequence[Any], window: SpeechSpan, options: DecodeOptions) -> bool:
    """Whether one batched window fails Whisper's fallback tests, or stopped early.

    The batched pipeline gives every segment of a window the window's log-prob and
    no-speech probability; the compression ratio is taken over the window's whole text.
    """
    # Base often closes a window before its speech ends and loses the rest; the sequential
    # path goes on from where the text stopped.
    if not segments or window.end - float(segments[-1].end) > UNDECODED_TAIL_SECONDS:
        return True
    avg_logprob = min(float(s.avg_logprob) for s in segments)
    silent = float(segments[0].no_speech_prob) > options.no_speech_threshold
    if silent and avg_logprob < options.log_prob_threshold:
        return False  # Whisper's own rule: a quiet window is silence, not a failed decode
    text = " ".join(str(s.text).strip() for s in segments)
    return (
        get_compression_ratio(text) > options.compression_ratio_threshold
        or avg_logprob < options.log_prob_threshold
    )
