"""Whisper on CTranslate2 (faster-whisper), the default engine, with batched decoding."""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel

from transcription.engine.audio import SAMPLE_RATE, AudioArray, audio_duration
from transcription.engine.base import (
    AudioInput,
    DecodeOptions,
    Device,
    Request,
    batch_windows,
    finish_result,
    load_audio,
    needs_fallback,
    resolve_compute_type,
    resolve_device,
)
from transcription.engine.errors import EngineError
from transcription.engine.languages import LanguagePlan, plan_language
from transcription.engine.model_files import resolve_model
from transcription.engine.schema import Segment, Task, TranscriptionResult, Word
from transcription.engine.vad import SpeechSpan, VadOptions, default_vad_options, require_speech

logger = logging.getLogger(__name__)

# Batched windows: one decode per window, and base often stops early in a long one (measured:
# 30 s chunks kept 38 of 86 words on mixed speech, 15 s chunks with timestamps kept 69).
BATCH_CHUNK_SECONDS = 15.0


class FasterWhisperEngine:
    """Whisper on CTranslate2. Load once and keep: model loading costs seconds."""

    name = "faster-whisper"

    def __init__(
        self,
        model: str = "base",
        *,
        device: Device = "auto",
        compute_type: str | None = None,
        batch_size: int | None = None,
        window_seconds: float = BATCH_CHUNK_SECONDS,
        cpu_threads: int = 0,
        fallback_language: str | None = None,
        language_token_overrides: Mapping[str, str] | None = None,
        options: DecodeOptions | None = None,
        vad_options: VadOptions | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.model_name = model
        self.model_path = resolve_model(model, cache_dir=cache_dir)
        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(self.device, compute_type)
        self.batch_size = batch_size
        if not 1.0 <= window_seconds <= 30.0:
            raise EngineError(
                f"batched window of {window_seconds} s: it must be 1-30 s (Whisper hears 30 s)"
            )
        self.window_seconds = window_seconds
        self.fallback_language = fallback_language
        self.language_token_overrides = dict(language_token_overrides or {})
        self.options = options or DecodeOptions()
        self.vad_options = vad_options or default_vad_options()
        self.model: WhisperModel = WhisperModel(
            self.model_path,
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
        self.pipeline: BatchedInferencePipeline | None = (
            BatchedInferencePipeline(self.model) if batch_size and batch_size > 1 else None
        )
        for language, token in self.language_token_overrides.items():
            if not self.supports_language(token):
                raise EngineError(
                    f"language token override {language!r} -> {token!r}: the model has no "
                    f"<|{token}|> token"
                )

    def supports_language(self, language: str) -> bool:
        if not self.model.model.is_multilingual:
            return language == "en"
        if language not in self.model.supported_languages:
            return False
        return self.model.hf_tokenizer.token_to_id(f"<|{language}|>") is not None

    def plan(self, language: str | None) -> LanguagePlan:
        return plan_language(
            language,
            is_supported=self.supports_language,
            fallback_language=self.fallback_language,
            token_overrides=self.language_token_overrides,
        )

    def _common(self, plan: LanguagePlan, task: Task, word_timestamps: bool) -> dict[str, Any]:
        """faster-whisper's arguments for one decode, from the engine's options."""
        opts = self.options
        return {
            "language": plan.decode_language,
            "task": task,
            "beam_size": opts.beam_size,
            "best_of": opts.best_of,
            "temperature": list(opts.temperatures),
            "compression_ratio_threshold": opts.compression_ratio_threshold,
            "log_prob_threshold": opts.log_prob_threshold,
            "no_speech_threshold": opts.no_speech_threshold,
            "condition_on_previous_text": opts.condition_on_previous_text,
            "word_timestamps": word_timestamps,
            "max_new_tokens": opts.max_new_tokens,
            "suppress_tokens": list(opts.suppress_tokens),
            "without_timestamps": opts.without_timestamps,
            "vad_filter": True,
            "vad_parameters": self.vad_options,
        }

    def _result(
        self,
        plan: LanguagePlan,
        task: Task,
        samples: AudioArray,
        segments: list[Segment],
        decoded: str,
        probability: float,
    ) -> TranscriptionResult:
        result = TranscriptionResult(
            language=plan.language or decoded,
            language_source=plan.source,
            language_probability=probability,
            task=task,
            engine=self.name,
            model=self.model_name,
            duration=audio_duration(samples),
            segments=segments,
            decoded_language=decoded if plan.language and decoded != plan.language else None,
        )
        return finish_result(result, plan, self.options)

    def transcribe(
        self,
        audio: AudioInput,
        *,
        language: str | None = None,
        task: Task = "transcribe",
        word_timestamps: bool = True,
    ) -> TranscriptionResult:
        samples, source = load_audio(audio)
        return self._transcribe_samples(samples, source, language, task, word_timestamps)

    def _transcribe_samples(
        self,
        samples: AudioArray,
        source: str,
        language: str | None,
        task: Task,
        word_timestamps: bool,
        windows: list[SpeechSpan] | None = None,
    ) -> TranscriptionResult:
        plan = self.plan(language)
        common = self._common(plan, task, word_timestamps)
        if self.pipeline is not None:
            if windows is None:
                windows = self.speech_windows(samples, source)
            decoded, info = self._decode_windows(samples, windows, common, source)
            segments = [segment for found in decoded for segment in found]
        else:
            require_speech(samples, self.vad_options, source=source)
            segments, info = self.model.transcribe(samples, **common)
        return self._result(
            plan,
            task,
            samples,
            [_from_faster_whisper(s) for s in segments],
            info.language,
            float(info.language_probability),
        )

    def transcribe_many(
        self, requests: Sequence[Request]
    ) -> list[TranscriptionResult | EngineError]:
        """Several files at once, each with its own result or its own error.

        With the batched pipeline, the speech windows of all files that decode in the same
        language and task share the batches: a GPU worker then fills its batches with short
        testimonies too, where one 2-minute file gives only 4 to 8 windows. Each file's
        windows are its own (none crosses into another file), so every file gets the
        segments it would get alone. A file whose language must be detected, and every file
        on the sequential decoder, is transcribed on its own.
        """
        results: list[TranscriptionResult | EngineError | None] = [None] * len(requests)
        groups: dict[tuple[str, Task, bool], list[_Prepared]] = {}
        for index, request in enumerate(requests):
            try:
                samples, source = load_audio(request.audio)
                source = request.source or source
                plan = self.plan(request.language)
                windows = request.windows
                if self.pipeline is None or plan.decode_language is None:
                    results[index] = self._transcribe_samples(
                        samples,
                        source,
                        request.language,
                        request.task,
                        request.word_timestamps,
                        windows,
                    )
                    continue
                if windows is None:
                    windows = self.speech_windows(samples, source)
            except EngineError as exc:
                results[index] = exc
                continue
            key = (plan.decode_language, request.task, request.word_timestamps)
            groups.setdefault(key, []).append(_Prepared(index, samples, source, plan, windows))
        for (_, task, words), members in groups.items():
            try:
                for member, result in zip(
                    members, self._transcribe_group(members, task, words), strict=True
                ):
                    results[member.index] = result
            except EngineError as exc:
                for member in members:
                    results[member.index] = exc
        done = [r for r in results if r is not None]
        assert len(done) == len(requests)  # every file got a result or its error above
        return done

    def _transcribe_group(
        self, members: list[_Prepared], task: Task, word_timestamps: bool
    ) -> list[TranscriptionResult]:
        """One decode of the windows of files that share a language and a task."""
        offsets: list[float] = []
        windows: list[SpeechSpan] = []
        position = 0
        for member in members:
            offset = position / SAMPLE_RATE
            offsets.append(offset)
            windows += [SpeechSpan(w.start + offset, w.end + offset) for w in member.windows]
            position += member.samples.shape[0]
        joined = np.concatenate([member.samples for member in members])
        common = self._common(members[0].plan, task, word_timestamps)
        source = f"{len(members)} files ({members[0].source}, …)"
        decoded, info = self._decode_windows(joined, windows, common, source)
        results: list[TranscriptionResult] = []
        first = 0
        for member, offset in zip(members, offsets, strict=True):
            found = decoded[first : first + len(member.windows)]
            first += len(member.windows)
            segments = [
                _shifted(_from_faster_whisper(s), -offset) for window in found for s in window
            ]
            results.append(
                self._result(
                    member.plan,
                    task,
                    member.samples,
                    segments,
                    info.language,
                    float(info.language_probability),
                )
            )
        return results

    def speech_windows(self, samples: AudioArray, source: str) -> list[SpeechSpan]:
        """Speech spans joined into the batched windows of at most `window_seconds`.

        Raises `SilentMediaError` where there is no speech.
        """
        # Windows must fit Whisper's 30 s: the pipeline decodes only the first 30 s of a longer
        # clip and drops the rest (a single unbroken span can run past it without the cap).
        vad = dataclasses.replace(
            self.vad_options,
            max_speech_duration_s=min(self.vad_options.max_speech_duration_s, self.window_seconds),
        )
        return batch_windows(require_speech(samples, vad, source=source), self.window_seconds)

    def _decode_windows(
        self,
        samples: AudioArray,
        windows: list[SpeechSpan],
        common: dict[str, Any],
        source: str,
    ) -> tuple[list[list[Any]], Any]:
        """Windows of speech decoded in batches; a window that fails the thresholds again.

        The batched pipeline decodes each window once, at the first temperature. A window
        whose text repeats itself (compression ratio), that the model doubts (log-prob) or
        whose text stops early is decoded again on its own with the full temperature
        fallback, as the sequential path would, so batching keeps the long-form safeguards.
        Returns each window's segments, in the order of `windows`.
        """
        assert self.pipeline is not None
        decoded, info = self.pipeline.transcribe(
            samples,
            batch_size=self.batch_size or 8,
            chunk_length=int(self.window_seconds),
            clip_timestamps=[{"start": w.start, "end": w.end} for w in windows],
            **common,
        )
        by_window: list[list[Any]] = [[] for _ in windows]
        starts = [w.start for w in windows]
        for segment in decoded:
            # By its middle: a segment's start can fall a frame before its window's (and,
            # with several files joined, into the previous file).
            middle = (float(segment.start) + float(segment.end)) / 2
            by_window[max(bisect.bisect_right(starts, middle) - 1, 0)].append(segment)
        sequential = {**common, "language": info.language, "vad_filter": False}
        sequential.pop("vad_parameters")
        retried = 0
        for index, (window, found) in enumerate(zip(windows, by_window, strict=True)):
            if needs_fallback(found, window, self.options):
                retried += 1
                again, _ = self.model.transcribe(
                    samples, clip_timestamps=[window.start, window.end], **sequential
                )
                by_window[index] = list(again)
        if retried:
            logger.info(
                "%s: %d of %d batched windows decoded again with temperature fallback",
                source,
                retried,
                len(windows),
            )
        return by_window, info


@dataclass(frozen=True)
class _Prepared:
    index: int
    samples: AudioArray
    source: str
    plan: LanguagePlan
    windows: list[SpeechSpan]


def _shifted(segment: Segment, seconds: float) -> Segment:
    """A segment of joined audio moved back onto its own file's clock."""
    segment.start = max(0.0, round(segment.start + seconds, 3))
    segment.end = max(0.0, round(segment.end + seconds, 3))
    for word in segment.words:
        word.start = max(0.0, round(word.start + seconds, 3))
        word.end = max(0.0, round(word.end + seconds, 3))
    return segment


def _from_faster_whisper(segment: Any) -> Segment:
    return Segment(
        start=round(float(segment.start), 3),
        end=round(float(segment.end), 3),
        text=str(segment.text).strip(),
        words=[
            Word(
                round(float(w.start), 3), round(float(w.end), 3), str(w.word), float(w.probability)
            )
            for w in segment.words or []
        ],
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
        temperature=float(segment.temperature or 0.0),
    )
