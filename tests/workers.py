"""Real Celery worker processes for end-to-end tests, on Redis or the serverless broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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


HOLD_ENV = "TEST_WORKER_HOLD"

# A worker that holds its transcriptions: Django set up, the hook installed, then Celery's own
# command line (the arguments after `-c` are celery's, as with `-m celery`).
_HELD_WORKER = f"""
import os, sys
import django
django.setup()
from tests.workers import hold_transcriptions
hold_transcriptions(os.environ[{HOLD_ENV!r}])
from celery.__main__ import main
sys.argv[0] = "celery"
main()
"""


def hold_transcriptions(hold: str) -> None:
    """In a worker process: each transcription, once claimed, waits while the file `hold` exists.

    Before waiting it appends its process id to `hold + ".running"`: the test sees that the
    job is running (claimed, status transcribing, model loaded) and can act while it is held.
    """
    from transcription import pipeline

    transcribe = pipeline.transcribe_bilingual

    def held(*args: object, **kwargs: object) -> object:
        with open(hold + ".running", "a") as marker:
            marker.write(f"{os.getpid()}\n")
        while os.path.exists(hold):
            time.sleep(0.05)
        return transcribe(*args, **kwargs)  # type: ignore[arg-type]

    pipeline.transcribe_bilingual = held  # type: ignore[assignment]


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Polls `condition` until it holds; False only if it never did within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker: drop its cached pools."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A broker for the test plus `start()`-ed worker processes, all stopped on exit.

    With `hold=True` every transcription the workers start waits, once claimed, until
    `release()`: `wait_until_held(n)` returns when n of them are running and held.
    """

    def __init__(
        self,
        broker: str,
        tmp_path: Path,
        *,
        queues: str,
        pool: str = "solo",
        concurrency: int = 1,
        hold: bool = False,
        redis_db: int = 14,
        **env: str,
    ) -> None:
        if broker == "redis":
            if not redis_available():
                pytest.skip("no Redis on 127.0.0.1:6379")
            import redis

            redis.Redis(host="127.0.0.1", port=6379, db=redis_db).flushdb()
            self.url = f"redis://127.0.0.1:6379/{redis_db}"
        else:
            self.url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
        self.tmp_path = tmp_path
        self.queues = queues
        self.pool = pool
        self.concurrency = concurrency
        self.env = env
        self.hold: Path | None = None
        if hold:
            self.hold = tmp_path / "hold"
            self.hold.touch()
            self.env = {**env, HOLD_ENV: str(self.hold)}
        self.processes: list[subprocess.Popen[bytes]] = []
        self.previous = celery_app.conf.broker_url

    def start(
        self, name: str = "w1", *, queues: str | None = None, **extra_env: str
    ) -> subprocess.Popen[bytes]:
        """One more worker process, `name`, on `queues` (default: the Worker's); `extra_env`
        adds to or overrides the shared env."""
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
            **extra_env,
        }
        log = (self.tmp_path / f"worker-{name}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                *(["-c", _HELD_WORKER] if self.hold else ["-m", "celery"]),
                "-A",
                "config",
                "worker",
                "-Q",
                queues or self.queues,
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

    def held(self) -> list[int]:
        """The process ids of the transcriptions that have started holding, one per job."""
        assert self.hold is not None, "Worker(..., hold=True)"
        marker = self.hold.with_name(self.hold.name + ".running")
        return [int(line) for line in marker.read_text().split()] if marker.exists() else []

    def wait_until_held(self, count: int = 1, timeout: float = 120) -> bool:
        return wait_for(lambda: len(self.held()) >= count, timeout, interval=0.05)

    def release(self) -> None:
        """Held transcriptions go on, and later ones no longer wait."""
        assert self.hold is not None, "Worker(..., hold=True)"
        self.hold.unlink(missing_ok=True)

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
