"""How much is logged: servers and workers at LOG_LEVEL; a management command only warnings,
unless run with -v 2 or 3, so one that succeeds prints nothing but its own output."""

import logging
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Commands that serve: their logs are what an operator watches.
SERVERS = {"runserver", "runarchive"}


def _verbosity(args: Sequence[str]) -> int:
    for index, arg in enumerate(args):
        if arg in {"-v", "--verbosity"} and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--verbosity="):
            value = arg.partition("=")[2]
        elif arg.startswith("-v") and not arg.startswith("--"):
            value = arg[2:]
        else:
            continue
        if value.isdigit():
            return int(value)
    return 1


def root_level(argv: Sequence[str], configured: str) -> str:
    """The root logger's level for a process started with `argv`; `configured` is LOG_LEVEL."""
    configured = configured.upper()
    number = logging.getLevelName(configured)
    if not isinstance(number, int):
        raise ImproperlyConfigured(
            f"LOG_LEVEL={configured!r} is not a level: use DEBUG, INFO, WARNING or ERROR."
        )
    if not argv or Path(argv[0]).name not in {"manage.py", "django-admin"}:
        return configured
    if (len(argv) > 1 and argv[1] in SERVERS) or _verbosity(argv[2:]) >= 2:
        return configured
    return str(logging.getLevelName(max(logging.WARNING, number)))
