"""Resolving model names and paths to local CTranslate2 directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transcription.engine.errors import ModelNotFoundError
from transcription.engine.model_files import MODEL_FILES, resolve_model


def test_unknown_model_names_the_settings_and_the_files_it_needs() -> None:
    with pytest.raises(ModelNotFoundError) as excinfo:
        resolve_model("large-v3")
    message = str(excinfo.value)
    assert "'large-v3'" in message
    assert "TRANSCRIPTION_MODEL" in message
    assert "TRANSCRIPTION_MODELS" in message
    for name in MODEL_FILES:
        assert name in message
    assert "never downloaded" in message


def test_a_directory_without_model_bin_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelNotFoundError):
        resolve_model(str(tmp_path))


def test_a_local_model_directory_is_used_as_is(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"weights")
    assert resolve_model(str(tmp_path)) == str(tmp_path)


def test_base_is_assembled_from_the_packages_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "whisper-base"
    monkeypatch.setenv("WHISPER_CACHE_DIR", str(cache))

    path = Path(resolve_model("base"))
    assert path == cache.resolve()
    for name in MODEL_FILES:
        assert (path / name).stat().st_size > 0
    assert (path / "model.bin").stat().st_size > 100_000_000
    assert [p.name for p in tmp_path.iterdir()] == ["whisper-base"]  # no staging left behind

    built = (path / "model.bin").stat().st_mtime_ns
    assert resolve_model("base") == str(path)
    assert (path / "model.bin").stat().st_mtime_ns == built


def test_a_truncated_cache_is_rebuilt(tmp_path: Path) -> None:
    path = Path(resolve_model("base", cache_dir=tmp_path / "m"))
    size = (path / "model.bin").stat().st_size
    with open(path / "model.bin", "r+b") as model:
        model.truncate(1000)

    assert resolve_model("base", cache_dir=tmp_path / "m") == str(path)
    assert (path / "model.bin").stat().st_size == size
    assert os.access(path, os.R_OK | os.X_OK)
