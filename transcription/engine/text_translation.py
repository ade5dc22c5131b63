"""Text translation of segments to English with a CTranslate2 NLLB or MADLAD model."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import ctranslate2

from transcription.engine.base import Device, resolve_compute_type, resolve_device
from transcription.engine.errors import EngineUnavailableError, ModelNotFoundError
from transcription.engine.schema import TranscriptionResult

# NLLB-200 language codes for the languages testimonies arrive in; MADLAD uses ISO codes.
NLLB_CODES = {
    "en": "eng_Latn",
    "ru": "rus_Cyrl",
    "kk": "kaz_Cyrl",
    "ug": "uig_Arab",
    "zh": "zho_Hans",
    "ky": "kir_Cyrl",
    "uz": "uzn_Latn",
    "tr": "tur_Latn",
}


class TextTranslator:
    """Segment texts to English with a CTranslate2 sequence-to-sequence model.

    Tokenisation uses SentencePiece directly (`sentencepiece` package): NLLB and MADLAD both
    ship a SentencePiece model, so transformers and its tokenizers are not needed. `style`
    says how the model marks languages: NLLB puts the source code before the text and the
    target code as the decoder's first token; MADLAD puts `<2xx>` (target) before the text.
    """

    name = "ctranslate2-mt"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        style: Literal["nllb", "madlad"] = "nllb",
        sentencepiece_model: str | Path | None = None,
        device: Device = "auto",
        compute_type: str | None = None,
        beam_size: int = 4,
        max_decoding_length: int = 256,
    ) -> None:
        try:
            # optional dependency (extra translation): imported only when a translator is built
            import sentencepiece
        except ImportError as exc:
            raise EngineUnavailableError(
                "text translation needs the optional extra: "
                "pip install 'testimony-archive[translation]' (sentencepiece)"
            ) from exc
        directory = Path(model_dir)
        spm_path = Path(sentencepiece_model) if sentencepiece_model else _find_spm(directory)
        if not (directory / "model.bin").is_file() or spm_path is None:
            raise ModelNotFoundError(
                f"translation model {os.fspath(directory)!r} must be a local CTranslate2 "
                "directory holding model.bin and a SentencePiece model "
                "(sentencepiece.bpe.model or spiece.model); set TRANSLATION_MODEL to it."
            )
        self.style = style
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length
        self.model_name = directory.name
        device_name = resolve_device(device)
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(spm_path))
        self.translator: ctranslate2.Translator = ctranslate2.Translator(
            str(directory),
            device=device_name,
            compute_type=resolve_compute_type(device_name, compute_type),
        )

    def translate(
        self, texts: Iterable[str], *, source_language: str, target_language: str = "en"
    ) -> list[str]:
        """Translate each text; empty texts stay empty and keep their positions."""
        items = list(texts)
        wanted = [i for i, text in enumerate(items) if text.strip()]
        if not wanted:
            return ["" for _ in items]
        batch = [self._source_tokens(items[i], source_language, target_language) for i in wanted]
        prefix = [[_nllb_code(target_language)] for _ in wanted] if self.style == "nllb" else None
        results = self.translator.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=self.beam_size,
            max_decoding_length=self.max_decoding_length,
        )
        out = ["" for _ in items]
        for index, result in zip(wanted, results, strict=True):
            tokens = list(result.hypotheses[0])
            if self.style == "nllb" and tokens and tokens[0] == _nllb_code(target_language):
                tokens = tokens[1:]
            out[index] = str(self.sp.decode(tokens)).strip()
        return out

    def translate_result(
        self, result: TranscriptionResult, *, target_language: str = "en"
    ) -> TranscriptionResult:
        """Fill each segment's `translation` from its text, in the result's language."""
        translations = self.translate(
            [s.text for s in result.segments],
            source_language=result.language,
            target_language=target_language,
        )
        for segment, translation in zip(result.segments, translations, strict=True):
            segment.translation = translation
        return result

    def _source_tokens(self, text: str, source: str, target: str) -> list[str]:
        pieces: list[str] = list(self.sp.encode(text, out_type=str))
        if self.style == "nllb":
            return [_nllb_code(source), *pieces, "</s>"]
        return [f"<2{target}>", *pieces, "</s>"]


def _nllb_code(language: str) -> str:
    return NLLB_CODES.get(language, language)


def _find_spm(directory: Path) -> Path | None:
    for name in ("sentencepiece.bpe.model", "spiece.model", "source.spm", "tokenizer.model"):
        if (directory / name).is_file():
            return directory / name
    return None
