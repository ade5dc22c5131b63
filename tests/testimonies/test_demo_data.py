"""The demo data: fictional, valid, in four languages, and findable across scripts."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from search.query import SearchParams, search_segments
from testimonies.demo import DEMO
from testimonies.importing import import_file, validate_file
from testimonies.models import Testimony


def test_the_demo_file_is_valid_and_covers_the_languages():
    problems, valid = validate_file(DEMO)
    assert problems == []
    assert len(valid) >= 20
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    languages = Counter(r["language"] for r in records)
    assert {"kk", "ug", "ru", "en"} <= set(languages)
    assert all(s.get("translation") for r in records for s in r["segments"])
    assert {r["visibility"] for r in records} == {"public", "restricted", "draft"}


@pytest.mark.django_db
def test_a_name_typed_in_latin_finds_kazakh_and_russian_moments(meili: Any):
    import_file(DEMO)
    assert Testimony.objects.count() >= 20
    hits = search_segments(SearchParams(q="Erlan Kabyl", limit=50)).hits
    languages = {hit.language for hit in hits}
    assert {"kk", "ru"} <= languages, [(h.testimony, h.text) for h in hits]
    assert all("PRIVATE-MARKER" not in hit.text for hit in hits)
