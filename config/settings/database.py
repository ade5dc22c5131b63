"""Database: SQLite under var/ on one machine, PostgreSQL through DATABASE_URL."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_int

from .base import VAR_DIR

_url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"


def _parse(url: str) -> dict[str, Any]:
    try:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not a database URL ({error}). "
            "Use sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name."
        ) from None


_db = _parse(_url)
if _db["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured(f"DATABASE_URL={_url!r}: only SQLite and PostgreSQL are supported.")
if _db["ENGINE"] == "django.db.backends.postgresql":
    # A restarted or failed-over server leaves every kept connection dead: test one before a
    # request uses it, instead of failing that request. And stop waiting for a server that
    # does not answer after a few seconds, not the system's minutes (libpq's minimum is 2).
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=2)
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web, worker and import processes share the file: wait for locks.
    _db["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    _db["CONN_MAX_AGE"] = 0
    # A file, not memory, so worker processes in end-to-end tests see the test data.
    _db["TEST"] = {"NAME": str(VAR_DIR / "test-archive.sqlite3")}
    # A fresh clone has no var/ yet; SQLite cannot create the folder itself.
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
