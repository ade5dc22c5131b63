"""CSV exports cannot smuggle a spreadsheet formula in; the numbers they write stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from testimonies import csvsafe
from testimonies.importing import import_file
from tests.factories import record, write_jsonl

EVIL = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("value", [-1, -4.2, 0, 3.5])
def test_a_number_is_not_text_even_when_negative(value: float):
    assert csvsafe.cell(value) == value
    out = io.StringIO()
    csvsafe.writer(out).writerow([value])
    assert out.getvalue().strip() == str(value)


@pytest.mark.django_db
def test_the_export_escapes_segment_text_and_keeps_times_numeric(meili: Any, tmp_path: Path):
    cache.clear()
    evil = record("t-evil")
    evil["segments"][0]["text"] = EVIL
    import_file(write_jsonl(tmp_path / "a.jsonl", [evil]))
    response = Client().get("/api/v1/export.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]

    header, *rows = csv.reader(io.StringIO(body))
    first, second = (dict(zip(header, row, strict=True)) for row in rows)
    assert first["text"] == "'" + EVIL
    assert second["text"] == "Содан бері одан хабар жоқ."
    assert first["translation"] == "My brother Erlan Kabyl was detained in Ghulja in 2018."
    assert (first["segment"], first["start"], first["end"]) == ("0", "0.0", "4.2")
    assert (second["segment"], second["start"], second["end"]) == ("1", "4.2", "9.0")
