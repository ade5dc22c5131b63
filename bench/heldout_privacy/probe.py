#!/usr/bin/env python
"""Held-out black-box privacy probe of the testimony archive.

Run from the repository root:  .venv/bin/python bench/heldout_privacy/probe.py [--keep]

It never imports the project's code: it starts a fresh archive (`manage.py migrate`, then
`manage.py runarchive --no-demo`) in a temporary ARCHIVE_VAR_DIR with its own Meilisearch
port, imports the fictional corpus of corpus.py with `manage.py import_testimonies`, and
talks to the running server over HTTP as an anonymous visitor only.

Phases and snapshots of every anonymous public output:
  S0  public corpus only
  S1  + hidden records (draft / restricted) sharing people, places and spellings
  S2  + hidden records re-imported with new tokens and swapped visibilities, one more draft
  S3  public testimony hp-pub-ru-003 re-imported as restricted
  S3b ... and then as draft (must equal S3)
  S4  ... and then as public again (must equal S0 up to the renumbered segment,
      transcript and event ids of the re-imported testimony)

Reports: secret tokens in public output, differences between snapshots, 5xx, and for S3 a
model check (people and places as S0 minus the unpublished testimony's claims).
Results: bench/heldout_privacy/report.json and report.md.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import html
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

T3 = "hp-pub-ru-003"
LISTS = ["testimonies", "transcripts", "segments", "people", "places", "events"]
STATUSES = ["missing", "detained", "sentenced", "released", "deceased", "unknown"]
LANGS = ["kk", "ug", "ru", "en", "zh", "ky", "uz", "tr"]
PLACE_TYPES = [
    "region",
    "prefecture",
    "county",
    "city",
    "district",
    "township",
    "village",
    "camp",
    "prison",
    "other",
]
EVENT_KINDS = ["detained", "sentenced", "sent_to_camp", "disappeared", "released", "died", "other"]
UI_LANGS = ["ru", "ug", "kk", "zh-hans"]
SKIP_PREFIXES = ("/admin", "/i18n/", "/static/", "/accounts", "/login", "/logout")


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# =========================================================================== archive
class Archive:
    def __init__(self, keep=False):
        self.tmp = tempfile.mkdtemp(prefix="heldout_privacy_", dir="/tmp")
        self.keep = keep
        self.port = free_port()
        self.meili_port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            {
                "DJANGO_DEBUG": "1",
                "ARCHIVE_VAR_DIR": self.tmp,
                "MEILI_URL": f"http://127.0.0.1:{self.meili_port}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.env.pop("DATABASE_URL", None)
        self.proc = None
        self.imports = []

    def manage(self, *args, check=True):
        t = time.time()
        r = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and r.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
        return r, time.time() - t

    def start(self):
        log("tmp dir", self.tmp)
        self.manage("migrate", "--noinput")
        self.logf = open(os.path.join(self.tmp, "runarchive.log"), "w")
        self.proc = subprocess.Popen(
            [PY, "manage.py", "runarchive", "--no-demo", "--addr", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.logf,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("runarchive exited: " + open(self.logf.name).read()[-3000:])
            try:
                c = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=5, source_address=("127.0.0.254", 0)
                )
                c.request("GET", "/api/v1/")
                if c.getresponse().status == 200:
                    c.close()
                    log("archive up on port", self.port, "meilisearch", self.meili_port)
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError("archive did not come up")

    def import_records(self, records, name):
        path = os.path.join(self.tmp, name + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        r, dt = self.manage("import_testimonies", path)
        out = (r.stdout.strip().splitlines() or [""])[0]
        self.imports.append(
            {"file": name, "records": len(records), "seconds": round(dt, 1), "output": out}
        )
        log(f"imported {name}: {out} ({dt:.1f}s)")
        time.sleep(2.0)  # let anything queued after the commit settle

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)  # runarchive stops what it started
                self.proc.wait(timeout=30)
            except Exception:
                pass
            try:  # anything of ours left in the session we created
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


# =========================================================================== http
class Client:
    """Anonymous HTTP client. The API throttles anonymous use per client address
    (120/min seen), so requests come from rotating loopback addresses."""

    def __init__(self, port):
        self.port = port
        self.n = itertools.count()
        self.lock = threading.Lock()
        self.count = 0
        self.throttled = 0

    def _ip(self):
        k = next(self.n) // 30
        return f"127.{2 + (k // 62500) % 200}.{(k // 250) % 250}.{k % 250 + 1}"

    def request(self, method, path, body=None, headers=None):
        for _ in range(8):
            ip = self._ip()
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=120, source_address=(ip, 0)
            )
            try:
                conn.request(method, path, body=body, headers=headers or {})
                r = conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                status = r.status
            finally:
                conn.close()
            with self.lock:
                self.count += 1
            if status == 429:
                with self.lock:
                    self.throttled += 1
                for _ in range(40):
                    next(self.n)
                continue
            return status, hdrs, data
        return status, hdrs, data


def q(path, **params):
    items = []
    for k, v in params.items():
        items.append((k, str(v)))
    return path + ("?" + urllib.parse.urlencode(items) if items else "")


def multipart(fields, files):
    boundary = "----heldoutprivacy7f3a9c"
    out = []
    for k, v in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n')
    for k, (fname, content, ctype) in files.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
            f'filename="{fname}"\r\nContent-Type: {ctype}\r\n\r\n{content}\r\n'
        )
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


# =========================================================================== normalise
CSRF_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NONCE_RE = re.compile(r'(nonce=")[^"]*(")')
DOCS_CSRF_RE = re.compile(r'(X-CSRFTOKEN"\] = "|"csrfToken": ")[^"]*(")')
TIME_KEYS = {"processingTimeMs", "processing_time_ms", "took", "elapsed"}


def _strip_time(o):
    if isinstance(o, dict):
        return {k: ("<time>" if k in TIME_KEYS else _strip_time(v)) for k, v in o.items()}
    if isinstance(o, list):
        return [_strip_time(x) for x in o]
    return o


def normalise(ctype, data):
    text = data.decode("utf-8", errors="replace")
    ctype = (ctype or "").split(";")[0].strip()
    if ctype == "application/json":
        try:
            return "json", json.dumps(_strip_time(json.loads(text)), ensure_ascii=False, indent=1)
        except ValueError:
            return "text", text
    if ctype in ("application/x-ndjson", "application/jsonl"):
        lines = []
        for line in text.splitlines():
            try:
                lines.append(json.dumps(json.loads(line), ensure_ascii=False, sort_keys=False))
            except ValueError:
                lines.append(line)
        return "jsonl", "\n".join(lines)
    if ctype == "text/html":
        text = CSRF_RE.sub(r"\1<csrf>\2", text)
        text = NONCE_RE.sub(r"\1<nonce>\2", text)
        text = DOCS_CSRF_RE.sub(r"\1<csrf>\2", text)
        return "html", text
    return "text", text


# =========================================================================== snapshot
class Snapshot:
    def __init__(self, name):
        self.name = name
        self.out = {}  # key -> dict(status, ctype, disp, kind, body, req)
        self.lists = {}  # list key -> all results

    def add(self, key, status, hdrs, data, req_values):
        kind, body = normalise(hdrs.get("content-type"), data)
        self.out[key] = {
            "status": status,
            "ctype": hdrs.get("content-type", ""),
            "disp": hdrs.get("content-disposition", ""),
            "kind": kind,
            "body": body,
            "req": req_values,
        }


def corpus_words():
    texts, names, places = [], [], []
    for r in corpus.PUBLIC:
        texts += [r["title"], r.get("description", "")]
        for s in r["segments"]:
            texts += [s["text"], s.get("translation", "")]
        for p in r.get("people", []):
            names += p["names"]
        for pl in r.get("places", []):
            places += pl["names"]
    words = set()
    for t in texts + names + places:
        for w in re.findall(r"\w+", t):
            words.add(w)
    names = sorted(set(names))
    places = sorted(set(places))
    return sorted(words), names, places


HIDDEN_SPELLINGS = [
    "Nurbolat Zqvorin",
    "Нұрболат Zqvorin",
    "Zqvkerim Zqvbekov",
    "Tursunjan Zqvmamanov",
    "Zqvgulnar Abdrakhmanova",
    "Zqvabdukerim",
    "Zqvmirzat Zqvov",
    "Zqvzhenis",
    "Nurbol Zqwsarsen",
    "Зқвкерім Зқвбеков",
    "نۇربولات زقۋورىن",
]
HIDDEN_PLACES = [
    "Zqvbulaq",
    "Зқвбұлақ",
    "Zqvtau",
    "Зқвтау",
    "Zqvtashtope",
    "Zqvqarasu",
    "Zqvzhanasai",
]
HIDDEN_WORDS = [
    "Zqvword1",
    "Zqvword2",
    "Zqvword3",
    "Zqvword4",
    "Zqwword5",
    "Zqvtrans1",
    "Zqwtrans6",
    "Zqvtitle",
    "Zqwrevised",
    "Zqvdraft",
    "Zqvky",
    "Zqvdesc",
    "Zqvethnic",
    "Zqvwitness",
]


class Plan:
    """The fixed request plan: same URLs for every snapshot."""

    def __init__(self, s0_max):
        self.max = s0_max  # list name -> max id seen in S0
        self.words, self.names, self.places = corpus_words()

    def ids(self, lst, margin=30):
        return list(range(0, self.max.get(lst, 0) + margin + 1)) + [999999]

    def get_requests(self):
        reqs = []  # (key, method, path, body, headers, req_values)

        def get(path, lang=None, **params):
            p = q(path, **params)
            hdrs = {"Accept-Language": lang} if lang else {}
            key = f"GET {p}" + (f" [{lang}]" if lang else "")
            reqs.append((key, "GET", p, None, hdrs, [str(v) for v in params.values()]))

        for p in [
            "/",
            "/match/",
            "/api/v1/",
            "/api/schema/",
            "/api/docs/",
            "/api/v1/export.jsonl",
            "/api/v1/export.csv",
            "/robots.txt",
            "/people/",
            "/places/",
            "/t/",
        ]:
            get(p)
        get("/api/schema/", format="json")
        for lg in UI_LANGS:
            get("/", lang=lg)
            get("/match/", lang=lg)
        # details by id, pages by id
        for lst in LISTS:
            if lst == "testimonies":
                continue
            for i in self.ids(lst):
                get(f"/api/v1/{lst}/{i}")
        for i in self.ids("people", 12):
            reqs.append(
                (f"OPTIONS /api/v1/people/{i}", "OPTIONS", f"/api/v1/people/{i}", None, {}, [])
            )
        for p in [
            "/api/v1/people",
            "/api/v1/testimonies",
            "/api/v1/people/1",
            "/api/v1/people/12",
            "/api/v1/testimonies/hp-hid-r-101",
            "/api/v1/testimonies/hp-never-existed",
        ]:
            reqs.append((f"GET {p} [text/html]", "GET", p, None, {"Accept": "text/html"}, []))
        for i in self.ids("people", 30):
            get(f"/people/{i}/")
        for i in self.ids("people", 12):
            get(f"/people/{i}/", lang="ru")
        for i in self.ids("places", 30):
            get(f"/places/{i}/")
        for i in self.ids("places", 12):
            get(f"/places/{i}/", lang="ug")
        exts = (
            [r["external_id"] for r in corpus.PUBLIC] + corpus.HIDDEN_EXT_IDS + ["hp-never-existed"]
        )
        for e in exts:
            get(f"/api/v1/testimonies/{e}")
            get(f"/t/{e}/")
            get(f"/t/{e}/", lang="kk")
            get(f"/t/{e}/", t="4")
            for fmt in ["vtt", "srt", "txt", "json"]:
                get(f"/t/{e}/transcript.{fmt}")
            for fmt in ["vtt", "srt", "txt"]:
                reqs.append(
                    (
                        f"GET /t/{e}/transcript.{fmt}?lang=en",
                        "GET",
                        f"/t/{e}/transcript.{fmt}?lang=en",
                        None,
                        {},
                        ["en"],
                    )
                )
            get("/api/v1/segments", testimony=e)
            get("/api/v1/search", testimony=e)
            get("/api/v1/search", testimony=e, q="Nurbol")
            get("/api/v1/testimonies", source_platform=e)
        # filters
        pid = self.ids("people", 12)
        lid = self.ids("places", 10)
        years = sorted(set([1948, 1959, 1968, 1971, 1975, 1980, 1982] + corpus.SECRET_YEARS))
        for s in STATUSES:
            get("/api/v1/people", status=s)
            get("/api/v1/search", status=s)
            get("/api/v1/search", status=s, q="Nurbol")
            get("/", status=s)
        for g in ["male", "female", "unknown"]:
            get("/api/v1/people", gender=g)
        for y in years:
            get("/api/v1/people", birth_year=y)
            get("/api/v1/events", year=y)
        for eth in ["Kazakh", "Uyghur", "Zqvethnic", "Zqvethnic2"]:
            get("/api/v1/people", ethnicity=eth)
        for t in PLACE_TYPES:
            get("/api/v1/places", type=t)
        for k in EVENT_KINDS:
            get("/api/v1/events", kind=k)
        for rv in ["accepted", "proposed", "rejected"]:
            get("/api/v1/events", review=rv)
        for i in pid:
            get("/api/v1/events", person=i)
            get("/api/v1/testimonies", person=i)
            get("/api/v1/search", person=i)
            get("/", person=i)
        for i in lid:
            get("/api/v1/events", place=i)
            get("/api/v1/testimonies", place=i)
            get("/api/v1/places", parent=i)
            get("/api/v1/search", place=i)
            get("/", place=i)
        for lg in LANGS:
            get("/api/v1/testimonies", language=lg)
            get("/api/v1/transcripts", language=lg)
            get("/api/v1/segments", language=lg)
            get("/api/v1/search", language=lg)
            get("/api/v1/search", language=lg, q="Nurbol Sarsenbaiuly")
            get("/", language=lg, q="Nurbol")
        for a, b in [
            (1990, 2000),
            (1996, 1996),
            (1997, 1997),
            (1998, 1998),
            (1999, 1999),
            (2017, 2023),
            (2019, 2019),
            (2021, 2021),
            (1900, 2030),
        ]:
            get("/api/v1/testimonies", year_from=a, year_to=b)
            get("/api/v1/search", year_from=a, year_to=b)
            get("/", year_from=a, year_to=b)
        for plat in ["youtube", "odysee", "zqvplatform"]:
            get("/api/v1/testimonies", source_platform=plat)
        for st in ["new", "queued", "transcribing", "transcribed", "failed"]:
            get("/api/v1/testimonies", status=st)
        for flag in ["true", "false"]:
            get("/api/v1/segments", edited=flag)
            get("/api/v1/transcripts", needs_review=flag)
        for task in ["transcribe", "translate"]:
            get("/api/v1/transcripts", task=task)
        get("/api/v1/transcripts", engine="import")
        get("/api/v1/segments", start_from=3, start_to=7)
        # search: every word, name and place of the public corpus, and the hidden tokens
        for w in self.words:
            get("/api/v1/search", q=w)
        for n in self.names + self.places + HIDDEN_SPELLINGS + HIDDEN_PLACES + HIDDEN_WORDS:
            get("/api/v1/search", q=n)
            get("/", q=n)
        for pl in self.places + HIDDEN_PLACES:
            get("/api/v1/search", place=pl)
            get("/api/v1/search", place=pl, q="camp")
        get("/api/v1/search", q="Nurbol", limit=1, offset=1)
        get("/api/v1/search", q="Nurbol", limit=100)
        get("/api/v1/search", q="")
        get("/api/v1/search")
        return reqs

    def match_rows(self):
        rows = [{"name": n} for n in self.names]
        rows += [{"name": n, "birth_year": 1901} for n in self.names[:8]]
        rows += [{"name": n, "birth_year": 1968, "place": "Shybarbulaq"} for n in self.names[:8]]
        rows += [{"name": n, "place": "Zqvbulaq"} for n in self.names[:6]]
        rows += [{"name": n, "place": "Zqvtau", "birth_year": 1905} for n in self.names[:6]]
        rows += [
            {"name": "Nurbol Sarsenbaiuly", "father_name": "Sarsenbai"},
            {"name": "Gulnar Abdrakhmanova", "birth_year": 1909},
            {"name": "Meruert Zhaksylykova", "birth_year": 1913},
            {"name": "Abdukerim Yaqup", "birth_year": 1911, "place": "Tashtöpe"},
            {"name": "Tursynzhan Mamanov", "birth_year": 1903},
        ]
        rows += [{"name": n} for n in HIDDEN_SPELLINGS]
        rows += [{"name": n} for n in self.places]
        return rows

    def post_requests(self):
        reqs = []
        rows = self.match_rows()
        allvals = row_values(rows)
        body = json.dumps({"rows": rows}, ensure_ascii=False).encode()
        reqs.append(
            (
                "POST /api/v1/people/match #all-rows",
                "POST",
                "/api/v1/people/match",
                body,
                {"Content-Type": "application/json"},
                allvals,
            )
        )
        for i, r in enumerate(rows):
            b = json.dumps({"rows": [r]}, ensure_ascii=False).encode()
            reqs.append(
                (
                    f"POST /api/v1/people/match #row{i} {json.dumps(r, ensure_ascii=False)}",
                    "POST",
                    "/api/v1/people/match",
                    b,
                    {"Content-Type": "application/json"},
                    row_values([r]),
                )
            )
        csv_text = "name,birth_year,place,father_name\n" + "".join(
            f'"{r["name"]}",{r.get("birth_year", "")},"{r.get("place", "")}","{r.get("father_name", "")}"\n'
            for r in rows
        )
        b, ct = multipart({}, {"file": ("list.csv", csv_text, "text/csv")})
        reqs.append(
            (
                "POST /api/v1/people/match #csv-upload",
                "POST",
                "/api/v1/people/match",
                b,
                {"Content-Type": ct},
                allvals,
            )
        )
        return reqs, csv_text


def row_values(rows):
    return sorted({str(v) for r in rows for v in r.values()})


def echo_values(key, req_values, extra=()):
    vals = set()
    path = key.split(" ")[1] if " " in key else ""
    for v in (
        list(req_values) + list(extra) + [path, path.split("?")[0], path.split("?")[0].lstrip("/")]
    ):
        if not v or len(v) < 3:
            continue
        vals |= {
            v,
            html.escape(v),
            html.escape(v, quote=True),
            urllib.parse.quote(v),
            urllib.parse.quote_plus(v),
            json.dumps(v, ensure_ascii=False)[1:-1],
        }
    return sorted(vals, key=len, reverse=True)


HREF_RE = re.compile(r'(?:href|src|action)="([^"]+)"')


def take_snapshot(name, client, plan, port):
    t0 = time.time()
    snap = Snapshot(name)
    reqs = plan.get_requests()
    posts, csv_text = plan.post_requests()

    def run(req):
        key, method, path, body, hdrs, vals = req
        status, rh, data = client.request(method, path, body, hdrs)
        snap.add(key, status, rh, data, vals)

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(run, reqs + posts))
    # list crawls, following `next` (default page size, and page_size=2)
    for lst in LISTS:
        for ps in [None, 2]:
            path = f"/api/v1/{lst}" + (f"?page_size={ps}" if ps else "")
            allres, n = [], 0
            while path and n < 200:
                status, rh, data = client.request("GET", path)
                snap.add(f"GET {path} #page{n}" if ps else f"GET {path}", status, rh, data, [])
                n += 1
                if status != 200:
                    break
                d = json.loads(data)
                allres += d["results"]
                nxt = d.get("next")
                path = (
                    urllib.parse.urlsplit(nxt)._replace(scheme="", netloc="").geturl()
                    if nxt
                    else None
                )
            snap.lists[(lst, ps)] = allres
            snap.out[f"LIST {lst} page_size={ps}"] = {
                "status": 200,
                "ctype": "application/json",
                "disp": "",
                "kind": "json",
                "body": json.dumps(allres, ensure_ascii=False, indent=1),
                "req": [],
            }
    # the /match/ page: GET for the CSRF cookie, then POST the CSV
    status, rh, data = client.request("GET", "/match/")
    cookie = rh.get("set-cookie", "")
    m = re.search(r"csrftoken=([^;]+)", cookie)
    tok = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', data.decode())
    if m and tok:
        b, ct = multipart(
            {"csrfmiddlewaretoken": tok.group(1)}, {"file": ("list.csv", csv_text, "text/csv")}
        )
        status, rh, data = client.request(
            "POST",
            "/match/",
            b,
            {
                "Content-Type": ct,
                "Cookie": f"csrftoken={m.group(1)}",
                "Referer": f"http://127.0.0.1:{port}/match/",
            },
        )
        snap.add("POST /match/ #csv-upload", status, rh, data, row_values(plan.match_rows()))
    else:
        snap.add("POST /match/ #csv-upload", 0, {}, b"no csrf token found", [])
    # crawl links found in pages, three rounds
    seen = {k.split(" ")[1] for k in snap.out if k.startswith("GET ") and not k.endswith("]")}
    for _round in range(3):
        new = set()
        for k, rec in list(snap.out.items()):
            if rec["kind"] != "html" or rec["status"] != 200:
                continue
            base = k.split(" ")[1] if k.startswith(("GET ", "POST ")) else "/"
            for href in HREF_RE.findall(rec["body"]):
                href = html.unescape(href)
                u = urllib.parse.urljoin(f"http://127.0.0.1:{port}{base}", href)
                sp = urllib.parse.urlsplit(u)
                if sp.netloc != f"127.0.0.1:{port}":
                    continue
                p = sp.path + (f"?{sp.query}" if sp.query else "")
                if p in seen or sp.path.startswith(SKIP_PREFIXES):
                    continue
                if _round > 0 and sp.path == "/" and sp.query:
                    continue  # facet links of facet links: combinatorial, one level is enough
                new.add(p)
        if not new:
            break
        seen |= new

        def crawl(p):
            status, rh, data = client.request("GET", p)
            vals = [v for _, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(p).query)]
            snap.add(f"GET {p}", status, rh, data, vals)

        with ThreadPoolExecutor(8) as ex:
            list(ex.map(crawl, sorted(new)))
    log(
        f"snapshot {name}: {len(snap.out)} outputs in {time.time() - t0:.0f}s "
        f"(requests so far {client.count}, throttled {client.throttled})"
    )
    return snap


# =========================================================================== checks
def secret_patterns(extra_tokens=()):
    pats = []
    for t in list(corpus.SECRET_TOKENS) + list(extra_tokens):
        pats.append((t, re.compile(re.escape(t), re.IGNORECASE)))
    for y in corpus.SECRET_YEARS:
        pats.append((str(y), re.compile(rf"(?<![0-9.]){y}(?![0-9])")))
    for c in ["12.3456", "65.4321", "3.25", "4.75"]:
        pats.append((c, re.compile(rf"(?<![0-9]){re.escape(c)}(?![0-9])")))
    return pats


def scan(snap, pats, label):
    big = re.compile("|".join(f"(?:{p.pattern})" for _, p in pats), re.IGNORECASE)
    found = []
    for key, rec in snap.out.items():
        body = rec["body"] + "\n" + rec["disp"]
        if not big.search(body):
            continue
        for v in echo_values(key, rec["req"]):  # the query echoed back is not a leak
            body = body.replace(v, " ")
        if key.startswith("POST"):
            body = re.sub(r'"query": \{[^}]*\}', "", body)
        for tok, pat in pats:
            m = pat.search(body)
            if m:
                a, b = max(0, m.start() - 80), m.end() + 80
                found.append(
                    {
                        "snapshot": snap.name,
                        "check": label,
                        "token": tok,
                        "url": key,
                        "status": rec["status"],
                        "excerpt": body[a:b].replace("\n", " "),
                    }
                )
    return found


def sort_deep(o):
    if isinstance(o, dict):
        return {k: sort_deep(v) for k, v in o.items()}
    if isinstance(o, list):
        return sorted(
            (sort_deep(x) for x in o),
            key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False),
        )
    return o


def order_insensitive_equal(a, b, kind):
    if kind == "json":
        try:
            return sort_deep(json.loads(a)) == sort_deep(json.loads(b))
        except ValueError:
            pass
    return sorted(a.splitlines()) == sorted(b.splitlines())


ID_RE = re.compile(r"\d+|cursor=[^&\"\s]+|cursor%3D[^&\"\s]+")


def classify(a, b, kind):
    if a == b:
        return None
    if order_insensitive_equal(a, b, kind):
        return "order-only"
    if ID_RE.sub("N", a) == ID_RE.sub("N", b):
        return "ids-only"
    return "content"


def diff_excerpt(a, b, n=6):
    lines = [
        x
        for x in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if not x.startswith(("---", "+++", "@@"))
    ]
    out = lines[:n]
    return [x[:300] for x in out] + (
        [f"... {len(lines) - n} more diff lines"] if len(lines) > n else []
    )


def compare(sa, sb, label, ignore_keys=()):
    diffs = []
    keys = sorted(set(sa.out) | set(sb.out))
    compared = 0
    for k in keys:
        if k in ignore_keys:
            continue
        ra, rb = sa.out.get(k), sb.out.get(k)
        if ra is None or rb is None:
            present = rb if ra is None else ra
            diffs.append(
                {
                    "compare": label,
                    "url": k,
                    "kind": f"only in {sb.name if ra is None else sa.name}",
                    "status": present["status"],
                    "excerpt": present["body"][:300],
                }
            )
            continue
        compared += 1
        if (ra["status"], ra["ctype"], ra["disp"]) != (rb["status"], rb["ctype"], rb["disp"]):
            diffs.append(
                {
                    "compare": label,
                    "url": k,
                    "kind": "status/headers",
                    "before": [ra["status"], ra["ctype"], ra["disp"]],
                    "after": [rb["status"], rb["ctype"], rb["disp"]],
                    "excerpt": diff_excerpt(ra["body"], rb["body"]),
                }
            )
        elif ra["body"] != rb["body"]:
            kind = classify(ra["body"], rb["body"], ra["kind"])
            diffs.append(
                {
                    "compare": label,
                    "url": k,
                    "kind": kind,
                    "excerpt": diff_excerpt(ra["body"], rb["body"]),
                }
            )
    return compared, diffs


def five_xx(snap):
    return [
        {"snapshot": snap.name, "url": k, "status": r["status"], "excerpt": r["body"][:300]}
        for k, r in snap.out.items()
        if r["status"] >= 500 or r["status"] == 0
    ]


# ---- renumbering for S4 (the re-imported testimony gets new segment/transcript/event ids)
def id_maps(s_old, s_new):
    def keyed(snap, lst, keyf):
        return {keyf(o): o["id"] for o in snap.lists.get((lst, None), [])}

    seg_k = lambda o: (o["testimony"], o["index"])
    tr_k = lambda o: (o["testimony"], o["engine"], o["language"], o["task"])
    maps = {}
    for lst, kf in [("segments", seg_k), ("transcripts", tr_k)]:
        old, new = keyed(s_old, lst, kf), keyed(s_new, lst, kf)
        maps[lst] = {new[k]: old[k] for k in new if k in old and new[k] != old[k]}
    segmap = maps["segments"]
    ev_k = lambda o: (
        o["testimony"],
        o["kind"],
        o["date"],
        o["person"],
        o["place"],
        segmap.get(o["segment"], o["segment"]),
    )
    old, new = keyed(s_old, "events", ev_k), keyed(s_new, "events", ev_k)
    # keyed by old segment id on the old side: rebuild the old key with the identity map
    old = {
        (o["testimony"], o["kind"], o["date"], o["person"], o["place"], o["segment"]): o["id"]
        for o in s_old.lists.get(("events", None), [])
    }
    maps["events"] = {new[k]: old[k] for k in new if k in old and new[k] != old[k]}
    return maps


def remap_snapshot(snap, maps, mask_created_for):
    out = Snapshot(snap.name + "(renumbered)")
    out.lists = snap.lists
    seg, tr, ev = maps["segments"], maps["transcripts"], maps["events"]

    def walk(o):
        if isinstance(o, dict):
            o = {k: walk(v) for k, v in o.items()}
            if {"transcript", "index", "testimony", "start"} <= set(o):
                o["id"] = seg.get(o["id"], o["id"])
                o["transcript"] = tr.get(o["transcript"], o["transcript"])
            if {"engine", "segments", "testimony"} <= set(o):
                o["id"] = tr.get(o["id"], o["id"])
            if {"kind", "date_precision", "testimony"} <= set(o):
                o["id"] = ev.get(o["id"], o["id"])
                if o.get("segment") is not None:
                    o["segment"] = seg.get(o["segment"], o["segment"])
            if "created_at" in o and (
                "*" in mask_created_for or o.get("testimony") in mask_created_for
            ):
                o["created_at"] = "<import time>"
            return o
        if isinstance(o, list):
            return [walk(x) for x in o]
        return o

    for k, rec in snap.out.items():
        rec = dict(rec)
        m = re.match(r"GET /api/v1/(segments|transcripts|events)/(\d+)$", k)
        if m:
            i = int(m.group(2))
            mp = maps[m.group(1)]
            if i in mp:
                k = f"GET /api/v1/{m.group(1)}/{mp[i]}"
            elif i in mp.values():
                continue  # the old id, now gone: its content moved to the new id
        if rec["kind"] == "json":
            try:
                rec["body"] = json.dumps(
                    walk(json.loads(rec["body"])), ensure_ascii=False, indent=1
                )
            except ValueError:
                pass
        out.out[k] = rec
    return out


def mask_created(snap, exts):
    return remap_snapshot(snap, {"segments": {}, "transcripts": {}, "events": {}}, exts)


# ---- model check for S3: S0 minus the claims of the unpublished testimony
def model_check_unpublished(s0, s3, ext):
    problems = []
    s3_people = {o["id"]: o for o in s3.lists.get(("people", None), [])}
    s3_places = {o["id"]: o for o in s3.lists.get(("places", None), [])}
    for lst, cur, namefield in [("people", s3_people, "names"), ("places", s3_places, "aliases")]:
        for o in s0.lists.get((lst, None), []):
            rest = [t for t in o["testimonies"] if t != ext]
            det = s3.out.get(f"GET /api/v1/{lst}/{o['id']}")
            page = s3.out.get(f"GET /{lst}/{o['id']}/")
            if not rest:
                if (
                    o["id"] in cur
                    or (det and det["status"] != 404)
                    or (page and page["status"] != 404)
                ):
                    problems.append(
                        {
                            "check": "unpublished-model",
                            "url": f"/api/v1/{lst}/{o['id']}",
                            "problem": f"{lst[:-1]} named only in {ext} is still public",
                            "excerpt": (det or {}).get("body", "")[:400],
                        }
                    )
                continue
            now = cur.get(o["id"])
            if now is None:
                problems.append(
                    {
                        "check": "unpublished-model",
                        "url": f"/api/v1/{lst}/{o['id']}",
                        "problem": "still publicly named elsewhere but gone",
                    }
                )
                continue
            exp_ev = []
            for e in o["evidence"]:
                ts = [t for t in e["testimonies"] if t != ext]
                if ts or e.get("decided"):
                    exp_ev.append({**e, "testimonies": ts})
            if sort_deep(exp_ev) != sort_deep(now["evidence"]):
                problems.append(
                    {
                        "check": "unpublished-model",
                        "url": f"/api/v1/{lst}/{o['id']}",
                        "problem": "evidence differs from S0 minus the unpublished testimony",
                        "expected": exp_ev,
                        "actual": now["evidence"],
                    }
                )
            if sorted(rest) != sorted(now["testimonies"]):
                problems.append(
                    {
                        "check": "unpublished-model",
                        "url": f"/api/v1/{lst}/{o['id']}",
                        "problem": "testimonies list",
                        "expected": rest,
                        "actual": now["testimonies"],
                    }
                )
            exp_names = {e["value"] for e in exp_ev if e["field"] == "name"}
            now_names = {n["name"] for n in now[namefield]}
            if exp_names and exp_names != now_names:
                problems.append(
                    {
                        "check": "unpublished-model",
                        "url": f"/api/v1/{lst}/{o['id']}",
                        "problem": "spellings",
                        "expected": sorted(exp_names),
                        "actual": sorted(now_names),
                    }
                )
            for fld in (
                ["status", "birth_year", "gender", "ethnicity"]
                if lst == "people"
                else ["type", "coordinates"]
            ):
                vals = {e["value"] for e in exp_ev if e["field"] == fld}
                actual = now.get(fld)
                if fld == "coordinates":
                    actual = (
                        f"{now['latitude']},{now['longitude']}"
                        if now.get("latitude") is not None
                        else None
                    )
                if len(vals) == 1:
                    if str(actual) != next(iter(vals)):
                        problems.append(
                            {
                                "check": "unpublished-model",
                                "url": f"/api/v1/{lst}/{o['id']}",
                                "problem": f"{fld} not the remaining public claim",
                                "expected": next(iter(vals)),
                                "actual": actual,
                            }
                        )
                elif not vals and actual not in (None, "", "unknown", "other"):
                    problems.append(
                        {
                            "check": "unpublished-model",
                            "url": f"/api/v1/{lst}/{o['id']}",
                            "problem": f"{fld} shown although no public claim remains",
                            "actual": actual,
                            "s0_value": o.get(fld),
                        }
                    )
    # events and testimonies of the unpublished testimony are gone
    for lst in ["events", "segments", "transcripts", "testimonies"]:
        left = [
            o
            for o in s3.lists.get((lst, None), [])
            if (o.get("testimony") if lst != "testimonies" else o.get("external_id")) == ext
        ]
        if left:
            problems.append(
                {
                    "check": "unpublished-model",
                    "url": f"/api/v1/{lst}",
                    "problem": f"{len(left)} {lst} of {ext} still listed",
                }
            )
    exp = [o["id"] for o in s0.lists.get(("events", None), []) if o["testimony"] != ext]
    got = [o["id"] for o in s3.lists.get(("events", None), [])]
    if sorted(exp) != sorted(got):
        problems.append(
            {
                "check": "unpublished-model",
                "url": "/api/v1/events",
                "problem": "event ids differ from S0 minus the unpublished testimony",
                "expected": exp,
                "actual": got,
            }
        )
    return problems


# =========================================================================== main
def researcher_control(arch, client, stage):
    """Positive control: the hidden records are really there (a researcher token sees the
    restricted ones), so identical public output is not vacuous."""
    r, _ = arch.manage("api_token", "issue", f"hp-researcher-{stage}", "--create")
    token = r.stdout.strip().splitlines()[-1].strip()
    h = {"Authorization": f"Token {token}"}
    res = {}
    for e in corpus.HIDDEN_EXT_IDS:
        st, _, _ = client.request("GET", f"/api/v1/testimonies/{e}", headers=h)
        res[f"researcher GET testimonies/{e}"] = st
    st, _, data = client.request("GET", q("/api/v1/search", q="Zqvkerim"), headers=h)
    res["researcher search Zqvkerim total"] = json.loads(data).get("total") if st == 200 else st
    st, _, data = client.request("GET", "/api/v1/people?page_size=1000", headers=h)
    if st == 200:
        ppl = json.loads(data)["results"]
        res["researcher people count"] = len(ppl)
        nb = next((p for p in ppl if p["id"] == 1), None)
        if nb:
            res["researcher sees person 1 spellings"] = [n["name"] for n in nb["names"]]
            res["researcher sees person 1 status/birth_year"] = [nb["status"], nb["birth_year"]]
    return res


def phase5_fetch(client, label):
    """Targeted outputs about the phase-5 public testimony."""
    out = {}
    e = corpus.PUBLIC_LATER["external_id"]
    st, _, data = client.request("GET", f"/api/v1/testimonies/{e}")
    t = json.loads(data) if st == 200 else {}
    out["testimony status"] = st
    out["testimony id"] = t.get("id")
    out["people ids in testimony"] = t.get("people")
    st, _, data = client.request("GET", f"/t/{e}/")
    page = data.decode()
    m = re.search(r"<h2>People</h2>\s*<ul>(.*?)</ul>", page, re.S)
    out["people on page, in order"] = (
        re.findall(r'dir="auto">([^<]+)</a>', m.group(1)) if m else None
    )
    st, _, data = client.request("GET", "/api/v1/export.jsonl")
    for line in data.decode().splitlines():
        rec = json.loads(line)
        if rec["external_id"] == e:
            out["people in export, in order"] = [p["names"][0] for p in rec["people"]]
    names = {}
    for pid in t.get("people") or []:
        st, _, data = client.request("GET", f"/api/v1/people/{pid}")
        if st == 200:
            p = json.loads(data)
            names[p["primary_name"]] = {
                k: p[k] for k in ("id", "status", "birth_year", "testimonies")
            }
            names[p["primary_name"]]["spellings"] = [n["name"] for n in p["names"]]
    out["people"] = names
    st, _, data = client.request("GET", q("/api/v1/search", q="Ярослав Пунктов"))
    out["search Ярослав Пунктов total"] = json.loads(data).get("total") if st == 200 else st
    st, _, data = client.request(
        "POST",
        "/api/v1/people/match",
        json.dumps(
            {"rows": [{"name": "Ярослав Пунктов", "birth_year": 1931}, {"name": "Aaqv Zqvorder"}]}
        ).encode(),
        {"Content-Type": "application/json"},
    )
    out["match: [Ярослав Пунктов with the hidden birth year], [the hidden spelling]"] = (
        [
            [(c["primary_name"], c["score"], c["reasons"]) for c in r["candidates"]]
            for r in json.loads(data)["results"]
        ]
        if st == 200
        else st
    )
    log(f"phase 5 ({label}):", json.dumps(out, ensure_ascii=False)[:600])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true", help="keep the temp archives and snapshots")
    args = ap.parse_args()
    t_start = time.time()
    report = {"leaks": [], "differences": [], "five_xx": [], "model": [], "controls": {}}
    snaps = {}
    arch = Archive(keep=args.keep)
    try:
        arch.start()
        client = Client(arch.port)
        arch.import_records(corpus.PUBLIC, "public")
        maxes = {}
        for lst in LISTS:
            st, _, data = client.request("GET", f"/api/v1/{lst}?page_size=1000")
            maxes[lst] = max([o.get("id", 0) for o in json.loads(data)["results"]] + [0])
        plan = Plan(maxes)  # fixed from here on: the same requests for every snapshot
        snaps["S0"] = take_snapshot("S0", client, plan, arch.port)

        arch.import_records(corpus.HIDDEN_1, "hidden-1")
        report["controls"]["after hidden-1"] = researcher_control(arch, client, 1)
        snaps["S1"] = take_snapshot("S1", client, plan, arch.port)
        arch.import_records(corpus.hidden_round_2(), "hidden-2")
        report["controls"]["after hidden-2"] = researcher_control(arch, client, 2)
        snaps["S2"] = take_snapshot("S2", client, plan, arch.port)

        t3 = copy.deepcopy(next(r for r in corpus.PUBLIC if r["external_id"] == T3))
        t3["visibility"] = "restricted"
        arch.import_records([t3], "t3-restricted")
        snaps["S3"] = take_snapshot("S3", client, plan, arch.port)
        t3["visibility"] = "draft"
        arch.import_records([t3], "t3-draft")
        snaps["S3b"] = take_snapshot("S3b", client, plan, arch.port)
        t3["visibility"] = "public"
        arch.import_records([t3], "t3-public-again")
        snaps["S4"] = take_snapshot("S4", client, plan, arch.port)

        arch.import_records([corpus.HIDDEN_FIRST], "phase5-hidden-first")
        arch.import_records([corpus.PUBLIC_LATER], "phase5-public-later")
        p5_main = phase5_fetch(client, "main")
        report["requests_main"] = client.count
        report["throttled_and_retried"] = client.throttled
        report["imports"] = list(arch.imports)
    finally:
        arch.stop()

    # control archive: the same public history without any hidden record
    ctl = Archive(keep=args.keep)
    try:
        ctl.start()
        cclient = Client(ctl.port)
        ctl.import_records(corpus.PUBLIC, "public")
        t3 = copy.deepcopy(next(r for r in corpus.PUBLIC if r["external_id"] == T3))
        t3["visibility"] = "restricted"
        ctl.import_records([t3], "t3-restricted")
        snaps["C3"] = take_snapshot("C3", cclient, plan, ctl.port)
        t3["visibility"] = "public"
        ctl.import_records([t3], "t3-public-again")
        snaps["C4"] = take_snapshot("C4", cclient, plan, ctl.port)
        ctl.import_records([corpus.PUBLIC_LATER], "phase5-public-later")
        p5_ctl = phase5_fetch(cclient, "control")
        report["requests_control"] = cclient.count
        report["imports"] += [dict(x, archive="control") for x in ctl.imports]
        for name in ["C3", "C4"]:  # the port differs: use the main archive's in the outputs
            for rec in snaps[name].out.values():
                rec["body"] = rec["body"].replace(f"127.0.0.1:{ctl.port}", f"127.0.0.1:{arch.port}")
    finally:
        ctl.stop()

    t_cmp = time.time()
    # ---- secret tokens
    base_pats = secret_patterns()
    report["baseline_false_positives_S0"] = scan(snaps["S0"], base_pats, "secret tokens")
    for name in ["S1", "S2", "S3", "S3b", "S4"]:
        report["leaks"] += scan(snaps[name], base_pats, "secret tokens")
    pub3 = [(t, re.compile(re.escape(t), re.IGNORECASE)) for t in corpus.PUB3_ONLY_TOKENS]
    for name in ["S3", "S3b", "C3"]:
        report["leaks"] += scan(
            snaps[name], pub3, f"tokens only {T3} carries, while it is not public"
        )
    p5_text = json.dumps(p5_main, ensure_ascii=False)
    for tok in ["zqv", "Aaqv", "1931", "1995", "hp-hid", "deceased"]:
        i = p5_text.lower().find(tok.lower())
        if i >= 0:
            report["leaks"].append(
                {
                    "snapshot": "phase5 (main)",
                    "token": tok,
                    "excerpt": p5_text[max(0, i - 200) : i + 200],
                }
            )
    # ---- differences
    counts = {}
    for a, b in [("S0", "S1"), ("S0", "S2"), ("S3", "S3b")]:
        n, d = compare(snaps[a], snaps[b], f"{a} vs {b}")
        counts[f"{a} vs {b}"] = n
        report["differences"] += d
    n, d = compare(
        mask_created(snaps["C3"], {"*"}),
        mask_created(snaps["S3"], {"*"}),
        "C3 vs S3 (control without hidden records vs main, T3 restricted)",
    )
    counts["C3 vs S3"] = n
    report["differences"] += d
    # S4 / C4: the re-imported testimony has new segment, transcript and event ids: map
    # them back to S0's by content (testimony + index, ...), then compare
    maps = id_maps(snaps["S0"], snaps["S4"])
    cmaps = id_maps(snaps["S0"], snaps["C4"])
    report["s4_renumbering"] = {k: {str(a): b for a, b in v.items()} for k, v in maps.items()}
    report["c4_renumbering"] = {k: {str(a): b for a, b in v.items()} for k, v in cmaps.items()}
    s4r = remap_snapshot(snaps["S4"], maps, {"*"})
    c4r = remap_snapshot(snaps["C4"], cmaps, {"*"})
    s0m = mask_created(snaps["S0"], {"*"})
    n, d = compare(
        c4r, s4r, "C4 vs S4 (control without hidden records vs main, T3 public again; ids mapped)"
    )
    counts["C4 vs S4"] = n
    for x in d:
        if "#page" in x["url"]:
            x["note"] = (
                "page boundaries of a list (cursor positions follow ids); whole lists compared as LIST"
            )
    report["differences"] += d
    n, d = compare(
        s0m, s4r, "S0 vs S4 (before vs after T3 unpublished and republished; ids mapped)"
    )
    counts["S0 vs S4"] = n
    for x in d:
        c, m4 = c4r.out.get(x["url"]), s4r.out.get(x["url"])
        x["same_in_control"] = bool(
            c and m4 and c["body"] == m4["body"] and c["status"] == m4["status"]
        )
        if "#page" in x["url"]:
            x["note"] = (
                "page boundaries of a list (cursor positions follow ids); whole lists compared as LIST"
            )
    report["differences"] += d
    report["phase5"] = {
        "main (hidden record named p-ord-a first)": p5_main,
        "control (no hidden record)": p5_ctl,
    }
    report["model"] = model_check_unpublished(snaps["S0"], snaps["S3"], T3)
    report["model_control"] = model_check_unpublished(snaps["S0"], snaps["C3"], T3)
    for name, sn in snaps.items():
        report["five_xx"] += five_xx(sn)
    report["outputs_per_snapshot"] = {k: len(v.out) for k, v in snaps.items()}
    report["outputs_compared"] = counts
    words, names, places = corpus_words()
    report["corpus"] = {
        "public_testimonies": len(corpus.PUBLIC),
        "public_people_in_archive": len(snaps["S0"].lists[("people", None)]),
        "public_places_in_archive": len(snaps["S0"].lists[("places", None)]),
        "public_segments": len(snaps["S0"].lists[("segments", None)]),
        "public_events": len(snaps["S0"].lists[("events", None)]),
        "public_person_spellings": len(names),
        "public_place_spellings": len(places),
        "search_words": len(words),
        "hidden_testimonies": len(corpus.hidden_round_2()) + 1,
    }
    status_summary = {}
    for k, r in snaps["S0"].out.items():
        status_summary[str(r["status"])] = status_summary.get(str(r["status"]), 0) + 1
    report["s0_status_codes"] = status_summary
    report["s0_people"] = [
        {k: o[k] for k in ("id", "primary_name", "status", "birth_year", "gender", "testimonies")}
        for o in snaps["S0"].lists[("people", None)]
    ]
    report["s0_places"] = [
        {k: o[k] for k in ("id", "name", "type", "latitude", "longitude", "testimonies")}
        for o in snaps["S0"].lists[("places", None)]
    ]
    if args.keep:
        dump_dir = Path(arch.tmp) / "snapshots"
        dump_dir.mkdir(exist_ok=True)
        for name, sn in snaps.items():
            (dump_dir / f"{name}.json").write_text(json.dumps(sn.out, ensure_ascii=False, indent=1))
        report["snapshots_kept_in"] = str(dump_dir)
    report["compare_seconds"] = round(time.time() - t_cmp)
    report["runtime_s"] = round(time.time() - t_start)
    (HERE / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    write_md(report)
    log("done in", report["runtime_s"], "s")
    print(
        json.dumps(
            {
                k: report.get(k)
                for k in (
                    "corpus",
                    "outputs_per_snapshot",
                    "outputs_compared",
                    "requests_main",
                    "requests_control",
                    "throttled_and_retried",
                    "phase5",
                )
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    by = {}
    for x in report["differences"]:
        by.setdefault(x["compare"].split(" (")[0], {}).setdefault(x["kind"], 0)
        by[x["compare"].split(" (")[0]][x["kind"]] += 1
    print(
        "leaks:",
        len(report["leaks"]),
        "differences:",
        json.dumps(by, ensure_ascii=False),
        "5xx:",
        len(report["five_xx"]),
        "model problems:",
        len(report["model"]),
        "control model problems:",
        len(report["model_control"]),
    )


def write_md(r):
    L = ["# Held-out privacy probe: report", ""]
    L.append(
        f"Runtime {r.get('runtime_s')} s; requests main {r.get('requests_main')}, control "
        f"{r.get('requests_control')}; throttled and retried from another address "
        f"{r.get('throttled_and_retried')}."
    )
    L.append("")
    L.append("Corpus: " + json.dumps(r.get("corpus"), ensure_ascii=False))
    L.append("")
    L.append("Outputs per snapshot: " + json.dumps(r.get("outputs_per_snapshot")))
    L.append("Outputs compared: " + json.dumps(r.get("outputs_compared")))
    L.append("S0 status codes: " + json.dumps(r.get("s0_status_codes")))
    L.append("")
    L.append(
        "Positive controls (researcher token): " + json.dumps(r.get("controls"), ensure_ascii=False)
    )
    L.append("")
    L.append("## phase 5 (hidden record names a person first, then a public one)")
    L.append("```")
    L.append(json.dumps(r.get("phase5"), ensure_ascii=False, indent=1))
    L.append("```")
    L.append("")
    for sect in ["leaks", "differences", "five_xx", "model", "model_control"]:
        items = r.get(sect, [])
        L.append(f"## {sect} ({len(items)})")
        for x in items[:300]:
            L.append("- " + json.dumps(x, ensure_ascii=False)[:1500])
        L.append("")
    (HERE / "report.md").write_text("\n".join(L))


if __name__ == "__main__":
    main()
