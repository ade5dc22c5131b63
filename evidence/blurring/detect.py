"""Sensitive things on one frame: identity numbers (the archive's own detectors), machine-
readable zones, and the card around a number when its outline is found."""

from __future__ import annotations

import re

import cv2
import numpy as np

from evidence.blurring.ocr import TextLine
from evidence.blurring.schema import Box, Hit, RegionKind
from redaction.identifiers import find_identifiers

# OCR reads the MRZ filler "<" as one of these now and then.
_FILLER = str.maketrans({"く": "<", "«": "<", "‹": "<", "＜": "<", "〈": "<", "(": "<"})
_MRZ = re.compile(r"[A-Z0-9<]{28,48}")

# A card or a passport page seen at an angle: its outline's sides, long over short.
_CARD_ASPECT = (1.15, 2.1)


def sensitive_kind(text: str) -> RegionKind | None:
    """The kind of the first identity number, phone or MRZ line in a text, or None."""
    spans = find_identifiers(text)
    if spans:
        return spans[0].kind
    packed = text.replace(" ", "").upper().translate(_FILLER)
    if packed.count("<") >= 2 and _MRZ.fullmatch(packed):
        return "mrz"
    return None


def hits_on_frame(frame: np.ndarray, lines: list[TextLine], time: float) -> list[Hit]:
    """One hit per line that holds something sensitive, with the card's box when found."""
    hits = []
    for line in lines:
        kind = sensitive_kind(line.text)
        if kind is None:
            continue
        number = line.box
        card = find_card(frame, number) if kind != "phone" else None
        hits.append(Hit(time=time, kind=kind, number=number, card=card))
    return hits


def find_card(frame: np.ndarray, number: Box) -> Box | None:
    """The bounding box of a four-sided outline around the number: the card or page.

    Looked for in a window around the number (a card is at most a few times wider than its
    number line and about ten lines high); an outline must hold the whole number, be shaped
    like a card seen at an angle and be neither barely larger than the number nor huge.
    """
    height, width = frame.shape[:2]
    w, h = number.width, number.height
    window = Box(number.x0 - 2.2 * w, number.y0 - 12 * h, number.x1 + 2.2 * w, number.y1 + 12 * h)
    window = window.clipped(width, height)
    x0, y0, x1, y1 = (int(v) for v in (window.x0, window.y0, window.x1, window.y1))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    gray = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 30, 90)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    best: Box | None = None
    for contour in contours:
        outline = cv2.approxPolyDP(contour, 0.03 * cv2.arcLength(contour, True), True)
        if len(outline) != 4 or not cv2.isContourConvex(outline):
            continue
        (_, _), (side_a, side_b), _ = cv2.minAreaRect(outline)
        if min(side_a, side_b) < 1:
            continue
        aspect = max(side_a, side_b) / min(side_a, side_b)
        area = side_a * side_b
        if not _CARD_ASPECT[0] <= aspect <= _CARD_ASPECT[1] or not 3 <= area / number.area <= 80:
            continue
        bx, by, bw, bh = cv2.boundingRect(outline)
        box = Box(float(bx + x0), float(by + y0), float(bx + x0 + bw), float(by + y0 + bh))
        if box.intersection_area(number) < 0.9 * number.area:
            continue
        if best is None or box.area > best.area:
            best = box
    return best
