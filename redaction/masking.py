"""Masks over identity numbers and editor-marked spans, the same in every public output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from redaction.identifiers import find_identifiers

# The mask never depends on the length of what it hides: a length would narrow down which
# number it was (an 18-character ID against a 12-digit IIN) and make masks comparable.
MASK_LABELS: dict[str, str] = {
    "cn_resident_id": "ID number",
    "kz_iin": "IIN",
    "passport": "passport number",
    "phone": "phone",
}
_GENERIC_LABEL = ""  # "[redacted]": editor marks, and merges of different kinds


# --------------------------------------------------------------------------------------------
# Masking.
# --------------------------------------------------------------------------------------------


def _mask_for(label: str, hidden: str, keep_last: int) -> str:
    name = f"{label} redacted" if label else "redacted"
    if keep_last <= 0:
        return f"[{name}]"
    significant = [c for c in hidden if c.isalnum()]
    # Never show most of a number, whatever the caller asks for.
    count = min(keep_last, len(significant) // 2)
    shown = "".join(significant[-count:]) if count else ""
    return f"[{name}, ends {shown}]" if shown else f"[{name}]"


def mask(
    text: str,
    extra: Iterable[tuple[int, int]] = (),
    *,
    keep_last: int = 0,
    today: dt.date | None = None,
) -> str:
    """Text with every identifier and every extra (editor-marked) span replaced by a mask.

    Masks look like ``[ID number redacted]``, ``[IIN redacted]``, ``[passport number
    redacted]``, ``[phone redacted]``; editor spans and merges of different kinds give
    ``[redacted]``. Overlapping or touching spans are merged into one mask. ``keep_last``
    keeps up to that many trailing letters/digits of a detected identifier (never more than
    half of them, never of an editor span): ``[phone redacted, ends 4567]``. Everything outside
    the spans is returned unchanged.
    """
    if keep_last < 0:
        raise ValueError("keep_last must be >= 0")
    regions: list[tuple[int, int, str | None]] = []  # None: editor span
    for start, end in extra:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span ({start}, {end}) is outside the text (length {len(text)})")
        if start < end:
            regions.append((start, end, None))
    regions.extend((s.start, s.end, s.kind) for s in find_identifiers(text, today=today))
    regions.sort(key=lambda r: (r[0], r[1]))

    merged: list[tuple[int, int, set[str | None]]] = []
    for start, end, kind in regions:
        if merged and start <= merged[-1][1]:
            last_start, last_end, kinds = merged[-1]
            merged[-1] = (last_start, max(last_end, end), kinds | {kind})
        else:
            merged.append((start, end, {kind}))

    pieces: list[str] = []
    position = 0
    for start, end, kinds in merged:
        pieces.append(text[position:start])
        only = next(iter(kinds)) if len(kinds) == 1 else None
        label = MASK_LABELS[only] if only is not None else _GENERIC_LABEL
        pieces.append(_mask_for(label, text[start:end], keep_last if only is not None else 0))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
