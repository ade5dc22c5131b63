"""Probe: unique markers planted in draft and restricted testimonies never reach any public
response: pages, search, API, exports, media, subtitles, downloads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from testimonies.demo import DEMO
from testimonies.importing import import_file
from testimonies.models import Person, Place, Testimony
from tests.factories import record, write_jsonl
from tests.web.conftest import write_tone
from transcription.ingest import ingest_file

pytestmark = pytest.mark.django_db


def _planted(visibility: str) -> dict[str, Any]:
    tag = f"ZQX{visibility.upper()}MARK"
    return record(
        f"probe-{visibility}",
        visibility=visibility,
        title=f"{tag}title",
        description=f"{tag}description",
        witness={"name": f"{tag}witness", "relation": "sister"},
        segments=[
            {
                "start": 0.0,
                "end": 3.0,
                "text": f"Ерлан {tag}segment",
                "translation": f"{tag}english",
            },
        ],
        people=[{"key": f"p-{visibility}", "names": [f"{tag}person", f"Ерлан {tag}"]}],
        places=[{"names": [f"{tag}village"], "type": "village"}],
    )


MARKERS = ("ZQXDRAFTMARK", "ZQXRESTRICTEDMARK")


@pytest.fixture
def probed(meili: Any, settings: Any, tmp_path: Path) -> Client:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    import_file(DEMO)
    import_file(write_jsonl(tmp_path / "probe.jsonl", [_planted("draft"), _planted("restricted")]))
    for visibility in ("draft", "restricted"):
        media = write_tone(
            tmp_path / f"ZQX{visibility.upper()}MARK-file.wav", 1.0 + len(visibility)
        )
        ingest_file(media, visibility=visibility, queue=False)
    return Client()


def _public_urls(browser: Client) -> list[str]:
    urls = [
        "/",
        "/match/",
        "/api/schema/",
        "/api/docs/",
        "/api/v1/export.jsonl",
        "/api/v1/export.csv",
    ]
    for endpoint in ("testimonies", "transcripts", "segments", "people", "places", "events"):
        urls.append(f"/api/v1/{endpoint}?page_size=500")
    for marker in MARKERS:
        urls += [f"/?q={marker}", f"/api/v1/search?q={marker}", f"/?q=Ерлан {marker}"]
    urls += ["/?q=Ерлан", "/api/v1/search?q=Ерлан&limit=100", "/?q=&limit=100"]
    for testimony in Testimony.objects.all():
        base = f"/t/{testimony.external_id}/"
        urls += [base, f"{base}subtitles/original.vtt", f"{base}subtitles/en.vtt"]
        urls += [f"{base}transcript.{fmt}" for fmt in ("vtt", "srt", "txt", "json")]
        urls += [reverse("media", args=[m.pk]) for m in testimony.media.all()]
    urls += [f"/people/{p.pk}/" for p in Person.objects.all()]
    urls += [f"/places/{p.pk}/" for p in Place.objects.all()]
    return urls


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_no_public_response_contains_a_planted_marker(probed: Client):
    urls = _public_urls(probed)
    assert len(urls) > 100
    seen_ok = 0
    for url in urls:
        response = probed.get(url)
        body = _body(response)
        # A query is echoed back in the search box (and the language form's "next"): the
        # visitor's own words, not the archive's; everything else must be clean.
        body = re.sub(r'value="[^"]*"|href="\?[^"]*"', "", body) if "?q=" in url else body
        for marker in MARKERS:
            assert marker not in body, f"{marker} leaked through {url}"
        seen_ok += response.status_code == 200
    assert seen_ok > 80  # the probe really read the public archive
    print(f"privacy probe: {len(urls)} public responses checked, {seen_ok} with content")


def test_the_hidden_rows_exist_for_editors(probed: Client):
    # The markers are in the database, so the probe above could have found them.
    assert Testimony.objects.filter(title__startswith="ZQXDRAFTMARK").exists()
    assert Person.objects.filter(primary_name__startswith="ZQXRESTRICTEDMARK").exists()
    assert json.dumps(list(Place.objects.values_list("name", flat=True))).count("ZQX") == 2
