"""Whisper weights from a CTranslate2 model directory as an openai-whisper checkpoint.

Only CTranslate2 models ship here (the bundled base; production large-v3 by path), and the
second engine, openai-whisper, needs its own `.pt` checkpoint. The CTranslate2 file format is
a flat list of named tensors (`ctranslate2/specs/model_spec.py`, `_serialize`); this reads it
and renames each tensor to openai-whisper's names, splitting the fused projections
CTranslate2 stores (query/key/value in self-attention, key/value in cross-attention).
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from transcription.engine.errors import EngineError, ModelNotFoundError

# CTranslate2's variable type ids, in order.
_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
_LAYER_NORM = {"gamma": "weight", "beta": "bias"}


class _Reader:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def number(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        data = self.stream.read(size)
        if len(data) != size:
            raise EngineError(
                f"{getattr(self.stream, 'name', 'model.bin')} ends in the middle of a record: "
                "the model file is cut short or is not a CTranslate2 model; copy it again"
            )
        return int(struct.unpack(fmt, data)[0])

    def string(self) -> str:
        length = self.number("H")
        return self.stream.read(length)[:-1].decode("utf-8")


def read_ctranslate2(model_bin: Path) -> tuple[str, int, dict[str, np.ndarray]]:
    """The spec name, its revision and every tensor of a CTranslate2 `model.bin`.

    Aliases (the decoder's output projection shares the embedding) are resolved to the
    tensor they name.
    """
    tensors: dict[str, np.ndarray] = {}
    with model_bin.open("rb") as stream:
        read = _Reader(stream)
        version = read.number("I")
        if version < 5:
            raise EngineError(
                f"{model_bin}: CTranslate2 binary version {version} is older than this reader "
                "supports (5); convert the model again with a current CTranslate2"
            )
        spec = read.string()
        revision = read.number("I")
        for _ in range(read.number("I")):
            name = read.string()
            shape = [read.number("I") for _ in range(read.number("B"))]
            dtype = _DTYPES[read.number("B")]
            data = stream.read(read.number("I"))
            if dtype == "bfloat16":
                raw = np.frombuffer(data, dtype=np.uint16).astype(np.uint32) << 16
                array = raw.view(np.float32)
            else:
                array = np.frombuffer(data, dtype=dtype)
            tensors[name] = array.reshape(shape)
        for _ in range(read.number("I")):
            alias, target = read.string(), read.string()
            tensors[alias] = tensors[target]
    return spec, revision, tensors


def _layer_count(tensors: dict[str, np.ndarray], prefix: str) -> int:
    layer = re.compile(rf"{prefix}/layer_(\d+)/")
    return len({m[1] for m in map(layer.match, tensors) if m})


def _linear(tensors: dict[str, np.ndarray], source: str, target: str, out: dict[str, Any]) -> None:
    out[f"{target}.weight"] = tensors[f"{source}/weight"]
    out[f"{target}.bias"] = tensors[f"{source}/bias"]


def _norm(tensors: dict[str, np.ndarray], source: str, target: str, out: dict[str, Any]) -> None:
    for ct2, torch_name in _LAYER_NORM.items():
        out[f"{target}.{torch_name}"] = tensors[f"{source}/{ct2}"]


def _attention(
    tensors: dict[str, np.ndarray], source: str, target: str, out: dict[str, Any], *, cross: bool
) -> None:
    """Split CTranslate2's fused projections into openai-whisper's query, key, value, out."""
    parts: tuple[str, ...]
    if cross:
        _linear(tensors, f"{source}/linear_0", f"{target}.query", out)
        fused_w, fused_b = tensors[f"{source}/linear_1/weight"], tensors[f"{source}/linear_1/bias"]
        parts = ("key", "value")
        out_proj = f"{source}/linear_2"
    else:
        fused_w, fused_b = tensors[f"{source}/linear_0/weight"], tensors[f"{source}/linear_0/bias"]
        parts = ("query", "key", "value")
        out_proj = f"{source}/linear_1"
    for name, weight, bias in zip(
        parts, np.split(fused_w, len(parts)), np.split(fused_b, len(parts)), strict=True
    ):
        out[f"{target}.{name}.weight"] = weight
        if name != "key":  # Whisper's key projection has no bias (CTranslate2 stores zeros)
            out[f"{target}.{name}.bias"] = bias
    _linear(tensors, out_proj, f"{target}.out", out)


def _block(tensors: dict[str, np.ndarray], source: str, target: str, out: dict[str, Any]) -> None:
    _attention(tensors, f"{source}/self_attention", f"{target}.attn", out, cross=False)
    _norm(tensors, f"{source}/self_attention/layer_norm", f"{target}.attn_ln", out)
    if f"{source}/attention/linear_0/weight" in tensors:
        _attention(tensors, f"{source}/attention", f"{target}.cross_attn", out, cross=True)
        _norm(tensors, f"{source}/attention/layer_norm", f"{target}.cross_attn_ln", out)
    _linear(tensors, f"{source}/ffn/linear_0", f"{target}.mlp.0", out)
    _linear(tensors, f"{source}/ffn/linear_1", f"{target}.mlp.2", out)
    _norm(tensors, f"{source}/ffn/layer_norm", f"{target}.mlp_ln", out)


def openai_state(model_dir: str | Path) -> dict[str, Any]:
    """An openai-whisper checkpoint dict (`dims`, `model_state_dict`, `alignment_heads`)."""
    directory = Path(model_dir)
    model_bin = directory / "model.bin"
    if not model_bin.is_file():
        raise ModelNotFoundError(
            f"{directory} holds no CTranslate2 model.bin; give the directory of a CTranslate2 "
            "Whisper model (the bundled base is in var/models/whisper-base-ct2 once assembled)."
        )
    spec, _, tensors = read_ctranslate2(model_bin)
    if spec != "WhisperSpec":
        raise EngineError(f"{model_bin} is a {spec}, not a Whisper model")
    enc_layers = _layer_count(tensors, "encoder")
    dec_layers = _layer_count(tensors, "decoder")
    state: dict[str, Any] = {
        "encoder.positional_embedding": tensors["encoder/position_encodings/encodings"],
        "encoder.conv1.weight": tensors["encoder/conv1/weight"],
        "encoder.conv1.bias": tensors["encoder/conv1/bias"],
        "encoder.conv2.weight": tensors["encoder/conv2/weight"],
        "encoder.conv2.bias": tensors["encoder/conv2/bias"],
        "decoder.positional_embedding": tensors["decoder/position_encodings/encodings"],
        "decoder.token_embedding.weight": tensors["decoder/embeddings/weight"],
    }
    for i in range(enc_layers):
        _block(tensors, f"encoder/layer_{i}", f"encoder.blocks.{i}", state)
    for i in range(dec_layers):
        _block(tensors, f"decoder/layer_{i}", f"decoder.blocks.{i}", state)
    _norm(tensors, "encoder/layer_norm", "encoder.ln_post", state)
    _norm(tensors, "decoder/layer_norm", "decoder.ln", state)
    n_audio_ctx, n_audio_state = state["encoder.positional_embedding"].shape
    n_text_ctx, n_text_state = state["decoder.positional_embedding"].shape
    dims = {
        "n_mels": int(state["encoder.conv1.weight"].shape[1]),
        "n_audio_ctx": int(n_audio_ctx),
        "n_audio_state": int(n_audio_state),
        "n_audio_head": int(tensors["encoder/num_heads"]),
        "n_audio_layer": enc_layers,
        "n_vocab": int(state["decoder.token_embedding.weight"].shape[0]),
        "n_text_ctx": int(n_text_ctx),
        "n_text_state": int(n_text_state),
        "n_text_head": int(tensors["decoder/num_heads"]),
        "n_text_layer": dec_layers,
    }
    config = directory / "config.json"
    heads = json.loads(config.read_text())["alignment_heads"] if config.is_file() else None
    return {"dims": dims, "model_state_dict": state, "alignment_heads": heads}


def export_openai_checkpoint(model_dir: str | Path, out_path: str | Path) -> Path:
    """Write `model_dir`'s weights as an openai-whisper `.pt` checkpoint; needs PyTorch."""
    # optional dependency (extra openai-whisper): imported only when a checkpoint is written
    import torch

    checkpoint = openai_state(model_dir)
    checkpoint["model_state_dict"] = {
        name: torch.from_numpy(np.array(array))
        for name, array in checkpoint["model_state_dict"].items()
    }
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    torch.save(checkpoint, partial)
    partial.replace(out)
    return out


def write_ctranslate2(
    model_bin: Path, spec: str, revision: int, tensors: dict[str, np.ndarray]
) -> None:
    """Write tensors in CTranslate2's `model.bin` layout (binary version 6), no aliases.

    The benchmarks build randomly initialised Whisper models of any size with it.
    """
    type_ids = {dtype: i for i, dtype in enumerate(_DTYPES)}

    def string(text: str) -> bytes:
        data = text.encode("utf-8")
        return struct.pack("H", len(data) + 1) + data + b"\0"

    with model_bin.open("wb") as stream:
        stream.write(struct.pack("I", 6) + string(spec) + struct.pack("I", revision))
        stream.write(struct.pack("I", len(tensors)))
        for name, array in tensors.items():
            stream.write(string(name) + struct.pack("B", array.ndim))
            stream.write(b"".join(struct.pack("I", dim) for dim in array.shape))
            stream.write(struct.pack("B", type_ids[array.dtype.name]))
            stream.write(struct.pack("I", array.nbytes))
            stream.write(np.ascontiguousarray(array).tobytes())
        stream.write(struct.pack("I", 0))
