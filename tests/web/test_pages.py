"""Pages, media and downloads through Django: public only, ranges, formats, languages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from testimonies.models import MediaAsset, Person, Testimony

pytestmark = pytest.mark.django_db


def test_the_testimony_page_marks_the_moment_of_a_deep_link(demo: Testimony):
    segment = demo.current_transcript().segments.all()[2]  # type: ignore[union-attr, misc]
    page = Client().get(f"/t/{demo.external_id}/", {"t": f"{segment.start:g}"}).content.decode()
    assert f'id="s{segment.index}" class="segment current' in page
    assert f"#t={segment.start:.3f}" in page  # the media fragment seeks without JavaScript
    assert 'kind="subtitles"' in page and "/subtitles/en.vtt" in page
    assert demo.media.get().sha256 in page


def test_subtitles_and_downloads_in_every_format(demo: Testimony):
    browser = Client()
    original = browser.get(f"/t/{demo.external_id}/subtitles/original.vtt")
    english = browser.get(f"/t/{demo.external_id}/subtitles/en.vtt")
    assert original["Content-Type"].startswith("text/vtt")
    assert original.content.decode().startswith("WEBVTT") and "Ерлан" in original.content.decode()
    assert "Erlan" in english.content.decode()
    for fmt in ("vtt", "srt", "txt", "json"):
        response = browser.get(f"/t/{demo.external_id}/transcript.{fmt}")
        assert response.status_code == 200, fmt
        assert f'filename="{demo.external_id}.{fmt}"' in response["Content-Disposition"]
    data = json.loads(browser.get(f"/t/{demo.external_id}/transcript.json").content)
    assert data["language"] == "kk" and data["segments"][0]["translation"]
    assert " --> " in browser.get(f"/t/{demo.external_id}/transcript.srt").content.decode()


def test_media_is_served_with_ranges_and_its_type(demo: Testimony):
    asset = demo.media.get()
    browser = Client()
    whole = browser.get(f"/media/{asset.pk}/")
    assert whole.status_code == 200 and whole["Content-Type"] == "audio/wav"
    assert whole["Accept-Ranges"] == "bytes"
    part = browser.get(f"/media/{asset.pk}/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{asset.size}"
    body = b"".join(part.streaming_content)  # type: ignore[attr-defined]
    with open(asset.file.path, "rb") as stored:
        stored.seek(100)
        assert body == stored.read(100)
    tail = browser.get(f"/media/{asset.pk}/", HTTP_RANGE="bytes=-10")
    assert tail["Content-Range"] == f"bytes {asset.size - 10}-{asset.size - 1}/{asset.size}"
    refused = browser.get(f"/media/{asset.pk}/", HTTP_RANGE=f"bytes={asset.size + 5}-")
    assert refused.status_code == 416


@pytest.mark.parametrize("visibility", ["draft", "restricted"])
def test_hidden_testimonies_have_no_page_media_or_subtitles(demo: Testimony, visibility: str):
    Testimony.objects.filter(pk=demo.pk).update(visibility=visibility)
    browser = Client()
    asset = MediaAsset.objects.get(testimony=demo)
    for url in (
        f"/t/{demo.external_id}/",
        f"/t/{demo.external_id}/subtitles/original.vtt",
        f"/t/{demo.external_id}/transcript.json",
        f"/media/{asset.pk}/",
    ):
        assert browser.get(url).status_code == 404, url


def test_person_and_place_pages(demo: Testimony):
    browser = Client()
    person = Person.objects.get(key="p-erlan-kabyl")
    page = browser.get(f"/people/{person.pk}/").content.decode()
    for spelling in person.names.values_list("name", flat=True):
        assert spelling in page
    assert "/t/demo-kk-001/" in page and "?t=" in page
    place = demo.places.first()
    assert place is not None
    place_page = browser.get(f"/places/{place.pk}/").content.decode()
    assert all(a in place_page for a in place.aliases.values_list("name", flat=True))
    assert "/t/demo-kk-001/" in place_page


def test_a_person_named_only_in_hidden_testimonies_has_no_page(demo: Testimony):
    restricted = Testimony.objects.exclude(visibility="public").first()
    assert restricted is not None
    hidden = [
        p for p in restricted.people.all() if not p.testimonies.filter(visibility="public").exists()
    ]
    assert hidden, "the demo data should name someone only in a hidden testimony"
    for person in hidden:
        assert Client().get(f"/people/{person.pk}/").status_code == 404
        results = Client().get("/", {"q": person.primary_name}).content.decode()
        assert 'class="hit"' not in results


def test_search_page_has_facets_pagination_and_messages(demo: Testimony, settings: Any):
    browser = Client()
    page = browser.get("/", {"q": "Erlan", "limit": "2"}).content.decode()
    assert page.count('class="hit"') == 2
    assert 'rel="next"' in page and 'class="facets"' in page
    assert (
        "Nothing in the public archive matches" in browser.get("/", {"q": "zzxqv"}).content.decode()
    )
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0
    down = browser.get("/", {"q": "Erlan"})
    assert down.status_code == 503 and "unavailable" in down.content.decode()


@pytest.mark.parametrize(
    ("accept", "lang", "direction"),
    [
        ("ug", "ug", "rtl"),
        ("kk", "kk", "ltr"),
        ("ru-RU,ru;q=0.9", "ru", "ltr"),
        ("zh-CN", "zh-hans", "ltr"),
        ("fr", "en", "ltr"),
    ],
)
def test_the_interface_language_follows_accept_language(
    demo: Testimony, accept: str, lang: str, direction: str
):
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_no_asset_comes_from_another_host(demo: Testimony):
    page = Client().get(f"/t/{demo.external_id}/").content.decode()
    import re

    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == [demo.source_url] or external == []


@pytest.mark.parametrize(
    ("accept", "label"),
    [("kk", "Іздеу"), ("ug", "ئىزدەش"), ("ru", "Найти"), ("zh-CN", "搜索"), ("en", "Search")],
)
def test_the_interface_is_translated(demo: Testimony, accept: str, label: str):
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<button type="submit">{label}</button>' in page


def test_pages_carry_a_content_security_policy(demo: Testimony):
    response = Client().get(f"/t/{demo.external_id}/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
