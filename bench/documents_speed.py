"""Document building speed: the per-segment work of `search.documents.segment_documents`.

Generates segments the way bench/search_scale.py does (a name, four filler words and a
gazetteer alias, ~8 words) and times, per segment: folding the text and the translation,
matching people and places said in it, spotting gazetteer places in the text and adding
their alias keys. No database and no Meilisearch: this isolates the Python work that
`search.sync.reindex` does before sending documents.

    .venv/bin/python bench/documents_speed.py [--segments 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development configuration; off by default

import django  # noqa: E402

django.setup()

from search_scale import FILLER, FIRST, LAST  # noqa: E402

from names import folding, gazetteer  # noqa: E402
from search import documents  # noqa: E402

TRANSLATION = "my brother was taken in the place named"


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    """(text, language) pairs like search_scale.generate (same choices, same order)."""
    rng = random.Random(seed)
    places = [alias for place in gazetteer.places() for alias in gazetteer.aliases(place.id)]
    languages = list(FILLER)
    out = []
    for i in range(n):
        language = languages[(i // 100) % len(languages)]
        words = FILLER[language]
        text = " ".join(
            [rng.choice(FIRST), rng.choice(LAST), *rng.sample(words, 4), rng.choice(places)]
        )
        out.append((text, language))
    return out


def build(segments: list[tuple[str, str]], entities: list[tuple[set[str], set[str]]]) -> int:
    """The per-segment work of segment_documents, without the dict and the database."""
    total = 0
    for text, language in segments:
        text_keys = folding.fold_text(text)
        translation_keys = folding.fold_text(TRANSLATION)
        said = set(text_keys) | set(translation_keys)
        names: set[str] = set()
        for keys, tokens in entities:
            if tokens & said:
                names |= keys
        gazetteer_places = documents._gazetteer_places(text, language)
        for place_id in gazetteer_places:
            names |= documents._gazetteer_keys(place_id)
        total += len(names) + len(" ".join(text_keys)) + len(sorted(gazetteer_places))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    gazetteer.load()  # parse the data file outside the timing
    segments = generate(args.segments, args.seed)
    names = ["Ерлан Қабыл", "Nurlan Orazov", "مەمەت ئىمىن"]
    entities = [(k, documents._tokens_of_keys(k)) for k in map(folding.name_keys, names)]

    # First pass: a fresh process, caches empty (what one reindex sees, at this size).
    t0 = time.perf_counter()
    build(segments, entities)
    cold = (time.perf_counter() - t0) / len(segments) * 1e6
    # Second pass over the same segments: caches warm (what a long reindex tends to).
    t0 = time.perf_counter()
    build(segments, entities)
    warm = (time.perf_counter() - t0) / len(segments) * 1e6

    parts = {
        "fold_text": lambda s: folding.fold_text(s[0]),
        "find_places_in_text": lambda s: gazetteer.find_places_in_text(s[0], s[1]),
    }
    print(f"segments: {len(segments):,}")
    print(f"segment work, first pass:  {cold:7.1f} µs/segment")
    print(f"segment work, second pass: {warm:7.1f} µs/segment")
    for name, fn in parts.items():
        t0 = time.perf_counter()
        for s in segments:
            fn(s)
        print(f"  {name:<22} {(time.perf_counter() - t0) / len(segments) * 1e6:7.1f} µs/segment")


if __name__ == "__main__":
    main()
