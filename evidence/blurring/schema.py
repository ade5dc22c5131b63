"""What the engine finds and renders: boxes, regions over time, and the report of a copy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any, Literal

# Identity-number kinds come from redaction.identifiers; "mrz" is a passport's or an ID
# card's machine-readable zone, "editor" a region a person drew.
RegionKind = Literal["cn_resident_id", "kz_iin", "passport", "phone", "mrz", "editor"]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in frame pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0), min(self.y0, other.y0),
            max(self.x1, other.x1), max(self.y1, other.y1),
        )  # fmt: skip

    def intersection_area(self, other: Box) -> float:
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(0.0, width) * max(0.0, height)

    def iou(self, other: Box) -> float:
        common = self.intersection_area(other)
        total = self.area + other.area - common
        return common / total if total > 0 else 0.0

    def clipped(self, width: int, height: int) -> Box:
        return Box(
            max(0.0, self.x0),
            max(0.0, self.y0),
            min(float(width), self.x1),
            min(float(height), self.y1),
        )

    def as_list(self) -> list[float]:
        return [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)]

    @classmethod
    def from_list(cls, values: list[float]) -> Box:
        x0, y0, x1, y1 = (float(v) for v in values)
        if not (x1 > x0 and y1 > y0):
            raise ValueError(f"a box needs x0 < x1 and y0 < y1, got {values}")
        return cls(x0, y0, x1, y1)


@dataclass(frozen=True, slots=True)
class Hit:
    """One sensitive thing read on one sampled frame: the number's box, the card's if found."""

    time: float
    kind: RegionKind
    number: Box
    card: Box | None = None

    @property
    def box(self) -> Box:
        return self.card or self.number


@dataclass(frozen=True, slots=True)
class Keyframe:
    time: float
    box: Box


@dataclass
class Region:
    """A rectangle that moves over a time span; blurred in every frame from start to end."""

    id: str
    kind: RegionKind
    start: float
    end: float
    keyframes: list[Keyframe]
    source: Literal["machine", "editor"] = "machine"
    card: bool = False  # the card's outline was found: the whole card is covered
    margin: float = 0.0  # pixels added on every side

    def box_at(self, time: float) -> Box | None:
        """The rectangle at a time, None outside the span: linear between keyframes, the
        nearest keyframe before the first and after the last, grown by the margin and by
        how far the box moves between the two keyframes around it (fast motion)."""
        if not self.start <= time <= self.end or not self.keyframes:
            return None
        frames = self.keyframes
        if time <= frames[0].time:
            return frames[0].box.grown(self.margin)
        if time >= frames[-1].time:
            return frames[-1].box.grown(self.margin)
        for before, after in pairwise(frames):
            if before.time <= time <= after.time:
                span = after.time - before.time
                share = (time - before.time) / span if span > 0 else 0.0
                a, b = before.box, after.box
                box = Box(
                    a.x0 + (b.x0 - a.x0) * share, a.y0 + (b.y0 - a.y0) * share,
                    a.x1 + (b.x1 - a.x1) * share, a.y1 + (b.y1 - a.y1) * share,
                )  # fmt: skip
                (ax, ay), (bx, by) = a.centre, b.centre
                moved = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
                return box.grown(self.margin + 0.25 * moved)
        return frames[-1].box.grown(self.margin)  # not reached: keyframes are sorted

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "card": self.card,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "margin": round(self.margin, 1),
            "keyframes": [{"t": round(k.time, 3), "box": k.box.as_list()} for k in self.keyframes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Region:
        keyframes = [Keyframe(float(k["t"]), Box.from_list(k["box"])) for k in data["keyframes"]]
        if not keyframes:
            raise ValueError(f"region {data.get('id')!r} has no keyframes")
        start, end = float(data["start"]), float(data["end"])
        if end < start:
            raise ValueError(f"region {data.get('id')!r} ends ({end}) before it starts ({start})")
        return cls(
            id=str(data["id"]),
            kind=data["kind"],
            start=start,
            end=end,
            keyframes=sorted(keyframes, key=lambda k: k.time),
            source=data.get("source", "machine"),
            card=bool(data.get("card", False)),
            margin=float(data.get("margin", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    duration: float
    frames: int
    has_audio: bool
    audio_codec: str | None


@dataclass
class Timing:
    """Seconds spent per stage, to see where the time goes."""

    decode: float = 0.0
    ocr: float = 0.0
    tracking: float = 0.0
    blur: float = 0.0
    encode: float = 0.0
    total: float = 0.0


@dataclass
class Report:
    """What a run found and did: enough to trace the copy back and to render it again."""

    detector: dict[str, Any]
    video: VideoInfo
    regions: list[Region]
    samples: int = 0  # frames read by OCR
    reused: int = 0  # sampled frames that matched the last one read, so were not read again
    timing: Timing = field(default_factory=Timing)

    def to_json(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "video": asdict(self.video),
            "samples": self.samples,
            "reused_samples": self.reused,
            "timing": {k: round(v, 3) for k, v in asdict(self.timing).items()},
            "regions": [r.to_json() for r in self.regions],
        }
