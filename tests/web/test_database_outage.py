"""A database that does not answer (a restart, a failover): pages and the API say so with a
503 to retry, not a 500, and answer again by themselves once it is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from search import server


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_is_a_503_and_then_nothing_needs_restarting(
    tmp_path: Path,
):
    browser = Client()
    assert browser.get("/t/nothing-here/").status_code == 404  # asks the database
    assert browser.get("/api/v1/testimonies").status_code == 200

    saved = dict(connection.settings_dict)
    unreachable = (
        {"NAME": str(tmp_path / "no-such-folder" / "archive.sqlite3")}
        if connection.vendor == "sqlite"
        else {"HOST": "127.0.0.1", "PORT": str(server.free_port())}
    )
    connection.close()
    connection.settings_dict.update(unreachable)
    try:
        page = browser.get("/t/nothing-here/", HTTP_ACCEPT_LANGUAGE="ru")
        api = browser.get("/api/v1/testimonies")
    finally:
        connection.close()
        connection.settings_dict.update(saved)

    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "Архив сейчас недоступен" in page.content.decode()
    assert api.status_code == 503
    assert "unavailable" in api.json()["detail"]

    assert browser.get("/t/nothing-here/").status_code == 404
    assert browser.get("/api/v1/testimonies").status_code == 200
