"""The reference PyTorch Whisper (optional openai-whisper extra), a second engine to compare."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from transcription.engine.audio import SAMPLE_RATE, AudioArray, audio_duration
from transcription.engine.base import (
    AudioInput,
    DecodeOptions,
    Device,
    finish_result,
    load_audio,
)
from transcription.engine.errors import EngineUnavailableError, ModelNotFoundError
from transcription.engine.languages import plan_language
from transcription.engine.schema import Segment, Task, TranscriptionResult, Word
from transcription.engine.vad import SpeechSpan, VadOptions, default_vad_options, require_speech

OPENAI_HOP_LENGTH = 160  # samples per mel frame in openai-whisper (100 frames a second)


def _load_openai_checkpoint(whisper: Any, checkpoint: Path, device: str) -> Any:
    """`whisper.load_model` for a path, plus the alignment heads a converted checkpoint names.

    openai-whisper knows the word-timing heads of its own downloads only; a checkpoint made by
    `transcription.engine.convert` carries them, as CTranslate2's config lists them.
    """
    # optional dependency (extra openai-whisper): imported only when a checkpoint is loaded
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
        # optional dependency (extra openai-whisper): imported only when this engine is used
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
        # optional dependency (extra openai-whisper): imported only when this engine is used
        import whisper
    except ImportError as exc:
        raise EngineUnavailableError(
            "the openai-whisper engine needs the optional extra: "
            "pip install 'testimony-archive[openai-whisper]' (openai-whisper and torch)"
        ) from exc
    return whisper
