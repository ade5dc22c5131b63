"""Reading frames and writing the blurred copy with PyAV (FFmpeg inside its wheel)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from time import perf_counter
from typing import Any

import av
import cv2
import numpy as np

from evidence.blurring.errors import NotVideoError, NoVideoStreamError
from evidence.blurring.schema import Box, Region, VideoInfo

# Audio codecs an MP4 file can carry as they are; anything else is re-encoded as AAC.
_MP4_AUDIO = frozenset({"aac", "mp3", "opus", "alac", "flac", "ac3", "eac3"})


@contextmanager
def open_video(path: Path) -> Iterator[tuple[av.container.InputContainer, av.VideoStream]]:
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise NotVideoError(
            f"{path.name} is not a video FFmpeg can read ({exc.__class__.__name__}); check that "
            "the file is complete and is a video (MP4, MKV, WebM, MOV…)."
        ) from None
    try:
        if not container.streams.video:
            raise NoVideoStreamError(
                f"{path.name} holds no video stream (an audio recording?): there is no picture "
                "to blur. Give a video file."
            )
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        yield container, stream
    finally:
        container.close()


def probe(path: Path) -> VideoInfo:
    with open_video(path) as (container, stream):
        fps = float(stream.average_rate or stream.guessed_rate or 25)
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else float(container.duration or 0) / av.time_base
        )
        frames = stream.frames or round(duration * fps)
        audio = container.streams.audio[0] if container.streams.audio else None
        return VideoInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=round(fps, 3),
            duration=round(duration, 3),
            frames=int(frames),
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )


def frame_time(frame: av.VideoFrame, index: int, fps: float) -> float:
    return float(frame.time) if frame.time is not None else index / fps


def iter_frames(path: Path) -> Iterator[tuple[int, float, av.VideoFrame]]:
    """Every frame with its index and time in seconds."""
    with open_video(path) as (container, stream):
        fps = float(stream.average_rate or 25)
        try:
            for index, frame in enumerate(container.decode(stream)):
                yield index, frame_time(frame, index, fps), frame
        except av.error.FFmpegError as exc:
            raise NotVideoError(f"{path.name} is damaged: decoding stopped ({exc}).") from None


def obscure(image: np.ndarray, box: Box) -> None:
    """Pixelate the box in place, with the blocks' edges softened: blocks a quarter of the
    box's short side, so a line of digits becomes about two rows of blocks that neither OCR
    nor an eye reads back. Cost grows with the number of blocks, not with the box's area."""
    height, width = image.shape[:2]
    box = box.clipped(width, height)
    x0, y0, x1, y1 = int(box.x0), int(box.y0), int(np.ceil(box.x1)), int(np.ceil(box.y1))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    roi = image[y0:y1, x0:x1]
    block = max(6, round(min(x1 - x0, y1 - y0) / 4))
    cells = (max(1, (x1 - x0) // block), max(1, (y1 - y0) // block))
    small = cv2.resize(roi, cells, interpolation=cv2.INTER_AREA)
    image[y0:y1, x0:x1] = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)


def render(
    source: Path,
    out: Path,
    regions: list[Region],
    *,
    crf: int = 20,
    preset: str = "veryfast",
    on_frame: Callable[[int, float], None] | None = None,
    timing: dict[str, float] | None = None,
) -> None:
    """Write ``out``: H.264 in MP4, every frame of ``source`` at its own time with the
    regions obscured, the audio packets copied as they are (re-encoded as AAC only when MP4
    cannot carry the codec)."""
    spent = timing if timing is not None else {}
    with open_video(source) as (container, stream), av.open(str(out), "w", format="mp4") as output:
        rate = stream.average_rate or stream.guessed_rate or Fraction(25)
        video = output.add_stream("libx264", rate=rate)
        video.width = stream.codec_context.width - stream.codec_context.width % 2
        video.height = stream.codec_context.height - stream.codec_context.height % 2
        video.pix_fmt = "yuv420p"
        video.codec_context.time_base = stream.time_base or Fraction(1, int(rate))
        video.options = {"crf": str(crf), "preset": preset}
        audio_in = container.streams.audio[0] if container.streams.audio else None
        audio_out = None
        resampler = None
        if audio_in is not None:
            if audio_in.codec_context.name in _MP4_AUDIO:
                audio_out = output.add_stream_from_template(audio_in)
            else:
                audio_out = output.add_stream(
                    "aac", rate=audio_in.codec_context.sample_rate or 48000
                )
                resampler = av.AudioResampler(
                    format="fltp", layout=audio_out.layout, rate=audio_out.rate
                )
        fps = float(rate)
        index = 0
        streams = [stream] + ([audio_in] if audio_in is not None else [])
        try:
            for packet in container.demux(streams):
                if packet.stream.type == "audio":
                    if packet.dts is None or audio_out is None:
                        continue
                    if resampler is None:
                        packet.stream = audio_out
                        output.mux(packet)
                    else:
                        for sound in packet.decode():
                            if isinstance(sound, av.AudioFrame):
                                for converted in resampler.resample(sound):
                                    output.mux(audio_out.encode(converted))
                    continue
                started = perf_counter()
                frames = packet.decode()
                spent["decode"] = spent.get("decode", 0.0) + perf_counter() - started
                for frame in frames:
                    if not isinstance(frame, av.VideoFrame):
                        continue
                    _encode(frame, index, fps, regions, video, output, spent)
                    if on_frame is not None:
                        on_frame(index, frame_time(frame, index, fps))
                    index += 1
        except av.error.FFmpegError as exc:
            raise NotVideoError(f"{source.name} is damaged: decoding stopped ({exc}).") from None
        started = perf_counter()
        output.mux(video.encode())
        if resampler is not None and audio_out is not None:
            output.mux(audio_out.encode())
        spent["encode"] = spent.get("encode", 0.0) + perf_counter() - started


def _encode(
    frame: av.VideoFrame,
    index: int,
    fps: float,
    regions: list[Region],
    video: av.VideoStream,
    output: av.container.OutputContainer,
    spent: dict[str, float],
) -> None:
    started = perf_counter()
    time = frame_time(frame, index, fps)
    boxes = [box for region in regions if (box := region.box_at(time)) is not None]
    if boxes or frame.width != video.width or frame.height != video.height:
        image = frame.to_ndarray(format="bgr24")[: video.height, : video.width]
        for box in boxes:
            obscure(image, box)
        pixels: np.ndarray[Any, np.dtype[np.uint8]] = np.ascontiguousarray(image, dtype=np.uint8)
        new = av.VideoFrame.from_ndarray(pixels, format="bgr24")
        new.pts, new.time_base = frame.pts, frame.time_base
        frame = new
    frame.pict_type = av.video.frame.PictureType.NONE
    middle = perf_counter()
    spent["blur"] = spent.get("blur", 0.0) + middle - started
    output.mux(video.encode(frame))
    spent["encode"] = spent.get("encode", 0.0) + perf_counter() - middle


# Colours of the review page's frames (BGR): machine regions, drawn ones, rejected ones.
_REVIEW_COLOURS = {"machine": (0, 0, 230), "editor": (230, 120, 0), "rejected": (150, 150, 150)}


def frame_jpeg(
    path: Path, time: float, boxes: Sequence[tuple[Box, str]], *, width: int = 480
) -> bytes:
    """The frame shown at ``time`` with the boxes outlined (style: machine, editor or
    rejected), scaled to ``width`` pixels, as JPEG: the review page's strip."""
    with open_video(path) as (container, stream):
        if stream.time_base:
            container.seek(max(0, int(time / stream.time_base) - 1), stream=stream, backward=True)
        image = None
        fps = float(stream.average_rate or 25)
        for index, frame in enumerate(container.decode(stream)):
            image = frame
            if frame_time(frame, index, fps) >= time:
                break
        if image is None:
            raise NotVideoError(f"{path.name} has no frame at {time:.2f} s.")
        picture = image.to_ndarray(format="bgr24")
    for box, style in boxes:
        colour = _REVIEW_COLOURS.get(style, _REVIEW_COLOURS["machine"])
        top_left, bottom_right = (int(box.x0), int(box.y0)), (int(box.x1), int(box.y1))
        cv2.rectangle(picture, top_left, bottom_right, colour, max(2, picture.shape[1] // 320))
    scale = width / picture.shape[1]
    small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise NotVideoError(f"{path.name}: the frame at {time:.2f} s could not be encoded.")
    return encoded.tobytes()
