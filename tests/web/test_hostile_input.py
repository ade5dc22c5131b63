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


def test_a_csv_cell_beyond_the_csv_limit_is_a_clear_400(hostile: Client):
    upload = SimpleUploadedFile("long.csv", b"name\n" + b"x" * 200_000 + b"\n", "text/csv")
    response = hostile.post("/api/v1/people/match", {"file": upload})
    assert response.status_code == 400
    assert "Line 2" in response.json()["detail"]


@pytest.mark.parametrize("column", ["name", "place", "father_name"])
def test_an_overlong_field_in_a_json_list_is_a_clear_400(hostile: Client, column: str):
    row = {"name": "Ерлан Қабыл", column: "x" * 5000}
    response = hostile.post(
        "/api/v1/people/match", {"rows": [row]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert f"row 1: the {column} is longer than 300 characters" in response.json()["detail"]


def test_json_nested_100000_deep_is_a_clear_400(hostile: Client):
    body = "[" * 100_000 + "]" * 100_000
    response = hostile.post("/api/v1/people/match", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_made_up_forwarded_for_header_does_not_reset_the_anonymous_throttle(hostile: Client):
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    cache.clear()
    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/minute"}
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [
            hostile.get("/api/v1/places", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
            for n in range(5)
        ]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
