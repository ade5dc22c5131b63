"""Site fixtures: the demo data imported, and a playable recording on one testimony."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest

from testimonies.demo import DEMO
from testimonies.importing import import_file
from testimonies.models import MediaAsset, Testimony

PLAYED = "demo-kk-001"


def write_tone(path: Path, seconds: float) -> Path:
    """A quiet 16 kHz tone: a real, seekable recording for the player."""
    rate = 16000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(800 * math.sin(2 * math.pi * 220 * i / rate)))
            for i in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return path


@pytest.fixture
def demo(meili: Any, settings: Any, tmp_path: Path) -> Testimony:
    """The demo archive; PLAYED gets a recording as long as its transcript."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    import_file(DEMO)
    testimony = Testimony.objects.get(external_id=PLAYED)
    transcript = testimony.current_transcript()
    assert transcript is not None
    length = max(s.end for s in transcript.segments.all()) + 2
    from transcription.ingest import store_original

    name, sha, size = store_original(write_tone(tmp_path / "tone.wav", length))
    MediaAsset.objects.create(
        testimony=testimony,
        file=name,
        sha256=sha,
        size=size,
        duration=length,
        container="wav",
        audio_codec="pcm_s16le",
        content_type="audio/wav",
    )
    return testimony
