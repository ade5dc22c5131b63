"""Optional engines and devices fail with errors that say what to install or change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from transcription.engine.base import resolve_compute_type, resolve_device
from transcription.engine.errors import EngineError, EngineUnavailableError
from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine
from transcription.engine.text_translation import TextTranslator


def test_openai_whisper_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "whisper", None)  # makes `import whisper` fail
    with pytest.raises(EngineUnavailableError, match=r"testimony-archive\[openai-whisper\]"):
        OpenAIWhisperEngine("/models/whisper-base.pt")


def test_sentencepiece_missing_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sentencepiece", None)
    with pytest.raises(EngineUnavailableError, match=r"testimony-archive\[translation\]"):
        TextTranslator(tmp_path)


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(EngineError, match="no CUDA GPU"):
        resolve_device("cuda")


def test_compute_types_default_per_device_and_degrade_on_cpu() -> None:
    assert resolve_compute_type("cpu", None) == "int8"
    assert resolve_compute_type("cpu", "float16") == "float32"
    assert resolve_compute_type("cpu", "int8_float16") in ("int8_float32", "int8")
    with pytest.raises(EngineError, match="not supported on cpu"):
        resolve_compute_type("cpu", "float8")
