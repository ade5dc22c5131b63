"""Uyghur Arabic text keeps its words whole in the index (no locale normalizer splits them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from search import client
from search.query import PRE, SearchParams, search_segments
from testimonies.importing import import_file
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db

TEXT = "مېنىڭ ئاكام ئابدۇرېھىم مەمەت غۇلجىدا تۇتۇلدى، ئۈرۈمچىدىكى لاگېرغا ئېلىپ كېتىلدى"


def test_every_uyghur_word_is_found_and_highlighted_whole(meili: Any, tmp_path: Path):
    segment = {"start": 0.0, "end": 5.0, "text": TEXT, "translation": "My brother…"}
    import_file(
        write_jsonl(tmp_path / "ug.jsonl", [record("ug-1", language="ug", segments=[segment])])
    )
    settings = client.get_settings(client.index_uid("segments"))
    # No Arabic or Persian locale on the original text: their normalizers are for those
    # languages, and Persian remaps letters (ک -> ك) that Uyghur writes on purpose.
    for rule in settings["localizedAttributes"] or []:
        assert "text" not in rule["attributePatterns"]

    for word in TEXT.replace("،", "").split():
        hits = search_segments(SearchParams(q=word)).hits
        assert [h.testimony for h in hits] == ["ug-1"], word
        assert f"<mark>{word}</mark>" in hits[0].highlight, (word, hits[0].highlight)
    assert PRE not in hits[0].highlight
