"""Identity numbers said in a public testimony are masked in every public output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from search import client
from testimonies.importing import import_file
from testimonies.models import Segment
from tests.factories import make_cn_resident_id, make_kz_iin, record, write_jsonl

pytestmark = pytest.mark.django_db

CN_ID = make_cn_resident_id(region="654002", birth="19790312", seq="417")
IIN = make_kz_iin(birth="19810527", serial="0420")
PHONE = "+86 138 0013 8000"


@pytest.fixture
def published(meili: Any, tmp_path: Path) -> str:
    segments = [
        {
            "start": 0.0,
            "end": 6.0,
            "text": f"Ағамның куәлігінің нөмірі {CN_ID}, менің ЖСН {IIN}.",
            "translation": f"My brother's ID number is {CN_ID}, my IIN is {IIN}.",
        },
        {
            "start": 6.0,
            "end": 9.0,
            "text": f"Хабарласыңыз: {PHONE}. Ерлан Қабыл туралы.",
            "translation": f"Call {PHONE}. About Erlan Kabyl.",
        },
    ]
    title = f"Ерлан Қабыл, куәлік {CN_ID}"
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("id-1", title=title, segments=segments)]))
    return "id-1"


def _no_numbers(text: str) -> None:
    for secret in (CN_ID, IIN, PHONE, CN_ID[:10]):
        assert secret not in text


def test_public_outputs_mask_identity_numbers(published: str):
    browser = Client()
    outputs = [
        browser.get(f"/t/{published}/").content.decode(),
        browser.get(f"/t/{published}/subtitles/original.vtt").content.decode(),
        browser.get(f"/t/{published}/subtitles/en.vtt").content.decode(),
        *(
            browser.get(f"/t/{published}/transcript.{f}").content.decode()
            for f in ("srt", "txt", "json")
        ),
        browser.get("/", {"q": "Ерлан Қабыл"}).content.decode(),
        browser.get("/api/v1/search", {"q": "Kabyl"}).content.decode(),
    ]
    for output in outputs:
        _no_numbers(output)
    assert "[ID number redacted]" in outputs[0] and "[IIN redacted]" in outputs[0]
    assert "[phone redacted]" in outputs[1]
    # The numbers are not searchable either.
    hits = client.search(client.index_uid("segments"), CN_ID, {"limit": 5})["hits"]
    assert hits == []


def test_the_originals_stay_in_the_database(published: str):
    assert CN_ID in Segment.objects.get(index=0).text
