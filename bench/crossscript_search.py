"""Cross-script recall@20 through Meilisearch: plain search vs the archive's folded search.

For every entity of the data set, one segment is indexed per spelling (the name alone in a
short sentence of that spelling's language); every spelling is then queried, and a pair
(query, indexed spelling) in different scripts counts as found when that segment is in the
top 20. "plain" searches the original text only; "archive" is `search.query.search_segments`,
the engine behind the page, the API and `manage.py search`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from itertools import permutations
from pathlib import Path

from _harness import archive

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "data" / "crossscript-dev.json"
SENTENCES = {
    "kk": "Мен {name} туралы айтамын.",
    "ru": "Я расскажу про {name}.",
    "ug": "مەن {name} توغرىسىدا سۆزلەيمەن.",
    "zh": "我说的是{name}。",
    "en": "I will speak about {name}.",
}
LANGUAGE = {"kk": "kk", "ru": "ru", "ug": "ug", "zh": "zh", "en": "en"}


def records(kind: str, entities: list[dict]) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    """One testimony per spelling; returns the records and external_id -> (entity, spelling)."""
    from testimonies.visibility import INDEXED_LEVEL  # after django.setup() in archive()

    out, owner = [], {}
    for entity in entities:
        for lang, spellings in entity["variants"].items():
            for n, spelling in enumerate(spellings):
                external_id = f"{kind}-{entity['id']}-{lang}-{n}"
                owner[external_id] = (entity["id"], spelling)
                text = SENTENCES.get(lang, SENTENCES["en"]).format(name=spelling)
                out.append(
                    {
                        "external_id": external_id,
                        "title": f"bench {external_id}",
                        "language": LANGUAGE.get(lang, "en"),
                        "visibility": INDEXED_LEVEL,
                        "segments": [{"start": 0.0, "end": 3.0, "text": text}],
                    }
                )
    return out, owner


def measure(kind: str, entities: list[dict], owner: dict[str, tuple[str, str]]) -> dict:
    from names.folding import detect_script
    from search import client
    from search.query import SearchParams, search_segments

    uid = client.index_uid("segments")
    found = {"plain": 0, "archive": 0}
    total = 0
    misses: list[str] = []
    by_spelling = {(e, s): x for x, (e, s) in owner.items()}
    for entity in entities:
        spellings = [s for values in entity["variants"].values() for s in values]
        for query, indexed in permutations(spellings, 2):
            if detect_script(query) == detect_script(indexed):
                continue
            total += 1
            target = by_spelling[(entity["id"], indexed)]
            plain = client.search(
                uid,
                query,
                {
                    "limit": 20,
                    "filter": f'testimony = "{target}"',
                    "attributesToSearchOn": ["text"],
                },
            )
            found["plain"] += bool(plain["hits"])
            hits = search_segments(SearchParams(q=query, limit=20, testimony=target)).hits
            # The testimony filter makes "in the top 20" checkable in one query; the
            # unfiltered rank is checked too (a filter must not hide a ranking problem).
            if hits:
                top = search_segments(SearchParams(q=query, limit=20)).hits
                hits = [h for h in top if h.testimony == target]
            found["archive"] += bool(hits)
            if not hits:
                misses.append(f"{entity['id']}: {query!r} -> {indexed!r}")
    return {
        "pairs": total,
        "plain_recall_at_20": round(found["plain"] / total, 3) if total else None,
        "archive_recall_at_20": round(found["archive"] / total, 3) if total else None,
        "archive_misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("--limit", type=int, help="Only the first N places and N people.")
    parser.add_argument("--out", type=Path, help="Write the results as JSON here.")
    args = parser.parse_args()
    data = json.loads(args.dataset.read_text(encoding="utf-8"))
    places, people = data["places"][: args.limit], data["people"][: args.limit]
    started = time.perf_counter()
    with archive():
        from testimonies.importing import import_file

        results = {}
        for kind, entities in (("places", places), ("people", people)):
            rows, owner = records(kind, entities)
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as handle:
                handle.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
                handle.flush()
                import_file(Path(handle.name))
            results[kind] = measure(kind, entities, owner)
    results["seconds"] = round(time.perf_counter() - started, 1)
    for kind in ("places", "people"):
        r = results[kind]
        print(
            f"{kind:7} pairs {r['pairs']:4}  plain recall@20 {r['plain_recall_at_20']}  "
            f"archive recall@20 {r['archive_recall_at_20']}"
        )
        for miss in r["archive_misses"]:
            print("   miss", miss)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    sys.exit(0)


if __name__ == "__main__":
    main()
