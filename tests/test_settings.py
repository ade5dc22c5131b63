"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _setup(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEILI_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_need_no_environment():
    assert _setup().returncode == 0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "oracle://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"MEILI_URL": "localhost:7700"}, "MEILI_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({"MEILI_TASK_TIMEOUT": "soon"}, "MEILI_TASK_TIMEOUT"),
        ({"CELERY_BROKER_URL": "kafka://x"}, "CELERY_BROKER_URL"),
        ({"TRANSCRIPTION_MODELS": "[1, 2]"}, "TRANSCRIPTION_MODELS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env: dict[str, str], named: str):
    result = _setup(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_requires_a_secret_key_and_accepts_one():
    result = _setup(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="s" * 50, MEILI_MASTER_KEY="k" * 32)
    assert result.returncode == 0, result.stderr
