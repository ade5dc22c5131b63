"""The whole job on one file: sample frames, read them, track regions, render the copy."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter

import cv2
import numpy as np

from evidence.blurring import video
from evidence.blurring.detect import hits_on_frame
from evidence.blurring.ocr import TextReader, ocr_version
from evidence.blurring.schema import Hit, Region, Report, Timing
from evidence.blurring.tracking import track

DETECTOR = "identity-blur"
# Raise when a change could blur a different set of pixels for the same input.
DETECTOR_VERSION = "1"

Progress = Callable[[str, float], None]  # (stage, share done 0..1)


@dataclass(frozen=True, slots=True)
class Options:
    """How densely to look and how much to cover; the defaults are what the bench measured.

    ``samples_per_second`` 3: a card held up for half a second is in at least one sampled
    frame, usually two (one may be motion-blurred). ``hold`` keeps a region this long after
    its last hit and joins hits this far apart. ``still_threshold``: a sampled frame whose
    thumbnail differs from the last one read by less than this (99th percentile of grey-level
    differences) is not read again; its hits are the last ones, moved to its time.
    """

    samples_per_second: float = 3.0
    det_width: int = 800
    hold: float = 1.0
    margin: float = 8.0
    still_threshold: float = 12.0
    crf: int = 20
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        if not 0.2 <= self.samples_per_second <= 60:
            raise ValueError("samples_per_second must be between 0.2 and 60")
        if self.hold < 0 or self.margin < 0:
            raise ValueError("hold and margin must not be negative")


def detector_info(options: Options) -> dict[str, object]:
    return {
        "name": DETECTOR,
        "version": DETECTOR_VERSION,
        "ocr": ocr_version(),
        "options": asdict(options),
    }


def _thumbnail(image: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (160, 90), interpolation=cv2.INTER_AREA)


def find_regions(
    source: Path,
    *,
    options: Options | None = None,
    reader: TextReader | None = None,
    progress: Progress | None = None,
) -> Report:
    """Regions to blur in a video file (nothing written): the first half of ``blur_video``."""
    options = options or Options()
    info = video.probe(source)
    reader = reader or TextReader(det_width=options.det_width)
    timing = Timing()
    period = 1.0 / options.samples_per_second
    samples: list[tuple[float, list[Hit]]] = []
    next_sample = 0.0
    last_thumb: np.ndarray | None = None
    last_hits: list[Hit] = []
    reused = 0
    started = perf_counter()
    decode_started = perf_counter()
    for _, time, frame in video.iter_frames(source):
        if time + 1e-6 < next_sample:
            continue
        next_sample = max(next_sample + period, time)  # on a fixed grid: no drift
        image = frame.to_ndarray(format="bgr24")
        timing.decode += perf_counter() - decode_started
        ocr_started = perf_counter()
        thumb = _thumbnail(image)
        still = (
            last_thumb is not None
            and float(np.percentile(cv2.absdiff(thumb, last_thumb), 99)) < options.still_threshold
        )
        if still:
            hits = [Hit(time, h.kind, h.number, h.card) for h in last_hits]
            reused += 1
        else:
            hits = hits_on_frame(image, reader.read(image), time)
            last_thumb, last_hits = thumb, hits
        samples.append((time, hits))
        timing.ocr += perf_counter() - ocr_started
        if progress is not None and info.duration:
            progress("detect", min(1.0, time / info.duration))
        decode_started = perf_counter()
    tracking_started = perf_counter()
    regions = track(
        samples, period=period, hold=options.hold, margin=options.margin, duration=info.duration
    )
    timing.tracking = perf_counter() - tracking_started
    timing.total = perf_counter() - started
    return Report(
        detector=detector_info(options),
        video=info,
        regions=regions,
        samples=len(samples),
        reused=reused,
        timing=timing,
    )


def render_copy(
    source: Path,
    out: Path,
    regions: list[Region],
    *,
    options: Options | None = None,
    progress: Progress | None = None,
    timing: Timing | None = None,
) -> None:
    """Write the blurred copy to ``out`` through a temporary file beside it: a failure leaves
    nothing at ``out``."""
    options = options or Options()
    info = video.probe(source)
    spent: dict[str, float] = {}

    def on_frame(index: int, time: float) -> None:
        if progress is not None and info.frames and index % 25 == 0:
            progress("render", min(1.0, index / info.frames))

    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".mp4", prefix=".blurring-", dir=out.parent)
    os.close(handle)
    try:
        video.render(
            source,
            Path(temporary),
            regions,
            crf=options.crf,
            preset=options.preset,
            on_frame=on_frame,
            timing=spent,
        )
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    if timing is not None:
        timing.decode += spent.get("decode", 0.0)
        timing.blur += spent.get("blur", 0.0)
        timing.encode += spent.get("encode", 0.0)
    if progress is not None:
        progress("render", 1.0)


def blur_video(
    source: Path,
    out: Path,
    *,
    options: Options | None = None,
    reader: TextReader | None = None,
    progress: Progress | None = None,
) -> Report:
    """Find the regions in ``source`` and write the copy with them blurred to ``out``."""
    options = options or Options()
    started = perf_counter()
    report = find_regions(source, options=options, reader=reader, progress=progress)
    render_copy(
        source, out, report.regions, options=options, progress=progress, timing=report.timing
    )
    report.timing.total = perf_counter() - started
    return report
