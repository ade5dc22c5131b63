"""Hostile input is refused or neutralised: filter syntax, traversal, markup, big uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from testimonies.importing import import_file
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def hostile(meili: Any, tmp_path: Path) -> Client:
    segments = [
        {"start": 0.0, "end": 3.0, "text": f"Ерлан {SCRIPT} <b>bold</b>", "translation": SCRIPT},
    ]
    records = [
        record("h-1", title=f"Title {SCRIPT}", segments=segments),
        record("hidden", visibility="draft", title="SECRETDRAFT"),
    ]
    import_file(write_jsonl(tmp_path / "a.jsonl", records))
    return Client()


def test_markup_in_titles_and_transcripts_is_escaped_everywhere(hostile: Client):
    outputs = {
        "page": hostile.get("/t/h-1/").content.decode(),
        "search": hostile.get("/", {"q": "Ерлан"}).content.decode(),
        "person": hostile.get("/api/v1/search", {"q": "Ерлан"}).content.decode(),
    }
    for name, body in outputs.items():
        assert SCRIPT not in body, name
    assert "&lt;script&gt;" in outputs["page"]
    vtt = hostile.get("/t/h-1/subtitles/original.vtt").content.decode()
    assert "<script>" not in vtt and "<b>" not in vtt and "&lt;b&gt;" in vtt


@pytest.mark.parametrize(
    "params",
    [
        {"q": 'x" OR visibility = "draft'},
        {"q": "SECRETDRAFT", "testimony": 'hidden" OR testimony = "hidden'},
        {"q": "SECRETDRAFT", "language": "kk OR 1=1"},
        {"q": "'; DROP TABLE testimonies_testimony; --"},
        {"q": "SECRETDRAFT", "place": 'Ghulja" OR visibility = "draft'},
    ],
)
def test_filter_syntax_and_sql_in_parameters_find_nothing_hidden(hostile: Client, params: Any):
    response = hostile.get("/api/v1/search", params)
    assert response.status_code in (200, 400)
    assert "SECRETDRAFT" not in response.content.decode()
    assert "hidden" not in {h["testimony"] for h in response.json().get("hits", [])}


@pytest.mark.parametrize(
    "url",
    [
        "/t/..%2F..%2Fetc%2Fpasswd/",
        "/t/h-1/transcript.%2F..%2F..%2Fetc%2Fpasswd",
        "/t/h-1/subtitles/..%2F..%2Fsettings.vtt",
        "/media/..%2F..%2Fetc%2Fpasswd/",
        "/t/hidden/",
        "/t/hidden/transcript.json",
    ],
)
def test_traversal_and_hidden_paths_are_not_found(hostile: Client, url: str):
    response = hostile.get(url)
    assert response.status_code == 404
    assert b"root:" not in response.content and b"SECRETDRAFT" not in response.content


def test_an_oversized_list_upload_is_refused(hostile: Client):
    big = SimpleUploadedFile("big.csv", b"name\n" + b"x" * (21 * 1024 * 1024), "text/csv")
    response = hostile.post("/api/v1/people/match", {"file": big})
    assert response.status_code == 400
    assert "20 MB" in response.json()["detail"]
