"""The index outbox: a change is written down with the change itself, so an outage of
Meilisearch or of the broker delays indexing and loses nothing."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from search import client, server, sync
from search.query import SearchParams, search_segments
from testimonies.changes import DerivedDataError, changed
from testimonies.importing import import_file
from testimonies.models import IndexChange, Segment, Testimony
from testimonies.visibility import INDEXED_LEVELS
from tests.factories import record, write_jsonl
from tests.search.admin_edits import make_restricted
from tests.workers import PROJECT_DIR, Worker, use_broker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "outbox-test-master-key-0123456789"
NEW_TEXT = "Кейін оны Үрімжідегі түрмеге ауыстырды."


class OwnMeilisearch:
    """A Meilisearch of this test's own (data folder, port), to stop and start at will."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = server.free_port()
        self.process: server.MeiliServer | None = None

    def start(self) -> None:
        self.process = server.start(
            project_dir=PROJECT_DIR, data_dir=self.data_dir, master_key=KEY, port=self.port
        )

    def stop(self) -> None:
        if self.process:
            self.process.stop()
            self.process = None


@pytest.fixture
def own_meili(tmp_path: Path, settings: Any) -> Iterator[OwnMeilisearch]:
    instance = OwnMeilisearch(tmp_path / "meilisearch")
    instance.start()
    settings.MEILI_URL = f"http://127.0.0.1:{instance.port}"
    settings.MEILI_MASTER_KEY = KEY
    settings.MEILI_INDEX_PREFIX = "outbox"
    settings.MEILI_TASK_TIMEOUT = 60.0
    client.ensure_indexes()
    yield instance
    instance.stop()


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Nothing listens at the broker's address: every job sent fails."""
    previous = celery_app.conf.broker_url
    use_broker("redis://127.0.0.1:9/0")
    yield
    use_broker(previous)


def _editor() -> Client:
    user = User.objects.create_superuser("editor", "e@example.org", "pw-for-tests-only")
    browser = Client()
    browser.force_login(user)
    return browser


def _edit_segment(browser: Client, segment: Segment, text: str) -> None:
    response = browser.post(
        f"/admin/testimonies/segment/{segment.pk}/change/",
        {
            "transcript": segment.transcript_id,
            "index": segment.index,
            "start": segment.start,
            "end": segment.end,
            "text": text,
            "translation": "Later he was moved to a prison in Urumqi.",
            "words": "[]",
            "flags": "[]",
        },
    )
    assert response.status_code == 302, response.content[:2000]


def _delete(browser: Client, testimony: Testimony) -> None:
    response = browser.post(f"/admin/testimonies/testimony/{testimony.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302


def _contents() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every document of every live index, by index and id."""
    uids = [client.index_uid(name, level=level) for level, name in client.all_indexes()]
    return {uid: {doc["id"]: doc for doc in client.all_documents(uid)} for uid in uids}


def _differences_from_the_database() -> dict[str, dict[str, list[Any]]]:
    """Each index against the same index built afresh from the database (`reindex`): the ids
    of documents missing, stale (another content) and extra, where there are any."""
    drained = _contents()
    sync.reindex()
    rebuilt = _contents()
    differences = {}
    for uid, expected in rebuilt.items():
        found = drained[uid]
        differences[uid] = {
            "missing": sorted(expected.keys() - found.keys()),
            "stale": sorted(i for i in expected.keys() & found.keys() if expected[i] != found[i]),
            "extra": sorted(found.keys() - expected.keys()),
        }
    return {
        uid: {k: ids for k, ids in d.items() if ids}
        for uid, d in differences.items()
        if any(d.values())
    }


def _indexed_testimonies() -> dict[str, set[int]]:
    return {
        level: {d["id"] for d in client.all_documents(client.index_uid("testimonies", level=level))}
        for level in INDEXED_LEVELS
    }


def _periodic_drain() -> None:
    """What beat sends every INDEX_OUTBOX_SECONDS, run as a worker runs it."""
    name = django_settings.CELERY_BEAT_SCHEDULE["drain-index-outbox"]["task"]
    celery_app.tasks[name].apply().get()


def test_nothing_is_lost_while_meilisearch_and_the_broker_are_down(
    own_meili: OwnMeilisearch,
    broker_down: None,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
):
    corpus = [record(f"o-{n}") for n in range(1, 5)]
    import_file(write_jsonl(tmp_path / "corpus.jsonl", corpus))
    assert not IndexChange.objects.exists()  # an import indexes before it returns
    one, two, three, four = (Testimony.objects.get(external_id=f"o-{n}") for n in range(1, 5))
    browser = _editor()

    own_meili.stop()
    with caplog.at_level(logging.WARNING):
        _edit_segment(browser, Segment.objects.get(transcript__testimony=one, index=1), NEW_TEXT)
        make_restricted(browser, two)
        _delete(browser, four)
        # An import still refuses to commit what it cannot index (it rolls back).
        reimport = write_jsonl(
            tmp_path / "again.jsonl", [record("o-3", title="Renamed"), record("o-5")]
        )
        with pytest.raises(DerivedDataError, match="not reachable"):
            import_file(reimport)

    assert "the broker did not take the job" in caplog.text
    assert "not yet out of search" in caplog.text
    assert not Testimony.objects.filter(external_id="o-5").exists()
    # Each change is written down; o-3 too: the refused import re-indexes what it touched.
    waiting = {one.pk, two.pk, three.pk, four.pk}
    assert set(IndexChange.objects.values_list("testimony_id", flat=True)) == waiting
    _periodic_drain()  # Meilisearch still down: nothing is taken, nothing is lost
    assert set(IndexChange.objects.values_list("testimony_id", flat=True)) == waiting

    own_meili.start()  # the same data folder: the indexes as they were before the outage
    assert _indexed_testimonies()["public"] == {one.pk, two.pk, three.pk, four.pk}
    _periodic_drain()

    assert not IndexChange.objects.exists()
    assert [h.testimony for h in search_segments(SearchParams(q="түрмеге")).hits] == ["o-1"]
    indexed = _indexed_testimonies()
    assert indexed["public"] == {one.pk, three.pk}
    assert indexed["restricted"] == {two.pk}
    assert _differences_from_the_database() == {}

    # After the outage the import goes through, and is indexed as it returns.
    import_file(reimport)
    assert not IndexChange.objects.exists()
    assert Testimony.objects.get(external_id="o-3").title == "Renamed"
    assert _differences_from_the_database() == {}
    assert _indexed_testimonies()["public"] == {
        one.pk,
        three.pk,
        Testimony.objects.get(external_id="o-5").pk,
    }


def test_changed_writes_one_row_per_testimony_with_the_transaction_or_none(
    meili: Any, broker_down: None
):
    first = Testimony.objects.create(external_id="a", title="a", language="kk")
    second = Testimony.objects.create(external_id="b", title="b", language="kk")

    with pytest.raises(RuntimeError), transaction.atomic():
        changed([first.pk, second.pk])
        raise RuntimeError("the edit fails after recording the change")
    assert not IndexChange.objects.exists()

    with transaction.atomic():
        changed([first.pk, second.pk, second.pk])
        changed([second.pk])
    rows = IndexChange.objects.order_by("testimony_id")
    assert [row.testimony_id for row in rows] == [first.pk, second.pk]


def test_a_worker_that_starts_indexes_what_waited(meili: Any, broker_down: None, tmp_path: Path):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("w-1")]))
    segment = Segment.objects.get(index=1)
    with transaction.atomic():  # no broker: the job is not sent, the change is written down
        Segment.objects.filter(pk=segment.pk).update(text=NEW_TEXT)
        changed([segment.transcript.testimony_id])
    assert IndexChange.objects.count() == 1

    with Worker("sqlite", tmp_path, queues="default") as worker:
        assert wait_for(lambda: not IndexChange.objects.exists(), 60), worker.log()

    assert [h.testimony for h in search_segments(SearchParams(q="түрмеге")).hits] == ["w-1"]


def test_a_change_committed_while_its_testimony_is_indexed_is_indexed_too(
    meili: Any, broker_down: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("c-1")]))
    testimony = Testimony.objects.get()
    changed([testimony.pk])
    original = sync.sync_testimonies
    calls = []

    def sync_then_an_editor_saves(ids: Any) -> None:
        original(ids)  # it read the database before the editor's change
        calls.append(1)
        if len(calls) == 1:
            Segment.objects.filter(index=1).update(text=NEW_TEXT)
            changed([testimony.pk])

    monkeypatch.setattr(sync, "sync_testimonies", sync_then_an_editor_saves)
    drained = sync.drain_outbox()

    assert len(calls) == 2 and drained.synced == 2
    assert not IndexChange.objects.exists()
    assert [h.testimony for h in search_segments(SearchParams(q="түрмеге")).hits] == ["c-1"]


def test_two_drains_never_take_the_same_testimony(
    meili: Any, broker_down: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("d-1"), record("d-2")]))
    changed(Testimony.objects.values_list("pk", flat=True))
    original = sync.sync_testimonies
    inside, release = threading.Event(), threading.Event()
    synced: list[list[int]] = []

    def held(ids: Any) -> None:
        ids = list(ids)
        synced.append(ids)
        inside.set()
        release.wait(30)
        original(ids)

    monkeypatch.setattr(sync, "sync_testimonies", held)
    results: list[sync.Drained] = []

    def first_drain() -> None:
        try:
            results.append(sync.drain_outbox())
        finally:
            connection.close()

    thread = threading.Thread(target=first_drain)
    thread.start()
    assert inside.wait(30)
    second = sync.drain_outbox()  # the first holds both rows while it syncs
    release.set()
    thread.join(30)

    assert second.synced == 0 and results[0].synced == 2
    assert [sorted(ids) for ids in synced] == [
        sorted(Testimony.objects.values_list("pk", flat=True))
    ]
    assert not IndexChange.objects.exists()


def test_a_testimony_the_server_refuses_waits_with_its_error_and_holds_back_no_other(
    meili: Any, broker_down: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("good"), record("bad")]))
    changed(Testimony.objects.values_list("pk", flat=True))
    original = sync.segment_documents

    def refused_for_bad(testimony: Testimony, **kwargs: Any) -> list[dict[str, Any]]:
        documents = original(testimony, **kwargs)
        if testimony.external_id == "bad":  # an id Meilisearch refuses: the task fails
            return [{**doc, "id": "not a valid id!"} for doc in documents]
        return documents

    monkeypatch.setattr(sync, "segment_documents", refused_for_bad)
    drained = sync.drain_outbox()

    assert (drained.synced, drained.failed) == (1, 1)
    row = IndexChange.objects.get()
    assert row.testimony_id == Testimony.objects.get(external_id="bad").pk
    assert row.attempts == 1 and "failed" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert sync.drain_outbox().synced == 0  # it waits its delay

    monkeypatch.setattr(sync, "segment_documents", original)  # the cause is fixed
    later = row.next_attempt_at + dt.timedelta(seconds=1)
    assert sync.drain_outbox(now=later).synced == 1
    assert not IndexChange.objects.exists()


def test_drain_index_says_what_waits_and_indexes_it(
    meili: Any, broker_down: None, tmp_path: Path, settings: Any, capsys: Any
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("k-1"), record("k-2")]))
    changed(Testimony.objects.values_list("pk", flat=True))
    live = settings.MEILI_URL
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0

    with pytest.raises(CommandError, match="2 testimonies keep waiting") as error:
        call_command("drain_index")
    assert "MEILI_URL" in str(error.value)
    assert IndexChange.objects.count() == 2

    settings.MEILI_URL = live
    capsys.readouterr()
    call_command("drain_index")
    out = capsys.readouterr().out
    assert "Waiting: 2 testimonies" in out
    assert "Indexed 2 testimonies. Waiting: 0 testimonies." in out
    assert not IndexChange.objects.exists()
