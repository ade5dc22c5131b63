"""TextTranslator end to end on a tiny randomly initialised CTranslate2 Transformer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from transcription.engine.errors import ModelNotFoundError
from transcription.engine.schema import Segment, TranscriptionResult
from transcription.engine.text_translation import TextTranslator

spm = pytest.importorskip("sentencepiece")
ctranslate2 = pytest.importorskip("ctranslate2")

CORPUS = [
    "мой брат пропал в китае",
    "мы ничего не знаем о нём",
    "my brother disappeared in china",
    "we know nothing about him",
]
D_MODEL, D_FFN = 16, 32


def random_weights(name: str, vocab_size: int, rng: np.random.Generator) -> Any:
    leaf = name.rsplit("/", 1)[-1]
    if leaf == "gamma":
        return np.ones(D_MODEL, dtype=np.float32)
    if leaf == "beta":
        return np.zeros(D_MODEL, dtype=np.float32)
    if "embeddings" in name or "projection" in name:
        shape: tuple[int, int] = (vocab_size, D_MODEL)
    elif "ffn/linear_0" in name:
        shape = (D_FFN, D_MODEL)
    elif "ffn/linear_1" in name:
        shape = (D_MODEL, D_FFN)
    elif "self_attention/linear_0" in name:
        shape = (3 * D_MODEL, D_MODEL)  # fused query, key, value
    elif "/attention/linear_1" in name:
        shape = (2 * D_MODEL, D_MODEL)  # cross-attention: fused key, value
    else:
        shape = (D_MODEL, D_MODEL)
    return rng.normal(0, 0.5, shape).astype(np.float32)


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ctranslate2.specs import model_spec, transformer_spec

    directory = tmp_path_factory.mktemp("tiny-nllb")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 20),
        model_prefix=str(directory / "sentencepiece.bpe"),
        vocab_size=60,
        model_type="bpe",
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(directory / "sentencepiece.bpe.model"))
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab += ["rus_Cyrl", "kaz_Cyrl", "eng_Latn"]

    spec = transformer_spec.TransformerSpec.from_config(1, 2)
    rng = np.random.default_rng(7)

    def fill(layer: Any, name: str, value: Any) -> None:
        if value is None:
            setattr(layer, name.rsplit("/", 1)[-1], random_weights(name, len(vocab), rng))

    model_spec.visit_spec(spec, fill)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize()
    spec.save(str(directory))
    return directory


def test_translates_each_text_and_keeps_empty_ones_in_place(tiny_nllb: Path) -> None:
    translator = TextTranslator(tiny_nllb, device="cpu", beam_size=1, max_decoding_length=6)
    texts = ["мой брат пропал в китае", "", "мы ничего не знаем о нём"]

    out = translator.translate(texts, source_language="ru")

    assert len(out) == 3
    assert out[1] == ""
    assert out[0]
    assert all(isinstance(t, str) for t in out)
    assert all("eng_Latn" not in t and "rus_Cyrl" not in t for t in out)
    assert out == translator.translate(texts, source_language="ru")  # greedy: deterministic


def test_translate_result_fills_segment_translations(tiny_nllb: Path) -> None:
    translator = TextTranslator(tiny_nllb, device="cpu", beam_size=1, max_decoding_length=6)
    result = TranscriptionResult(
        language="kk",
        language_source="declared",
        language_probability=1.0,
        task="transcribe",
        engine="faster-whisper",
        model="base",
        duration=4.0,
        segments=[Segment(0.0, 2.0, "мой брат"), Segment(2.0, 4.0, " ")],
    )

    translator.translate_result(result)

    assert result.segments[0].translation is not None
    assert result.segments[1].translation == ""


def test_a_missing_translation_model_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="TRANSLATION_MODEL"):
        TextTranslator(tmp_path)
