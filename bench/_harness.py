"""Benchmarks run the real archive: a scratch SQLite database and a real Meilisearch."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from search import server  # noqa: E402  (needs the project on sys.path)

KEY = "bench-master-key-0123456789abcdef"


@contextmanager
def archive(
    workdir: Path | None = None, *, keep: bool = False, eager: bool = True
) -> Iterator[server.MeiliServer]:
    """Django configured on a scratch database, with a fresh Meilisearch beside it.

    `eager=False`: jobs go to a serverless broker file beside the database, for real
    worker processes that the benchmark starts itself."""
    holder = None if workdir else tempfile.TemporaryDirectory(prefix="archive-bench-")
    root = Path(workdir or holder.name)  # type: ignore[union-attr]
    root.mkdir(parents=True, exist_ok=True)
    meili = server.start(project_dir=PROJECT_DIR, data_dir=root / "meili", master_key=KEY)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",  # the development configuration; off by default
            "ARCHIVE_VAR_DIR": str(root),
            "DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
            "MEILI_URL": meili.url,
            "MEILI_MASTER_KEY": KEY,
            "MEILI_INDEX_PREFIX": "bench",
            "MEILI_TASK_TIMEOUT": "3600",
            "CELERY_TASK_ALWAYS_EAGER": "1" if eager else "0",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{root / 'broker.sqlite3'}",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    try:
        yield meili
    finally:
        meili.stop()
        if holder and not keep:
            holder.cleanup()
