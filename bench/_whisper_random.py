"""Randomly initialised Whisper models of any size, for speed benchmarks with no weights to hand.

The bundled base model is the template: its tokenizer, vocabulary, configuration and the
names of its tensors. A model of other dimensions gets the same tensors, resized, with
random values; the openai-whisper checkpoint is converted from the same file, so both
engines run the same weights. Random weights recognise nothing: these models are for speed.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from transcription.engine.convert import read_ctranslate2, write_ctranslate2  # noqa: E402
from transcription.engine.model_files import resolve_model  # noqa: E402


@dataclass(frozen=True)
class Dims:
    """Whisper sizes. The vocabulary stays base's (51865): large-v3's one extra language token
    changes nothing in the work done, and base's tokenizer then fits."""

    n_mels: int
    state: int
    heads: int
    encoder_layers: int
    decoder_layers: int


SIZES = {
    # openai-whisper's ModelDimensions for large-v3: 128 mels, 1280 wide, 20 heads, 32 + 32.
    "large-v3": Dims(n_mels=128, state=1280, heads=20, encoder_layers=32, decoder_layers=32),
    "base": Dims(n_mels=80, state=512, heads=8, encoder_layers=6, decoder_layers=6),
    # For the smoke test: seconds to build and to run on a CPU.
    "tiny-test": Dims(n_mels=80, state=64, heads=2, encoder_layers=1, decoder_layers=1),
}


def _sinusoids(length: int, channels: int) -> np.ndarray:
    """openai-whisper's encoder position table."""
    increment = np.log(10000) / (channels // 2 - 1)
    inverse = np.exp(-increment * np.arange(channels // 2))
    scaled = np.arange(length)[:, None] * inverse[None, :]
    return np.concatenate([np.sin(scaled), np.cos(scaled)], axis=1)


SIDE_FILES = ("tokenizer.json", "vocabulary.json", "config.json")


def _resized(name: str, template: np.ndarray, dims: Dims, base_state: int) -> tuple[int, ...]:
    """The template tensor's shape with its width (1-4 times) and mel count set to `dims`'."""
    shape = list(template.shape)
    if name.endswith("conv1/weight"):
        return (dims.state, dims.n_mels, shape[2])
    widths = {k * base_state: k * dims.state for k in (1, 2, 3, 4)}
    return tuple(widths.get(dim, dim) for dim in shape)


def save_template(model_dir: Path, out_dir: Path) -> Path:
    """The names, shapes and settings of a model's tensors (not their values) and its
    tokenizer: all `build_random_whisper` needs, in 5 MB instead of base's 145 MB."""
    spec, revision, tensors = read_ctranslate2(model_dir / "model.bin")
    out_dir.mkdir(parents=True, exist_ok=True)
    layout = {
        name: {
            "shape": list(value.shape),
            "dtype": value.dtype.name,
            "value": value.item() if value.ndim == 0 else None,
        }
        for name, value in tensors.items()
    }
    (out_dir / "spec.json").write_text(
        json.dumps({"spec": spec, "revision": revision, "tensors": layout})
    )
    for side in SIDE_FILES:
        shutil.copy(model_dir / side, out_dir / side)
    return out_dir


def _template(template_dir: Path) -> tuple[str, int, dict[str, np.ndarray]]:
    if (template_dir / "model.bin").is_file():
        return read_ctranslate2(template_dir / "model.bin")
    saved = json.loads((template_dir / "spec.json").read_text())
    tensors = {
        name: (
            np.array(entry["value"], dtype=entry["dtype"])
            if entry["value"] is not None
            else np.broadcast_to(np.zeros((), dtype=entry["dtype"]), entry["shape"])
        )
        for name, entry in saved["tensors"].items()
    }
    return saved["spec"], saved["revision"], tensors


def build_random_whisper(
    size: str, out_dir: Path, *, template_dir: Path | None = None, seed: int = 0
) -> Path:
    """A CTranslate2 model directory of `size` with random float16 weights (cached).

    The template is a model directory (default: the bundled base) or one `save_template`
    wrote.
    """
    dims = SIZES[size]
    if (out_dir / "model.bin").is_file():
        return out_dir
    template_dir = template_dir or Path(resolve_model("base"))
    spec, revision, template = _template(template_dir)
    base_state = int(template["encoder/layer_norm/gamma"].shape[0])
    rng = np.random.default_rng(seed)
    layer = re.compile(r"^(encoder|decoder)/layer_0/(.*)$")
    tensors: dict[str, np.ndarray] = {}
    for name, value in template.items():
        if name == "decoder/projection/weight":
            continue  # an alias of the embeddings, as in every Whisper
        match = layer.match(name)
        if match:
            count = dims.encoder_layers if match[1] == "encoder" else dims.decoder_layers
            names = [f"{match[1]}/layer_{i}/{match[2]}" for i in range(count)]
        elif re.match(r"^(encoder|decoder)/layer_\d+/", name):
            continue
        else:
            names = [name]
        for target in names:
            tensors[target] = _random_like(target, value, dims, base_state, rng)
    tensors["decoder/projection/weight"] = tensors["decoder/embeddings/weight"]
    out_dir.mkdir(parents=True, exist_ok=True)
    for side in SIDE_FILES[:2]:
        shutil.copy(template_dir / side, out_dir / side)
    config = json.loads((template_dir / "config.json").read_text())
    half = dims.decoder_layers // 2
    config["alignment_heads"] = [
        [layer_index, head]
        for layer_index in range(half, dims.decoder_layers)
        for head in range(dims.heads)
    ]
    (out_dir / "config.json").write_text(json.dumps(config))
    # faster-whisper reads the mel count from here (80 when absent).
    (out_dir / "preprocessor_config.json").write_text(
        json.dumps({"feature_size": dims.n_mels, "n_fft": 400, "hop_length": 160,
                    "chunk_length": 30, "sampling_rate": 16000})
    )  # fmt: skip
    partial = out_dir / "model.bin.partial"
    write_ctranslate2(partial, spec, revision, tensors)
    partial.replace(out_dir / "model.bin")
    return out_dir


def _random_like(
    name: str, template: np.ndarray, dims: Dims, base_state: int, rng: np.random.Generator
) -> np.ndarray:
    if template.ndim == 0:
        if name.endswith("num_heads"):
            return np.array(dims.heads, dtype=template.dtype)
        return np.array(template)
    shape = _resized(name, template, dims, base_state)
    if name == "encoder/position_encodings/encodings":
        return _sinusoids(*shape).astype(np.float16)
    if name.endswith("/gamma"):
        return np.ones(shape, dtype=np.float16)
    if name.endswith(("/beta", "/bias")):
        return np.zeros(shape, dtype=np.float16)
    return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float16)
