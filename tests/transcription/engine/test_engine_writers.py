"""Result dataclasses and the VTT, SRT, TXT and JSON writers."""

from __future__ import annotations

import io
import json

import pytest

from transcription.engine.schema import Segment, TranscriptionResult, Word
from transcription.engine.writers import (
    format_timestamp,
    get_writer,
    parse_timestamp,
    read_json,
    read_subtitles,
    write,
)


def make_result() -> TranscriptionResult:
    return TranscriptionResult(
        language="kk",
        language_source="declared",
        language_probability=1.0,
        task="transcribe",
        engine="faster-whisper",
        model="base",
        duration=3725.5,
        segments=[
            Segment(
                start=1.5,
                end=4.25,
                text="Менің ағам Құлжада жоғалып кетті.",
                words=[Word(1.5, 2.0, " Менің", 0.9), Word(2.0, 2.6, " ағам", 0.8)],
                avg_logprob=-0.3,
                no_speech_prob=0.01,
                compression_ratio=1.1,
                temperature=0.0,
                translation="My brother disappeared in Ghulja.",
            ),
            Segment(
                start=3600.0,
                end=3725.4996,
                text="Он был <задержан> & увезён\nв лагерь.",
                avg_logprob=-1.2,
                temperature=0.4,
                flags=["low_avg_logprob", "fallback_temperature"],
            ),
        ],
        needs_review=True,
        review_reasons=["1 of 2 segments flagged: fallback_temperature, low_avg_logprob"],
    )


def render(fmt: str, result: TranscriptionResult, *, translated: bool = False) -> str:
    stream = io.StringIO()
    write(result, fmt, stream, translated=translated)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("seconds", "vtt", "srt"),
    [
        (0.0, "00:00:00.000", "00:00:00,000"),
        (1.5, "00:00:01.500", "00:00:01,500"),
        (59.9996, "00:01:00.000", "00:01:00,000"),
        (3725.25, "01:02:05.250", "01:02:05,250"),
        (36000.001, "10:00:00.001", "10:00:00,001"),
    ],
)
def test_timestamps_use_each_formats_decimal_marker(seconds: float, vtt: str, srt: str) -> None:
    assert format_timestamp(seconds) == vtt
    assert format_timestamp(seconds, decimal_marker=",") == srt
    assert parse_timestamp(vtt) == pytest.approx(round(seconds, 3))
    assert parse_timestamp(srt) == pytest.approx(round(seconds, 3))


def test_negative_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_timestamp(-0.1)


def test_vtt_has_header_cues_and_escaped_markup() -> None:
    text = render("vtt", make_result())
    assert text.startswith("WEBVTT\n\n00:00:01.500 --> 00:00:04.250\nМенің ағам Құлжада")
    assert "01:00:00.000 --> 01:02:05.500\nОн был &lt;задержан&gt; &amp; увезён в лагерь.\n" in text


def test_srt_numbers_cues_and_uses_commas() -> None:
    text = render("srt", make_result())
    assert text.startswith("1\n00:00:01,500 --> 00:00:04,250\nМенің ағам Құлжада жоғалып кетті.\n")
    assert "\n2\n01:00:00,000 --> 01:02:05,500\nОн был <задержан> & увезён в лагерь.\n" in text


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_subtitles_round_trip(fmt: str) -> None:
    result = make_result()
    cues = read_subtitles(render(fmt, result))
    assert [(c.start, c.end) for c in cues] == [(1.5, 4.25), (3600.0, 3725.5)]
    assert cues[0].text == result.segments[0].text
    assert cues[1].text == "Он был <задержан> & увезён в лагерь."


def test_translated_subtitles_use_the_english_text_where_there_is_one() -> None:
    cues = read_subtitles(render("vtt", make_result(), translated=True))
    assert cues[0].text == "My brother disappeared in Ghulja."
    assert cues[1].text.startswith("Он был")


def test_txt_is_one_line_per_segment() -> None:
    assert render("txt", make_result()).splitlines() == [
        "Менің ағам Құлжада жоғалып кетті.",
        "Он был <задержан> & увезён в лагерь.",
    ]


def test_json_round_trips_the_whole_result_and_has_whisperx_word_segments() -> None:
    result = make_result()
    text = render("json", result)
    data = json.loads(text)

    assert "Құлжада" in text  # not \u-escaped: editors read these files
    assert data["word_segments"][1] == {"word": " ағам", "start": 2.0, "end": 2.6, "score": 0.8}
    assert data["segments"][1]["flags"] == ["low_avg_logprob", "fallback_temperature"]
    assert read_json(io.StringIO(text)) == result


def test_dict_round_trip_and_validation() -> None:
    result = make_result()
    assert TranscriptionResult.from_dict(result.to_dict()) == result
    bad = result.to_dict() | {"task": "summarise"}
    with pytest.raises(ValueError, match="task"):
        TranscriptionResult.from_dict(bad)


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match="vtt, srt, txt, json"):
        get_writer("docx")
