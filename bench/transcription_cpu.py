"""Real-time factor, peak memory and word error rate of the transcription engines (CPU).

The audio is Russian speech, as one testimony in one declared language would be: the shared
real recordings and the generated test clip, joined with short pauses and repeated to
--seconds (the last clip that does not fit whole is left out and the rest padded with
silence, so every word has a reference). Each engine runs in a process of its own so its
peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from transcription.engine.audio import SAMPLE_RATE, decode_audio  # noqa: E402

SPEECH_DIR = PROJECT_DIR.parent / "shared" / "data" / "speech"
FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "audio"


def sources(speech_dir: Path = SPEECH_DIR) -> list[tuple[Path, str]]:
    """Each clip with its reference transcript: the shared manifest's, and the fixtures'."""
    manifest = speech_dir / "manifest.json"
    shared = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else []
    clips = [(speech_dir / c["file"], c["transcript"]) for c in shared if c["lang"] == "ru"]
    clips += [
        (FIXTURES / "ru.wav", "Мой брат пропал в Китае. Мы ничего не знаем о нём."),
        (FIXTURES / "ru_real.wav", "нейронные сети это хорошо"),
    ]
    return [(path, text) for path, text in clips if path.exists()]


def bench_audio(
    seconds: float, *, speech_dir: Path = SPEECH_DIR, seed: int | None = None
) -> tuple[np.ndarray, str]:
    """Whole clips with pauses up to `seconds`, padded with silence; and their reference.

    With a `seed`, every round takes the clips in a new order with pauses of 0.3-1.5 s, so
    long audio does not repeat the same 30 s over and over.
    """
    rng = np.random.default_rng(seed)
    pieces = [(decode_audio(path), text) for path, text in sources(speech_dir)]
    if not pieces:
        raise SystemExit("no speech clips found")
    limit = int(seconds * SAMPLE_RATE)
    out: list[np.ndarray] = []
    words: list[str] = []
    total = 0
    while True:
        order = rng.permutation(len(pieces)) if seed is not None else range(len(pieces))
        for index in order:
            samples, text = pieces[index]
            pause_seconds = rng.uniform(0.3, 1.5) if seed is not None else 0.6
            pause = np.zeros(int(pause_seconds * SAMPLE_RATE), dtype=np.float32)
            if total + len(samples) > limit:
                out.append(np.zeros(max(limit - total, 0), dtype=np.float32))
                return np.concatenate(out)[:limit], " ".join(words)
            out += [samples, pause]
            words.append(text)
            total += len(samples) + len(pause)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("ё", "е"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length; case, ё and punctuation ignored."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1] / max(len(ref), 1)


def run_one(config: dict, audio_path: str, reference: str, queue: mp.Queue) -> None:
    from transcription.engine.base import DecodeOptions
    from transcription.engine.faster_whisper_engine import FasterWhisperEngine
    from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine

    audio = np.load(audio_path)
    options = DecodeOptions(**config.get("options", {}))
    started = time.perf_counter()
    if config["engine"] == "faster-whisper":
        engine = FasterWhisperEngine(
            config.get("model", "base"),
            device="cpu",
            compute_type=config.get("compute_type", "int8"),
            batch_size=config.get("batch_size"),
            cpu_threads=config.get("threads", os.cpu_count() or 2),
            options=options,
        )
    else:
        engine = OpenAIWhisperEngine(config["model"], device="cpu", options=options)
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
            "reference_words": len(_words(reference)),
            "wer": round(word_error_rate(reference, result.text), 3),
            "flagged_segments": sum(1 for s in result.segments if s.flags),
            "fallback_segments": sum(1 for s in result.segments if s.temperature > 0),
        }
    )


def _converted_base() -> str | None:
    """The bundled base as an openai-whisper checkpoint (same weights), if PyTorch is here."""
    import importlib.util

    if importlib.util.find_spec("whisper") is None:
        return None
    from transcription.engine.convert import export_openai_checkpoint
    from transcription.engine.model_files import resolve_model

    target = PROJECT_DIR / "var" / "models" / "whisper-base-openai.pt"
    return str(target if target.is_file() else export_openai_checkpoint(resolve_model(), target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--language", default="ru")
    parser.add_argument(
        "--openai-checkpoint",
        help="An openai-whisper .pt (default: the bundled base, converted; same weights).",
    )
    parser.add_argument("--quick", action="store_true", help="Sequential faster-whisper only.")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    audio_path = "/tmp/bench-transcription-audio.npy"
    audio, reference = bench_audio(args.seconds)
    np.save(audio_path, audio)
    configs: list[dict] = [{"engine": "faster-whisper", "compute_type": "int8"}]
    if not args.quick:
        configs.append({"engine": "faster-whisper", "compute_type": "int8", "batch_size": 4})
        checkpoint = args.openai_checkpoint or _converted_base()
        if checkpoint:
            configs.append({"engine": "openai-whisper", "model": checkpoint})
    results = []
    context = mp.get_context("spawn")
    for config in configs:
        config["language"] = args.language
        queue = context.Queue()
        process = context.Process(target=run_one, args=(config, audio_path, reference, queue))
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
