"""Result dataclasses every engine returns, with a JSON-ready dict form both ways."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, cast

Task = Literal["transcribe", "translate"]
LanguageSource = Literal["declared", "detected"]

# Review reasons the archive's editors see; the first is matched on by callers, keep it stable.
UNSUPPORTED_LANGUAGE_REASON = "language not supported by the model — needs review"

SCHEMA_VERSION = 1


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Word:
        return cls(
            start=float(data["start"]),
            end=float(data["end"]),
            word=str(data["word"]),
            probability=float(data.get("probability", 0.0)),
        )


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    temperature: float = 0.0
    flags: list[str] = field(default_factory=list)
    translation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [w.to_dict() for w in self.words]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        return cls(
            start=float(data["start"]),
            end=float(data["end"]),
            text=str(data["text"]),
            words=[Word.from_dict(w) for w in data.get("words") or []],
            avg_logprob=float(data.get("avg_logprob", 0.0)),
            no_speech_prob=float(data.get("no_speech_prob", 0.0)),
            compression_ratio=float(data.get("compression_ratio", 0.0)),
            temperature=float(data.get("temperature") or 0.0),
            flags=[str(f) for f in data.get("flags") or []],
            translation=data.get("translation"),
        )


@dataclass
class TranscriptionResult:
    language: str
    language_source: LanguageSource
    language_probability: float
    task: Task
    engine: str
    model: str
    duration: float
    segments: list[Segment] = field(default_factory=list)
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)
    # The language code Whisper actually decoded with, when it differs from `language`
    # (an unsupported declared language transcribed with a fallback, or a token override).
    decoded_language: str | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    def flag_for_review(self, reason: str) -> None:
        self.needs_review = True
        if reason not in self.review_reasons:
            self.review_reasons.append(reason)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["segments"] = [s.to_dict() for s in self.segments]
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptionResult:
        source = data.get("language_source", "detected")
        task = data.get("task", "transcribe")
        if source not in ("declared", "detected"):
            raise ValueError(f"language_source must be 'declared' or 'detected', got {source!r}")
        if task not in ("transcribe", "translate"):
            raise ValueError(f"task must be 'transcribe' or 'translate', got {task!r}")
        return cls(
            language=str(data["language"]),
            language_source=cast(LanguageSource, source),
            language_probability=float(data.get("language_probability", 0.0)),
            task=cast(Task, task),
            engine=str(data.get("engine", "")),
            model=str(data.get("model", "")),
            duration=float(data.get("duration", 0.0)),
            segments=[Segment.from_dict(s) for s in data.get("segments") or []],
            needs_review=bool(data.get("needs_review", False)),
            review_reasons=[str(r) for r in data.get("review_reasons") or []],
            decoded_language=data.get("decoded_language"),
        )
