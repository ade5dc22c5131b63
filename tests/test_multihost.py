"""Several machines on loopback (docs/deploy.md): two web servers, a default worker, a GPU-queue
worker and beat, each a process of its own with its own var/, sharing only PostgreSQL, Redis,
one Meilisearch and the media store. A real speech clip uploaded to web A is transcribed by
the `transcribe` worker and found by search on web B.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from email.message import Message
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from search import server
from tests.workers import PROJECT_DIR, Worker, redis_available, wait_for

CLIP = PROJECT_DIR / "tests" / "fixtures" / "audio" / "ru_real.wav"  # real speech, Apache-2.0
# Whisper base hears "нейронной сети. Это хорошо." in it; this word every time.
WORD = "хорошо"
REDIS_DB = 11  # a broker database of its own: the other worker tests use 14
TRANSCRIBE_JOB = "transcription.tasks.transcribe_testimony"

pytestmark = pytest.mark.slow


def _admin_url() -> str:
    """A PostgreSQL URL allowed to create databases: the suite's own, else the local server."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database of its own, dropped at the end."""
    admin = _admin_url()
    name = f"archive_multihost_{os.getpid()}"
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {admin.rpartition('@')[2]} ({exc})")
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urllib.parse.urlsplit(admin)._replace(path=f"/{name}").geturl()
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """HTTP as the TLS proxy in front of a web server sends it: `X-Forwarded-Proto: https`.
    The session's cookies are Secure (DEBUG is off), so they are kept here by hand."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = "https://" + urllib.parse.urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(self._NoRedirects)

    def send(
        self, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, Message, str]:
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin}
        if content_type:
            headers["Content-Type"] = content_type
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.headers, response.read().decode()

    def form(self, path: str, fields: dict[str, str], files: dict[str, Path] | None = None) -> str:
        """GET the page for its CSRF token, POST the form as multipart; the redirect's target."""
        status, _, page = self.send(path)
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": token[1]}.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + value.encode() + b"\r\n")
        for name, file in (files or {}).items():
            head = (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{file.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + file.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, headers, page = self.send(path, body, f"multipart/form-data; boundary={boundary}")
        assert status == 302, page
        return headers["Location"]


def _start(workers: Worker, name: str, command: list[str], env: dict[str, str]) -> None:
    """A process of the archive, stopped with the workers (all sent TERM at once, then KILL)."""
    with (workers.tmp_path / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    workers.processes.append(process)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def test_a_clip_uploaded_to_web_a_is_transcribed_by_the_gpu_queue_and_found_on_web_b(
    meili: server.MeiliServer, settings: Any, database_url: str, tmp_path: Path
):
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    media = tmp_path / "media"  # the one store every host mounts (docs/deploy.md)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # As on a server: DEBUG off, a secret key, the host names, behind a TLS proxy.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": settings.MEILI_MASTER_KEY,
        "MEILI_INDEX_PREFIX": settings.MEILI_INDEX_PREFIX,
        "MEDIA_ROOT": str(media),
        "INDEX_OUTBOX_SECONDS": "5",
        "LOG_LEVEL": "INFO",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        "WEB_GRACEFUL_TIMEOUT": "2",
    }

    def host(name: str, **more: str) -> dict[str, str]:
        """The environment of one machine: its own var/ (static files, beat's schedule)."""
        return {**env, "ARCHIVE_VAR_DIR": str(tmp_path / name), **more}

    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=PROJECT_DIR, env=host("setup"), check=True)

    with ExitStack() as stack:
        stack.callback(redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb)
        # Default queue (indexing, extraction): w1; the GPU queue: a worker of its own.
        workers = Worker("redis", tmp_path, queues="default", redis_db=REDIS_DB)
        workers.env = host("worker")  # what each worker process gets over the test's own
        stack.enter_context(workers)
        workers.start("transcribe", queues="transcribe", **host("gpu"))
        beat = [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
        _start(workers, "beat", beat, host("beat"))
        web = [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
        urls = {}
        for name in ("web-a", "web-b"):
            port = server.free_port()
            urls[name] = f"http://127.0.0.1:{port}"
            _start(workers, name, web, host(name, WEB_BIND=f"127.0.0.1:{port}"))

        password = secrets.token_urlsafe(16)
        subprocess.run(
            [*manage, "createsuperuser", "--noinput", "--username", "ops", "--email", "o@x.org"],
            cwd=PROJECT_DIR,
            env=host("setup", DJANGO_SUPERUSER_PASSWORD=password),
            check=True,
        )

        def log(name: str) -> str:
            return (tmp_path / f"{name}.log").read_text(errors="replace")

        def every_log() -> str:
            names = ("web-a", "web-b", "worker-w1", "worker-transcribe", "beat")
            return "\n".join(f"== {n}\n{log(n)[-3000:]}" for n in names)

        # Each web server reaches the database, Meilisearch and the broker.
        assert wait_for(lambda: all(_ready(u) for u in urls.values()), 90, 0.5), every_log()

        a = Browser(urls["web-a"])
        assert a.form("/accounts/login/", {"username": "ops", "password": password})
        where = a.form("/staff/upload/", {"language": "ru", "visibility": "public"}, {"file": CLIP})
        status, _, page = a.send(where)
        stored = re.search(r"Stored as (sha256-[0-9a-f]+) and queued", page)
        assert status == 200 and stored, page
        external_id = stored[1]

        b = Browser(urls["web-b"])

        def found_on_b() -> bool:
            query = urllib.parse.urlencode({"q": WORD})
            status, _, body = b.send(f"/api/v1/search?{query}")
            hits = json.loads(body)["hits"] if status == 200 else []
            return any(hit["testimony"] == external_id for hit in hits)

        assert wait_for(found_on_b, 150, 1.0), every_log()

        status, _, page = b.send(f"/t/{external_id}/")
        assert status == 200 and WORD in page.lower()
        # The GPU queue's worker transcribed it; the default worker never took that job.
        done = rf"Task {re.escape(TRANSCRIBE_JOB)}\[[-0-9a-f]+\] succeeded"
        assert re.search(done, log("worker-transcribe")), log("worker-transcribe")
        assert f"Task {TRANSCRIBE_JOB}[" not in log("worker-w1")
        assert "drain-index-outbox" in log("beat")
