"""A local "platform" for archiving tests: files over HTTP on 127.0.0.1, with Range support."""

from __future__ import annotations

import mimetypes
import re
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest


@dataclass(frozen=True)
class Request:
    path: str
    range: str | None  # the Range header as sent, if any
    sent: int  # body bytes the server wrote


@dataclass
class Platform:
    """What the server serves (files in `root`) and what it saw (`requests`).

    `cut` maps a path to a byte offset of its file: every answer for that path stops there
    and the connection is closed, as a dropped connection would. `status` maps a path to an
    HTTP error status it answers instead of its file (410 Gone, 503…).
    """

    base: str
    root: Path
    requests: list[Request] = field(default_factory=list)
    cut: dict[str, int] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    platform: ClassVar[Platform]

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        file = self.platform.root / urllib.parse.unquote(path).lstrip("/")
        asked = self.headers.get("Range")
        refused = self.platform.status.get(path)
        if refused is not None or not file.is_file():
            self.send_error(refused or 404)
            self.platform.requests.append(Request(path, asked, 0))
            return
        data = file.read_bytes()
        ranged = re.fullmatch(r"bytes=(\d+)-", asked or "")
        start = int(ranged[1]) if ranged else 0
        if start >= len(data) > 0:
            self.send_error(416, "Range Not Satisfiable")
            self.platform.requests.append(Request(path, asked, 0))
            return
        self.send_response(206 if ranged else 200)
        self.send_header("Content-Type", mimetypes.guess_type(file.name)[0] or "text/plain")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        if ranged:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        chunk = data[start:] if body else b""
        cut = self.platform.cut.get(path)
        if cut is not None and body:
            chunk = chunk[: max(0, cut - start)]
            self.close_connection = True
        try:
            self.wfile.write(chunk)
            self.wfile.flush()
        except ConnectionError:
            pass  # the extractor reads only the first bytes of a direct link, then hangs up
        self.platform.requests.append(Request(path, asked, len(chunk)))

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is part of these tests, not a failure


@pytest.fixture
def video_site(tmp_path: Path) -> Iterator[Platform]:
    root = tmp_path / "www"
    root.mkdir()

    class Handler(_Handler):
        pass  # a class per server: its Platform is a class attribute

    server = _Server(("127.0.0.1", 0), Handler)
    Handler.platform = Platform(f"http://127.0.0.1:{server.server_address[1]}", root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Handler.platform
    server.shutdown()
    server.server_close()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
