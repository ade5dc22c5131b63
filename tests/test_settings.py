"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _setup(code: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Django set up in a fresh process with only `env` (then `code` run there)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEILI_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_development_defaults_need_only_debug_turned_on():
    result = _setup(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_turned_on():
    shown = (
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    result = _setup(shown, DJANGO_SECRET_KEY="s" * 50, MEILI_MASTER_KEY="k" * 32)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("key", [None, "", "insecure-dev-key-only-for-debug"])
def test_start_up_without_debug_or_a_secret_key_stops_naming_the_key(key: str | None):
    result = _setup(**({} if key is None else {"DJANGO_SECRET_KEY": key}))
    assert result.returncode != 0
    message = result.stderr.splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY")
    assert "DJANGO_DEBUG=1" in message  # and says what to do on a development machine


def test_the_tests_turn_debug_on_explicitly():
    assert os.environ["DJANGO_DEBUG"] == "1"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "oracle://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"MEILI_URL": "localhost:7700"}, "MEILI_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({"MEILI_TASK_TIMEOUT": "soon"}, "MEILI_TASK_TIMEOUT"),
        ({"MEILI_SEARCH_TIMEOUT": "0"}, "MEILI_SEARCH_TIMEOUT"),
        (
            {"DATABASE_URL": "postgres://u@127.0.0.1/db", "DATABASE_CONNECT_TIMEOUT": "1"},
            "DATABASE_CONNECT_TIMEOUT",
        ),
        ({"CELERY_BROKER_URL": "kafka://x"}, "CELERY_BROKER_URL"),
        ({"TRANSCRIPTION_MODELS": "[1, 2]"}, "TRANSCRIPTION_MODELS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env: dict[str, str], named: str):
    result = _setup(**{"DJANGO_DEBUG": "1", **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_requires_a_secret_key_and_accepts_one():
    result = _setup(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="s" * 50, MEILI_MASTER_KEY="k" * 32)
    assert result.returncode == 0, result.stderr
