"""Speech engines behind one interface: faster-whisper (default), openai-whisper, text MT."""

from __future__ import annotations

import bisect
import dataclasses
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

from transcription.engine.audio import SAMPLE_RATE, AudioArray, audio_duration, decode_audio
from transcription.engine.errors import EngineError, EngineUnavailableError, ModelNotFoundError
from transcription.engine.languages import LanguagePlan, plan_language
from transcription.engine.models import resolve_model
from transcription.engine.quality import QualityThresholds, flag_segments, review_segments
from transcription.engine.schema import Segment, Task, TranscriptionResult, Word
from transcription.engine.vad import SpeechSpan, VadOptions, default_vad_options, require_speech

if TYPE_CHECKING:
    import ctranslate2
    import faster_whisper

logger = logging.getLogger(__name__)

Device = Literal["cpu", "cuda", "auto"]
AudioInput = str | os.PathLike[str] | AudioArray

# Below this, a detected language is a guess an editor should confirm.
LOW_LANGUAGE_PROBABILITY = 0.5
LOW_LANGUAGE_PROBABILITY_REASON = "language detection uncertain — needs review"
NO_TEXT_REASON = "speech detected but no text recognised — needs review"
# Batched windows: one decode per window, and base often stops early in a long one (measured:
# 30 s chunks kept 38 of 86 words on mixed speech, 15 s chunks with timestamps kept 69).
BATCH_CHUNK_SECONDS = 15.0
# A batched window whose text ends this long before its speech does is decoded again.
UNDECODED_TAIL_SECONDS = 2.0
OPENAI_HOP_LENGTH = 160  # samples per mel frame in openai-whisper (100 frames a second)


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
    import ctranslate2

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
    import ctranslate2

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
    from faster_whisper.transcribe import get_compression_ratio

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
        from faster_whisper import BatchedInferencePipeline, WhisperModel

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
        self.model: faster_whisper.WhisperModel = WhisperModel(
            self.model_path,
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
        self.pipeline: faster_whisper.BatchedInferencePipeline | None = (
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
class Request:
    """One file for `transcribe_many`."""

    audio: AudioInput
    language: str | None = None
    task: Task = "transcribe"
    word_timestamps: bool = True
    source: str | None = None  # the file's name in errors, when `audio` is decoded samples
    windows: list[SpeechSpan] | None = None  # from `speech_windows`, if already found


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


def _load_openai_checkpoint(whisper: Any, checkpoint: Path, device: str) -> Any:
    """`whisper.load_model` for a path, plus the alignment heads a converted checkpoint names.

    openai-whisper knows the word-timing heads of its own downloads only; a checkpoint made by
    `transcription.engine.convert` carries them, as CTranslate2's config lists them.
    """
    import torch

    data = torch.load(checkpoint, map_location=device, weights_only=True)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**data["dims"]))
    model.load_state_dict(data["model_state_dict"])
    heads = data.get("alignment_heads")
    if heads:
        mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model.to(device)


class OpenAIWhisperEngine:
    """The reference PyTorch Whisper, as a second engine for comparison and cross-checks.

    Needs the optional `openai-whisper` extra. `model` is a local checkpoint (`*.pt`) or a
    name already present in `download_root`: openai-whisper would otherwise download it.
    """

    name = "openai-whisper"

    def __init__(
        self,
        model: str,
        *,
        device: Device = "auto",
        download_root: str | Path | None = None,
        fallback_language: str | None = None,
        language_token_overrides: Mapping[str, str] | None = None,
        options: DecodeOptions | None = None,
        vad_options: VadOptions | None = None,
    ) -> None:
        whisper = _import_whisper()
        import torch

        checkpoint = Path(model).expanduser()
        if not checkpoint.is_file() and download_root is not None:
            checkpoint = Path(download_root) / f"{model}.pt"
        if not checkpoint.is_file():
            raise ModelNotFoundError(
                f"openai-whisper model {model!r} is not a local checkpoint file. Models are "
                "never downloaded at run time: set TRANSCRIPTION_MODEL (or the model's entry "
                "in TRANSCRIPTION_MODELS) to a .pt checkpoint path."
            )
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.model_name = model
        self.fallback_language = fallback_language
        self.language_token_overrides = dict(language_token_overrides or {})
        self.options = options or DecodeOptions()
        self.vad_options = vad_options or default_vad_options()
        self.model: Any = _load_openai_checkpoint(whisper, checkpoint, device)
        self._whisper = whisper

    def supports_language(self, language: str) -> bool:
        if not self.model.is_multilingual:
            return language == "en"
        codes = list(self._whisper.tokenizer.LANGUAGES)[: self.model.num_languages]
        return language in codes

    def transcribe(
        self,
        audio: AudioInput,
        *,
        language: str | None = None,
        task: Task = "transcribe",
        word_timestamps: bool = True,
    ) -> TranscriptionResult:
        samples, source = load_audio(audio)
        spans = require_speech(samples, self.vad_options, source=source)
        plan = plan_language(
            language,
            is_supported=self.supports_language,
            fallback_language=self.fallback_language,
            token_overrides=self.language_token_overrides,
        )
        decode_language = plan.decode_language
        probability = 1.0
        if decode_language is None:
            decode_language, probability = self._detect_language(samples, spans)
        opts = self.options
        output = self._whisper.transcribe(
            self.model,
            samples,
            language=decode_language,
            task=task,
            temperature=opts.temperatures,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            logprob_threshold=opts.log_prob_threshold,
            no_speech_threshold=opts.no_speech_threshold,
            condition_on_previous_text=opts.condition_on_previous_text,
            word_timestamps=word_timestamps,
            beam_size=opts.beam_size,
            best_of=opts.best_of,
            sample_len=opts.max_new_tokens,
            suppress_tokens=list(opts.suppress_tokens),
            without_timestamps=opts.without_timestamps,
            fp16=self.device == "cuda",
            clip_timestamps=_clip_timestamps(spans, samples),
            verbose=None,
        )
        result = TranscriptionResult(
            language=plan.language or decode_language,
            language_source=plan.source,
            language_probability=probability,
            task=task,
            engine=self.name,
            model=self.model_name,
            duration=audio_duration(samples),
            # A window the model closed without text still yields a segment; it holds nothing
            # an editor could use and its statistics are NaN, which JSON cannot carry.
            segments=[_from_openai_whisper(s) for s in output["segments"] if s["text"].strip()],
            decoded_language=(
                decode_language if plan.language and decode_language != plan.language else None
            ),
        )
        return finish_result(result, plan, opts)

    def _detect_language(
        self, samples: AudioArray, spans: Sequence[SpeechSpan]
    ) -> tuple[str, float]:
        whisper = self._whisper
        speech = np.concatenate(
            [samples[int(s.start * SAMPLE_RATE) : int(s.end * SAMPLE_RATE)] for s in spans]
        )
        mel = whisper.log_mel_spectrogram(
            whisper.pad_or_trim(speech), n_mels=self.model.dims.n_mels
        ).to(self.model.device)
        _, probs = self.model.detect_language(mel)
        language = max(probs, key=probs.get)
        return str(language), float(probs[language])


def _clip_timestamps(spans: Sequence[SpeechSpan], samples: AudioArray) -> list[float]:
    """Speech spans as openai-whisper's `clip_timestamps`, kept inside its mel frames.

    openai-whisper has no VAD of its own; decoding only the speech spans keeps it from
    hallucinating over long silences. A clip ending past the last mel frame (a span that runs
    to the end of the audio, rounded up) makes its transcribe loop spin forever.
    """
    last_frame = (samples.shape[0] // OPENAI_HOP_LENGTH) / 100
    clips: list[float] = []
    for span in spans:
        end = min(span.end, last_frame)
        if end - span.start >= 0.02:
            clips += [round(span.start, 2), end]
    return clips


def _from_openai_whisper(segment: Mapping[str, Any]) -> Segment:
    return Segment(
        start=max(0.0, round(float(segment["start"]), 3)),
        end=max(0.0, round(float(segment["end"]), 3)),
        text=str(segment["text"]).strip(),
        words=[
            Word(
                round(float(w["start"]), 3),
                round(float(w["end"]), 3),
                str(w["word"]),
                float(w.get("probability", 0.0)),
            )
            for w in segment.get("words") or []
        ],
        avg_logprob=float(segment["avg_logprob"]),
        no_speech_prob=float(segment["no_speech_prob"]),
        compression_ratio=float(segment["compression_ratio"]),
        temperature=float(segment.get("temperature") or 0.0),
    )


def _import_whisper() -> Any:
    try:
        import whisper
    except ImportError as exc:
        raise EngineUnavailableError(
            "the openai-whisper engine needs the optional extra: "
            "pip install 'testimony-archive[openai-whisper]' (openai-whisper and torch)"
        ) from exc
    return whisper


# NLLB-200 language codes for the languages testimonies arrive in; MADLAD uses ISO codes.
NLLB_CODES = {
    "en": "eng_Latn",
    "ru": "rus_Cyrl",
    "kk": "kaz_Cyrl",
    "ug": "uig_Arab",
    "zh": "zho_Hans",
    "ky": "kir_Cyrl",
    "uz": "uzn_Latn",
    "tr": "tur_Latn",
}


class TextTranslator:
    """Segment texts to English with a CTranslate2 sequence-to-sequence model.

    Tokenisation uses SentencePiece directly (`sentencepiece` package): NLLB and MADLAD both
    ship a SentencePiece model, so transformers and its tokenizers are not needed. `style`
    says how the model marks languages: NLLB puts the source code before the text and the
    target code as the decoder's first token; MADLAD puts `<2xx>` (target) before the text.
    """

    name = "ctranslate2-mt"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        style: Literal["nllb", "madlad"] = "nllb",
        sentencepiece_model: str | Path | None = None,
        device: Device = "auto",
        compute_type: str | None = None,
        beam_size: int = 4,
        max_decoding_length: int = 256,
    ) -> None:
        import ctranslate2

        try:
            import sentencepiece
        except ImportError as exc:
            raise EngineUnavailableError(
                "text translation needs the optional extra: "
                "pip install 'testimony-archive[translation]' (sentencepiece)"
            ) from exc
        directory = Path(model_dir)
        spm_path = Path(sentencepiece_model) if sentencepiece_model else _find_spm(directory)
        if not (directory / "model.bin").is_file() or spm_path is None:
            raise ModelNotFoundError(
                f"translation model {os.fspath(directory)!r} must be a local CTranslate2 "
                "directory holding model.bin and a SentencePiece model "
                "(sentencepiece.bpe.model or spiece.model); set TRANSLATION_MODEL to it."
            )
        self.style = style
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length
        self.model_name = directory.name
        device_name = resolve_device(device)
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(spm_path))
        self.translator: ctranslate2.Translator = ctranslate2.Translator(
            str(directory),
            device=device_name,
            compute_type=resolve_compute_type(device_name, compute_type),
        )

    def translate(
        self, texts: Iterable[str], *, source_language: str, target_language: str = "en"
    ) -> list[str]:
        """Translate each text; empty texts stay empty and keep their positions."""
        items = list(texts)
        wanted = [i for i, text in enumerate(items) if text.strip()]
        if not wanted:
            return ["" for _ in items]
        batch = [self._source_tokens(items[i], source_language, target_language) for i in wanted]
        prefix = [[_nllb_code(target_language)] for _ in wanted] if self.style == "nllb" else None
        results = self.translator.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=self.beam_size,
            max_decoding_length=self.max_decoding_length,
        )
        out = ["" for _ in items]
        for index, result in zip(wanted, results, strict=True):
            tokens = list(result.hypotheses[0])
            if self.style == "nllb" and tokens and tokens[0] == _nllb_code(target_language):
                tokens = tokens[1:]
            out[index] = str(self.sp.decode(tokens)).strip()
        return out

    def translate_result(
        self, result: TranscriptionResult, *, target_language: str = "en"
    ) -> TranscriptionResult:
        """Fill each segment's `translation` from its text, in the result's language."""
        translations = self.translate(
            [s.text for s in result.segments],
            source_language=result.language,
            target_language=target_language,
        )
        for segment, translation in zip(result.segments, translations, strict=True):
            segment.translation = translation
        return result

    def _source_tokens(self, text: str, source: str, target: str) -> list[str]:
        pieces: list[str] = list(self.sp.encode(text, out_type=str))
        if self.style == "nllb":
            return [_nllb_code(source), *pieces, "</s>"]
        return [f"<2{target}>", *pieces, "</s>"]


def _nllb_code(language: str) -> str:
    return NLLB_CODES.get(language, language)


def _find_spm(directory: Path) -> Path | None:
    for name in ("sentencepiece.bpe.model", "spiece.model", "source.spm", "tokenizer.model"):
        if (directory / name).is_file():
            return directory / name
    return None
