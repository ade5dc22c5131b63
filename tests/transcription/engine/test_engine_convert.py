"""The bundled base model, converted to an openai-whisper checkpoint, recognises real speech."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from transcription.engine.base import DecodeOptions
from transcription.engine.convert import (
    export_openai_checkpoint,
    openai_state,
    read_ctranslate2,
    write_ctranslate2,
)
from transcription.engine.errors import EngineError, ModelNotFoundError
from transcription.engine.model_files import resolve_model
from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine

whisper = pytest.importorskip("whisper")
torch = pytest.importorskip("torch")

QUICK = DecodeOptions(beam_size=1, best_of=1, temperatures=(0.0,))


@pytest.fixture(scope="module")
def base_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_openai_checkpoint(
        resolve_model("base"), tmp_path_factory.mktemp("openai") / "base.pt"
    )


def test_every_weight_of_openai_whisper_base_is_filled_with_the_right_shape() -> None:
    checkpoint = openai_state(resolve_model("base"))
    dims = whisper.model.ModelDimensions(**checkpoint["dims"])
    assert (dims.n_audio_layer, dims.n_text_layer, dims.n_audio_state) == (6, 6, 512)
    expected = whisper.model.Whisper(dims).state_dict()
    got = checkpoint["model_state_dict"]
    assert set(got) == set(expected)
    assert all(tuple(got[name].shape) == tuple(expected[name].shape) for name in expected)
    # The fused query/key/value were split, not copied: the three differ.
    attn = "encoder.blocks.0.attn"
    assert not np.array_equal(got[f"{attn}.query.weight"], got[f"{attn}.key.weight"])
    assert checkpoint["alignment_heads"] == [
        [3, 1],
        [4, 2],
        [4, 3],
        [4, 7],
        [5, 1],
        [5, 2],
        [5, 4],
        [5, 6],
    ]


def test_converted_base_transcribes_speech_with_word_timings(
    base_checkpoint: Path, audio_dir: Path
) -> None:
    engine = OpenAIWhisperEngine(str(base_checkpoint), device="cpu", options=QUICK)
    assert engine.model.alignment_heads.to_dense().sum().item() == 8
    english = engine.transcribe(audio_dir / "en.wav", language="en")
    text = english.text.lower()
    assert all(word in text for word in ("witness", "brother", "disappeared", "village"))
    words = [w for s in english.segments for w in s.words]
    assert [w.word.strip().lower() for w in words[:2]] == ["the", "witness"]
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    russian = engine.transcribe(audio_dir / "ru_real.wav", language="ru")
    assert "сети" in russian.text.lower()


def test_a_directory_without_a_model_names_what_it_needs(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"model\.bin"):
        openai_state(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"\x06\x00\x00\x00\x05")
    with pytest.raises(EngineError, match="ends in the middle"):
        read_ctranslate2(tmp_path / "model.bin")


def test_written_model_reads_back_the_same(tmp_path: Path) -> None:
    spec, revision, tensors = read_ctranslate2(Path(resolve_model("base")) / "model.bin")
    tensors.pop("decoder/projection/weight")  # an alias; written as a tensor of its own
    write_ctranslate2(tmp_path / "model.bin", spec, revision, tensors)
    spec2, revision2, again = read_ctranslate2(tmp_path / "model.bin")
    assert (spec2, revision2) == (spec, revision)
    assert set(again) == set(tensors)
    assert all(
        again[name].dtype == value.dtype and np.array_equal(again[name], value)
        for name, value in tensors.items()
    )
