"""Real Celery worker processes for end-to-end tests, on Redis or the serverless broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the test database, for processes outside this one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker: drop its cached pools."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A broker for the test plus `start()`-ed worker processes, all stopped on exit."""

    def __init__(
        self,
        broker: str,
        tmp_path: Path,
        *,
        queues: str,
        pool: str = "solo",
        concurrency: int = 1,
        **env: str,
    ) -> None:
        if broker == "redis":
            if not redis_available():
                pytest.skip("no Redis on 127.0.0.1:6379")
            import redis

            redis.Redis(host="127.0.0.1", port=6379, db=14).flushdb()
            self.url = "redis://127.0.0.1:6379/14"
        else:
            self.url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
        self.tmp_path = tmp_path
        self.queues = queues
        self.pool = pool
        self.concurrency = concurrency
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.previous = celery_app.conf.broker_url

    def start(self, name: str = "w1") -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.url,
            "MEILI_URL": settings.MEILI_URL,
            "MEILI_MASTER_KEY": settings.MEILI_MASTER_KEY,
            "MEILI_INDEX_PREFIX": settings.MEILI_INDEX_PREFIX,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.env,
        }
        log = (self.tmp_path / f"worker-{name}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                self.queues,
                "-n",
                f"{name}@%h",
                "--pool",
                self.pool,
                "--concurrency",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def log(self, name: str = "w1") -> str:
        return (self.tmp_path / f"worker-{name}.log").read_text(errors="replace")

    def __enter__(self) -> Worker:
        use_broker(self.url)
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        use_broker(self.previous)
