"""Faults under load: the search page and API while a web worker, Meilisearch or PostgreSQL fails.

Sets up an archive of its own (a scratch ARCHIVE_VAR_DIR, the demo data, its own Meilisearch
and, with --postgres, a private PostgreSQL cluster started with pg_ctl on a free port, so that
restarting it touches nobody else), then serves it with gunicorn (config/gunicorn.py, the
WEB_* defaults) and, in the same run, with Django's runserver, both with DEBUG off as in
production. For each server, --clients threads ask the search page and the search API (half
each; the API with a researcher's token, its rate limit lifted so throttling masks nothing)
for names and places in several scripts, one new connection per request, for --seconds per
phase:

  baseline      nothing fails
  kill_worker   one gunicorn worker process gets SIGKILL (runserver: its only process)
  meili_down    Meilisearch is stopped for --meili-down seconds, then started on the same
                port and data
  meili_hang    Meilisearch is frozen (SIGSTOP) as long, then resumed (SIGCONT): it accepts
                connections and answers nothing, as a hung or unreachable server does
  pg_restart    PostgreSQL is restarted (pg_ctl restart -m fast); skipped on SQLite

and reports, per phase: requests/s, p50/p95/p99, errors by kind (timeout, connection errors,
5xx by code, deliberate 503s that say search or the database is unavailable), the time from
the component's return to the first success and to the last failure, and for the Meilisearch
phases how fast the search page said "unavailable". Writes JSON to --out.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _harness import KEY, PROJECT_DIR

from search import server

PHASES = ("baseline", "kill_worker", "meili_down", "meili_hang", "pg_restart")
# Names and places from the demo data, in the scripts relatives type them in.
QUERIES = [
    "Ерлан Қабыл",
    "Erlan Kabyl",
    "Ерлан Кабыл",
    "قابىل",
    "Құлжа",
    "Ghulja",
    "Кульджа",
    "伊宁",
    "غۇلجا",
    "Nurlan Serikuly",
    "Нұрлан",
    "Bakhytgul",
    "Гүлнар Тұрсын",
    "Gulnar Tursun",
    "ئابدۇرېھىم مەمەت",
    "Abdurehim",
    "Tacheng",
    "塔城",
    "Чөчек",
    "Altay",
]
LANGUAGES = ["", "", "", "kk", "ru", "ug", "en"]


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


# --- the components ------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent  # /usr/local/bin may hold a link to pg_ctl alone
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb + pg_ctl) on a free loopback port.

    The machine's own PostgreSQL serves other people's tests; restarting it would fail them.
    As root, the server runs as the `postgres` account (it refuses to run as root).
    """

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = server.free_port()
        self.log = root / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, cwd=self.root
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log), "-o", options),
            *("-w", "-t", "60", "-m", "fast", action),
        )

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            # The postgres account must reach its folder through our private temp dir.
            parent = self.root.parent
            parent.chmod(parent.stat().st_mode | 0o011)
            shutil.chown(self.root, "postgres")
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        self._ctl("start")
        self._run(
            str(self.bin_dir / "createdb"),
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "archive"),
        )

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._ctl("stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/archive"

    def version(self) -> str:
        out = subprocess.run(
            [str(self.bin_dir / "postgres"), "--version"], capture_output=True, text=True
        )
        return out.stdout.strip()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


@dataclass
class WebServer:
    kind: str  # gunicorn | runserver
    env: dict[str, str]
    port: int = field(default_factory=server.free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def start(self, log: Path) -> None:
        python = sys.executable
        addr = f"127.0.0.1:{self.port}"
        if self.kind == "gunicorn":
            command = [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", addr]
            command.append("config.wsgi:application")
        else:
            command = [python, "manage.py", "runserver", addr, "--noreload"]
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited; see {log}")
            if _status(f"{self.url}/healthz") == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} did not answer within 60 s; see {log}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        assert self.process
        return _children(self.process.pid)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


def _wait_ready(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _status(f"{url}/readyz") == 200:
            return True
        time.sleep(0.5)
    return False


# --- the load ------------------------------------------------------------------------------


@dataclass
class Record:
    start: float  # seconds since the phase began
    seconds: float
    target: str  # page | api
    kind: str  # ok | 503_search | 503_database | http_<code> | timeout | refused | reset


def _classify_error(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
        return "reset"
    if isinstance(exc, http.client.HTTPException):
        return "bad_response"
    return f"error_{type(exc).__name__}"


class Load:
    """`clients` threads, each asking page and API in turn until stopped."""

    def __init__(self, *, port: int, token: str, clients: int, timeout: float, seed: int) -> None:
        self.port = port
        self.token = token
        self.clients = clients
        self.timeout = timeout
        self.seed = seed
        self.records: list[Record] = []
        self.stop = threading.Event()
        self.t0 = 0.0

    def _request(self, target: str, query: dict[str, str]) -> str:
        path = ("/?" if target == "page" else "/api/v1/search?") + urlencode(query)
        headers = {"Connection": "close", "Host": "127.0.0.1"}
        if target == "api":
            headers["Authorization"] = f"Token {self.token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status == 200:
            return "ok"
        text = body.lower()
        if response.status == 503 and b"search is unavailable" in text:
            return "503_search"  # the page's and the API's own answer
        if response.status == 503 and b"unavailable" in text:
            return "503_database"  # web.unavailable
        return f"http_{response.status}"

    def _client(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        turn = number % 2
        while not self.stop.is_set():
            target = "page" if turn % 2 == 0 else "api"
            turn += 1
            query = {"q": rng.choice(QUERIES)}
            language = rng.choice(LANGUAGES)
            if language:
                query["language"] = language
            started = time.monotonic()
            try:
                kind = self._request(target, query)
            except Exception as exc:  # every failure is a result here
                kind = _classify_error(exc)
            ended = time.monotonic()
            self.records.append(Record(started - self.t0, ended - started, target, kind))
            if kind in {"refused", "reset", "bad_response"} or kind.startswith("error_"):
                # A refused or reset connection comes back at once; a person tries again
                # after a moment, not in a tight loop.
                time.sleep(1.0)

    def run(self, seconds: float, events: threading.Thread | None = None) -> None:
        self.t0 = time.monotonic()
        threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        if events:
            events.start()
        try:
            time.sleep(max(0.0, seconds - (time.monotonic() - self.t0)))
        finally:
            self.stop.set()
        for thread in threads:
            thread.join(self.timeout + 5)
        if events:
            events.join()


# --- the phases ----------------------------------------------------------------------------


def summarise(
    records: list[Record], seconds: float, events: dict[str, float | None], *, search_down: bool
) -> dict[str, Any]:
    """Figures for one phase; times in `events` are seconds since the phase began.
    `search_down`: Meilisearch was out between fault_at and returned_at."""
    within = [r for r in records if r.start < seconds]
    kinds: dict[str, int] = {}
    for r in within:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    ok = [r for r in within if r.kind == "ok"]
    latencies = [r.seconds for r in within]
    out: dict[str, Any] = {
        "seconds": seconds,
        "requests": len(within),
        "requests_per_s": round(len(within) / seconds, 1),
        "ok": len(ok),
        "ok_per_s": round(len(ok) / seconds, 1),
        "latency_ms": {f"p{p}": _ms(percentile(latencies, p)) for p in (50, 95, 99)},
        "ok_latency_ms": {
            f"p{p}": _ms(percentile([r.seconds for r in ok], p)) for p in (50, 95, 99)
        },
        "max_ms": _ms(max(latencies, default=None)),
        "outcomes": dict(sorted(kinds.items())),
        "errors": {k: v for k, v in sorted(kinds.items()) if k != "ok"},
        "by_target": {
            target: {
                "requests": sum(1 for r in within if r.target == target),
                "ok": sum(1 for r in ok if r.target == target),
            }
            for target in ("page", "api")
        },
        "events": {k: None if v is None else round(v, 2) for k, v in events.items()},
    }
    fault, back = events.get("fault_at"), events.get("returned_at")
    if fault is not None:
        out["errors_before_fault"] = sum(1 for r in within if r.start < fault and r.kind != "ok")
    if back is not None:
        after = [r for r in within if r.start + r.seconds > back]
        first_ok = min((r.start + r.seconds for r in after if r.kind == "ok"), default=None)
        failed_after = [r for r in within if r.start >= back and r.kind != "ok"]
        last: dict[str, float] = {}
        for r in failed_after:
            last[r.kind] = max(last.get(r.kind, 0.0), r.start - back)
        out["recovery"] = {
            "first_success_s": None if first_ok is None else round(first_ok - back, 2),
            "last_failure_started_s": round(max(last.values()), 2) if last else None,
            "failures_started_after_return": len(failed_after),
            # Which kinds went on after the return, and until when: a 503 from the database
            # in a Meilisearch phase is not the fault's, but the server's own limit.
            "last_failure_started_s_by_kind": {k: round(v, 2) for k, v in sorted(last.items())},
        }
    # Requests per second of the phase (by when they were sent): answered 200, or not.
    timeline = [[0, 0] for _ in range(math.ceil(seconds))]
    for r in within:
        timeline[int(r.start)][0 if r.kind == "ok" else 1] += 1
    out["timeline_ok_failed"] = timeline
    if search_down and fault is not None and back is not None:
        # Page requests sent while Meilisearch was out and answered before it came back.
        window = [r for r in within if r.start >= fault and r.start + r.seconds <= back]
        pages = [r for r in window if r.target == "page"]
        said = [r.seconds for r in pages if r.kind == "503_search"]
        out["outage_page"] = {
            "requests": len(pages),
            "said_unavailable": len(said),
            "other": {
                k: sum(1 for r in pages if r.kind == k)
                for k in sorted({r.kind for r in pages} - {"503_search"})
            },
            "unavailable_ms": {
                "p50": _ms(percentile(said, 50)),
                "p95": _ms(percentile(said, 95)),
                "max": _ms(max(said, default=None)),
            },
        }
    return out


class Bench:
    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.root = root
        self.notes: list[str] = []
        self.pg: PrivatePostgres | None = None
        self.meili: server.MeiliServer | None = None
        self.meili_port = server.free_port()
        self.env: dict[str, str] = {}
        self.token = ""

    def _manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def setup(self) -> None:
        database_url = f"sqlite:///{self.root / 'bench.sqlite3'}"
        if self.args.postgres:
            bin_dir = _pg_bin()
            if bin_dir is None:
                raise SystemExit("--postgres: no pg_ctl on PATH or in /usr/lib/postgresql/*/bin.")
            self.pg = PrivatePostgres(bin_dir, self.root / "pg")
            self.pg.start()
            database_url = self.pg.url
        else:
            self.notes.append("SQLite: the pg_restart phase is skipped (no server to restart).")
        self._start_meili()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_BEHIND_TLS_PROXY": "0",
            "ARCHIVE_VAR_DIR": str(self.root / "var"),
            "DATABASE_URL": database_url,
            "MEILI_URL": f"http://127.0.0.1:{self.meili_port}",
            "MEILI_MASTER_KEY": KEY,
            "MEILI_INDEX_PREFIX": "faults",
            # Lifted so that the bench measures faults, not the researcher's rate limit.
            "API_RESEARCHER_RATE": "100000000/minute",
            "LOG_LEVEL": "WARNING",
        }
        self._manage("migrate", "--verbosity", "0")
        self._manage("import_testimonies", str(PROJECT_DIR / "testimonies/demo/testimonies.jsonl"))
        self.token = self._manage("api_token", "issue", "bench-researcher", "--create").strip()

    def _start_meili(self) -> None:
        self.meili = server.start(
            project_dir=PROJECT_DIR,
            data_dir=self.root / "meili",
            master_key=KEY,
            port=self.meili_port,
        )

    def teardown(self) -> None:
        if self.meili:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.meili.process.pid, signal.SIGCONT)  # if frozen by meili_hang
            self.meili.stop()
        if self.pg:
            self.pg.stop()

    def _fault(
        self, web: WebServer, phase: str, events: dict[str, float | None], load: Load
    ) -> threading.Thread:
        """The thread that breaks something `fault_at` seconds into the phase."""
        args = self.args

        def now() -> float:
            return time.monotonic() - load.t0

        def run() -> None:
            time.sleep(args.fault_at)
            if phase == "kill_worker":
                before = web.workers() if web.kind == "gunicorn" else []
                victim = before[0] if before else web.process.pid  # type: ignore[union-attr]
                events["fault_at"] = now()
                os.kill(victim, signal.SIGKILL)
                if web.kind != "gunicorn":
                    return  # nothing restarts runserver
                while now() < args.seconds:
                    fresh = set(web.workers()) - set(before)
                    if fresh:
                        events["returned_at"] = now()  # the master forked a replacement
                        return
                    time.sleep(0.05)
            elif phase == "meili_down":
                assert self.meili
                stopped = events["fault_at"] = now()
                self.meili.stop()
                events["stopped_at"] = now()
                time.sleep(max(0.0, args.meili_down - (now() - stopped)))
                events["start_at"] = now()
                self._start_meili()  # returns once /health answers
                events["returned_at"] = now()
            elif phase == "meili_hang":
                assert self.meili
                pid = self.meili.process.pid
                events["fault_at"] = now()
                os.kill(pid, signal.SIGSTOP)
                time.sleep(args.meili_down)
                os.kill(pid, signal.SIGCONT)
                events["returned_at"] = now()
            elif phase == "pg_restart":
                assert self.pg
                events["fault_at"] = now()
                self.pg.restart()  # returns once it accepts connections again
                events["returned_at"] = now()

        return threading.Thread(target=run, daemon=True)

    def phase(self, web: WebServer, phase: str) -> dict[str, Any]:
        load = Load(
            port=web.port,
            token=self.token,
            clients=self.args.clients,
            timeout=self.args.timeout,
            seed=PHASES.index(phase),
        )
        events: dict[str, float | None] = {}
        fault = None
        if phase != "baseline":
            events = {"fault_at": None, "returned_at": None}
            fault = self._fault(web, phase, events, load)
        load.run(self.args.seconds, fault)
        search_down = phase in {"meili_down", "meili_hang"}
        return summarise(load.records, self.args.seconds, events, search_down=search_down)

    def serve(self, kind: str) -> dict[str, Any]:
        web = WebServer(kind, self.env)
        logs = self.root / "logs"
        logs.mkdir(exist_ok=True)
        web.start(logs / f"{kind}.log")
        result: dict[str, Any] = {"phases": {}}
        if kind == "gunicorn":
            result["workers"] = len(web.workers())
        try:
            for phase in self.args.phases:
                if phase == "pg_restart" and not self.pg:
                    result["phases"][phase] = {"skipped": "SQLite: no server to restart"}
                    continue
                if web.process is None or web.process.poll() is not None:
                    web.start(logs / f"{kind}.log")  # runserver after its kill
                if not _wait_ready(web.url):
                    self.notes.append(f"{kind}: /readyz was not 200 before {phase}")
                time.sleep(self.args.settle)
                print(f"  {kind} {phase} ({self.args.seconds:g} s)…", flush=True)
                result["phases"][phase] = self.phase(web, phase)
                print("   ", _line(result["phases"][phase]), flush=True)
        finally:
            web.stop()
        return result


def _line(p: dict[str, Any]) -> str:
    lat = p["latency_ms"]
    text = f"{p['requests_per_s']} req/s, p50/p95/p99 {lat['p50']}/{lat['p95']}/{lat['p99']} ms"
    text += f", errors {p['errors'] or 0}"
    if "recovery" in p:
        text += f", recovery {p['recovery']}"
    if "outage_page" in p:
        text += f", outage page {p['outage_page']['unavailable_ms']}"
    return text


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # runs the clean-up below


def main() -> None:
    # Started in the background, a shell ignores Ctrl-C for us; stop cleanly on both.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="Length of each phase.")
    parser.add_argument("--fault-at", type=float, default=15, help="Seconds into the phase.")
    parser.add_argument("--meili-down", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=10, help="A client gives up after this.")
    parser.add_argument("--settle", type=float, default=3, help="Pause between phases.")
    parser.add_argument("--servers", default="gunicorn,runserver")
    parser.add_argument("--phases", default=",".join(PHASES))
    database = parser.add_mutually_exclusive_group()
    database.add_argument(
        "--postgres",
        action="store_true",
        default=None,
        help="A private PostgreSQL cluster (the default where pg_ctl is installed).",
    )
    database.add_argument("--sqlite", dest="postgres", action="store_false")
    parser.add_argument("--quick", action="store_true", help="A smoke run: 8 clients, 3 s phases.")
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (logs).")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.fault_at = 8, 3.0, 1.0
        args.meili_down, args.settle, args.timeout = 1.0, 0.5, 5.0
    if args.postgres is None:
        args.postgres = _pg_bin() is not None
    args.phases = [p for p in args.phases.split(",") if p]
    unknown = set(args.phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases {sorted(unknown)}; choose from {', '.join(PHASES)}")

    holder = None
    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        holder = tempfile.TemporaryDirectory(prefix="archive-faults-")
        root = Path(holder.name)
    bench = Bench(args, root)
    results: dict[str, Any] = {
        "machine": _machine(),
        "config": {
            "clients": args.clients,
            "phase_seconds": args.seconds,
            "fault_at_s": args.fault_at,
            "meili_down_s": args.meili_down,
            "client_timeout_s": args.timeout,
            "database": "postgresql (private cluster)" if args.postgres else "sqlite",
            "targets": "search page / and GET /api/v1/search, half each, researcher token",
        },
        "servers": {},
    }
    try:
        started = time.monotonic()
        bench.setup()
        results["config"]["setup_s"] = round(time.monotonic() - started, 1)
        if bench.pg:
            results["machine"]["postgresql"] = bench.pg.version()
        results["machine"]["load_average_before"] = list(os.getloadavg())
        for kind in [s for s in args.servers.split(",") if s]:
            results["servers"][kind] = bench.serve(kind)
        results["machine"]["load_average_after"] = list(os.getloadavg())
        results["notes"] = bench.notes
    finally:
        bench.teardown()
        if holder:
            holder.cleanup()
    text = json.dumps(results, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
