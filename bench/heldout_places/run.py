#!/usr/bin/env python3
"""Held-out cross-script PLACE search evaluation (heldout18), run black-box against an archive.

What it does, in order:
  1. reads places.json (next to this file) and checks it;
  2. writes OUT/heldout18-import.jsonl (one PUBLIC testimony per sentence, in the format of
     docs/import-format.md) and OUT/queries.json (every query with its expected testimonies);
  3. prints the `manage.py import_testimonies` command, or runs it with --manage "PREFIX";
  4. with --base URL: checks that the archive answers and holds the import, then sends every
     query to GET /api/v1/search (q=<name>, limit=20) and writes OUT/results.json and a table:
     recall@20 overall, by query script -> testimony script and by language pair, by how the
     sentence names the place (inflected or not), and false matches of the no-place sentences.

A query is one spelling of one place, typed bare (Ghulja, Құлжа, غۇلجا, 伊宁...). Its expected
hits are that place's testimonies in the OTHER languages (a spelling listed for several
languages, e.g. Текес for Kazakh and Russian, expects none of them). Standard library only.

Examples:
  python3 run.py                                   # build the files, print the import command
  python3 run.py --manage ".venv/bin/python manage.py" --manage-cwd /path/to/archive \\
                 --base http://127.0.0.1:8000 --token abc123
  python3 run.py --base http://127.0.0.1:8000 --token abc123     # after importing by hand
  python3 run.py --base http://127.0.0.1:8000 --mode both        # also the `place` filter
"""

from __future__ import annotations

import argparse
import email.utils
import json
import os
import shlex
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "ho18-"
LANG_SCRIPT = {"kk": "cyrl", "ru": "cyrl", "ug": "arab", "zh": "hani", "en": "latn"}
NAME_KEY_LANG = {"latn": "en", "kk": "kk", "ru": "ru", "ug": "ug", "zh": "zh"}
LANGS = ("latn", "kk", "ru", "ug", "zh")
SEARCH_PATH = "/api/v1/search"
TESTIMONY_PATH = "/api/v1/testimonies/"


class Fatal(Exception):
    """An error that stops the run with a clear message (exit status 2)."""


# ----------------------------------------------------------------------------- data


def load_data(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise Fatal(f"data file not found: {path}")
    except json.JSONDecodeError as e:
        raise Fatal(f"{path} is not valid JSON: {e}")
    problems = check_data(data)
    if problems:
        raise Fatal(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return data


def _fold(s):
    return unicodedata.normalize("NFC", s).casefold()


def _is_han(s):
    return any("\u3400" <= ch <= "\u9fff" for ch in s)


def _words(text):
    out, cur = [], []
    for ch in _fold(text):
        if ch.isalpha() or unicodedata.category(ch) == "Mn":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def check_data(data, warnings=None):
    """Consistency of places.json: ids, people, mentions, no stray place names.

    Errors are returned; near misses (a word of a sentence starting with another place's
    name, e.g. Уч-Турфан / Турфан, Niyaz / Niya) are appended to `warnings` when given."""
    problems = []
    seen_ids, seen_people = set(), set()
    all_names = []  # (place id, name)
    for p in data.get("places", []):
        for key in p["names"]:
            if key not in LANGS:
                problems.append(f"{p['id']}: unknown name key {key!r}")
            for n in p["names"][key]:
                all_names.append((p["id"], n))
        if not 2 <= len(p["sentences"]) <= 5:
            problems.append(f"{p['id']}: {len(p['sentences'])} sentences")
    for p in data.get("places", []):
        for s in p["sentences"]:
            sid, text = s["id"], s["text"]
            if sid in seen_ids:
                problems.append(f"duplicate id {sid}")
            seen_ids.add(sid)
            if s["lang"] not in LANG_SCRIPT:
                problems.append(f"{sid}: language {s['lang']!r}")
            if s["person"] in seen_people:
                problems.append(f"{sid}: person {s['person']!r} used twice")
            seen_people.add(s["person"])
            if s["mention"] not in text:
                problems.append(f"{sid}: mention {s['mention']!r} not in text")
            key = "latn" if s["lang"] == "en" else s["lang"]
            names = p["names"].get(key, [])
            if not any(
                s["mention"] == n or s["mention"].startswith(n[:-1] if len(n) > 3 else n)
                for n in names
            ):
                problems.append(f"{sid}: mention {s['mention']!r} is none of {names}")
            words = _words(text)
            for pid, n in all_names:
                if pid == p["id"]:
                    continue
                if _is_han(n):
                    if n in text:
                        problems.append(f"{sid}: also contains {n!r} (a name of {pid})")
                elif _fold(n) in words:
                    problems.append(f"{sid}: also contains the word {n!r} (a name of {pid})")
                elif warnings is not None and any(w.startswith(_fold(n)) for w in words):
                    warnings.append(f"{sid}: a word starts with {n!r} (a name of {pid})")
    for s in data.get("no_place", []):
        if s["id"] in seen_ids:
            problems.append(f"duplicate id {s['id']}")
        seen_ids.add(s["id"])
        if s["person"] in seen_people:
            problems.append(f"{s['id']}: person {s['person']!r} used twice")
        seen_people.add(s["person"])
    return problems


def all_sentences(data):
    for p in data["places"]:
        for s in p["sentences"]:
            yield p["id"], s
    for s in data["no_place"]:
        yield None, s


def build_queries(data):
    """One query per distinct spelling of each place; expected = other-language testimonies."""
    queries = []
    for p in data["places"]:
        langs_of = defaultdict(set)  # spelling -> languages that list it
        order = []
        for key in LANGS:
            for n in p["names"].get(key, []):
                if n not in langs_of:
                    order.append(n)
                langs_of[n].add(NAME_KEY_LANG[key])
        for n in order:
            qlangs = sorted(langs_of[n])
            script = LANG_SCRIPT[qlangs[0]]
            expected = [s["id"] for s in p["sentences"] if s["lang"] not in langs_of[n]]
            same = [s["id"] for s in p["sentences"] if s["lang"] in langs_of[n]]
            if not expected:
                continue
            queries.append(
                {
                    "id": f"{p['id']}:{n}",
                    "place": p["id"],
                    "query": n,
                    "query_langs": qlangs,
                    "query_script": script,
                    "expected": expected,
                    "same_language": same,
                }
            )
    return queries


def mention_kind(p, s):
    """'bare' when the sentence writes a listed spelling as is, else 'inflected'."""
    key = "latn" if s["lang"] == "en" else s["lang"]
    return "bare" if s["mention"] in p["names"].get(key, []) else "inflected"


# ------------------------------------------------------------------------- import file

WITNESSES = {
    "kk": [
        "Айгүл Сапарқызы",
        "Бағдат Оспанұлы",
        "Гүлмира Төлеген",
        "Жандос Әміров",
        "Ләззат Мұратқызы",
    ],
    "ru": ["Светлана Ким", "Ержан Байтенов", "Галина Рахимова", "Олжас Мусин"],
    "ug": ["گۈلبەھرە ئابدۇرازاق", "ئىلشات مەخمۇت", "مۇقەددەس ئوبۇل", "پەرھات يۈسۈپ"],
    "zh": ["古丽扎尔·吐尔地", "哈依拉提·努尔", "玛丽亚·叶森", "沙拉提·阿依登"],
    "en": ["Zhanar Bekmurat", "Dilnur Abdurakhman", "Askar Tulegen", "Mehray Tohti"],
}


def build_import_lines(data):
    lines = []
    n = 0
    for pid, s in all_sentences(data):
        n += 1
        pool = WITNESSES[s["lang"]]
        rec = {
            "external_id": s["id"],
            "title": f"Held-out set 18, testimony {n:03d}",
            "language": s["lang"],
            "visibility": "public",
            "recorded_on": f"{2019 + n % 4}-{1 + n % 12:02d}",
            "witness": {"name": pool[n % len(pool)], "relation": s.get("relation", "relative")},
            "segments": [
                {"start": 0.0, "end": round(2.0 + len(s["text"]) / 12.0, 1), "text": s["text"]}
            ],
        }
        lines.append(json.dumps(rec, ensure_ascii=False))
    return lines


# ------------------------------------------------------------------------------- HTTP


class Client:
    def __init__(
        self,
        base,
        token=None,
        timeout=30.0,
        delay=0.0,
        max_retries=8,
        max_wait=120.0,
        verbose=False,
    ):
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.delay = delay
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.verbose = verbose
        self.requests = 0
        self.throttled = 0

    def get(self, path, params=None):
        """GET base+path; returns (status, parsed JSON or text). Retries 429/502/503/504."""
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Accept": "application/json", "User-Agent": "heldout18-runner/1"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        attempt = 0
        while True:
            attempt += 1
            if self.delay:
                time.sleep(self.delay)
            self.requests += 1
            req = urllib.request.Request(url, headers=headers, method="GET")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    return r.status, _parse_body(r.read(), r.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as e:
                body = _parse_body(e.read(), e.headers.get("Content-Type", "") if e.headers else "")
                if e.code in (429, 502, 503, 504) and attempt <= self.max_retries:
                    wait = _retry_after(e.headers.get("Retry-After") if e.headers else None)
                    if wait is None:
                        wait = min(2**attempt, 30)
                    if e.code == 429:
                        self.throttled += 1
                    if wait > self.max_wait:
                        raise Fatal(
                            f"{url}: HTTP {e.code}, Retry-After {wait:.0f}s is more than "
                            f"--max-wait {self.max_wait:.0f}s (use a researcher --token)"
                        )
                    print(
                        f"  HTTP {e.code}; waiting {wait:.1f}s (try {attempt}/{self.max_retries})",
                        file=sys.stderr,
                    )
                    time.sleep(wait)
                    continue
                return e.code, body
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
                reason = getattr(e, "reason", e)
                if attempt <= 2 and not isinstance(reason, ConnectionRefusedError):
                    time.sleep(2 * attempt)
                    continue
                raise Fatal(f"cannot reach {url}: {reason}. Is the archive running at {self.base}?")


def _parse_body(raw, ctype):
    text = raw.decode("utf-8", "replace")
    if "json" in (ctype or "") or text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def _retry_after(value):
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def _short(body, n=300):
    s = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "…"


def check_server(client, sample_ids, skip_presence):
    status, body = client.get(SEARCH_PATH, {"q": "test", "limit": 1})
    if status in (401, 403):
        raise Fatal(
            f"search refused with HTTP {status}: {_short(body)}. Check --token "
            "(sent as 'Authorization: Token <t>') or drop it for anonymous access."
        )
    if status == 404:
        raise Fatal(
            f"{client.base}{SEARCH_PATH} answered 404: is --base the archive root "
            "(e.g. http://127.0.0.1:8000, without /api/v1)?"
        )
    if status == 503:
        raise Fatal(f"search unavailable (503): {_short(body)}. Is Meilisearch running?")
    if status != 200 or not isinstance(body, dict) or "hits" not in body:
        raise Fatal(f"unexpected answer from {SEARCH_PATH}: HTTP {status}: {_short(body)}")
    if skip_presence:
        return
    missing = []
    for sid in sample_ids:
        st, b = client.get(TESTIMONY_PATH + urllib.parse.quote(sid))
        if st == 404:
            missing.append(sid)
        elif st != 200:
            raise Fatal(f"{TESTIMONY_PATH}{sid}: HTTP {st}: {_short(b)}")
    if missing:
        raise Fatal(
            "the archive does not hold (as public) the held-out testimonies "
            f"{', '.join(missing)}: run the import command printed above first "
            "(or pass --imported to skip this check)."
        )


def run_query(client, q, mode, limit):
    params = {"limit": limit}
    if mode == "q":
        params["q"] = q["query"]
    else:
        params["place"] = q["query"]
    status, body = client.get(SEARCH_PATH, params)
    if status != 200 or not isinstance(body, dict):
        return None, f"HTTP {status}: {_short(body)}"
    hits = body.get("hits") or []
    ranked = []
    for h in hits[:limit]:
        t = h.get("testimony") if isinstance(h, dict) else None
        if t and t not in ranked:
            ranked.append(t)
    return {"ranked": ranked, "total": body.get("total"), "n_hits": len(hits)}, None


# ----------------------------------------------------------------------------- scoring


def score(data, queries, answers, limit):
    sent = {}
    kind = {}
    place_of = {}
    for p in data["places"]:
        for s in p["sentences"]:
            sent[s["id"]] = s
            kind[s["id"]] = mention_kind(p, s)
            place_of[s["id"]] = p["id"]
    no_place = {s["id"]: s for s in data["no_place"]}

    per_query = []
    macro = []
    tot_found = tot_exp = 0
    by_script = defaultdict(lambda: [0, 0])
    by_lang = defaultdict(lambda: [0, 0])
    by_kind = defaultdict(lambda: [0, 0])
    by_place = defaultdict(lambda: [0, 0])
    same_lang = [0, 0]
    false_hits = defaultdict(list)
    confusions = Counter()
    errors = []
    for q in queries:
        ans = answers.get(q["id"])
        if ans is None or "error" in ans:
            errors.append({"query": q["id"], "error": (ans or {}).get("error", "not run")})
            continue
        ranked = ans["ranked"][:limit]
        got = set(ranked)
        found = [e for e in q["expected"] if e in got]
        missed = [e for e in q["expected"] if e not in got]
        qs = q["query_script"]
        ql = "+".join(q["query_langs"])
        for e in q["expected"]:
            hit = e in got
            s = sent[e]
            for table, k in (
                (by_script, f"{qs}->{LANG_SCRIPT[s['lang']]}"),
                (by_lang, f"{ql}->{s['lang']}"),
                (by_kind, kind[e]),
                (by_place, q["place"]),
            ):
                table[k][0] += hit
                table[k][1] += 1
        for e in q["same_language"]:
            same_lang[0] += e in got
            same_lang[1] += 1
        fm = [t for t in ranked if t in no_place]
        for t in fm:
            false_hits[t].append(q["id"])
        other = [t for t in ranked if t in place_of and place_of[t] != q["place"]]
        for t in other:
            confusions[(q["place"], place_of[t])] += 1
        foreign = [t for t in ranked if not t.startswith(PREFIX)]
        tot_found += len(found)
        tot_exp += len(q["expected"])
        macro.append(len(found) / len(q["expected"]))
        per_query.append(
            {
                "id": q["id"],
                "query": q["query"],
                "query_langs": q["query_langs"],
                "script": qs,
                "recall": round(len(found) / len(q["expected"]), 4),
                "found": found,
                "missed": missed,
                "false_matches": fm,
                "other_place_hits": other,
                "outside_set_hits": len(foreign),
                "total": ans.get("total"),
                "ranked": ranked,
            }
        )

    def cells(table):
        return {
            k: {"found": v[0], "expected": v[1], "recall": round(v[0] / v[1], 4) if v[1] else None}
            for k, v in sorted(table.items())
        }

    n_run = len(per_query)
    summary = {
        "queries": len(queries),
        "queries_answered": n_run,
        "query_errors": len(errors),
        "recall_at_k": limit,
        "recall_macro": round(sum(macro) / n_run, 4) if n_run else None,
        "recall_micro": round(tot_found / tot_exp, 4) if tot_exp else None,
        "pairs_found": tot_found,
        "pairs_expected": tot_exp,
        "queries_full_recall": sum(1 for r in macro if r == 1.0),
        "queries_zero_recall": sum(1 for r in macro if r == 0.0),
        "same_language_recall": round(same_lang[0] / same_lang[1], 4) if same_lang[1] else None,
        "no_place_sentences": len(no_place),
        "no_place_returned": sum(1 for t in no_place if false_hits.get(t)),
        "false_match_occurrences": sum(len(v) for v in false_hits.values()),
        "other_place_hits": sum(confusions.values()),
    }
    return {
        "summary": summary,
        "by_script": cells(by_script),
        "by_language": cells(by_lang),
        "by_mention": cells(by_kind),
        "by_place": cells(by_place),
        "false_matches": {
            t: {"text": no_place[t]["text"], "traps": no_place[t]["traps"], "queries": v}
            for t, v in sorted(false_hits.items())
        },
        "no_place_never_returned": sorted(t for t in no_place if not false_hits.get(t)),
        "confusions": [
            {"query_place": a, "hit_place": b, "count": c} for (a, b), c in confusions.most_common()
        ],
        "errors": errors,
        "per_query": per_query,
    }


def print_report(mode, rep):
    s = rep["summary"]
    w = sys.stdout.write
    w(f"\n=== heldout18, search mode {mode!r}: recall@{s['recall_at_k']} ===\n")
    w(f"queries {s['queries_answered']}/{s['queries']} answered ({s['query_errors']} errors)\n")
    w(
        f"recall macro {_pct(s['recall_macro'])}   micro {_pct(s['recall_micro'])} "
        f"({s['pairs_found']}/{s['pairs_expected']} expected testimonies found)\n"
    )
    w(
        f"queries with full recall {s['queries_full_recall']}, with none {s['queries_zero_recall']}; "
        f"same-language recall (not in the score) {_pct(s['same_language_recall'])}\n"
    )
    w(
        f"false matches: {s['no_place_returned']}/{s['no_place_sentences']} no-place sentences returned, "
        f"{s['false_match_occurrences']} times in all; hits on another place's testimony: "
        f"{s['other_place_hits']}\n"
    )
    _table("query script -> testimony script", rep["by_script"])
    _table("query language -> testimony language", rep["by_language"])
    _table("how the testimony names the place", rep["by_mention"])
    if rep["false_matches"]:
        w("\nfalse matches (no-place sentence: queries that returned it)\n")
        for t, v in rep["false_matches"].items():
            w(f"  {t}: {', '.join(v['queries'][:8])}{' …' if len(v['queries']) > 8 else ''}\n")
    worst = sorted(rep["by_place"].items(), key=lambda kv: (kv[1]["recall"], kv[0]))[:10]
    w("\nweakest places: " + ", ".join(f"{k} {_pct(v['recall'])}" for k, v in worst) + "\n")
    if rep["errors"]:
        w(f"\nerrors ({len(rep['errors'])}), first: {rep['errors'][0]}\n")


def _pct(x):
    return "n/a" if x is None else f"{100 * x:5.1f}%"


def _table(title, cells):
    w = sys.stdout.write
    w(f"\n{title}\n")
    w(f"  {'':<14}{'recall':>8}{'found':>8}{'expected':>10}\n")
    for k, v in cells.items():
        w(f"  {k:<14}{_pct(v['recall']):>8}{v['found']:>8}{v['expected']:>10}\n")


# -------------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " See the module docstring for the whole flow.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 done, 2 setup or server error (message on stderr).",
    )
    ap.add_argument(
        "--data", default=os.path.join(HERE, "places.json"), help="the set (default: %(default)s)"
    )
    ap.add_argument(
        "--out", default=os.path.join(HERE, "out"), help="output folder (default: %(default)s)"
    )
    ap.add_argument(
        "--manage",
        metavar="PREFIX",
        help='command prefix that runs manage.py, e.g. ".venv/bin/python manage.py"; '
        "given, the import is run, else only printed",
    )
    ap.add_argument(
        "--manage-cwd", metavar="DIR", help="working directory for --manage (the archive checkout)"
    )
    ap.add_argument(
        "--base",
        help="archive root URL, e.g. http://127.0.0.1:8000; without it, stop after building",
    )
    ap.add_argument(
        "--token",
        default=os.environ.get("ARCHIVE_TOKEN"),
        help="API token, sent as 'Authorization: Token <t>' (default: $ARCHIVE_TOKEN)",
    )
    ap.add_argument(
        "--mode",
        choices=("q", "place", "both"),
        default="q",
        help="search with q=<name> (the search box; default), the place=<name> filter, or both",
    )
    ap.add_argument(
        "--limit", type=int, default=20, help="hits per query, the k of recall@k (default 20)"
    )
    ap.add_argument(
        "--imported",
        action="store_true",
        help="skip the check that the held-out testimonies are in the archive",
    )
    ap.add_argument(
        "--delay", type=float, default=0.0, help="seconds between requests (anonymous use)"
    )
    ap.add_argument(
        "--timeout", type=float, default=30.0, help="seconds per HTTP request (default 30)"
    )
    ap.add_argument(
        "--max-wait",
        type=float,
        default=120.0,
        help="longest Retry-After to honour on HTTP 429 before giving up (default 120)",
    )
    ap.add_argument("--check", action="store_true", help="only check places.json and print counts")
    a = ap.parse_args(argv)
    try:
        return _main(a)
    except Fatal as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def counts(data, queries):
    c = Counter()
    for pid, s in all_sentences(data):
        c[("sentence" if pid else "no-place", s["lang"])] += 1
    q = Counter("+".join(x["query_langs"]) for x in queries)
    return c, q


def _main(a):
    data = load_data(a.data)
    queries = build_queries(data)
    c, qc = counts(data, queries)
    by_lang = ", ".join(f"{lang} {c[('sentence', lang)]}" for lang in LANG_SCRIPT)
    print(
        f"set: {len(data['places'])} places, "
        f"{sum(v for (k, _), v in c.items() if k == 'sentence')} place sentences ({by_lang}), "
        f"{len(data['no_place'])} no-place sentences, {len(queries)} queries "
        f"({', '.join(f'{k} {v}' for k, v in sorted(qc.items()))}), "
        f"{sum(len(q['expected']) for q in queries)} expected pairs"
    )
    if a.check:
        warnings = []
        check_data(data, warnings)
        for w in warnings:
            print(f"  near miss (kept on purpose): {w}")
        return 0
    if a.limit < 1:
        raise Fatal("--limit must be at least 1")

    os.makedirs(a.out, exist_ok=True)
    import_path = os.path.abspath(os.path.join(a.out, "heldout18-import.jsonl"))
    lines = build_import_lines(data)
    with open(import_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(a.out, "queries.json"), "w", encoding="utf-8") as f:
        json.dump(queries, f, ensure_ascii=False, indent=1)
    print(
        f"wrote {import_path} ({len(lines)} testimonies) and {os.path.join(a.out, 'queries.json')}"
    )

    prefix = a.manage or ".venv/bin/python manage.py"
    cmd = shlex.split(prefix) + ["import_testimonies", import_path]
    printable = " ".join(shlex.quote(x) for x in cmd)
    if a.manage:
        print(f"running: {printable}" + (f"   (in {a.manage_cwd})" if a.manage_cwd else ""))
        try:
            r = subprocess.run(cmd, cwd=a.manage_cwd or None)
        except FileNotFoundError as e:
            raise Fatal(f"cannot run {cmd[0]!r}: {e}")
        if r.returncode != 0:
            raise Fatal(f"the import command failed with status {r.returncode}")
    else:
        print(
            "import into the archive (in its checkout; on a development machine export DJANGO_DEBUG=1):"
        )
        print(f"  {printable}")
    if not a.base:
        print("no --base given: stopping before the queries.")
        return 0

    client = Client(a.base, a.token, timeout=a.timeout, delay=a.delay, max_wait=a.max_wait)
    ids = [s["id"] for _, s in all_sentences(data)]
    check_server(client, [ids[0], ids[len(ids) // 2], ids[-1]], a.imported)

    modes = ["q", "place"] if a.mode == "both" else [a.mode]
    results = {
        "set": "heldout18",
        "base": a.base,
        "limit": a.limit,
        "token": bool(a.token),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "modes": {},
    }
    for mode in modes:
        answers = {}
        t0 = time.time()
        for i, q in enumerate(queries, 1):
            ans, err = run_query(client, q, mode, a.limit)
            answers[q["id"]] = ans if ans is not None else {"error": err}
            if err and i == 1:
                print(f"  first query failed ({err}); continuing", file=sys.stderr)
            if i % 50 == 0:
                print(f"  [{mode}] {i}/{len(queries)} queries", file=sys.stderr)
        rep = score(data, queries, answers, a.limit)
        rep["summary"]["seconds"] = round(time.time() - t0, 1)
        results["modes"][mode] = rep
        print_report(mode, rep)
    results["requests"] = client.requests
    results["throttled"] = client.throttled
    out_json = os.path.join(a.out, "results.json")
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
    print(f"\nwrote {out_json} ({client.requests} requests, {client.throttled} throttled)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
