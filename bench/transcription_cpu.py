"""Real-time factor and peak memory of the transcription engines on the same audio (CPU).

The audio is Russian speech, as one testimony in one declared language would be: the shared
real recordings and the generated test clip, joined with short pauses and repeated to
--seconds. Each engine runs in a process of its
own so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from transcription.engine.audio import SAMPLE_RATE, decode_audio  # noqa: E402

SOURCES = [
    *sorted((PROJECT_DIR.parent / "shared" / "data" / "speech" / "ru").glob("*.wav")),
    PROJECT_DIR / "tests" / "fixtures" / "audio" / "ru.wav",
    PROJECT_DIR / "tests" / "fixtures" / "audio" / "ru_real.wav",
]


def bench_audio(seconds: float) -> np.ndarray:
    pause = np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)
    pieces = [decode_audio(p) for p in SOURCES if p.exists()]
    out: list[np.ndarray] = []
    total = 0
    while total < seconds * SAMPLE_RATE:
        for piece in pieces:
            out += [piece, pause]
            total += len(piece) + len(pause)
    return np.concatenate(out)[: int(seconds * SAMPLE_RATE)]


def run_one(config: dict, audio_path: str, queue: mp.Queue) -> None:
    from transcription.engine.engines import FasterWhisperEngine, OpenAIWhisperEngine

    audio = np.load(audio_path)
    started = time.perf_counter()
    if config["engine"] == "faster-whisper":
        engine = FasterWhisperEngine(
            config.get("model", "base"),
            device="cpu",
            compute_type=config.get("compute_type", "int8"),
            batch_size=config.get("batch_size"),
            cpu_threads=config.get("threads", os.cpu_count() or 2),
        )
    else:
        engine = OpenAIWhisperEngine(config["model"], device="cpu")
    loaded = time.perf_counter()
    result = engine.transcribe(audio, language=config.get("language"), word_timestamps=False)
    done = time.perf_counter()
    duration = len(audio) / SAMPLE_RATE
    queue.put(
        {
            **config,
            "audio_seconds": round(duration, 1),
            "load_seconds": round(loaded - started, 2),
            "transcribe_seconds": round(done - loaded, 2),
            "real_time_factor": round(duration / (done - loaded), 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "segments": len(result.segments),
            "words": len(result.text.split()),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--language", default="ru")
    parser.add_argument("--openai-checkpoint", help="An openai-whisper .pt to compare with.")
    parser.add_argument("--quick", action="store_true", help="Sequential faster-whisper only.")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    audio_path = "/tmp/bench-transcription-audio.npy"
    np.save(audio_path, bench_audio(args.seconds))
    configs: list[dict] = [{"engine": "faster-whisper", "compute_type": "int8"}]
    if not args.quick:
        configs.append({"engine": "faster-whisper", "compute_type": "int8", "batch_size": 4})
        if args.openai_checkpoint:
            configs.append({"engine": "openai-whisper", "model": args.openai_checkpoint})
    results = []
    context = mp.get_context("spawn")
    for config in configs:
        config["language"] = args.language
        queue = context.Queue()
        process = context.Process(target=run_one, args=(config, audio_path, queue))
        process.start()
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"{config} failed with exit code {process.exitcode}")
        row = queue.get()
        results.append(row)
        print(json.dumps(row, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
