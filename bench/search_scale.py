"""Search at archive scale: build time, index size and latency through the API and direct.

Generates --segments fictional segments (100 per testimony) in Kazakh, Russian, Uyghur and
English that name generated people and gazetteer places, writes them to a scratch database,
then measures `search.sync.reindex` (documents with folded keys, a fresh index, the swap),
the index size on disk, and the latency of the same two-word queries three ways:
through the API (`GET /api/v1/search`: validation, folding, the federated request, JSON),
the same federated request sent straight to Meilisearch, and a plain single-index search
with a filter, highlight and crop (the issue's baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import time
from pathlib import Path

from _harness import archive

FIRST = ["Ерлан", "Нұрлан", "Айгүл", "Бақыт", "Қайрат", "Гүлнар", "Асқар", "Жомарт", "Мәди"]
FIRST += ["Erlan", "Nurlan", "Aigul", "Bakhyt", "Kairat", "Gulnar", "Askar", "Zhomart"]
FIRST += ["ئابدۇرېھىم", "گۈلنار", "مەمەت", "تۇرسۇن", "ئەخمەت"]
LAST = ["Қабыл", "Серікбай", "Оразов", "Kabyl", "Serikbay", "Orazov", "قادىر", "ئىمىن"]
FILLER = {
    "kk": ["менің", "туысым", "ұсталды", "содан", "бері", "хабар", "жоқ", "біз", "іздеп", "жүрміз"],
    "ru": [
        "моего",
        "брата",
        "забрали",
        "с",
        "тех",
        "пор",
        "мы",
        "ничего",
        "не",
        "знаем",
        "о",
        "нём",
    ],
    "ug": ["مېنىڭ", "ئاكام", "تۇتۇلدى", "شۇنىڭدىن", "بېرى", "خەۋەر", "يوق"],
    "en": [
        "my",
        "brother",
        "was",
        "taken",
        "since",
        "then",
        "we",
        "know",
        "nothing",
        "about",
        "him",
    ],
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def generate(n_segments: int, seed: int) -> None:
    from names import gazetteer
    from testimonies.models import Segment, Testimony, Transcript
    from testimonies.visibility import INDEXED_LEVEL

    rng = random.Random(seed)
    places = [alias for place in gazetteer.places() for alias in gazetteer.aliases(place.id)]
    languages = list(FILLER)
    per = 100
    for start in range(0, n_segments, per * 100):
        testimonies = []
        for t in range(start // per, min(n_segments, start + per * 100) // per):
            language = languages[t % len(languages)]
            testimonies.append(
                Testimony(
                    external_id=f"scale-{t:07d}",
                    title=f"Testimony {t}",
                    language=language,
                    visibility=INDEXED_LEVEL,
                    status="transcribed",
                )
            )
        testimonies = Testimony.objects.bulk_create(testimonies)
        transcripts = Transcript.objects.bulk_create(
            Transcript(testimony=t, engine="import", language=t.language) for t in testimonies
        )
        segments = []
        for transcript in transcripts:
            words = FILLER[transcript.language]
            for i in range(per):
                text = " ".join(
                    [rng.choice(FIRST), rng.choice(LAST), *rng.sample(words, 4), rng.choice(places)]
                )
                segments.append(
                    Segment(
                        transcript=transcript,
                        index=i,
                        start=i * 5.0,
                        end=i * 5.0 + 4.5,
                        text=text,
                        translation="my brother was taken in the place named",
                    )
                )
        Segment.objects.bulk_create(segments, batch_size=5000)
        print(f"  generated {start + per * len(testimonies):,} segments", flush=True)


def queries(n: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, object] = {"segments": args.segments}
    # The API is asked as a researcher would (a token), with the researcher throttle lifted:
    # this measures latency, and 300 queries in a minute would otherwise end in HTTP 429.
    os.environ["API_RESEARCHER_RATE"] = "1000000/minute"
    with archive() as meili:
        from django.contrib.auth.models import User
        from django.test import Client
        from rest_framework.authtoken.models import Token

        from search import client, query, sync
        from testimonies import roles

        started = time.perf_counter()
        generate(args.segments, args.seed)
        results["generate_seconds"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        counts = sync.reindex()
        results["reindex_seconds"] = round(time.perf_counter() - started, 1)
        results["indexed"] = counts
        du = subprocess.run(
            ["du", "-sm", str(meili.log_path.parent / "data.ms")],
            capture_output=True,
            text=True,
            check=True,
        )
        results["index_size_mib"] = int(du.stdout.split()[0])
        print(
            f"  reindex {results['reindex_seconds']} s, {results['index_size_mib']} MiB", flush=True
        )

        researcher = User.objects.create_user("bench-researcher")
        roles.grant(researcher, roles.RESEARCHER)
        token = Token.objects.create(user=researcher).key
        browser = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
        captured: list[tuple[list, dict]] = []
        real_multi = client.multi_search

        def capture(queries_: list, federation: dict | None = None) -> dict:
            captured.append((queries_, federation or {}))
            return real_multi(queries_, federation)

        client.multi_search = capture  # type: ignore[assignment]
        api, direct, plain = [], [], []
        uid = client.index_uid("segments")
        for i, q in enumerate(queries(args.queries, args.seed)):
            params = {"q": q, "language": ["kk", "ru", "ug", "en"][i % 4]}
            t0 = time.perf_counter()
            response = browser.get("/api/v1/search", params)
            api.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content[:500]
            sent_queries, federation = captured[-1]
            t0 = time.perf_counter()
            real_multi(sent_queries, federation)
            direct.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            client.search(
                uid,
                q,
                {
                    "filter": f'language = "{params["language"]}"',
                    "attributesToHighlight": ["text"],
                    "attributesToCrop": ["text"],
                    "cropLength": query.CROP_LENGTH,
                    "limit": 20,
                },
            )
            plain.append((time.perf_counter() - t0) * 1000)
        client.multi_search = real_multi  # type: ignore[assignment]
        for name, values in (("api", api), ("direct_federated", direct), ("plain", plain)):
            results[f"{name}_ms"] = {
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1),
            }
        overhead = [a - d for a, d in zip(api, direct, strict=True)]
        results["api_overhead_ms_p95"] = round(percentile(overhead, 95), 1)
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
