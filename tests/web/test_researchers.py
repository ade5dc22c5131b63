"""Researchers search and read restricted testimonies on the site and in the API, masked;
anonymous visitors never do, and drafts stay with the editors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from search import client
from testimonies import roles
from testimonies.importing import import_file
from tests.factories import make_cn_resident_id, record, write_jsonl

pytestmark = pytest.mark.django_db

CN_ID = make_cn_resident_id(region="654002", birth="19800101", seq="215")
RESTRICTED_WORD = "Zzqrestrictedword"
DRAFT_WORD = "Zzqdraftword"


def _said(external_id: str, visibility: str, words: str) -> dict[str, Any]:
    return record(
        external_id,
        visibility=visibility,
        segments=[
            {
                "start": 0.0,
                "end": 5.0,
                "text": f"{words} Ағамның куәлігінің нөмірі {CN_ID}.",
                "translation": f"{words} My brother's ID number is {CN_ID}.",
            }
        ],
    )


@pytest.fixture
def archive(meili: Any, tmp_path: Path) -> None:
    records = [
        record("pub-1"),
        _said("res-1", "restricted", RESTRICTED_WORD),
        _said("dr-1", "draft", DRAFT_WORD),
    ]
    import_file(write_jsonl(tmp_path / "a.jsonl", records))


@pytest.fixture
def researcher() -> User:
    user = User.objects.create_user("researcher", "r@example.org", "pw-for-tests-only")
    roles.grant(user, roles.RESEARCHER)
    return user


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _with_token(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_restricted_documents_have_indexes_of_their_own(archive: None):
    public = client.search(client.index_uid("segments"), RESTRICTED_WORD, {})
    restricted = client.search(client.index_uid("segments", level="restricted"), "", {})
    assert public["hits"] == []
    assert {h["testimony"] for h in restricted["hits"]} == {"res-1"}
    assert all(CN_ID not in h["text"] for h in restricted["hits"])


def test_a_researcher_finds_a_restricted_testimony_on_the_search_page(
    archive: None, researcher: User
):
    page = _signed_in(researcher).get("/", {"q": RESTRICTED_WORD})
    html = page.content.decode()
    assert page.status_code == 200
    assert "/t/res-1/?t=0" in html and "restricted" in html
    assert CN_ID not in html and "[ID number redacted]" in html
    assert "private" in page["Cache-Control"]
    assert "/t/res-1/" not in Client().get("/", {"q": RESTRICTED_WORD}).content.decode()
    # Public testimonies are found as before, and drafts by nobody here.
    assert "/t/pub-1/" in _signed_in(researcher).get("/", {"q": "Kabyl"}).content.decode()
    assert "/t/dr-1/" not in _signed_in(researcher).get("/", {"q": DRAFT_WORD}).content.decode()


@pytest.mark.parametrize("how", ["token", "login"])
def test_a_researcher_finds_a_restricted_testimony_in_the_api(
    archive: None, researcher: User, how: str
):
    api = _with_token(researcher) if how == "token" else _signed_in(researcher)
    response = api.get("/api/v1/search", {"q": RESTRICTED_WORD})
    body = response.json()
    assert [h["testimony"] for h in body["hits"]] == ["res-1"] and body["total"] == 1
    hit = body["hits"][0]
    assert hit["visibility"] == "restricted"
    # Masked exactly as the API's own segments are for this researcher.
    segment = api.get("/api/v1/segments", {"testimony": "res-1"}).json()["results"][0]
    assert hit["text"] == segment["text"] and CN_ID not in response.content.decode()
    assert "private" in response["Cache-Control"]
    anonymous = Client().get("/api/v1/search", {"q": RESTRICTED_WORD}).json()
    assert anonymous["hits"] == [] and anonymous["total"] == 0
    assert api.get("/api/v1/search", {"q": DRAFT_WORD}).json()["total"] == 0


def test_a_researcher_reads_a_restricted_testimony_page_masked(archive: None, researcher: User):
    browser = _signed_in(researcher)
    page = browser.get("/t/res-1/")
    html = page.content.decode()
    assert page.status_code == 200
    assert RESTRICTED_WORD in html and "[ID number redacted]" in html and CN_ID not in html
    assert 'id="restricted"' in html
    assert "private" in page["Cache-Control"]
    for path in ("/t/res-1/subtitles/original.vtt", "/t/res-1/transcript.txt"):
        download = browser.get(path)
        assert download.status_code == 200 and CN_ID not in download.content.decode()
        assert Client().get(path).status_code == 404
    assert Client().get("/t/res-1/").status_code == 404
    assert browser.get("/t/dr-1/").status_code == 404
    assert 'id="restricted"' not in browser.get("/t/pub-1/").content.decode()


def test_an_account_without_the_role_sees_what_anonymous_sees(archive: None):
    plain = User.objects.create_user("someone", "s@example.org", "pw-for-tests-only")
    browser = _signed_in(plain)
    assert browser.get("/t/res-1/").status_code == 404
    assert browser.get("/api/v1/search", {"q": RESTRICTED_WORD}).json()["total"] == 0


def test_a_researcher_searches_an_archive_with_no_restricted_testimony_yet(
    meili: Any, researcher: User, tmp_path: Path
):
    # A fresh restricted index has never held a document; searching it must still work.
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("pub-1")]))
    body = _with_token(researcher).get("/api/v1/search", {"q": "Kabyl"}).json()
    assert [h["testimony"] for h in body["hits"]] == ["pub-1"]
    assert body["hits"][0]["visibility"] == "public"
