"""Unpublishing is immediate: no worker, no broker, not even a reachable Meilisearch needed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from config.celery import app as celery_app
from search import client
from search.list_matching import match_rows, rows_from_dicts
from search.query import SearchParams, search_segments
from testimonies.changes import changed
from testimonies.importing import import_file
from testimonies.models import Person, Testimony
from tests.factories import record, write_jsonl
from tests.search.admin_edits import make_restricted

pytestmark = pytest.mark.django_db

WORD = "Zzqunpublished"


def _record(external_id: str, recorded_on: str, word: str = "") -> dict[str, Any]:
    return record(
        external_id,
        recorded_on=recorded_on,
        segments=[
            {
                "start": 0.0,
                "end": 4.2,
                "text": f"Менің ағам Ерлан Қабыл 2018 жылы Құлжада ұсталды. {word}".strip(),
                "translation": "My brother Erlan Kabyl was detained in Ghulja in 2018.",
            }
        ],
        people=[{"key": "p-erlan", "names": ["Ерлан Қабыл", "Erlan Kabyl"], "status": "missing"}],
    )


@pytest.fixture
def archive(meili: Any, tmp_path: Path) -> Testimony:
    """Two public testimonies naming the same person; `leaving` alone says WORD."""
    records = [_record("leaving", "2017", WORD), _record("staying", "2019")]
    import_file(write_jsonl(tmp_path / "a.jsonl", records))
    return Testimony.objects.get(external_id="leaving")


@pytest.fixture(params=["no worker", "broker down"])
def no_worker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """No worker consumes the queue (the test broker is a file nobody reads), or the broker
    itself is unreachable, so every task send fails."""
    if request.param == "broker down":
        monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
        # Forget connections made earlier in this process, so sends go to the dead URL.
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield request.param


def _editor() -> Client:
    editor = User.objects.create_superuser("editor", "e@example.org", "pw-for-tests-only")
    browser = Client()
    browser.force_login(editor)
    return browser


def _indexed(testimony: Testimony) -> int:
    """Documents of the testimony in the public segments index, stale or not."""
    result = client.search(
        client.index_uid("segments"), "", {"filter": f"testimony_pk = {testimony.pk}", "limit": 0}
    )
    return int(result["estimatedTotalHits"])


def _public_outputs(person: Person) -> dict[str, Any]:
    """Every public output that serves search results, for the word and for the name."""
    anonymous = Client()
    api = anonymous.get("/api/v1/search", {"q": WORD}).json()
    api_name = anonymous.get("/api/v1/search", {"q": "Erlan Kabyl"}).json()
    matches = match_rows(rows_from_dicts([{"name": "Erlan Kabyl"}]))
    return {
        "api": [h["testimony"] for h in api["hits"]],
        "api_total": api["total"],
        "api_name": sorted(h["testimony"] for h in api_name["hits"]),
        "api_name_total": api_name["total"],
        "api_name_years": api_name["facets"].get("year"),
        "page": anonymous.get("/", {"q": WORD}).content.decode(),
        "person_page": anonymous.get(f"/people/{person.pk}/").content.decode(),
        "moments": sorted(m["testimony"] for r in matches for c in r.candidates for m in c.moments),
        "engine": [h.testimony for h in search_segments(SearchParams(q=WORD)).hits],
    }


def test_a_testimony_made_restricted_leaves_public_search_before_the_request_returns(
    archive: Testimony, no_worker: str, django_capture_on_commit_callbacks: Any
):
    person = Person.objects.get(testimonies=archive)
    before = _public_outputs(person)
    assert before["api"] == ["leaving"] and before["moments"] == ["leaving", "staying"]
    browser = _editor()

    with django_capture_on_commit_callbacks(execute=True):
        make_restricted(browser, archive)

    archive.refresh_from_db()
    assert not archive.is_public
    assert _indexed(archive) == 0
    after = _public_outputs(person)
    assert after["api"] == [] and after["api_total"] == 0 and after["engine"] == []
    assert "/t/leaving/" not in after["page"] and "/t/leaving/" not in after["person_page"]
    assert after["api_name"] == ["staying"] and after["api_name_total"] == 1
    assert after["moments"] == ["staying"]


def test_with_search_unreachable_the_change_is_saved_and_stale_hits_never_served(
    archive: Testimony,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
):
    person = Person.objects.get(testimonies=archive)
    browser = _editor()
    live = settings.MEILI_URL
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        make_restricted(browser, archive)

    archive.refresh_from_db()
    assert not archive.is_public
    assert "not yet out of search" in caplog.text
    # Search is back, the index still holds the testimony: every output checks the database.
    settings.MEILI_URL = live
    assert _indexed(archive) == 1
    after = _public_outputs(person)
    assert after["api"] == [] and after["api_total"] == 0 and after["engine"] == []
    assert "/t/leaving/" not in after["page"] and "/t/leaving/" not in after["person_page"]
    # The total and the facets do not count the stale testimony either.
    assert after["api_name"] == ["staying"] and after["api_name_total"] == 1
    assert after["api_name_years"] == {"2019": 1}
    assert after["moments"] == ["staying"]


def test_a_deleted_testimony_leaves_search_at_once(
    archive: Testimony, django_capture_on_commit_callbacks: Any
):
    browser = _editor()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/admin/testimonies/testimony/{archive.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert _indexed(archive) == 0
    assert [h.testimony for h in search_segments(SearchParams(q=WORD)).hits] == []


def test_a_deleted_testimony_left_in_an_unreachable_index_is_never_served(
    archive: Testimony, settings: Any, django_capture_on_commit_callbacks: Any
):
    live = settings.MEILI_URL
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0
    with django_capture_on_commit_callbacks(execute=True):
        response = _editor().post(
            f"/admin/testimonies/testimony/{archive.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    settings.MEILI_URL = live
    assert _indexed(archive) == 1
    result = search_segments(SearchParams(q="Erlan Kabyl"))
    assert [h.testimony for h in result.hits] == ["staying"] and result.total == 1


def test_a_testimony_made_public_leaves_the_restricted_indexes_at_once(
    meili: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("r-1", visibility="restricted")]))
    restricted = client.index_uid("segments", level="restricted")
    assert client.document_count(restricted) == 2
    testimony = Testimony.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        Testimony.objects.filter(pk=testimony.pk).update(visibility="public")
        changed([testimony.pk])
    assert client.document_count(restricted) == 0
