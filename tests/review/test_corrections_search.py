"""End to end: a correction saved in the editor reaches search through a real Celery worker,
and the corrected name is found in any script."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from search.query import SearchParams, search_segments
from testimonies import roles
from testimonies.importing import import_file
from testimonies.models import Testimony
from tests.factories import record, write_jsonl
from tests.workers import Worker, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _seconds_until_found(query: str, timeout: float = 60.0) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if [h.testimony for h in search_segments(SearchParams(q=query)).hits] == ["e-1"]:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def test_a_corrected_name_is_found_in_every_script_once_the_worker_indexed_it(
    meili: Any, tmp_path: Path
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("e-1")]))
    segment = Testimony.objects.get(external_id="e-1").current_transcript().segments.get(index=1)  # type: ignore[union-attr]
    editor = User.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)
    roles.grant(editor, roles.EDITOR)
    browser = Client()
    browser.force_login(editor)
    assert search_segments(SearchParams(q="Нұрболат")).hits == []

    with Worker("sqlite", tmp_path, queues="default") as worker:
        # Measured from the save, with the worker up (as in production), not from its start.
        assert wait_for(lambda: " ready." in worker.log(), timeout=120), worker.log()
        response = browser.post(
            f"/edit/segments/{segment.pk}/save",
            json.dumps({"version": 1, "text": "Содан бері інісі Нұрболаттан хабар жоқ."}),
            content_type="application/json",
        )
        assert response.status_code == 200
        waited = _seconds_until_found("Нұрболат")

    assert waited is not None, "the correction never reached search"
    # The same name typed in Latin and in Russian spelling finds the corrected words.
    assert [h.testimony for h in search_segments(SearchParams(q="Nurbolat")).hits] == ["e-1"]
    assert [h.testimony for h in search_segments(SearchParams(q="Нурболат")).hits] == ["e-1"]
    assert search_segments(SearchParams(q="хабар жоқ")).hits[0].text.startswith("Содан бері інісі")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "correction-to-search.txt").write_text(
        f"editor save -> found in search through a Celery worker (sqlite broker): {waited:.2f} s\n"
    )
