"""End to end: an admin edit is queued as a task, a real Celery worker re-indexes it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from config.celery import app as celery_app
from search.query import SearchParams, search_segments
from testimonies.importing import import_file
from testimonies.models import Segment
from tests.conftest import PROJECT_DIR
from tests.factories import record, write_jsonl

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["redis", "sqlite"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "redis":
        if not _redis_available():
            pytest.skip("no Redis on 127.0.0.1:6379")
        url = "redis://127.0.0.1:6379/14"
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=14).flushdb()
    else:
        url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    previous = celery_app.conf.broker_url
    _use_broker(url)
    yield url
    _use_broker(previous)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at another broker: drop its cached connections."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(broker_url: str, meili: Any, settings: Any, tmp_path: Path) -> Iterator[None]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "MEILI_URL": settings.MEILI_URL,
        "MEILI_MASTER_KEY": settings.MEILI_MASTER_KEY,
        "MEILI_INDEX_PREFIX": settings.MEILI_INDEX_PREFIX,
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _wait_for_hit(query: str, timeout: float = 60.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hits = [h.testimony for h in search_segments(SearchParams(q=query)).hits]
        if hits:
            return hits
        time.sleep(0.3)
    return []


def test_an_admin_edit_reaches_search_through_a_real_worker(
    worker: None, meili: Any, tmp_path: Path
):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    segment = Segment.objects.get(index=1)
    User.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    browser = Client()
    browser.login(username="editor", password="pw-for-tests-only")

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
