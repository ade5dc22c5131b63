"""A visitor's search while Meilisearch hangs: one query waits for it, the others are told at
once that search is unavailable, and search comes back by itself when the server does."""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from search import client, server
from search.query import SearchParams, search_segments
from tests.conftest import PROJECT_DIR

KEY = "outage-test-master-key-0123456789"


@pytest.fixture
def own_meili(tmp_path: Path, settings: Any) -> Iterator[server.MeiliServer]:
    """A Meilisearch of this test's own, to freeze without touching the session's."""
    instance = server.start(
        project_dir=PROJECT_DIR, data_dir=tmp_path / "meilisearch", master_key=KEY
    )
    settings.MEILI_URL = instance.url
    settings.MEILI_MASTER_KEY = KEY
    settings.MEILI_INDEX_PREFIX = "outage"
    settings.MEILI_TASK_TIMEOUT = 60.0
    settings.MEILI_SEARCH_TIMEOUT = 1.0
    client.ensure_indexes()
    try:
        yield instance
    finally:
        os.kill(instance.process.pid, signal.SIGCONT)
        instance.stop()


@pytest.mark.django_db
def test_a_hung_meilisearch_holds_one_query_not_every_one(
    own_meili: server.MeiliServer, settings: Any
):
    settings.MEILI_SEARCH_RETRY_AFTER = 3600.0
    assert search_segments(SearchParams(q="Kabyl")).total == 0

    os.kill(own_meili.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    with pytest.raises(client.SearchUnavailable, match="not reachable"):
        search_segments(SearchParams(q="Kabyl"))  # waits MEILI_SEARCH_TIMEOUT
    with pytest.raises(client.SearchUnavailable, match="did not answer a moment ago"):
        search_segments(SearchParams(q="Kabyl"))  # does not ask the frozen server again
    page = Client().get("/", {"q": "Kabyl"})
    assert page.status_code == 503
    assert "Search is unavailable" in page.content.decode()

    os.kill(own_meili.process.pid, signal.SIGCONT)
    settings.MEILI_SEARCH_RETRY_AFTER = 0.0  # the next query tries again, and gets an answer
    assert search_segments(SearchParams(q="Kabyl")).total == 0
    assert Client().get("/", {"q": "Kabyl"}).status_code == 200


@pytest.mark.django_db
def test_a_query_meilisearch_refuses_is_no_outage(meili: Any, settings: Any):
    settings.MEILI_SEARCH_RETRY_AFTER = 3600.0
    with pytest.raises(client.SearchQueryError):
        client.multi_search([{"indexUid": client.index_uid("segments"), "q": "x", "limit": -1}])
    assert search_segments(SearchParams(q="Kabyl")).total == 0


@pytest.mark.django_db
def test_an_answer_cut_off_midway_is_search_unavailable_not_a_500(settings: Any):
    # What a client sees when Meilisearch stops while it answers: headers, part of the body,
    # then the connection closes.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_half() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b'Transfer-Encoding: chunked\r\n\r\n40\r\n{"hits": ['
            )

    thread = threading.Thread(target=answer_half, daemon=True)
    thread.start()
    settings.MEILI_URL = f"http://127.0.0.1:{port}"
    try:
        page = Client().get("/", {"q": "Kabyl"})
    finally:
        thread.join(5)
        listener.close()
    assert page.status_code == 503
    assert "Search is unavailable" in page.content.decode()
