"""/healthz and /readyz: liveness without the database, readiness naming what does not answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from search import server
from tests.workers import redis_available


def test_healthz_answers_without_the_database(client: Client) -> None:
    # No django_db mark: a query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_database_search_and_broker_answer(client: Client, meili: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "ok": True,
        "checks": {
            "database": {"ok": True, "error": None},
            "search": {"ok": True, "error": None},
            "broker": {"ok": True, "error": None},
        },
    }


@pytest.mark.django_db
def test_readyz_names_search_when_meilisearch_is_down(
    client: Client, meili: Any, settings: Any
) -> None:
    settings.MEILI_URL = f"http://127.0.0.1:{server.free_port()}"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["checks"]["search"]["ok"] is False
    assert "not reachable" in body["checks"]["search"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_is_down(client: Client, meili: Any, settings: Any) -> None:
    settings.CELERY_BROKER_URL = f"redis://user:secret@127.0.0.1:{server.free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["broker"]["error"]
    assert "secret" not in response.content.decode()
    assert checks["search"]["ok"] is True
    assert checks["database"]["ok"] is True


@pytest.mark.django_db
@pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_readyz_asks_redis_when_it_is_the_broker(client: Client, meili: Any, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    response = client.get("/readyz")
    assert response.status_code == 200, response.content


def test_probes_over_plain_http_are_not_redirected(client: Client, settings: Any) -> None:
    # A server with DEBUG off redirects to TLS; a load balancer probing from inside must not
    # be sent away.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
