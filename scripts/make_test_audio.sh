#!/usr/bin/env bash
# Regenerates the speech clips in tests/fixtures/audio/ used by the transcription engine tests.
# Needs espeak-ng and sox (apt-get install -y espeak-ng sox) and the project's virtualenv (PyAV).
# The real Russian recording (ru_real.wav) is not generated: it is copied from
# /work/shared/data/speech/ (see tests/fixtures/audio/README.md for its source and licence).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/fixtures/audio"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
mkdir -p "$OUT"
cd "$OUT"

for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y espeak-ng sox" >&2; exit 1; }
done

# espeak-ng speaks at 22.05 kHz; sox brings every clip to what the engine decodes to anyway.
speak() {  # speak VOICE OUTPUT TEXT [WORDS_PER_MINUTE]
    espeak-ng -v "$1" -s "${4:-150}" -w "$2.tmp.wav" "$3"
    sox "$2.tmp.wav" -r 16000 -c 1 -b 16 "$2" pad 0.3 0.3
    rm -f "$2.tmp.wav"
}

speak en-us en.wav "The witness said that her brother disappeared from the village in two thousand seventeen."
speak ru ru.wav "Мой брат пропал в Китае. Мы ничего не знаем о нём." 140
speak kk kk.wav "Менің ағам Қытайда жоғалып кетті." 130
sox en.wav ru.wav two_languages.tmp.wav
sox -n -r 16000 -c 1 -b 16 silence.wav trim 0 2
sox -n -r 16000 -c 1 -b 16 empty.wav trim 0 0

"$PYTHON" - <<'PY'
"""Containers other than WAV, a video without audio and a corrupt file, all through PyAV."""

import random
from fractions import Fraction

import av
import numpy as np


def read_wav(path: str) -> np.ndarray:
    with av.open(path) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def write_audio(src: str, dst: str, codec: str, rate: int, video: str | None = None) -> None:
    samples = read_wav(src)
    resampler = av.AudioResampler(format="fltp" if codec != "libmp3lame" else "s16p",
                                  layout="mono", rate=rate)
    with av.open(dst, mode="w") as out:
        if video is not None:
            vstream = out.add_stream(video, rate=5)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 64, "yuv420p"
        astream = out.add_stream(codec, rate=rate, layout="mono")
        astream.bit_rate = 32000  # speech needs little; keeps the fixtures small
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 16000
        frame.pts = 0
        frame.time_base = Fraction(1, 16000)
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in astream.encode(chunk):
                out.mux(packet)
        for packet in astream.encode(None):
            out.mux(packet)
        if video is not None:
            seconds = samples.shape[1] / 16000
            for i in range(int(seconds * 5)):
                image = np.full((64, 64, 3), (i * 9) % 255, dtype=np.uint8)
                vframe = av.VideoFrame.from_ndarray(image, format="rgb24")
                for packet in vstream.encode(vframe):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)


write_audio("en.wav", "en.mp3", "libmp3lame", 16000)
write_audio("ru.wav", "ru.opus", "libopus", 48000)
write_audio("en.wav", "en.webm", "libopus", 48000)
# Two languages in one file, kept as Opus so the fixtures stay small.
write_audio("two_languages.tmp.wav", "two_languages.opus", "libopus", 48000)
write_audio("en.wav", "en_video.mp4", "aac", 16000, video="libx264")

with av.open("video_no_audio.mp4", mode="w") as out:
    stream = out.add_stream("libx264", rate=5)
    stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
    for i in range(10):
        frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 20, np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)

# A real MP4 header followed by noise: what a download cut off and overwritten looks like.
with open("en_video.mp4", "rb") as f:
    head = f.read(32)
noise = random.Random(17).randbytes(4000)
with open("corrupt.mp4", "wb") as f:
    f.write(head[:8] + noise)
PY

rm -f two_languages.tmp.wav

ls -la "$OUT"
