"""Extraction quality (testimonies/extraction.py) on the labelled set: precision and recall
per field and per language.

    python bench/extraction.py [--split test|dev|all] [--limit N] [--out FILE] [--errors]

Fields: people (a proposal counts when its name folds to the same words as a labelled name,
in any script), kinship (of the people found, how many have the labelled relation to the
witness), places (gazetteer ids), dates (value and precision), events (kinds). The set and
how it was made: bench/data/README-extraction.md. Tune on "dev"; report "test".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development configuration; off by default

LABELLED = Path(__file__).resolve().parent / "data" / "extraction-labelled.jsonl"
FIELDS = ("people", "kinship", "places", "dates", "events")
GOALS = {"places": (0.9, 0.9), "dates": (0.9, 0.85), "people": (0.8, 0.7)}


def name_key(name: str) -> frozenset[str]:
    from names.folding import fold_token

    return frozenset(k for k in (fold_token(w) for w in name.split()) if k)


def score_row(row: dict[str, Any], found: Any) -> dict[str, tuple[int, int, int]]:
    """(true positives, predicted, labelled) per field for one segment."""
    out: dict[str, tuple[int, int, int]] = {}
    gold_people = {name_key(p["name"]): p.get("kinship") for p in row["people"]}
    got_people = {name_key(p.name): p.kinship for p in found.people}
    hits = set(gold_people) & set(got_people)
    out["people"] = (len(hits), len(got_people), len(gold_people))
    kin_gold = {k: v for k, v in gold_people.items() if v}
    kin_got = {k: v for k, v in got_people.items() if v}
    kin_hits = sum(1 for k in set(kin_gold) & set(kin_got) if kin_gold[k] == kin_got[k])
    out["kinship"] = (kin_hits, len(kin_got), len(kin_gold))
    for field, gold, got in (
        ("places", set(row["places"]), {p["gazetteer_id"] for p in found.places}),
        (
            "dates",
            {(d["value"], d["precision"]) for d in row["dates"]},
            {(d.value, d.precision) for d in found.dates},
        ),
        ("events", set(row["events"]), set(found.events)),
    ):
        out[field] = (len(gold & got), len(got), len(gold))
    return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def run(split: str = "test", limit: int | None = None, errors: bool = False) -> dict[str, Any]:
    import django

    django.setup()
    from review.extraction import extract

    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if split == "all" or r["split"] == split][:limit]
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    for row in rows:
        found = extract(row["text"], language=row["language"])
        for field, counts in score_row(row, found).items():
            for language in (row["language"], "all"):
                total = totals[(language, field)]
                for i, n in enumerate(counts):
                    total[i] += n
            if errors and (counts[0] != counts[1] or counts[0] != counts[2]):
                got = {
                    "people": [(p.name, p.kinship) for p in found.people],
                    "kinship": [(p.name, p.kinship) for p in found.people],
                    "places": [p["gazetteer_id"] for p in found.places],
                    "dates": [(d.value, d.precision) for d in found.dates],
                    "events": found.events,
                }[field]
                gold = row[field] if field != "kinship" else row["people"]
                print(f"{row['id']} {field}: labelled {gold} found {got}\n  {row['text']}")
    elapsed = time.perf_counter() - started
    table = {
        f"{language}/{field}": {
            "precision": _ratio(tp, predicted),
            "recall": _ratio(tp, labelled),
            "tp": tp,
            "predicted": predicted,
            "labelled": labelled,
        }
        for (language, field), (tp, predicted, labelled) in sorted(totals.items())
    }
    return {
        "split": split,
        "segments": len(rows),
        "per_segment_ms": round(elapsed / max(len(rows), 1) * 1000, 2),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpu",
        "scores": table,
    }


def markdown(result: dict[str, Any]) -> str:
    languages = ("kk", "ru", "ug", "en", "all")
    lines = [
        "| field | " + " | ".join(languages) + " | goal (P/R) |",
        "| --- |" + " --- |" * (len(languages) + 1),
    ]
    for field in FIELDS:
        cells = []
        for language in languages:
            score = result["scores"].get(f"{language}/{field}")
            if not score:
                cells.append("—")
                continue
            p, r = score["precision"], score["recall"]
            cells.append(f"{'—' if p is None else f'{p:.2f}'}/{'—' if r is None else f'{r:.2f}'}")
        goal = GOALS.get(field)
        lines.append(
            f"| {field} | " + " | ".join(cells) + f" | {f'{goal[0]}/{goal[1]}' if goal else ''} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--errors", action="store_true", help="print every miss")
    args = parser.parse_args()
    result = run(args.split, args.limit, args.errors)
    print(markdown(result))
    print(f"{result['segments']} segments, {result['per_segment_ms']} ms each")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
