"""Text on a frame with PP-OCRv4 (rapidocr_onnxruntime: the models ship inside its wheel).

Settings, and why:
- Detection runs on the frame scaled down to ``det_width`` pixels (800 by default): on a
  720p frame it finds the number line of a card a quarter of the frame wide, and costs a
  third of detecting at full size. RapidOCR's own "max" limit never scales a 1280-pixel frame
  down, so the engine scales it itself.
- Recognition reads the line from the full-resolution frame (the crop is cut there), so
  small digits keep every pixel they have.
- Only lines at least ``min_aspect`` times as wide as high are read: every number the
  detectors look for is 8 or more characters long, so it is a long thin line; words like
  "姓名", single dates on a calendar and the photo are never read, which saves most of the
  recognition time.
- No orientation classifier: it only tells 0° from 180°, and a card held upside down is rare;
  it costs a third of recognition time.
- One ONNX Runtime thread per session: the renderer encodes on the other core, and extra
  threads only fight over two cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

import cv2
import numpy as np
from rapidocr_onnxruntime import RapidOCR

from evidence.blurring.schema import Box

OCR_NAME = "rapidocr_onnxruntime"


def ocr_version() -> str:
    return f"{OCR_NAME} {metadata.version(OCR_NAME)} (PP-OCRv4 det + rec)"


@dataclass(frozen=True, slots=True)
class TextLine:
    quad: np.ndarray  # 4 corners in frame pixels, clockwise from top left
    text: str
    score: float

    @property
    def box(self) -> Box:
        xs, ys = self.quad[:, 0], self.quad[:, 1]
        return Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))

    @property
    def height(self) -> float:
        q = self.quad
        return float(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))


class TextReader:
    """Finds text lines and reads the long ones; one instance per process (models load once)."""

    def __init__(self, *, det_width: int = 800, min_aspect: float = 3.5, threads: int = 1) -> None:
        self.det_width = det_width
        self.min_aspect = min_aspect
        self._ocr = RapidOCR(
            use_cls=False,
            det_limit_type="max",
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
        )

    def settings(self) -> dict[str, float | int]:
        return {"det_width": self.det_width, "min_aspect": self.min_aspect}

    def read(self, frame: np.ndarray) -> list[TextLine]:
        """Long text lines on a BGR frame, with what they say."""
        width = frame.shape[1]
        scale = min(1.0, self.det_width / width)
        small = (
            frame
            if scale == 1.0
            else cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        quads, _ = self._ocr.text_det(small)
        if quads is None or len(quads) == 0:
            return []
        crops: list[np.ndarray] = []
        kept: list[np.ndarray] = []
        for quad in quads:
            quad = np.asarray(quad, np.float32) / scale
            crop = _cut(frame, quad)
            if crop is not None and crop.shape[1] >= self.min_aspect * crop.shape[0]:
                crops.append(crop)
                kept.append(quad)
        if not crops:
            return []
        results, _ = self._ocr.text_rec(crops)
        return [
            TextLine(q, str(text), float(score))
            for q, (text, score) in zip(kept, results, strict=True)
        ]


def _cut(frame: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """The quadrilateral straightened into a rectangle (a tilted card's line reads level)."""
    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    if width < 4 or height < 4:
        return None
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(frame, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
