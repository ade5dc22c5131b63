"""The place gazetteer: Xinjiang places, their names in every script, and mentions in text."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from names.folding import detect_script, fold_token, iter_words, word_spans
from names.geonames import DATA_FILE as GEONAMES_FILE

__all__ = [
    "DATA_FILE",
    "GEONAMES_FILE",
    "PLACE_TYPES",
    "GazetteerError",
    "GazetteerPlace",
    "aliases",
    "ancestors",
    "children",
    "descendants",
    "expand_query_places",
    "find_places_in_text",
    "get",
    "label",
    "load",
    "lookup",
    "places",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.json"

PLACE_TYPES = frozenset(
    {"region", "prefecture", "county", "city", "district", "township", "village", "camp", "prison"}
)
COUNTY_LEVEL = frozenset({"county", "city", "district"})
REQUIRED_NAMES = ("zh", "pinyin", "ug", "en")
OPTIONAL_NAMES = ("uly", "ug_cyrl", "kk", "ru")
NAME_FIELDS = REQUIRED_NAMES + OPTIONAL_NAMES
_OPTIONAL_KEYS = frozenset({"lat", "lon", "seat", "generated", "notes", "unverified"})
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Case endings and derivational suffixes, in folded form (see docs/gazetteer.md). A mention
# is a word whose folded key is an alias key, or a stem of it followed by one of these.
SUFFIXES: Mapping[str, frozenset[str]] = {
    # Kazakh: locative, ablative, dative, genitive, accusative, instrumental, "in X" and
    # "from X" (Құлжада, Құлжадан, Құлжаға, Құлжаның, Құлжаны, Құлжадағы, Құлжалық).
    "kk": _words(
        "da ta na nda dan tan nan ndan ga ka na nga nin din tin ni di ti n man ban pan "
        "dagi tagi ndagi lik dik tik lar dar"
    ),
    # Uyghur: -دا -تا, -دىن -تىن, -غا -قا -گە -كە, -نىڭ, -نى, -دىكى -تىكى, -لىق -لىك,
    # -غىچە -قىچە, -چە (غۇلجىدا, غۇلجىدىن, غۇلجىغا, غۇلجىنىڭ, غۇلجىلىق).
    "ug": _words("da ta din tin ga ka nin ni diki tiki lik liklar gicha kicha cha diki dikilar"),
    # Russian noun endings (в Кульдже, из Кульджи, Кульджу, Кульджой, в Хотане).
    # Indeclinable names (Урумчи) match exactly; adjectives (Кульджинский): _RU_ADJECTIVE.
    "ru": _words("a u i om oi oiu am ah ami"),
    # English possessive and demonyms (Kashgar's, Kashgari).
    "en": _words("s i is"),
}
SUFFIXES_ANY: frozenset[str] = frozenset().union(*SUFFIXES.values())
_LANGUAGE_ALIASES = {"kaz": "kk", "uig": "ug", "uzb": "ug", "ky": "kk", "kir": "kk", "rus": "ru"}

# Names that are also common words, used for lookup but never spotted in running text:
# Russian или "or", Uyghur/Kazakh бай/باي "rich", Kazakh толы "full", Chinese-ish "jing".
TEXT_STOP_WORDS = frozenset(
    {"или", "бай", "باي", "bay", "bai", "толы", "toli", "қаба", "jing", "جىڭ", "жың", "lop"}
)

# Russian "или" is the conjunction "or" and the name of the Ili; English "bay" and Russian
# or Kazakh "бай" ("rich") name Bay County. Written as a name, each is the place:
# capitalised inside a sentence ("в долине Или", "detained in Bay"), or before a place
# word ("Или район" at the start of a sentence).
_CASED_STOP_WORDS = frozenset({"или", "bay", "бай"})
_PLACE_WORD = re.compile(
    r"[\s\-‐‑–]*(?:район|уезд|округ|префектур|долин|рек)[а-яё]{0,3}\b", re.IGNORECASE
)
_OPENING_PUNCTUATION = " \t\n\r«\"„“‘'([{—–-"

# A Russian relational adjective (-ский in every case and gender) and the part before -ск-,
# of 4 letters or more so that short common adjectives (морской, русский) never count.
# Derived from a place name, that part is the name, or the name without its final vowel,
# with -ин- or -й- between (Чугучак-ский, Кульдж(а)-ин-ский, Урумч(и)-ин-ский, Аксу-й-ский).
_RU_ADJECTIVE = re.compile(r"([а-яё]{4,}?)ск(?:ий|ой|ая|ое|ие|ого|ому|ом|ую|их|им|ими)")
_RU_VOWELS = "аеиоуыэюя"


def _ru_stem(word: str) -> str:
    """A Russian word compared as written, but for ё and the soft and hard signs (Хотань
    ~ хотанский, Кульджа ~ кулджинский). Not folded: folding would also take техасский
    for Текес and хатангский for Хэтянь."""
    return word.lower().replace("ё", "е").replace("ь", "").replace("ъ", "")


# Generic words that may follow a name ("Yining County", "伊宁县", "غۇلجا ناھىيىسى").
_GENERIC_WORDS = (
    "county city district prefecture region autonomous town township village "
    "nahiyisi nahiye shahiri shahar rayoni vilayiti oblast audani kalasi oblisi "
    "уезд район город округ ауданы қаласы облысы ناھىيىسى شەھىرى رايونى ۋىلايىتى"
)
_GENERIC_HANZI = ("自治州", "自治县", "地区", "县", "市", "区", "州")


class GazetteerError(ValueError):
    """The gazetteer data file is invalid; the message names the entry."""


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    """One place with its names by script (first name of each list is the preferred one)."""

    id: str
    type: str
    parent: str | None
    zh: tuple[str, ...]
    pinyin: tuple[str, ...]
    ug: tuple[str, ...]
    en: tuple[str, ...]
    sources: tuple[str, ...]
    uly: tuple[str, ...] = ()
    ug_cyrl: tuple[str, ...] = ()
    kk: tuple[str, ...] = ()
    ru: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    seat: str | None = None
    population: int | None = None
    geonameid: int | None = None
    # Names found by lookup and search but never spotted in running text (common words).
    lookup_only: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The English name to show."""
        return self.en[0]

    def label(self, language: str | None) -> str:
        """The name to show to a reader of ``language`` (en, kk, ru, ug, zh...): the
        first name in that language's script, English where the place has none. Chinese
        shows the short name where there is one (伊宁, not 伊宁市)."""
        code = _language_code(language) or "en"
        if code == "zh" and self.zh:
            short = [n for n in self.zh if not n.endswith(_GENERIC_HANZI)]
            return (short or list(self.zh))[0]
        names = {"kk": self.kk or self.ug_cyrl, "ru": self.ru, "ug": self.ug}.get(code, ())
        return names[0] if names else self.name

    def names(self) -> tuple[str, ...]:
        """Every name of the place in every script, without repeats."""
        seen: dict[str, None] = {}
        for field in NAME_FIELDS:
            for value in getattr(self, field):
                seen.setdefault(value, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    places: dict[str, GazetteerPlace]
    by_key: dict[str, tuple[str, ...]]
    text_keys: dict[str, tuple[str, ...]]  # alias key -> place ids, for spotting mentions
    # The same per script of the alias (cyrl, latn, arab): running text of a known language
    # is matched against aliases in its own script only, so that a common word is not taken
    # for another script's spelling of a place (English "since" ~ Russian Синьхэ).
    script_keys: dict[str, dict[str, tuple[str, ...]]]
    # Stems (_ru_stem) of the one-word Russian names (the name, and without its final
    # vowel when 4+ letters remain) -> place ids, for adjectives derived from them.
    ru_adjective_stems: dict[str, tuple[str, ...]]
    hanzi: tuple[tuple[str, str], ...]  # (Chinese alias, place id), longest first
    max_words: int
    # Every prefix of 3 or more letters of a text_keys key. A word group can only match an
    # alias (exactly or inflected, see _match_key) if its key starts with one of these, so
    # find_places_in_text rules most words out with one set look-up.
    key_prefixes: frozenset[str]
    # First character of a Chinese alias -> indexes into `hanzi`, so that only the aliases
    # that can occur in a text are searched for.
    hanzi_by_first: dict[str, tuple[int, ...]]
    seat_of: dict[str, str]  # seat id -> its prefecture's id
    # Alias key (Chinese ones too) -> places that name is spotted as in running text.
    text_owners: dict[str, tuple[str, ...]]
    children: dict[str, tuple[str, ...]]  # place id -> ids of the places directly in it


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


def _str_list(entry_id: str, field: str, value: Any, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if (
        not isinstance(value, list)
        or (required and not value)
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        need = "a non-empty list" if required else "a list"
        raise GazetteerError(
            f"gazetteer entry {entry_id!r}: {field!r} must be {need} of non-empty strings"
        )
    return tuple(v.strip() for v in value)


def _parse_entry(raw: Any, index: int) -> GazetteerPlace:
    if not isinstance(raw, dict):
        raise GazetteerError(f"gazetteer entry #{index}: must be an object")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID_RE.match(entry_id):
        raise GazetteerError(
            f"gazetteer entry #{index} ({entry_id!r}): 'id' must be a lowercase slug"
        )
    known = {"id", "type", "parent", "sources", *NAME_FIELDS, *_OPTIONAL_KEYS}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise GazetteerError(f"gazetteer entry {entry_id!r}: unknown fields {unknown}")
    place_type = raw.get("type")
    if place_type not in PLACE_TYPES:
        raise GazetteerError(
            f"gazetteer entry {entry_id!r}: 'type' must be one of {sorted(PLACE_TYPES)}"
        )
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise GazetteerError(f"gazetteer entry {entry_id!r}: 'parent' must be an id or null")
    coords: dict[str, float | None] = {}
    for field, limit in (("lat", 90.0), ("lon", 180.0)):
        value = raw.get(field)
        if value is not None and (
            not isinstance(value, int | float) or isinstance(value, bool) or abs(value) > limit
        ):
            raise GazetteerError(f"gazetteer entry {entry_id!r}: {field!r} out of range")
        coords[field] = float(value) if value is not None else None
    seat = raw.get("seat")
    if seat is not None and not isinstance(seat, str):
        raise GazetteerError(f"gazetteer entry {entry_id!r}: 'seat' must be an id or null")
    names = {
        field: _str_list(entry_id, field, raw.get(field), required=field in REQUIRED_NAMES)
        for field in NAME_FIELDS
    }
    sources = _str_list(entry_id, "sources", raw.get("sources"), required=True)
    return GazetteerPlace(
        id=entry_id,
        type=place_type,
        parent=parent,
        sources=sources,
        lat=coords["lat"],
        lon=coords["lon"],
        seat=seat,
        zh=names["zh"],
        pinyin=names["pinyin"],
        ug=names["ug"],
        en=names["en"],
        uly=names["uly"],
        ug_cyrl=names["ug_cyrl"],
        kk=names["kk"],
        ru=names["ru"],
    )


def _alias_key(alias: str) -> str:
    """Lookup key of a whole alias: Chinese as written, anything else folded and joined."""
    if detect_script(alias) == "hani":
        return "zh:" + alias
    return "".join(fold_token(w.surface, strip_patronymic=False) for w in iter_words(alias))


def _generic_keys() -> frozenset[str]:
    return frozenset(fold_token(w, strip_patronymic=False) for w in _GENERIC_WORDS.split())


def _curated(data: Any) -> dict[str, GazetteerPlace]:
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError("gazetteer: the file must be an object with a 'places' list")
    places: dict[str, GazetteerPlace] = {}
    for index, raw in enumerate(data["places"]):
        place = _parse_entry(raw, index)
        if place.id in places:
            raise GazetteerError(f"gazetteer entry {place.id!r}: duplicate id")
        places[place.id] = place
    for place in places.values():
        for field in ("parent", "seat"):
            ref = getattr(place, field)
            if ref is not None and ref not in places:
                raise GazetteerError(
                    f"gazetteer entry {place.id!r}: {field} {ref!r} does not exist"
                )
    return places


# A GeoNames place is the curated place with the same Chinese name, the curated one's
# generic word aside (泽普 = 泽普县, not 喀什乡 = 喀什); a city before a district, a county,
# a prefecture (喀什 is Kashgar City).
_MERGED_TYPES = {"city": 0, "district": 1, "county": 2, "prefecture": 3}
_SCRIPT_FIELDS = {"latn": "en", "hani": "zh", "arab": "ug"}
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# A GeoNames place lies in the county whose seat is nearest, if one is this close.
_NEAREST_SEAT_KM = 120.0


def _zh_stem(name: str) -> str:
    for generic in _GENERIC_HANZI:
        if name.endswith(generic) and len(name) > len(generic) + 1:
            return name[: -len(generic)]
    return name


def _field_of(name: str, script: str) -> str:
    if script == "cyrl":
        return "kk" if _KAZAKH_LETTERS & set(name) else "ru"
    return _SCRIPT_FIELDS[script]


def _geonames_names(record: dict[str, Any]) -> dict[str, list[str]]:
    names = record.get("names")
    if not isinstance(names, dict):
        raise GazetteerError(f"GeoNames place {record.get('geonameid')!r}: no 'names' object")
    fields: dict[str, list[str]] = {}
    for script, values in names.items():
        if script not in ("latn", "cyrl", "arab", "hani") or not isinstance(values, list):
            raise GazetteerError(
                f"GeoNames place {record.get('geonameid')!r}: bad names for script {script!r}"
            )
        for name in values:
            fields.setdefault(_field_of(name, script), []).append(name)
    return fields


def _km(a: GazetteerPlace, lat: float, lon: float) -> float:
    assert a.lat is not None and a.lon is not None
    dx = (a.lon - lon) * math.cos(math.radians((a.lat + lat) / 2))
    return 111.2 * math.hypot(a.lat - lat, dx)


def _merge_geonames(curated: dict[str, GazetteerPlace], data: Any) -> dict[str, GazetteerPlace]:
    """The curated places with GeoNames' added (rules in docs/gazetteer.md): a GeoNames
    place with a curated place's Chinese name adds its names, coordinates and population to
    it; every other one is a township under the county whose seat is nearest. The curated
    table wins: a GeoNames name of another curated place is not added to a curated place,
    and is lookup-only on a GeoNames one."""
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError("GeoNames data: the file must be an object with a 'places' list")
    stems: dict[str, list[str]] = {}
    owners: dict[str, set[str]] = {}
    for place in curated.values():
        for alias in place.names():
            owners.setdefault(_alias_key(alias), set()).add(place.id)
        if place.type in _MERGED_TYPES:
            for zh in place.zh:
                for name in {zh, _zh_stem(zh)}:
                    ids = stems.setdefault(name, [])
                    if place.id not in ids:
                        ids.append(place.id)
    merged = dict(curated)
    claimed: set[str] = set()
    unmatched: list[tuple[dict[str, Any], dict[str, list[str]]]] = []
    records = sorted(data["places"], key=lambda r: (-int(r.get("population") or 0), r["geonameid"]))
    for record in records:
        fields = _geonames_names(record)
        candidates = {i for n in fields.get("zh", ()) for i in stems.get(n, ())}
        candidates -= claimed
        if not candidates:
            unmatched.append((record, fields))
            continue
        # The candidate sharing the most names wins (GeoNames' Ürümqi is the city 乌鲁木齐市,
        # not 乌鲁木齐县), then the city before the county.
        keys = {_alias_key(n) for names in fields.values() for n in names}

        def rank(i: str, keys: set[str] = keys) -> tuple[int, int, str]:
            shared = sum(1 for alias in curated[i].names() if _alias_key(alias) in keys)
            return (-shared, _MERGED_TYPES[curated[i].type], i)

        place_id = min(candidates, key=rank)
        claimed.add(place_id)
        base = merged[place_id]
        known = set(base.names())
        added: dict[str, tuple[str, ...]] = {}
        new_names: set[str] = set()
        for field, names in fields.items():
            new = [
                n
                for n in dict.fromkeys(names)
                if n not in known and owners.get(_alias_key(n), {place_id}) <= {place_id}
            ]
            added[field] = getattr(base, field) + tuple(new)
            new_names.update(new)
        lookup_only = set(record.get("lookup_only", ())) & new_names
        merged[place_id] = replace(
            base,
            en=added.get("en", base.en),
            zh=added.get("zh", base.zh),
            ug=added.get("ug", base.ug),
            kk=added.get("kk", base.kk),
            ru=added.get("ru", base.ru),
            lat=base.lat if base.lat is not None else record.get("lat"),
            lon=base.lon if base.lon is not None else record.get("lon"),
            population=base.population or record.get("population") or None,
            geonameid=base.geonameid or record["geonameid"],
            lookup_only=base.lookup_only | frozenset(lookup_only),
            sources=(*base.sources, "GeoNames"),
        )
    seats = [
        p for p in merged.values() if p.type in COUNTY_LEVEL and p.lat is not None and p.parent
    ]
    region = next((p.id for p in curated.values() if p.type == "region"), None)
    for record, fields in sorted(unmatched, key=lambda item: item[0]["geonameid"]):
        lat, lon = float(record["lat"]), float(record["lon"])
        nearest = min(seats, key=lambda p: _km(p, lat, lon), default=None)
        parent = (
            nearest.id
            if nearest is not None and _km(nearest, lat, lon) <= _NEAREST_SEAT_KM
            else region
        )
        every = [n for names in fields.values() for n in names]
        lookup_only = set(record.get("lookup_only", ())) | {
            n for n in every if _alias_key(n) in owners
        }
        place_id = f"gn-{record['geonameid']}"
        merged[place_id] = GazetteerPlace(
            id=place_id,
            type="township",
            parent=parent,
            zh=tuple(fields.get("zh", ())),
            pinyin=(),
            ug=tuple(fields.get("ug", ())),
            en=tuple(fields.get("en", ())) or (str(record["name"]),),
            kk=tuple(fields.get("kk", ())),
            ru=tuple(fields.get("ru", ())),
            sources=("GeoNames",),
            lat=lat,
            lon=lon,
            population=int(record.get("population") or 0) or None,
            geonameid=int(record["geonameid"]),
            lookup_only=frozenset(lookup_only),
        )
    return merged


def _hanzi_owners(hanzi: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = {}
    for alias, place_id in hanzi:
        ids = owners.setdefault("zh:" + alias, [])
        if place_id not in ids:
            ids.append(place_id)
    return {k: tuple(v) for k, v in owners.items()}


def parse(data: Any, geonames: Any = None) -> _Gazetteer:
    """Validate the decoded data files (the curated table, GeoNames' if given), merge them
    and build the indexes."""
    places = _curated(data)
    if geonames is not None:
        places = _merge_geonames(places, geonames)
    by_key: dict[str, list[str]] = {}
    text_keys: dict[str, list[str]] = {}
    script_keys: dict[str, dict[str, list[str]]] = {}
    hanzi: list[tuple[str, str]] = []
    ru_adjective_stems: dict[str, list[str]] = {}
    max_words = 1
    for place in places.values():
        for alias in place.ru:
            if alias in place.lookup_only:
                continue
            name = _ru_stem(alias)
            if not re.fullmatch(r"[а-я]{3,}", name):
                continue
            stems = [name] + ([name[:-1]] if name[-1] in _RU_VOWELS and len(name) > 4 else [])
            for stem in stems:
                ids = ru_adjective_stems.setdefault(stem, [])
                if place.id not in ids:
                    ids.append(place.id)
        for alias in place.names():
            key = _alias_key(alias)
            if not key or key == "zh:":
                continue
            ids = by_key.setdefault(key, [])
            if place.id not in ids:
                ids.append(place.id)
            if alias in place.lookup_only:
                continue
            if key.startswith("zh:"):
                hanzi.append((alias, place.id))
            elif len(key) >= 3:
                for table in (text_keys, script_keys.setdefault(detect_script(alias), {})):
                    text_ids = table.setdefault(key, [])
                    if place.id not in text_ids:
                        text_ids.append(place.id)
                max_words = max(max_words, sum(1 for _ in iter_words(alias)))
    hanzi.sort(key=lambda item: -len(item[0]))
    children: dict[str, list[str]] = {}
    for place in places.values():
        if place.parent:
            children.setdefault(place.parent, []).append(place.id)
    hanzi_by_first: dict[str, list[int]] = {}
    for index, (alias, _) in enumerate(hanzi):
        hanzi_by_first.setdefault(alias[0], []).append(index)
    return _Gazetteer(
        places=places,
        by_key={k: tuple(v) for k, v in by_key.items()},
        text_keys={k: tuple(v) for k, v in text_keys.items()},
        script_keys={
            script: {k: tuple(v) for k, v in table.items()} for script, table in script_keys.items()
        },
        ru_adjective_stems={k: tuple(v) for k, v in ru_adjective_stems.items()},
        hanzi=tuple(hanzi),
        max_words=max_words,
        key_prefixes=frozenset(k[:n] for k in text_keys for n in range(3, len(k) + 1)),
        hanzi_by_first={c: tuple(v) for c, v in hanzi_by_first.items()},
        seat_of={p.seat: p.id for p in places.values() if p.seat},
        text_owners={
            **{k: tuple(v) for k, v in text_keys.items()},
            **_hanzi_owners(hanzi),
        },
        children={k: tuple(v) for k, v in children.items()},
    )


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GazetteerError(f"gazetteer {path}: not valid JSON ({exc})") from exc


@lru_cache(maxsize=4)
def load(path: Path = DATA_FILE, geonames_path: Path | None = GEONAMES_FILE) -> _Gazetteer:
    """Load, validate and merge the gazetteer (once per pair of paths); GeoNames' places
    are left out with ``geonames_path=None`` or when its file is missing."""
    geonames = _read(geonames_path) if geonames_path and geonames_path.is_file() else None
    return parse(_read(path), geonames)


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def places() -> list[GazetteerPlace]:
    """Every place, in file order."""
    return list(load().places.values())


def get(place_id: str) -> GazetteerPlace:
    """The place with this id; KeyError if there is none."""
    return load().places[place_id]


def aliases(place_id: str) -> list[str]:
    """Every name of a place in every script (KeyError for an unknown id)."""
    return list(get(place_id).names())


def label(place_id: str, language: str | None) -> str:
    """The name of a place to show to a reader of ``language`` (see GazetteerPlace.label)."""
    return get(place_id).label(language)


def ancestors(place_id: str) -> list[GazetteerPlace]:
    """The places that contain this one, nearest first (county, prefecture, region)."""
    gaz = load()
    out: list[GazetteerPlace] = []
    parent = gaz.places[place_id].parent
    while parent is not None and len(out) < len(gaz.places):
        out.append(gaz.places[parent])
        parent = gaz.places[parent].parent
    return out


def children(place_id: str) -> list[GazetteerPlace]:
    """The places directly inside this one, in file order."""
    gaz = load()
    return [gaz.places[i] for i in gaz.children.get(place_id, ())]


def descendants(place_id: str) -> list[str]:
    """Ids of this place and every place inside it, at any depth (a prefecture's counties
    and their townships)."""
    gaz = load()
    out = [place_id]
    for current in out:
        out.extend(gaz.children.get(current, ()))
    return out


def lookup(alias: str, *, preferred: bool = False) -> list[GazetteerPlace]:
    """Places that have this name, in any script or spelling ("Кульджа" -> Ghulja).

    A generic word around the name ("County", "ناھىيىسى", "县") is ignored when the exact
    name is not known. With ``preferred``, a name that running text attributes to some of
    these places gives only those: "Ili" is the prefecture, not also the GeoNames towns once
    called Ili, for which it is a lookup-only name.
    """
    found = _lookup(alias)
    if preferred:
        owners = load().text_owners.get(_alias_key(alias.strip()), ())
        spotted = [p for p in found if p.id in owners]
        return spotted or found
    return found


def _lookup(alias: str) -> list[GazetteerPlace]:
    gaz = load()
    alias = alias.strip()
    if not alias:
        return []
    ids = gaz.by_key.get(_alias_key(alias))
    if not ids:
        if detect_script(alias) == "hani":
            for generic in _GENERIC_HANZI:
                if alias.endswith(generic) and len(alias) > len(generic) + 1:
                    ids = gaz.by_key.get("zh:" + alias[: -len(generic)])
                    if ids:
                        break
        else:
            generic_keys = _generic_keys()
            words = [fold_token(w.surface, strip_patronymic=False) for w in iter_words(alias)]
            ids = gaz.by_key.get("".join(w for w in words if w not in generic_keys))
    return [gaz.places[i] for i in ids or ()]


def _language_code(language: str | None) -> str | None:
    if language is None:
        return None
    code = language.lower().split("-")[0].split("_")[0]
    return _LANGUAGE_ALIASES.get(code, code)


def _suffixes(language: str | None) -> frozenset[str]:
    code = _language_code(language)
    return SUFFIXES_ANY if code is None else SUFFIXES.get(code, SUFFIXES_ANY)


@lru_cache(maxsize=65536)
def _match_key(
    key: str, language: str | None, min_cut: int = 0, script: str | None = None
) -> tuple[str, ...]:
    """Place ids whose alias is ``key`` itself or an inflected form of it.

    ``min_cut`` keeps an ending inside the last word of a multi-word candidate. With a
    ``language``, only that language's endings and stem changes are tried, and with a
    ``script`` only aliases written in it count.
    """
    gaz = load()
    keys = gaz.text_keys if script is None else gaz.script_keys.get(script, {})
    exact = keys.get(key)
    if exact:
        return exact
    suffixes = _suffixes(language)
    code = _language_code(language)
    for cut in range(len(key) - 1, max(2, min_cut), -1):  # longest alias stem first
        stem, suffix = key[:cut], key[cut:]
        if suffix not in suffixes or (len(suffix) == 1 and len(stem) < 4):
            continue
        candidates = [stem]
        if len(stem) >= 3 and code in (None, "ru"):
            candidates += [stem + v for v in "aiou"]  # Russian Кульдж-и for Кульджа
        if stem.endswith("i") and len(stem) >= 4 and code in (None, "ug"):
            candidates.append(stem[:-1] + "a")  # Uyghur a -> i: غۇلجا -> غۇلجى-دا
        for candidate in candidates:
            ids = keys.get(candidate)
            if ids:
                return ids
    return ()


_JOINER = re.compile(r"^[\s\-‐‑–]*$")


@lru_cache(maxsize=262144)
def _text_word(surface: str, russian: bool) -> tuple[str, str, str | None]:
    """(script, lookup key, Russian adjective stem or None) of one word of running text.
    The key of a Russian adjective is that of its -ский form, so that "Кульджинском уезде"
    is an inflected "Кульджинский уезд".

    Cached because the same words come back in segment after segment at reindex time.
    """
    adjective = _RU_ADJECTIVE.fullmatch(surface.lower()) if russian else None
    if adjective:
        stem = adjective.group(1)
        return "cyrl", fold_token(stem + "ский", strip_patronymic=False), stem
    return detect_script(surface), fold_token(surface, strip_patronymic=False), None


def _adjective_places(stem: str) -> tuple[str, ...]:
    """Places whose Russian name this adjective stem comes from (see _RU_ADJECTIVE)."""
    table = load().ru_adjective_stems
    stem = _ru_stem(stem)
    candidates = [stem]
    if stem.endswith("ин"):
        candidates.append(stem[:-2])
    elif stem.endswith("й"):
        candidates.append(stem[:-1])
    for candidate in candidates:
        ids = table.get(candidate)
        if ids:
            return ids
    return ()


def _common_word(text: str, start: int, end: int) -> bool:
    """Whether the word text[start:end], which names a place, is here the common word it
    also is (TEXT_STOP_WORDS). Russian Или is the place when written as a name: capitalised
    inside a sentence, or capitalised before a place word."""
    surface = text[start:end]
    word = surface.lower()
    if word not in TEXT_STOP_WORDS:
        return False
    if word not in _CASED_STOP_WORDS or not (surface[:1].isupper() and surface[1:].islower()):
        return True
    if _PLACE_WORD.match(text, end):
        return False
    before = text[:start]
    stripped = before.rstrip(_OPENING_PUNCTUATION)
    return not stripped or stripped[-1] in ".!?…" or "\n" in before[len(stripped) :]


def find_places_in_text(text: str, language: str | None = None) -> list[tuple[str, int, int, str]]:
    """Mentions of gazetteer places in ``text``: (place id, start, end, surface).

    Recognises names in any script, multi-word names, and inflected forms (Kazakh and
    Uyghur case endings, Russian cases); ``language`` ("kk", "ug", "ru", "en"...) narrows
    the endings tried. Offsets are character offsets into ``text``; mentions do not overlap.
    A name that belongs to several places yields one tuple per place.
    """
    gaz = load()
    hits: list[tuple[str, int, int, str]] = []
    taken: list[tuple[int, int]] = []

    # Chinese aliases, longest first. An alias whose first character is not in the text
    # cannot be found in it, so only the others are searched for (same order as `hanzi`).
    by_first = gaz.hanzi_by_first
    order = sorted(i for ch in set(text) if ch in by_first for i in by_first[ch])
    for alias, place_id in (gaz.hanzi[i] for i in order):
        start = text.find(alias)
        while start != -1:
            end = start + len(alias)
            span = (start, end)
            if span in taken or not any(s < end and start < e for s, e in taken):
                taken.append(span)
                hits.append((place_id, start, end, alias))
            start = text.find(alias, end)

    # Words in other scripts, with their keys joined into one string: the key of words
    # i..j-1 is joined[offsets[i]:offsets[j]], so groups of words cost no joins.
    starts: list[int] = []
    ends: list[int] = []
    offsets = [0]
    keys: list[str] = []
    scripts: list[str] = []
    adjectives: list[str | None] = []
    russian = _language_code(language) in (None, "ru")
    for surface, start, end in word_spans(text):
        script, key, adjective = _text_word(surface, russian)
        if script == "hani":
            continue
        starts.append(start)
        ends.append(end)
        scripts.append(script)
        keys.append(key)
        adjectives.append(adjective)
        offsets.append(offsets[-1] + len(key))
    joined = "".join(keys)
    prefixes = gaz.key_prefixes
    joins: dict[int, bool] = {}  # gap after word g -> only joiners between g and g + 1

    def joined_up(g: int) -> bool:
        if g not in joins:
            joins[g] = _JOINER.match(text[ends[g] : starts[g + 1]]) is not None
        return joins[g]

    count = len(keys)
    i = 0
    while i < count:
        base = offsets[i]
        # Group sizes worth a look-up. Any match of the key of n words (exact or inflected,
        # with min_cut = length of the first n - 1 keys) starts with its first
        # max(3, min_cut) letters, so a group whose key does not start with an alias
        # prefix is skipped; once the first n - 1 keys (3+ letters) are no alias prefix,
        # no longer group can be one either.
        sizes: list[int] = []
        for n in range(1, min(gaz.max_words, count - i) + 1):
            min_cut = offsets[i + n - 1] - base
            if offsets[i + n] - base < 3:
                continue
            if joined[base : base + max(3, min_cut)] in prefixes:
                sizes.append(n)
            elif min_cut >= 3:
                break
        adjective = adjectives[i]
        if adjective and 1 not in sizes:
            sizes.insert(0, 1)
        matched = False
        for n in reversed(sizes):  # longest name first
            if not all(joined_up(g) for g in range(i, i + n - 1)):
                continue
            if n == 1 and adjective:
                ids = _adjective_places(adjective)
            else:
                key = joined[base : offsets[i + n]]
                only = None if language is None or scripts[i] == "mixed" else scripts[i]
                ids = _match_key(key, language, offsets[i + n - 1] - base, only)
            if ids and n == 1 and _common_word(text, starts[i], ends[i]):
                ids = ()
            if ids:
                start, end = starts[i], ends[i + n - 1]
                hits.extend((pid, start, end, text[start:end]) for pid in ids)
                i += n
                matched = True
                break
        if not matched:
            i += 1
    hits.sort(key=lambda h: (h[1], h[2], h[0]))
    return hits


def expand_query_places(query: str) -> list[str]:
    """Ids of the places a query names, in any script or spelling, so that a search for
    one alias can find all of them ("Кульджа" -> ["ghulja", "ili"]).

    A prefecture and its seat are named interchangeably in testimonies (Bortala and Bole,
    Ili and Ghulja), so each brings the other, after the places named directly.
    """
    gaz = load()
    direct: dict[str, None] = {}
    for place in lookup(query):
        direct.setdefault(place.id, None)
    for place_id, *_ in find_places_in_text(query):
        direct.setdefault(place_id, None)
    found = dict(direct)
    for place_id in direct:
        seat = gaz.places[place_id].seat
        for other in (seat, gaz.seat_of.get(place_id)):
            if other:
                found.setdefault(other, None)
        # A name this place shares with a curated place is spotted in text as the curated
        # one (Көк Тоқай is Koktokay County, and a town too): segments saying it may be
        # about this place.
        for alias in gaz.places[place_id].lookup_only:
            for other in gaz.text_owners.get(_alias_key(alias), ()):
                found.setdefault(other, None)
    return list(found)
