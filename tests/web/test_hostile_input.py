"""Hostile input is refused or neutralised: filter syntax, traversal, markup, big uploads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.test import Client
from django.utils.html import escape

from testimonies import roles
from testimonies.importing import import_file, validate_file
from testimonies.models import MediaAsset, Testimony
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
    cache.clear()  # a fresh throttle allowance: these tests post many lists
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
    assert response.status_code == 413
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


# --- Bodies over the size limit: refused before they are read. ---

BIG = 21 * 1024 * 1024


def test_a_json_body_over_20_mb_is_a_clear_413(hostile: Client):
    body = json.dumps({"rows": [{"name": "x" * 250}] * (BIG // 250)})
    response = hostile.post("/api/v1/people/match", body, content_type="application/json")
    assert response.status_code == 413
    assert "20 MB" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/api/v1/people/match", "application/json"),
        ("/api/v1/people/match", "multipart/form-data; boundary=b"),
        ("/match/", "multipart/form-data; boundary=b"),
    ],
)
def test_a_body_declared_over_the_limit_is_refused_unread(
    hostile: Client, url: str, content_type: str
):
    # The test client's payload would fail the test if more than its 2 bytes were read.
    response = hostile.generic(
        "POST", url, b"{}", content_type=content_type, CONTENT_LENGTH=str(BIG)
    )
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()


# --- /match/, the page: the API's limits, as a page. ---


def _upload(content: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("list.csv", content, "text/csv")}


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"name\n" + b"x" * BIG, 413, "larger than 20 MB"),
        (b"name\n" + b"Erlan\n" * 10_001, 400, "the limit is 10,000 per request"),
        ("name\n" + "Ерлан" * 61 + "\n", 400, "row 2: the name is longer than 300"),
        (b"name,place\nErlan," + b"x" * 301 + b"\n", 400, "row 2: the place is longer"),
        (b"name,father_name\nErlan," + b"x" * 301 + b"\n", 400, "the father_name is longer"),
        (b"name\n" + b"x" * 200_000 + b"\n", 400, "Line 2 of the file cannot be read"),
        (b"name\n\xff\xfe\x00\n", 400, "not UTF-8"),
        (b"surname\nErlan\n", 400, "a header with a &#x27;name&#x27; column"),
    ],
)
def test_a_hostile_list_on_the_match_page_is_a_clear_4xx(
    hostile: Client, content: bytes | str, status: int, message: str
):
    data = content.encode() if isinstance(content, str) else content
    response = hostile.post("/match/", _upload(data))
    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()
    assert message in response.content.decode()


def test_the_match_page_draws_on_the_api_rates(hostile: Client, monkeypatch: Any):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    try:
        api = hostile.get("/api/v1/places")
        pages = [
            hostile.post(
                "/match/", _upload(b"name\nErlan\n"), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            )
            for n in range(3)
        ]
    finally:
        cache.clear()
    assert api.status_code == 200
    assert [p.status_code for p in pages] == [200, 200, 429]  # one allowance with the API
    assert pages[0]["Content-Type"].startswith("text/csv")
    assert "Too many requests" in pages[2].content.decode()
    assert 0 < int(pages[2]["Retry-After"]) <= 60


def test_the_match_page_still_checks_csrf(hostile: Any):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/match/", _upload(b"name\nErlan\n"))
    assert response.status_code == 403


# --- Media: inline only for what browsers play, nosniff always. ---


@pytest.fixture
def stored(hostile: Client, settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def store(name: str, content: bytes, kind: str) -> MediaAsset:
        path = tmp_path / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return MediaAsset.objects.create(
            testimony=Testimony.objects.get(external_id="h-1"),
            file=name,
            sha256="0" * 64,
            size=len(content),
            content_type=kind,
        )

    return store


def _researcher() -> Client:
    """Originals of any type reach researchers only (the public gets copies without identity
    documents and sound: tests/evidence/test_public_copies.py), so they ask here."""
    account = User.objects.create_user(f"reader-{User.objects.count()}", password="x")
    roles.grant(account, roles.RESEARCHER)
    client = Client()
    client.force_login(account)
    return client


@pytest.mark.parametrize(
    ("name", "stored_type", "served"),
    [
        ("a.wav", "audio/wav", "audio/wav"),
        ("a.mp4", "Video/MP4; codecs=avc1", "video/mp4"),
        ("a.webm", "", "video/webm"),
        ("a.mkv", "", "video/x-matroska"),
        ("a.opus", "", "audio/ogg"),
    ],
)
def test_playable_media_is_served_inline_with_its_type(
    stored: Any, name: str, stored_type: str, served: str
):
    asset = stored(name, b"\x00" * 64, stored_type)
    for headers in ({}, {"Range": "bytes=0-9"}):
        response = _researcher().get(f"/media/{asset.pk}/", headers=headers)
        assert response.status_code in (200, 206)
        assert response["Content-Type"] == served
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize(
    ("name", "stored_type"),
    [
        ("page.html", "text/html"),
        ("page.wav", "text/html; charset=utf-8"),
        ("a.svg", "image/svg+xml"),
        ("a.js", "application/javascript"),
        ("page.html", ""),
        ("a.wav", "audio/wav\r\nX-Injected: 1"),
        ("a.bin", "application/x-shockwave-flash"),
    ],
)
def test_anything_else_in_media_is_a_download(stored: Any, name: str, stored_type: str):
    asset = stored(name, SCRIPT.encode(), stored_type)
    for headers in ({}, {"Range": "bytes=0-9"}):
        response = _researcher().get(f"/media/{asset.pk}/", headers=headers)
        assert response.status_code in (200, 206)
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "X-Injected" not in response


def test_subtitles_and_transcript_downloads_are_nosniff(hostile: Client):
    for url in ("/t/h-1/subtitles/original.vtt", "/t/h-1/transcript.vtt", "/t/h-1/transcript.json"):
        response = hostile.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff"


# --- Source links: http(s) only, at import, in the admin, and on pages. ---

NOT_WEB = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://example.org/a"]


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_import_refuses_a_source_url_that_is_not_http(tmp_path: Path, url: str):
    path = write_jsonl(tmp_path / "a.jsonl", [record("ok"), record("bad", source_url=url)])
    problems, valid = validate_file(path)
    assert [(p.line, "source_url" in p.message) for p in problems] == [(2, True)]
    assert "http(s)" in problems[0].message
    assert list(valid.values()) == ["ok"]


@pytest.mark.parametrize("url", NOT_WEB)
def test_forms_refuse_source_links_that_are_not_http(hostile: Client, url: str):
    testimony = Testimony.objects.get(external_id="h-1")
    form = modelform_factory(Testimony, fields=["source_url"])(
        {"source_url": url}, instance=testimony
    )
    assert not form.is_valid()
    assert list(form.errors) == ["source_url"]
    asset = MediaAsset(
        testimony=testimony, file="a.wav", sha256="0" * 64, size=1, captured_from=url
    )
    with pytest.raises(ValidationError) as error:
        asset.full_clean()
    assert list(error.value.message_dict) == ["captured_from"]
    testimony.source_url = "https://example.org/watch?v=1"
    testimony.full_clean()


@pytest.mark.parametrize("url", NOT_WEB)
def test_a_stored_source_url_that_is_not_http_is_never_a_link(hostile: Client, url: str):
    Testimony.objects.filter(external_id="h-1").update(source_url=url)
    page = hostile.get("/t/h-1/").content.decode()
    links = re.findall(r'href="([^"]*)"', page)
    assert links[0] == "data:,"  # the empty favicon, so that browsers ask for none
    assert all(link.startswith(("/", "?", "#", "https://")) for link in links[1:]), links
    assert escape(url) in page  # shown as text
