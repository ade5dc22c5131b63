"""`make run` (manage.py runarchive): serves with gunicorn, and Ctrl-C stops all it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from search import server

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment holds `marker`: everything runarchive started, however deep."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (http only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_runarchive_serves_with_gunicorn_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    web_port, meili_port = server.free_port(), server.free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    marker = f"ARCHIVE_VAR_DIR={tmp_path}"
    env.update(
        ARCHIVE_VAR_DIR=str(tmp_path),
        DJANGO_DEBUG="1",
        MEILI_URL=f"http://127.0.0.1:{meili_port}",
        WEB_BIND=f"127.0.0.1:{web_port}",
        WEB_WORKERS="2",
        WEB_THREADS="2",
        API_ANON_RATE="6/minute",
    )
    archive = subprocess.Popen(
        [sys.executable, "manage.py", "runarchive", "--no-demo"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # as a terminal's Ctrl-C reaches only the foreground group
    )
    output: list[str] = []
    try:
        assert archive.stdout is not None
        for line in archive.stdout:
            output.append(line)
            if "The archive runs at" in line:
                break
        assert archive.poll() is None, "".join(output)
        base = f"http://127.0.0.1:{web_port}"
        assert f"The archive runs at {base}/" in output[-1]

        status, headers, _ = _get(f"{base}/healthz")
        assert status == 200
        assert headers["Server"] == "gunicorn"
        status, _, body = _get(f"{base}/readyz")
        assert status == 200, body
        assert json.loads(body)["ok"] is True
        assert _get(f"{base}/?q=Kabyl")[0] == 200
        status, _, css = _get(f"{base}/static/archive/site.css")  # WhiteNoise, in the app
        assert status == 200 and css
        # Both gunicorn processes count the anonymous throttle in one cache (files in the
        # var directory): 6 a minute in all, not 6 per process.
        answers = [_get(f"{base}/api/v1/places")[0] for _ in range(20)]
        assert answers.count(200) == 6, answers
        assert set(answers) == {200, 429}, answers
        started = _processes_with(marker)
        # Meilisearch, the Celery worker (and its beat and pool), gunicorn and its 2 workers.
        assert len(started) >= 5, started

        archive.send_signal(signal.SIGINT)
        rest, _ = archive.communicate(timeout=60)
        output.append(rest)
        assert archive.returncode == 0, "".join(output)
        assert "Stopping…" in rest
        assert _processes_with(marker) == []
    finally:
        if archive.poll() is None:
            archive.kill()
        for pid in _processes_with(marker):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
