"""A management command that succeeds prints its own output and no log line, unless -v 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.logs import root_level

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    # The command's own SQLite database in var_dir: never the database DATABASE_URL names.
    env = {k: v for k, v in os.environ.items() if k not in {"LOG_LEVEL", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**env, "DJANGO_DEBUG": "1", "ARCHIVE_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_prints_only_its_verdict(tmp_path: Path) -> None:
    result = _manage("check", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_showmigrations_prints_only_the_migrations(tmp_path: Path) -> None:
    result = _manage("showmigrations", "testimonies", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == "testimonies"


MANAGE = ["/srv/archive/manage.py"]


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        ([*MANAGE, "check"], "WARNING"),
        ([*MANAGE, "reindex", "--no-progress"], "WARNING"),
        ([*MANAGE, "check", "-v", "2"], "INFO"),
        ([*MANAGE, "check", "-v2"], "INFO"),
        ([*MANAGE, "check", "--verbosity=3"], "INFO"),
        ([*MANAGE, "check", "-v", "1"], "WARNING"),
        ([*MANAGE, "runserver"], "INFO"),
        ([*MANAGE, "runarchive"], "INFO"),
        (["/venv/bin/django-admin", "migrate"], "WARNING"),
        (["/venv/lib/python3.11/site-packages/celery/__main__.py", "-A", "config"], "INFO"),
        (["/venv/bin/gunicorn", "config.wsgi"], "INFO"),
        ([], "INFO"),
    ],
)
def test_servers_and_workers_log_at_log_level_and_commands_only_warnings(
    argv: list[str], level: str
) -> None:
    assert root_level(argv, "INFO") == level


def test_a_quieter_log_level_holds_for_commands_too() -> None:
    assert root_level([*MANAGE, "check"], "error") == "ERROR"
    assert root_level([*MANAGE, "check", "-v", "2"], "DEBUG") == "DEBUG"


def test_a_bad_log_level_is_named() -> None:
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL='LOUD'"):
        root_level([*MANAGE, "check"], "loud")
