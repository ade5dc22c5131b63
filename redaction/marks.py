"""Editor marks that follow their words when a segment's text changes (a re-transcription)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

# --------------------------------------------------------------------------------------------
# Editor marks across re-transcription.
# --------------------------------------------------------------------------------------------

Method = Literal["exact", "fuzzy", "aligned", "lost"]
_CONTEXT_CHARS = 32
_FUZZY_THRESHOLD = 0.6
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Relocation:
    """Where one mark went: new span (None when lost), how it was found, and a 0-1 score."""

    old: tuple[int, int]
    new: tuple[int, int] | None
    method: Method
    score: float


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _position_mapper(old_text: str, new_text: str) -> Callable[[int], int]:
    """Map an offset in old_text to new_text through a character alignment of the two."""
    blocks = difflib.SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes()

    def mapped(offset: int) -> int:
        for _tag, i1, i2, j1, j2 in blocks:
            if i1 <= offset < i2 or (offset == i2 == len(old_text)):
                if i2 == i1:
                    return j1
                # Inside a replaced stretch: proportionally, the best guess without more data.
                return j1 + round((offset - i1) * (j2 - j1) / (i2 - i1))
        return len(new_text)

    return mapped


def _context_score(old_text: str, s: int, e: int, new_text: str, ns: int, ne: int) -> float:
    before = _ratio(
        old_text[max(0, s - _CONTEXT_CHARS) : s], new_text[max(0, ns - _CONTEXT_CHARS) : ns]
    )
    after = _ratio(old_text[e : e + _CONTEXT_CHARS], new_text[ne : ne + _CONTEXT_CHARS])
    return (before + after) / 2


def _relocate_one(
    old_text: str, new_text: str, s: int, e: int, mapped: Callable[[int], int]
) -> Relocation:
    target = old_text[s:e]
    guess_start, guess_end = mapped(s), mapped(e)

    # 1. The marked text itself, as written (then ignoring case), chosen among repeats by the
    # surrounding text and, on a tie, by closeness to where the alignment puts it.
    for haystack, needle in ((new_text, target), (new_text.lower(), target.lower())):
        if len(haystack) != len(new_text) or len(needle) != len(target):
            continue  # lower() changed a length: offsets would be wrong
        hits = [m.start() for m in re.finditer(f"(?={re.escape(needle)})", haystack)]
        if hits:
            best = max(
                hits,
                key=lambda h: (
                    round(_context_score(old_text, s, e, new_text, h, h + len(target)), 3),
                    -abs(h - guess_start),
                ),
            )
            return Relocation((s, e), (best, best + len(target)), "exact", 1.0)

    # 2. The most similar run of whole words near where the alignment puts the mark.
    window = len(target) + _CONTEXT_CHARS
    lo, hi = max(0, guess_start - window), min(len(new_text), guess_end + window)
    words = [m for m in _WORD_RE.finditer(new_text) if m.end() > lo and m.start() < hi]
    max_words = len(_WORD_RE.findall(target)) + 1
    best_span: tuple[int, int] | None = None
    best_key = (0.0, 0)
    folded_target = target.lower()
    for i in range(len(words)):
        for j in range(i, min(i + max_words, len(words))):
            ns, ne = words[i].start(), words[j].end()
            key = (_ratio(folded_target, new_text[ns:ne].lower()), -abs(ns - guess_start))
            if key > best_key:
                best_key, best_span = key, (ns, ne)
    if best_span is not None and best_key[0] >= _FUZZY_THRESHOLD:
        return Relocation((s, e), best_span, "fuzzy", round(best_key[0], 3))

    # 3. Where the alignment puts it: better to mask the wrong words than leak the right ones.
    if guess_end > guess_start:
        aligned = new_text[guess_start:guess_end]
        return Relocation(
            (s, e), (guess_start, guess_end), "aligned", round(_ratio(target, aligned), 3)
        )
    return Relocation((s, e), None, "lost", 0.0)


def relocate_marks_detailed(
    old_text: str, new_text: str, marks: Sequence[tuple[int, int]]
) -> list[Relocation]:
    """For every mark on old_text, where it is in new_text and how sure that is (mark order)."""
    for start, end in marks:
        if not 0 <= start <= end <= len(old_text):
            raise ValueError(f"mark ({start}, {end}) is outside the old text")
    mapped = _position_mapper(old_text, new_text)
    return [
        _relocate_one(old_text, new_text, s, e, mapped)
        if s < e
        else Relocation((s, e), None, "lost", 0.0)
        for s, e in marks
    ]


def relocate_marks(
    old_text: str, new_text: str, marks: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Editor marks on old_text mapped onto new_text (a re-transcription of the same segment).

    Exact text first (the occurrence whose surroundings match best), then the most similar
    run of words near the aligned position (difflib ratio >= 0.6), then the aligned position
    itself. Lost marks are left out: use relocate_marks_detailed to see them and to send
    "aligned" and "lost" results to an editor.
    """
    return sorted(
        {r.new for r in relocate_marks_detailed(old_text, new_text, marks) if r.new is not None}
    )
