"""Decoding any media FFmpeg reads into 16 kHz mono float32 samples, and probing containers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from transcription.engine.errors import EmptyMediaError, MediaDecodeError, NoAudioStreamError

SAMPLE_RATE = 16000

AudioArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class MediaInfo:
    """What the archive records about a media file (MediaAsset duration, container, codecs)."""

    duration: float | None
    container: str
    audio_codec: str | None
    video_codec: str | None
    sample_rate: int | None
    channels: int | None


def _open(path: str | os.PathLike[str]) -> Any:
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise MediaDecodeError(f"{name}: no such file. Check the path of the media to transcribe.")
    try:
        return av.open(name, mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaDecodeError(
            f"{name}: not a media file FFmpeg can read, or the file is damaged ({exc}). "
            "Re-download or re-export the original recording and ingest it again."
        ) from exc


def probe_media(path: str | os.PathLike[str]) -> MediaInfo:
    """Read container and stream metadata without decoding the audio."""
    with _open(path) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        video = container.streams.video[0] if container.streams.video else None
        duration: float | None = None
        if container.duration is not None:
            duration = float(container.duration) / av.time_base
        elif audio is not None and audio.duration is not None and audio.time_base is not None:
            duration = float(audio.duration * audio.time_base)
        return MediaInfo(
            duration=duration,
            container=str(container.format.name),
            audio_codec=audio.codec_context.name if audio is not None else None,
            video_codec=video.codec_context.name if video is not None else None,
            sample_rate=audio.codec_context.sample_rate if audio is not None else None,
            channels=audio.codec_context.channels if audio is not None else None,
        )


def decode_audio(path: str | os.PathLike[str], sample_rate: int = SAMPLE_RATE) -> AudioArray:
    """Decode the first audio stream of any FFmpeg-readable file to mono float32 in [-1, 1]."""
    name = os.fspath(path)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
    chunks: list[npt.NDArray[Any]] = []
    with _open(name) as container:
        if not container.streams.audio:
            kinds = ", ".join(s.type for s in container.streams) or "none"
            raise NoAudioStreamError(
                f"{name}: the file has no audio stream (streams: {kinds}). "
                "Find a copy of the recording with its sound track."
            )
        try:
            for frame in container.decode(audio=0):
                for resampled in resampler.resample(frame):
                    chunks.append(resampled.to_ndarray().reshape(-1))
            for resampled in resampler.resample(None):
                chunks.append(resampled.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            # A file damaged after some good audio is still an error: a partial transcript
            # stored as if complete would silently lose testimony.
            raise MediaDecodeError(
                f"{name}: the audio stream is damaged and cannot be decoded ({exc}). "
                "Re-download or re-export the original recording and ingest it again."
            ) from exc
    if not chunks or sum(c.size for c in chunks) == 0:
        raise EmptyMediaError(
            f"{name}: the audio stream holds no samples (zero length). "
            "Check that the upload or download finished."
        )
    samples = np.concatenate(chunks).astype(np.float32) / 32768.0
    return samples


def audio_duration(samples: AudioArray, sample_rate: int = SAMPLE_RATE) -> float:
    """Length of decoded audio in seconds."""
    return float(samples.shape[0]) / sample_rate
