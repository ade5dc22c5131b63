"""Transcript in the spoken language plus English: Whisper's translate task or text MT."""

from __future__ import annotations

from typing import Any

from transcription.engine.base import AudioInput, Engine, load_audio
from transcription.engine.schema import Segment, TranscriptionResult

NO_TRANSLATION_REASON = (
    "no English translation: Whisper cannot translate this language and no text translation "
    "model is configured (TRANSLATION_MODEL)"
)


def _overlap(a: Segment, b: Segment) -> float:
    return min(a.end, b.end) - max(a.start, b.start)


def attach_translation(original: TranscriptionResult, translated: TranscriptionResult) -> None:
    """Give each original segment the English of the translated segments it overlaps most.

    Whisper segments the translate pass on its own, so the two lists do not line up; time
    overlap is the only link between them.
    """
    if not original.segments:
        return
    parts: list[list[str]] = [[] for _ in original.segments]
    for piece in translated.segments:
        if not piece.text.strip():
            continue
        best = max(
            range(len(original.segments)),
            key=lambda i: (
                _overlap(original.segments[i], piece),
                -abs(original.segments[i].start - piece.start),
            ),
        )
        parts[best].append(piece.text.strip())
    for segment, texts in zip(original.segments, parts, strict=True):
        segment.translation = " ".join(texts)


def whisper_can_translate(engine: Engine, language: str) -> bool:
    """Only a language the model knows natively (not a fallback or a fine-tune's token)."""
    supports = getattr(engine, "supports_language", None)
    overrides = getattr(engine, "language_token_overrides", {}) or {}
    return bool(supports and supports(language) and language not in overrides)


def transcribe_bilingual(
    engine: Engine,
    audio: AudioInput,
    *,
    language: str | None,
    translator: Any | None = None,
    word_timestamps: bool = True,
) -> TranscriptionResult:
    """Transcribe in the spoken language, then fill every segment's English translation."""
    samples, _ = load_audio(audio)
    result = engine.transcribe(
        samples, language=language, task="transcribe", word_timestamps=word_timestamps
    )
    spoken = result.language
    if spoken == "en":
        for segment in result.segments:
            segment.translation = segment.text
    elif whisper_can_translate(engine, spoken) and result.decoded_language is None:
        translated = engine.transcribe(
            samples, language=spoken, task="translate", word_timestamps=False
        )
        attach_translation(result, translated)
    elif translator is not None:
        translator.translate_result(result)
    else:
        result.flag_for_review(NO_TRANSLATION_REASON)
    return result
