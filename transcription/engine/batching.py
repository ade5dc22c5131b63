"""One engine shared by a worker's threads: files that arrive together are decoded together.

A GPU worker runs Celery's thread pool (`--pool threads --concurrency N`): N testimonies are
in hand at once, in one process, with the model loaded once. Each thread decodes its file
and finds its speech (CPU work, in parallel); one decoding thread then takes every file
waiting, up to `max_files`, and decodes their windows in shared batches
(`FasterWhisperEngine.transcribe_many`). A short testimony alone fills a few slots of a
batch of 32; eight together fill it. Each thread gets its own file's result or error.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from transcription.engine.base import AudioInput, Request, load_audio
from transcription.engine.errors import EngineError
from transcription.engine.schema import Task, TranscriptionResult

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    request: Request
    done: threading.Event = field(default_factory=threading.Event)
    result: TranscriptionResult | BaseException | None = None


class BatchingEngine:
    """Wraps an engine with `transcribe_many`; `transcribe` may be called from any thread."""

    def __init__(self, engine: Any, *, max_files: int, wait_seconds: float = 0.05) -> None:
        if max_files < 1:
            raise EngineError(f"max_files must be at least 1, not {max_files}")
        self.engine = engine
        self.name: str = engine.name
        self.model_name: str = engine.model_name
        self.max_files = max_files
        self.wait_seconds = wait_seconds
        self.batches = 0  # decodes run, for logs and tests
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="transcription-batches", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> Any:
        # supports_language, language_token_overrides, model, … are the engine's.
        return getattr(self.engine, name)

    def transcribe(
        self,
        audio: AudioInput,
        *,
        language: str | None = None,
        task: Task = "transcribe",
        word_timestamps: bool = True,
    ) -> TranscriptionResult:
        samples, source = load_audio(audio)
        windows = None
        speech_windows = getattr(self.engine, "speech_windows", None)
        if speech_windows is not None and getattr(self.engine, "pipeline", None) is not None:
            windows = speech_windows(samples, source)  # raises for silence, in this thread
        job = _Job(Request(samples, language, task, word_timestamps, source, windows))
        self._jobs.put(job)
        job.done.wait()
        if isinstance(job.result, BaseException):
            raise job.result
        assert job.result is not None
        return job.result

    def _take(self) -> list[_Job]:
        """The first job waiting, and any others that arrive within `wait_seconds`."""
        jobs = [self._jobs.get()]
        deadline = time.monotonic() + self.wait_seconds
        while len(jobs) < self.max_files:
            try:
                jobs.append(self._jobs.get(timeout=max(deadline - time.monotonic(), 0.0)))
            except queue.Empty:
                break
        return jobs

    def _run(self) -> None:
        while True:
            jobs = self._take()
            results: list[Any]
            try:
                results = list(self.engine.transcribe_many([job.request for job in jobs]))
            except BaseException as exc:  # fails this batch's files, never the thread
                logger.exception("transcribing %d files together failed", len(jobs))
                results = [exc] * len(jobs)
            self.batches += 1
            if len(jobs) > 1:
                logger.info("decoded %d files together", len(jobs))
            for job, result in zip(jobs, results, strict=True):
                job.result = result
                job.done.set()
