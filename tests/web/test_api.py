"""REST API v1: public data only, cursor pages, filters, links, exports, tokens, schema."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from testimonies.importing import import_file
from testimonies.models import Segment, Testimony
from tests.factories import make_cn_resident_id, record, write_jsonl

pytestmark = pytest.mark.django_db
SECRET_ID = make_cn_resident_id(region="650102", birth="19800101", seq="555")


@pytest.fixture
def archive(meili: Any, tmp_path: Path) -> Client:
    cache.clear()
    records = [record(f"pub-{n}", recorded_on=f"{2016 + n}") for n in range(5)] + [
        record("draft-1", visibility="draft", title="PRIVATE-MARKER draft"),
        record(
            "restricted-1",
            visibility="restricted",
            people=[{"key": "p-hidden", "names": ["PRIVATE-MARKER Person"]}],
            places=[{"names": ["PRIVATE-MARKER village"]}],
        ),
    ]
    records[0]["segments"][1]["text"] = f"Оның куәлігі {SECRET_ID}."
    import_file(write_jsonl(tmp_path / "a.jsonl", records))
    return Client()


def _all(browser: Client, url: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    next_url: str | None = url
    query: dict[str, Any] | None = params
    while next_url:
        page = browser.get(next_url, query).json()
        rows += page["results"]
        next_url, query = page["next"], None
    return rows


@pytest.mark.parametrize(
    "endpoint", ["testimonies", "transcripts", "segments", "people", "places", "events"]
)
def test_no_endpoint_lists_anything_hidden(archive: Client, endpoint: str):
    body = json.dumps(_all(archive, f"/api/v1/{endpoint}", page_size=2), ensure_ascii=False)
    assert "PRIVATE-MARKER" not in body
    assert "draft-1" not in body and "restricted-1" not in body
    assert SECRET_ID not in body


def test_testimonies_page_with_a_cursor_and_link_to_their_pages(archive: Client):
    first = archive.get("/api/v1/testimonies", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    rows = _all(archive, "/api/v1/testimonies", page_size=2)
    assert [r["external_id"] for r in rows] == [f"pub-{n}" for n in range(5)]
    assert rows[0]["page"] == "/t/pub-0/"
    detail = archive.get("/api/v1/testimonies/pub-3").json()
    assert detail["recorded_on"] == "2019"
    assert archive.get("/api/v1/testimonies/draft-1").status_code == 404


def test_filters_apply(archive: Client):
    rows = _all(archive, "/api/v1/testimonies", year_from=2018, year_to=2019)
    assert [r["external_id"] for r in rows] == ["pub-2", "pub-3"]
    segments = _all(archive, "/api/v1/segments", testimony="pub-1")
    assert [s["index"] for s in segments] == [0, 1]
    assert segments[1]["page"] == "/t/pub-1/?t=4.2"


def test_segment_text_is_masked(archive: Client):
    segments = _all(archive, "/api/v1/segments", testimony="pub-0")
    assert "[ID number redacted]" in segments[1]["text"]
    assert (
        SECRET_ID in Segment.objects.get(transcript__testimony__external_id="pub-0", index=1).text
    )


def test_jsonl_export_reimports_to_the_same_public_archive(archive: Client, tmp_path: Path):
    response = archive.get("/api/v1/export.jsonl")
    assert response["Content-Type"] == "application/x-ndjson"
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in body.splitlines()]
    assert [r["external_id"] for r in lines] == [f"pub-{n}" for n in range(5)]
    assert "PRIVATE-MARKER" not in body and SECRET_ID not in body
    export = tmp_path / "export.jsonl"
    export.write_text(body, encoding="utf-8")
    Testimony.objects.all().delete()
    import_file(export)
    assert Testimony.objects.count() == 5
    assert Segment.objects.count() == 10


def test_csv_export_has_a_row_per_segment(archive: Client):
    response = archive.get("/api/v1/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][:3] == ["external_id", "title", "language"]
    assert len(rows) == 1 + 10


def test_researcher_tokens_are_issued_revoked_and_raise_the_limit(
    archive: Client, capsys: Any, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "50/minute"}
    )
    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "50/minute"}
    )
    cache.clear()
    call_command("api_token", "issue", "alice", "--create")
    key = capsys.readouterr().out.strip()
    assert len(key) == 40
    anonymous = [archive.get("/api/v1/places").status_code for _ in range(5)]
    assert anonymous[:3] == [200, 200, 200] and anonymous[3:] == [429, 429]
    researcher = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert all(researcher.get("/api/v1/places").status_code == 200 for _ in range(10))
    call_command("api_token", "revoke", "alice")
    assert researcher.get("/api/v1/places").status_code == 401


def test_the_schema_and_its_browsable_docs_are_served_locally(archive: Client):
    schema = archive.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/search" in schema["paths"] and "/api/v1/testimonies" in schema["paths"]
    docs = archive.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


def test_a_researcher_token_also_sees_restricted_testimonies_masked(archive: Client, capsys: Any):
    call_command("api_token", "issue", "vetted", "--create")
    researcher = Client(HTTP_AUTHORIZATION=f"Token {capsys.readouterr().out.strip()}")
    seen = {r["external_id"] for r in _all(researcher, "/api/v1/testimonies")}
    assert "restricted-1" in seen and "draft-1" not in seen
    people = json.dumps(_all(researcher, "/api/v1/people"), ensure_ascii=False)
    assert "PRIVATE-MARKER Person" in people
    anonymous = {r["external_id"] for r in _all(archive, "/api/v1/testimonies")}
    assert "restricted-1" not in anonymous
