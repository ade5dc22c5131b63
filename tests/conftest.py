"""Test session: a real Meilisearch process, per-test indexes, and the database under test."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search import server

PROJECT_DIR = Path(__file__).resolve().parent.parent
MASTER_KEY = "test-master-key-0123456789abcdef"
_counter = itertools.count()


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.MeiliServer]:
    """The real Meilisearch binary on a free loopback port, for the whole session."""
    instance = server.start(
        project_dir=PROJECT_DIR,
        data_dir=tmp_path_factory.mktemp("meilisearch"),
        master_key=MASTER_KEY,
    )
    yield instance
    instance.stop()


@pytest.fixture
def meili(meili_server: server.MeiliServer, settings: Any) -> Iterator[server.MeiliServer]:
    """Points the project at the session's server, with indexes of its own for this test."""
    from search import client

    settings.MEILI_URL = meili_server.url
    settings.MEILI_MASTER_KEY = MASTER_KEY
    settings.MEILI_INDEX_PREFIX = f"t{os.getpid()}_{next(_counter)}"
    settings.MEILI_TASK_TIMEOUT = 60.0
    client.ensure_indexes()
    yield meili_server
    # A test may have pointed the settings at a dead server or a wrong key.
    settings.MEILI_URL = meili_server.url
    settings.MEILI_MASTER_KEY = MASTER_KEY
    for level, name in client.all_indexes():
        client.delete_index(client.index_uid(name, level=level))


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """Each test starts with empty rate-limit histories: a test that made hundreds of
    anonymous requests (with raised rates) must not leave the next one throttled."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Engine tests need no Django database; everything else gets one lazily via fixtures.
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(pytest.mark.django_db(transaction=True))
