"""Marks in search hits: whole words in every script, and words found through folded keys
or gazetteer aliases marked in the original text too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from search.query import SearchParams, search_segments
from testimonies.importing import import_file
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db

SEGMENTS = {
    "en": ("My brother was taken in Ghulja in 2018.", ""),
    "kk": ("Інім Құлжаға апарылды.", "My brother was taken to Ghulja."),
    "ug": ("ئىنىم غۇلجىدا تۇتۇلدى.", ""),
    "zh": ("我的亲人在伊宁被拘留。", ""),
    "ru": ("Брата увезли в Кульджу.", ""),
}
MARKED = {"en": "Ghulja", "kk": "Құлжаға", "ug": "غۇلجىدا", "zh": "伊宁", "ru": "Кульджу"}


@pytest.fixture
def ghulja(meili: Any, tmp_path: Path) -> None:
    records = [
        record(
            f"hl-{language}",
            language=language,
            segments=[{"start": 0.0, "end": 3.0, "text": text, "translation": translation}],
            people=[],
            places=[],
        )
        for language, (text, translation) in SEGMENTS.items()
    ]
    import_file(write_jsonl(tmp_path / "hl.jsonl", records))


def _marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


@pytest.mark.parametrize("query", ["Ghulja", "Құлжа", "Кульджа", "غۇلجا", "伊宁", "Yining"])
def test_every_script_marks_the_whole_word_that_names_the_place(ghulja: None, query: str):
    hits = {h.testimony: h for h in search_segments(SearchParams(q=query)).hits}
    assert set(hits) == {f"hl-{language}" for language in SEGMENTS}
    for language, word in MARKED.items():
        assert _marks(hits[f"hl-{language}"].highlight) == [word], (query, language)
    assert _marks(hits["hl-kk"].highlight_translation) == ["Ghulja"]


def test_a_typo_match_marks_the_whole_word_not_the_letters_of_the_query(ghulja: None):
    # Meilisearch matches the folded "gulja" to "Ghulja" with one typo and marks 5 letters.
    hit = next(h for h in search_segments(SearchParams(q="Ghulja")).hits if h.testimony == "hl-en")
    assert "<mark>Ghulja</mark> in 2018" in hit.highlight
    assert "Ghulj</mark>a" not in hit.highlight


def test_a_word_that_is_not_the_place_stays_unmarked(ghulja: None):
    hit = next(h for h in search_segments(SearchParams(q="Ghulja")).hits if h.testimony == "hl-ru")
    assert hit.highlight == "Брата увезли в <mark>Кульджу</mark>."
