"""Writing results as WebVTT, SRT, plain text or JSON, and reading subtitles back."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TextIO

from transcription.engine.schema import Segment, TranscriptionResult

Format = Literal["vtt", "srt", "txt", "json"]


def format_timestamp(seconds: float, *, decimal_marker: str = ".") -> str:
    """`HH:MM:SS.mmm` (WebVTT) or, with `decimal_marker=","`, `HH:MM:SS,mmm` (SRT)."""
    if seconds < 0:
        raise ValueError(f"timestamps cannot be negative, got {seconds}")
    # Round once, in integer milliseconds, so 59.9996 s becomes 00:01:00.000, not 00:00:60.000.
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_marker}{ms:03d}"


def parse_timestamp(text: str) -> float:
    """Inverse of `format_timestamp`; accepts `.` or `,` and VTT's optional hours."""
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})", text.strip())
    if match is None:
        raise ValueError(f"not a subtitle timestamp: {text!r}")
    hours, minutes, secs, ms = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(ms) / 1000


def _cue_text(segment: Segment, translated: bool) -> str:
    text = segment.translation if translated and segment.translation else segment.text
    # A blank line ends a cue in both formats, so a segment must stay on one line.
    return " ".join(text.split())


class ResultWriter:
    """One output format; subclasses write the body."""

    extension: ClassVar[str]

    def __init__(self, *, translated: bool = False) -> None:
        self.translated = translated

    def write(self, result: TranscriptionResult, stream: TextIO) -> None:
        raise NotImplementedError


class WriteVTT(ResultWriter):
    extension = "vtt"

    def write(self, result: TranscriptionResult, stream: TextIO) -> None:
        stream.write("WEBVTT\n\n")
        for segment in result.segments:
            start = format_timestamp(segment.start)
            end = format_timestamp(max(segment.end, segment.start))
            # VTT cue text is HTML-like: a bare "<" or "&" would be read as markup.
            text = html.escape(_cue_text(segment, self.translated), quote=False)
            stream.write(f"{start} --> {end}\n{text}\n\n")


class WriteSRT(ResultWriter):
    extension = "srt"

    def write(self, result: TranscriptionResult, stream: TextIO) -> None:
        for index, segment in enumerate(result.segments, start=1):
            start = format_timestamp(segment.start, decimal_marker=",")
            end = format_timestamp(max(segment.end, segment.start), decimal_marker=",")
            stream.write(f"{index}\n{start} --> {end}\n{_cue_text(segment, self.translated)}\n\n")


class WriteTXT(ResultWriter):
    extension = "txt"

    def write(self, result: TranscriptionResult, stream: TextIO) -> None:
        for segment in result.segments:
            stream.write(_cue_text(segment, self.translated) + "\n")


class WriteJSON(ResultWriter):
    """The full result plus whisperX's flat `word_segments` list (`score` = probability)."""

    extension = "json"

    def write(self, result: TranscriptionResult, stream: TextIO) -> None:
        data: dict[str, Any] = result.to_dict()
        data["word_segments"] = [
            {"word": w.word, "start": w.start, "end": w.end, "score": w.probability}
            for s in result.segments
            for w in s.words
        ]
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")


WRITERS: dict[str, type[ResultWriter]] = {
    "vtt": WriteVTT,
    "srt": WriteSRT,
    "txt": WriteTXT,
    "json": WriteJSON,
}


def get_writer(fmt: str, *, translated: bool = False) -> ResultWriter:
    try:
        return WRITERS[fmt](translated=translated)
    except KeyError:
        raise ValueError(
            f"unknown output format {fmt!r}; choose one of {', '.join(WRITERS)}"
        ) from None


def write(
    result: TranscriptionResult, fmt: Format | str, stream: TextIO, *, translated: bool = False
) -> None:
    """Write `result` to `stream` as vtt, srt, txt or json."""
    get_writer(fmt, translated=translated).write(result, stream)


def read_json(stream: TextIO) -> TranscriptionResult:
    return TranscriptionResult.from_dict(json.load(stream))


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")


def read_subtitles(text: str) -> list[Cue]:
    """Parse WebVTT or SRT cues (for example, an editor's corrected subtitles)."""
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            match = _TIMING.match(line)
            if match is None:
                continue
            body = "\n".join(lines[i + 1 :]).strip()
            if text.lstrip().startswith("WEBVTT"):
                body = html.unescape(body)
            cues.append(Cue(parse_timestamp(match[1]), parse_timestamp(match[2]), body))
            break
    return cues
