"""Choosing the language token Whisper decodes with: declared first, detected second."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from transcription.engine.schema import UNSUPPORTED_LANGUAGE_REASON, LanguageSource


@dataclass(frozen=True)
class LanguagePlan:
    """What to decode with, and what to record on the result."""

    #: Language recorded on the result; None means "whatever detection finds".
    language: str | None
    #: Language token passed to the model; None lets the model detect.
    decode_language: str | None
    source: LanguageSource
    review_reasons: tuple[str, ...] = field(default=())


def normalise_language(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip().lower().replace("_", "-")
    # Archive rows may carry regional tags ("kk-KZ", "ru-RU"); Whisper knows only the base code.
    return code.split("-")[0] or None


def plan_language(
    declared: str | None,
    *,
    is_supported: Callable[[str], bool],
    fallback_language: str | None = None,
    token_overrides: Mapping[str, str] | None = None,
) -> LanguagePlan:
    """Decide how to decode a testimony whose declared language may be None or unsupported.

    `token_overrides` maps a declared language to the token a fine-tuned model was trained
    with (for example a Uyghur fine-tune trained under another language's token); such a
    model does support the language, so nothing is flagged.
    """
    language = normalise_language(declared)
    if language is None:
        return LanguagePlan(None, None, "detected")
    overrides = token_overrides or {}
    if language in overrides:
        return LanguagePlan(language, overrides[language], "declared")
    if is_supported(language):
        return LanguagePlan(language, language, "declared")
    # Whisper has no token for this language (Uyghur, for one). Decoding with a neighbour's
    # token gives text an editor can correct, but it must never pass as a real transcript.
    fallback = normalise_language(fallback_language)
    if fallback is not None and not is_supported(fallback):
        raise ValueError(f"fallback language {fallback!r} is not supported by the model either")
    return LanguagePlan(language, fallback, "declared", (UNSUPPORTED_LANGUAGE_REASON,))
