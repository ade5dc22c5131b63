"""End to end: an admin edit is queued as a task, a real Celery worker re-indexes it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from search.query import SearchParams, search_segments
from testimonies.importing import import_file
from testimonies.models import Segment
from tests.factories import record, write_jsonl
from tests.workers import Worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for_hit(query: str, timeout: float = 60.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hits = [h.testimony for h in search_segments(SearchParams(q=query)).hits]
        if hits:
            return hits
        time.sleep(0.3)
    return []


@pytest.fixture(params=["redis", "sqlite"])
def worker(request: pytest.FixtureRequest, meili: Any, tmp_path: Path):
    with Worker(request.param, tmp_path, queues="default") as started:
        yield started


def test_an_admin_edit_reaches_search_through_a_real_worker(
    worker: Worker, meili: Any, tmp_path: Path
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    segment = Segment.objects.get(index=1)
    user = User.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    browser = Client()
    browser.force_login(user)

    response = browser.post(
        f"/admin/testimonies/segment/{segment.pk}/change/",
        {
            "transcript": segment.transcript_id,
            "index": 1,
            "start": 4.2,
            "end": 9.0,
            "text": "Кейін оны Үрімжідегі түрмеге ауыстырды.",
            "translation": "Later he was moved to a prison in Urumqi.",
            "words": "[]",
            "flags": "[]",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    segment.refresh_from_db()
    assert segment.edited is True
    assert _wait_for_hit("түрмеге") == ["t-001"]
    assert [h.testimony for h in search_segments(SearchParams(q="хабар")).hits] == []
