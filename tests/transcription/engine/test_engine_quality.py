"""Segment quality flags and the choice of language token."""

from __future__ import annotations

import pytest

from transcription.engine.languages import plan_language
from transcription.engine.quality import flag_segments, is_repetitive
from transcription.engine.schema import UNSUPPORTED_LANGUAGE_REASON, Segment

SUPPORTED = {"en", "ru", "kk", "tr"}


def test_declared_language_wins() -> None:
    plan = plan_language("ru", is_supported=SUPPORTED.__contains__)
    assert (plan.language, plan.decode_language, plan.source) == ("ru", "ru", "declared")
    assert plan.review_reasons == ()


def test_regional_tags_are_reduced_to_whispers_codes() -> None:
    plan = plan_language("kk-KZ", is_supported=SUPPORTED.__contains__)
    assert plan.decode_language == "kk"


def test_no_declared_language_means_detection() -> None:
    plan = plan_language(None, is_supported=SUPPORTED.__contains__)
    assert (plan.language, plan.decode_language, plan.source) == (None, None, "detected")


def test_unsupported_language_keeps_its_code_and_decodes_with_the_fallback() -> None:
    plan = plan_language("ug", is_supported=SUPPORTED.__contains__, fallback_language="kk")
    assert (plan.language, plan.decode_language, plan.source) == ("ug", "kk", "declared")
    assert plan.review_reasons == (UNSUPPORTED_LANGUAGE_REASON,)


def test_unsupported_language_without_fallback_lets_the_model_detect() -> None:
    plan = plan_language("ug", is_supported=SUPPORTED.__contains__)
    assert (plan.language, plan.decode_language) == ("ug", None)
    assert plan.review_reasons == (UNSUPPORTED_LANGUAGE_REASON,)


def test_a_fine_tunes_token_override_is_trusted() -> None:
    plan = plan_language("ug", is_supported=SUPPORTED.__contains__, token_overrides={"ug": "tr"})
    assert (plan.language, plan.decode_language, plan.review_reasons) == ("ug", "tr", ())


def test_an_unsupported_fallback_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="fallback"):
        plan_language("ug", is_supported=SUPPORTED.__contains__, fallback_language="xx")


@pytest.mark.parametrize(
    "text",
    [
        "I will not let you go, I will not let you go, I will not let you go.",
        "жетіншың жүр жұр жұр жұр жұр жұр кетті",
        "ははははははははははははは",
    ],
)
def test_whisper_loops_are_repetitive(text: str) -> None:
    assert is_repetitive(text)


@pytest.mark.parametrize(
    "text",
    [
        "No, no, no, he was taken in the night.",
        "The witness said that her brother disappeared from the village in 2017.",
        "Мой брат пропал в Китае. Мы ничего не знаем о нём.",
    ],
)
def test_ordinary_speech_is_not_repetitive(text: str) -> None:
    assert not is_repetitive(text)


def test_flags_name_each_failed_check() -> None:
    segments = flag_segments(
        [
            Segment(0, 1, "A clean sentence.", avg_logprob=-0.2, compression_ratio=1.1),
            Segment(1, 2, "Weak.", avg_logprob=-1.4, compression_ratio=2.9, temperature=0.6),
            Segment(2, 3, "Weak!", avg_logprob=-0.2, compression_ratio=1.0),
            Segment(3, 4, "Quiet.", avg_logprob=-0.2, no_speech_prob=0.9),
        ]
    )
    assert segments[0].flags == []
    assert segments[1].flags == [
        "high_compression_ratio",
        "low_avg_logprob",
        "fallback_temperature",
    ]
    assert segments[2].flags == ["repetition"]  # same words as the segment before
    assert segments[3].flags == ["high_no_speech_prob"]
