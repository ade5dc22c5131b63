"""Whisper on one GPU, side by side: openai-whisper, faster-whisper sequential and batched, ours.

Issue 3 asks for the real-time factor, precision, batch size and peak GPU memory of each,
on the same 30+ minutes of audio:

- `--model large-v3`: the large-v3 architecture with random weights (`_whisper_random.py`;
  no weights can be downloaded). Random weights never end a window on their own, so every
  row decodes exactly `--tokens` tokens per window with no timestamps, one temperature and
  the fallback thresholds off: the engines do the same work per window. The CTranslate2
  model and the openai-whisper checkpoint hold the same weights.
- `--model base`: Whisper base with its real weights (the bundled CTranslate2 model and its
  openai-whisper conversion), beam 5, temperature fallback, timestamps; WER is scored.

Rows: `openai` (openai-whisper's own `transcribe`, fp16), `fw-seq` (faster-whisper
`WhisperModel.transcribe`, VAD on), `fw-batched` (faster-whisper `BatchedInferencePipeline`,
batch `--fw-batch`), and `ours` (`FasterWhisperEngine` as the `transcribe` worker builds it,
for each `--ours-batch` and `--ours-window`). Each row runs in a process of its own; peak GPU
memory is the device's used memory above what it was before the row loaded its model (NVML),
or PyTorch's peak reservation where NVML is missing.

The audio is the Russian clips of `transcription_cpu.py` (the shared recordings, or
`--speech-dir`), in a shuffled order with varied pauses so no two 30 s windows are the same.
Results are appended to `--out`, so a run can be split over several calls of the GPU machine.
How to run it there: `bench/gpu/README.md`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from _whisper_random import SIZES, build_random_whisper  # noqa: E402
from transcription_cpu import SPEECH_DIR, bench_audio, word_error_rate  # noqa: E402

EOT = 50257  # <|endoftext|> in the multilingual vocabulary
# Timestamp tokens (<|0.00|> … <|30.00|>): random weights favour one of them, which decodes
# to no text, and faster-whisper drops a segment without text. Suppressed with end-of-text,
# every row decodes text tokens only.
TIMESTAMPS = tuple(range(50364, 51865))
ROWS = ("openai", "fw-seq", "fw-batched", "ours")


class GpuMemory:
    """Peak device memory in use while a row runs, above the level before it started."""

    def __init__(self, device: str) -> None:
        self.peak = 0
        self.baseline = 0
        self.handle: Any = None
        self._stop = threading.Event()
        if device != "cuda":
            return
        try:
            import pynvml

            pynvml.nvmlInit()
            self.handle = pynvml.nvmlDeviceGetHandleByIndex(0)
            self._nvml = pynvml
            self.baseline = self._used()
            self.name = pynvml.nvmlDeviceGetName(self.handle)
        except Exception:  # NVML missing: PyTorch's own count is used instead
            self.handle = None

    def _used(self) -> int:
        return int(self._nvml.nvmlDeviceGetMemoryInfo(self.handle).used)

    def start(self) -> None:
        if self.handle is None:
            return

        def poll() -> None:
            while not self._stop.wait(0.05):
                self.peak = max(self.peak, self._used())

        threading.Thread(target=poll, daemon=True).start()

    def stop_mib(self) -> float | None:
        self._stop.set()
        if self.handle is not None:
            self.peak = max(self.peak, self._used())
            return round((self.peak - self.baseline) / 2**20)
        try:
            import torch

            if torch.cuda.is_available():
                return round(torch.cuda.max_memory_reserved() / 2**20)
        except ImportError:
            pass
        return None


# CTranslate2's Whisper decoder stops at half of `max_length` (prompt included), as
# openai-whisper's default sample_len is half the text context: asking faster-whisper for
# 2N - 4 new tokens after the 4-token prompt decodes N (measured; every row records the
# tokens it decoded, so a change shows).
PROMPT_TOKENS = 4


def decode_settings(config: dict[str, Any]) -> dict[str, Any]:
    """What every engine is told, so the rows decode alike."""
    if config["random"]:
        tokens = config["tokens"]
        if config["row"] != "openai":
            tokens = 2 * tokens - PROMPT_TOKENS
        return {
            "beam_size": config["beam"],
            "temperatures": (0.0,),
            "compression_ratio_threshold": float("inf"),
            "log_prob_threshold": float("-inf"),
            "no_speech_threshold": 1.0,
            "max_new_tokens": tokens,
            "suppress_tokens": (-1, EOT, *TIMESTAMPS),
            "without_timestamps": True,
        }
    return {"beam_size": config["beam"]}


def run_row(config: dict[str, Any], audio_path: str, reference: str, queue: mp.Queue) -> None:
    audio = np.load(audio_path)
    memory = GpuMemory(config["device"])
    memory.start()
    settings = decode_settings(config)
    started = time.perf_counter()
    transcribe, decoded_tokens = _loader(config, settings)
    files = split_files(audio, config["files"])
    loaded = time.perf_counter()
    if config.get("threads", 1) > 1:
        with ThreadPoolExecutor(config["threads"]) as pool:
            outputs = list(pool.map(transcribe, files))
    else:
        outputs = [transcribe(f) for f in files]
    done = time.perf_counter()
    text = " ".join(t for t, _ in outputs)
    segments = sum(n for _, n in outputs)
    tokens = decoded_tokens()
    duration = len(audio) / 16000
    row = {
        **{k: v for k, v in config.items() if k not in ("ct2_dir", "openai_pt")},
        "audio_seconds": round(duration, 1),
        "load_seconds": round(loaded - started, 2),
        "transcribe_seconds": round(done - loaded, 2),
        "real_time_factor": round(duration / (done - loaded), 1),
        "peak_gpu_mib": memory.stop_mib(),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "segments": segments,
        "decoded_tokens": tokens,
        "gpu": getattr(memory, "name", None),
    }
    if not config["random"]:
        row["wer"] = round(word_error_rate(reference, text), 3)
    queue.put(row)


def split_files(audio: np.ndarray, count: int) -> list[np.ndarray]:
    """The audio as `count` files of about equal length, each cut in a pause between clips."""
    if count <= 1:
        return [audio]
    silent = np.flatnonzero(audio == 0.0)
    cuts = []
    for target in np.linspace(0, len(audio), count + 1)[1:-1].astype(int):
        after = silent[np.searchsorted(silent, target) :]
        cuts.append(int(after[0]) if after.size else int(target))
    return [part for part in np.split(audio, cuts) if part.size]


def _loader(config: dict[str, Any], settings: dict[str, Any]) -> tuple[Any, Any]:
    """Load the row's model; return a function from one file's audio to (text, segments) and
    a function giving the tokens decoded so far."""
    row, language, device = config["row"], config["language"], config["device"]
    words = config["words"]
    if row == "openai":
        import whisper
        from whisper.tokenizer import get_tokenizer

        from transcription.engine.openai_whisper_engine import _load_openai_checkpoint

        model = _load_openai_checkpoint(whisper, Path(config["openai_pt"]), device)
        tokenizer = get_tokenizer(True, num_languages=model.num_languages)

        counted: list[int] = []

        def openai(audio: np.ndarray) -> tuple[str, int]:
            out = whisper.transcribe(
                model,
                audio,
                language=language,
                temperature=settings.get("temperatures", (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)),
                compression_ratio_threshold=settings.get("compression_ratio_threshold", 2.4),
                logprob_threshold=settings.get("log_prob_threshold", -1.0),
                no_speech_threshold=settings.get("no_speech_threshold", 0.6),
                condition_on_previous_text=False,
                beam_size=settings["beam_size"],
                best_of=settings["beam_size"],
                sample_len=settings.get("max_new_tokens"),
                suppress_tokens=list(settings.get("suppress_tokens", (-1,))),
                without_timestamps=settings.get("without_timestamps", False),
                word_timestamps=words,
                fp16=device == "cuda",
                verbose=None,
            )
            segments = out["segments"]
            counted.append(sum(sum(1 for t in s["tokens"] if t < tokenizer.eot) for s in segments))
            return out["text"], len(segments)

        return openai, lambda: sum(counted)
    if row in ("fw-seq", "fw-batched"):
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        model = WhisperModel(config["ct2_dir"], device=device, compute_type=config["compute_type"])
        counter = _count_tokens(model)
        kwargs = {
            "language": language,
            "beam_size": settings["beam_size"],
            "condition_on_previous_text": False,
            "word_timestamps": words,
            "vad_filter": True,
        }
        if config["random"]:
            kwargs |= {
                "temperature": 0.0,
                "compression_ratio_threshold": None,
                "log_prob_threshold": None,
                "no_speech_threshold": None,
                "max_new_tokens": settings["max_new_tokens"],
                "suppress_tokens": list(settings["suppress_tokens"]),
                "without_timestamps": True,
            }
        if row == "fw-batched":
            pipeline = BatchedInferencePipeline(model)

            def batched(audio: np.ndarray) -> tuple[str, int]:
                found, _ = pipeline.transcribe(audio, batch_size=config["batch_size"], **kwargs)
                return _faster_whisper_totals(list(found))

            return batched, lambda: counter.tokens

        def sequential(audio: np.ndarray) -> tuple[str, int]:
            found, _ = model.transcribe(audio, **kwargs)
            return _faster_whisper_totals(list(found))

        return sequential, lambda: counter.tokens
    from transcription.engine.base import DecodeOptions
    from transcription.engine.faster_whisper_engine import FasterWhisperEngine

    options = DecodeOptions(
        **{k: v for k, v in settings.items() if k != "beam_size"},
        beam_size=settings["beam_size"],
        best_of=settings["beam_size"],
    )
    engine = FasterWhisperEngine(
        config["ct2_dir"],
        device=device,
        compute_type=config["compute_type"],
        batch_size=config["batch_size"],
        window_seconds=config["window_seconds"],
        options=options,
    )
    counter = _count_tokens(engine.model)
    shared: Any = engine
    if config.get("threads", 1) > 1:
        from transcription.engine.batching import BatchingEngine

        # As a worker on the thread pool with TRANSCRIPTION_BATCH_FILES = threads.
        shared = BatchingEngine(engine, max_files=config["threads"])

    def ours(audio: np.ndarray) -> tuple[str, int]:
        result = shared.transcribe(audio, language=language, word_timestamps=words)
        return result.text, len(result.segments)

    return ours, lambda: counter.tokens


class CountingModel:
    """The CTranslate2 Whisper model, counting the tokens every `generate` call decodes."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.tokens = 0

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        results = self._model.generate(*args, **kwargs)
        self.tokens += sum(len(r.sequences_ids[0]) for r in results)
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _count_tokens(whisper_model: Any) -> CountingModel:
    counter = CountingModel(whisper_model.model)
    whisper_model.model = counter
    return counter


def _faster_whisper_totals(segments: list[Any]) -> tuple[str, int]:
    return " ".join(str(s.text).strip() for s in segments), len(segments)


def prepare_models(
    model: str, model_dir: Path, rows: list[str], template: Path | None, base_dir: Path | None
) -> tuple[str, str | None]:
    """The CTranslate2 directory and, if the openai row runs, the checkpoint of the same weights."""
    from transcription.engine.convert import export_openai_checkpoint
    from transcription.engine.model_files import resolve_model

    if model == "base":
        ct2_dir = base_dir or Path(resolve_model("base"))
    else:
        ct2_dir = build_random_whisper(
            model, model_dir / f"{model}-random-ct2", template_dir=template
        )
    openai_pt = None
    if "openai" in rows:
        target = model_dir / f"{ct2_dir.name}-openai.pt"
        openai_pt = str(target if target.is_file() else export_openai_checkpoint(ct2_dir, target))
    return str(ct2_dir), openai_pt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="large-v3", choices=sorted(SIZES))
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rows", default=",".join(ROWS), help=f"Some of {', '.join(ROWS)}.")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--compute-type", default="float16")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=100, help="Per window, random weights.")
    parser.add_argument("--words", action="store_true", help="Word timestamps in every row.")
    parser.add_argument("--fw-batch", type=int, default=16)
    parser.add_argument("--ours-batch", default="16,32,64")
    parser.add_argument("--ours-window", default="30")
    parser.add_argument(
        "--ours-threads",
        default="1,8",
        help="Worker threads for ours (above 1: files decoded together, as on the thread pool).",
    )
    parser.add_argument(
        "--files", type=int, default=1, help="Split the audio into this many testimonies."
    )
    parser.add_argument("--language", default="ru")
    parser.add_argument("--speech-dir", type=Path, default=SPEECH_DIR)
    parser.add_argument("--model-dir", type=Path, default=PROJECT_DIR / "var" / "bench-models")
    parser.add_argument(
        "--template",
        type=Path,
        help="For random weights: a template from `bench/gpu/pack.sh` (default: bundled base).",
    )
    parser.add_argument(
        "--base-dir", type=Path, help="Base's CTranslate2 directory where its packages are not."
    )
    parser.add_argument("--row-timeout", type=float, default=540.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rows = [r for r in args.rows.split(",") if r]
    unknown = set(rows) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}; choose from {', '.join(ROWS)}")
    random_weights = args.model != "base"
    ct2_dir, openai_pt = prepare_models(
        args.model, args.model_dir, rows, args.template, args.base_dir
    )
    audio, reference = bench_audio(args.minutes * 60, speech_dir=args.speech_dir, seed=7)
    args.model_dir.mkdir(parents=True, exist_ok=True)
    audio_path = str(args.model_dir / "bench-audio.npy")
    np.save(audio_path, audio)
    common = {
        "model": args.model,
        "random": random_weights,
        "device": args.device,
        "compute_type": args.compute_type,
        "beam": args.beam,
        "tokens": args.tokens if random_weights else None,
        "words": args.words,
        "language": args.language,
        "files": args.files,
        "ct2_dir": ct2_dir,
        "openai_pt": openai_pt,
    }
    configs: list[dict[str, Any]] = []
    for row in rows:
        if row == "ours":
            configs += [
                {
                    **common,
                    "row": row,
                    "batch_size": int(b),
                    "window_seconds": int(w),
                    "threads": int(t),
                }
                for t in args.ours_threads.split(",")
                for w in args.ours_window.split(",")
                for b in args.ours_batch.split(",")
            ]
        else:
            configs.append(
                {**common, "row": row, "batch_size": args.fw_batch if row == "fw-batched" else 1}
            )
    previous = json.loads(args.out.read_text()) if args.out and args.out.exists() else []
    context = mp.get_context("spawn")
    for config in configs:
        queue = context.Queue()
        process = context.Process(target=run_row, args=(config, audio_path, reference, queue))
        process.start()
        process.join(args.row_timeout)
        if process.is_alive():
            process.kill()
            row = {**config, "error": f"timed out after {args.row_timeout:.0f} s"}
        elif process.exitcode != 0:
            row = {**config, "error": f"exit code {process.exitcode}"}
        else:
            row = queue.get()
        row.pop("ct2_dir", None)
        row.pop("openai_pt", None)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        previous.append(row)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(previous, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
