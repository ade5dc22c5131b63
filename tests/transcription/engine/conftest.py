"""Fixtures for the engine tests: the fixture clips and one real Whisper base model per session."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The engine tests run without Django (-p no:django), so nothing else puts the project root on
# sys.path for them.
if importlib.util.find_spec("transcription") is None:  # pragma: no cover
    sys.path.insert(0, str(ROOT))

from transcription.engine.base import DecodeOptions  # noqa: E402
from transcription.engine.faster_whisper_engine import FasterWhisperEngine  # noqa: E402

AUDIO = ROOT / "tests" / "fixtures" / "audio"


@pytest.fixture(scope="session")
def audio_dir() -> Path:
    return AUDIO


@pytest.fixture(scope="session")
def engine() -> FasterWhisperEngine:
    # Two threads match CI; beam 2 keeps the module quick without changing what is asserted.
    return FasterWhisperEngine(
        "base",
        device="cpu",
        cpu_threads=int(os.environ.get("ENGINE_TEST_THREADS", "2")),
        fallback_language="kk",
        options=DecodeOptions(beam_size=2, best_of=2),
    )
