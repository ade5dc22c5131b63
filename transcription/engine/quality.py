"""Checks that mark decoded segments Whisper may have hallucinated or garbled, for review."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from transcription.engine.schema import Segment, TranscriptionResult

HIGH_COMPRESSION_RATIO = "high_compression_ratio"
LOW_AVG_LOGPROB = "low_avg_logprob"
FALLBACK_TEMPERATURE = "fallback_temperature"
REPETITION = "repetition"
HIGH_NO_SPEECH_PROB = "high_no_speech_prob"


@dataclass(frozen=True)
class QualityThresholds:
    """Whisper's own fallback thresholds, reused to flag segments that still crossed them."""

    compression_ratio: float = 2.4
    avg_logprob: float = -1.0
    no_speech_prob: float = 0.6
    # Whisper's failure loops repeat a word or a phrase back to back; people do too ("no, no,
    # no"), but rarely a word four times or a whole phrase three times in a row.
    word_repeats: int = 4
    phrase_repeats: int = 3
    phrase_length: int = 3
    max_ngram: int = 12


_WORD = re.compile(r"\w+", re.UNICODE)


def _units(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    # Scripts written without spaces (Chinese, Japanese) come back as one long "word";
    # compare characters there instead.
    if len(words) <= 2 and len(text.strip()) > 12:
        return [c for c in text if c.strip()]
    return words


def ngram_runs(units: list[str], max_n: int) -> dict[int, int]:
    """For each n-gram length, the most times one n-gram occurs back to back in `units`."""
    runs: dict[int, int] = {}
    for n in range(1, max_n + 1):
        best = 1
        for start in range(len(units) - 2 * n + 1):
            repeats = 1
            pos = start + n
            while units[pos : pos + n] == units[start : start + n]:
                repeats += 1
                pos += n
            best = max(best, repeats)
        runs[n] = best
    return runs


def is_repetitive(text: str, thresholds: QualityThresholds | None = None) -> bool:
    limits = thresholds or QualityThresholds()
    for n, repeats in ngram_runs(_units(text), limits.max_ngram).items():
        needed = limits.phrase_repeats if n >= limits.phrase_length else limits.word_repeats
        if repeats >= needed:
            return True
    return False


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def flag_segments(
    segments: Iterable[Segment], thresholds: QualityThresholds | None = None
) -> list[Segment]:
    """Add quality flags to each segment in place and return them as a list."""
    thresholds = thresholds or QualityThresholds()
    checked: list[Segment] = []
    previous = ""
    for segment in segments:
        flags = segment.flags
        if segment.compression_ratio > thresholds.compression_ratio:
            flags.append(HIGH_COMPRESSION_RATIO)
        if segment.avg_logprob < thresholds.avg_logprob:
            flags.append(LOW_AVG_LOGPROB)
        if segment.temperature > 0:
            flags.append(FALLBACK_TEMPERATURE)
        if segment.no_speech_prob > thresholds.no_speech_prob:
            flags.append(HIGH_NO_SPEECH_PROB)
        current = _normalised(segment.text)
        if is_repetitive(segment.text, thresholds) or (current and current == previous):
            flags.append(REPETITION)
        segment.flags = list(dict.fromkeys(flags))
        previous = current or previous
        checked.append(segment)
    return checked


def review_segments(result: TranscriptionResult) -> None:
    """Mark the result for review when any segment carries a flag, naming which flags."""
    flagged = [s for s in result.segments if s.flags]
    if not flagged:
        return
    kinds = sorted({f for s in flagged for f in s.flags})
    result.flag_for_review(
        f"{len(flagged)} of {len(result.segments)} segments flagged: {', '.join(kinds)}"
    )
