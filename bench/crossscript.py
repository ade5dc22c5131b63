"""Cross-script key-overlap recall on the development set, without Meilisearch."""

from __future__ import annotations

import argparse
import json
import sys
from itertools import permutations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from names import gazetteer
from names.folding import detect_script, fold_query, fold_text

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "data" / "crossscript-dev.json"


def spellings(entity: dict[str, dict[str, list[str]]]) -> list[tuple[str, str]]:
    """(language label, spelling) for every spelling of an entity."""
    return [(lang, s) for lang, values in entity["variants"].items() for s in values]


def key_match(query: str, indexed: str) -> bool:
    """Would a segment containing ``indexed`` be found by ``query`` on the folded field?"""
    wanted = fold_query(query).split()
    present = set(fold_text(indexed))
    return bool(wanted) and all(w in present for w in wanted)


def place_match(query: str, indexed: str) -> bool:
    if key_match(query, indexed):
        return True
    query_ids = set(gazetteer.expand_query_places(query))
    text_ids = {hit[0] for hit in gazetteer.find_places_in_text(indexed)}
    return bool(query_ids & text_ids)


def recall(
    entities: list[dict[str, dict[str, list[str]]]], *, places: bool, verbose: bool
) -> tuple[int, int]:
    hits = total = 0
    for entity in entities:
        for (_, q), (_, s) in permutations(spellings(entity), 2):
            if detect_script(q) == detect_script(s):
                continue  # same script: Meilisearch's own typo tolerance covers it
            ok = place_match(q, s) if places else key_match(q, s)
            total += 1
            hits += ok
            if verbose and not ok:
                print(
                    f"  miss {entity['id']}: {q!r} -> {s!r}  ({fold_query(q)!r} vs "
                    f"{fold_text(s)!r})"
                )
    return hits, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args()
    data = json.loads(args.dataset.read_text(encoding="utf-8"))
    for label, key, is_place in (("places", "places", True), ("people", "people", False)):
        hits, total = recall(data[key], places=is_place, verbose=args.verbose)
        rate = hits / total if total else 0.0
        print(f"{label}: key-overlap recall {rate:.3f} ({hits}/{total} cross-script pairs)")


if __name__ == "__main__":
    main()
