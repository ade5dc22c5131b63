"""OpenAIWhisperEngine end to end on a tiny randomly initialised openai-whisper model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from transcription.engine.base import NO_TEXT_REASON, DecodeOptions, Engine
from transcription.engine.errors import ModelNotFoundError, SilentMediaError
from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine
from transcription.engine.schema import UNSUPPORTED_LANGUAGE_REASON

whisper = pytest.importorskip("whisper")
torch = pytest.importorskip("torch")

QUICK = DecodeOptions(beam_size=1, best_of=1, temperatures=(0.0,))


DIMS = {
    # Real sizes where the audio front end and the tokenizer need them, tiny everywhere else.
    "n_mels": 80,
    "n_audio_ctx": 1500,
    "n_audio_state": 16,
    "n_audio_head": 2,
    "n_audio_layer": 1,
    "n_vocab": 51865,
    "n_text_ctx": 448,
    "n_text_state": 16,
    "n_text_head": 2,
    "n_text_layer": 1,
}


def make_checkpoint(path: Path, favourite: str) -> Path:
    """A random model whose decoder always prefers one token after the first timestamp.

    Fully random weights make openai-whisper decode 224 random tokens per tiny window, which
    takes minutes; fixing the decoder's output makes the run short and its result known.
    """
    dims = whisper.model.ModelDimensions(**DIMS)
    torch.manual_seed(3)
    model = whisper.model.Whisper(dims)
    tokenizer = whisper.tokenizer.get_tokenizer(True, num_languages=99)
    token = tokenizer.eot if favourite == "<|endoftext|>" else tokenizer.encode(favourite)[0]
    with torch.no_grad():
        # openai-whisper leaves this uninitialised (torch.empty), as checkpoints overwrite it;
        # left alone it sometimes holds NaN and the decoder emits token 0 forever.
        model.decoder.positional_embedding.normal_(0, 0.01)
        direction = torch.randn(DIMS["n_text_state"])
        # Every position's final state becomes `direction`, so logits are embedding . direction.
        model.decoder.ln.weight.zero_()
        model.decoder.ln.bias.copy_(direction)
        embedding = model.decoder.token_embedding.weight
        embedding.mul_(0.01)
        embedding[tokenizer.timestamp_begin].copy_(direction)  # start at <|0.00|>
        embedding[tokenizer.eot].copy_(direction * 1.5)
        embedding[token].copy_(direction * 2)
    torch.save({"dims": dataclasses.asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_checkpoint(tmp_path_factory.mktemp("tiny") / "says-nothing.pt", "<|endoftext|>")


@pytest.fixture(scope="module")
def tiny_engine(tiny_checkpoint: Path) -> OpenAIWhisperEngine:
    return OpenAIWhisperEngine(str(tiny_checkpoint), device="cpu", options=QUICK)


def test_declared_language_runs_the_whole_pipeline(
    tiny_engine: OpenAIWhisperEngine, audio_dir: Path
) -> None:
    assert isinstance(tiny_engine, Engine)

    result = tiny_engine.transcribe(audio_dir / "en.wav", language="en")

    assert (result.engine, result.language, result.language_source) == (
        "openai-whisper",
        "en",
        "declared",
    )
    assert result.duration == pytest.approx(5.78, abs=0.05)
    assert result.segments == []
    assert result.needs_review
    assert NO_TEXT_REASON in result.review_reasons


def test_a_looping_model_is_flagged_for_review(tmp_path: Path, audio_dir: Path) -> None:
    looping = make_checkpoint(tmp_path / "loops.pt", " hello")
    engine = OpenAIWhisperEngine(str(looping), device="cpu", options=QUICK)

    result = engine.transcribe(audio_dir / "en.wav", language="en", word_timestamps=False)

    assert result.text.lower().count("hello") > 20
    assert result.segments[0].start == 0.0
    assert {"repetition", "high_compression_ratio"} <= set(result.segments[0].flags)
    assert result.needs_review


def test_detection_records_a_whisper_language(
    tiny_engine: OpenAIWhisperEngine, audio_dir: Path
) -> None:
    result = tiny_engine.transcribe(audio_dir / "ru.wav", language=None, word_timestamps=False)

    assert result.language_source == "detected"
    assert result.language in whisper.tokenizer.LANGUAGES
    assert 0.0 < result.language_probability <= 1.0


def test_uyghur_is_flagged_the_same_way(tiny_checkpoint: Path, audio_dir: Path) -> None:
    engine = OpenAIWhisperEngine(
        str(tiny_checkpoint), device="cpu", options=QUICK, fallback_language="kk"
    )
    result = engine.transcribe(audio_dir / "kk.wav", language="ug", word_timestamps=False)

    assert (result.language, result.decoded_language) == ("ug", "kk")
    assert UNSUPPORTED_LANGUAGE_REASON in result.review_reasons


def test_silence_is_refused_before_decoding(
    tiny_engine: OpenAIWhisperEngine, audio_dir: Path
) -> None:
    with pytest.raises(SilentMediaError):
        tiny_engine.transcribe(audio_dir / "silence.wav", language="en")


def test_a_model_name_without_a_local_checkpoint_is_not_downloaded(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="TRANSCRIPTION_MODEL"):
        OpenAIWhisperEngine("tiny", device="cpu", download_root=tmp_path)
