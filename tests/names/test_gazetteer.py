"""The place gazetteer: data validity, alias lookup across scripts, mentions in text."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest

from names import gazetteer
from names.gazetteer import DATA_FILE, GazetteerError, parse


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def test_data_has_every_prefecture_level_division_and_100_county_level_places() -> None:
    types = Counter(p.type for p in gazetteer.places())
    assert types["prefecture"] == 14
    assert types["county"] + types["city"] + types["district"] >= 100
    assert types["camp"] + types["prison"] >= 1


def test_every_curated_entry_has_names_in_the_required_scripts_and_sources() -> None:
    for place in gazetteer.load(DATA_FILE, None).places.values():
        assert place.zh and place.pinyin and place.ug and place.en and place.sources, place.id
        assert place.uly, place.id


def test_every_parent_exists_and_only_the_region_has_none() -> None:
    ids = {p.id for p in gazetteer.places()}
    roots = [p.id for p in gazetteer.places() if p.parent is None]
    assert roots == ["xinjiang"]
    assert all(p.parent in ids for p in gazetteer.places() if p.parent)


def test_kazakh_names_are_given_in_kazakh_areas() -> None:
    for place_id in ["ghulja", "ili", "altay", "tacheng", "bortala", "urumqi", "kunes"]:
        assert gazetteer.get(place_id).kk, place_id


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["places"][3].pop("zh"), "'zh' must be a non-empty list"),
        (lambda d: d["places"][3].update(parent="nowhere"), "parent 'nowhere' does not exist"),
        (lambda d: d["places"][3].update(type="planet"), "'type' must be one of"),
        (lambda d: d["places"][3].update(sources=[]), "'sources' must be a non-empty"),
        (lambda d: d["places"][3].update(lat=123.0), "'lat' out of range"),
        (lambda d: d["places"][3].update(colour="red"), "unknown fields ['colour']"),
        (lambda d: d["places"].append(copy.deepcopy(d["places"][3])), "duplicate id"),
    ],
)
def test_invalid_data_names_the_entry(raw: dict[str, Any], mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw)
    entry_id = data["places"][3]["id"]
    mutate(data)
    with pytest.raises(GazetteerError) as excinfo:
        parse(data)
    assert entry_id in str(excinfo.value)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    "alias",
    ["Ghulja", "Gulja", "Kulja", "Yining", "伊宁", "Құлжа", "Кульджа", "غۇلجا", "ғулҗа", "Inin"],
)
def test_every_name_of_ghulja_finds_ghulja(alias: str) -> None:
    # "Inin" is the Russian Инин typed in Latin letters: it folds to the same key.
    assert "ghulja" in [p.id for p in gazetteer.lookup(alias)]


@pytest.mark.parametrize(
    ("alias", "place_id"),
    [
        ("Yarkand", "yarkand"),
        ("يەكەن", "yarkand"),
        ("Яркенд", "yarkand"),
        ("莎车", "yarkand"),
        ("Qaraqash", "karakax"),
        ("Moyu", "karakax"),
        ("Ürümchi", "urumqi"),
        ("Үрімжі", "urumqi"),
        ("Chöchek", "chochek"),
        ("Шәуешек", "chochek"),
        ("Чугучак", "chochek"),
        ("Kumul", "hami"),
        ("Keriya", "keriya"),
        ("Yining County", "ghulja-county"),
        ("伊宁县", "ghulja-county"),
        ("Poskam County", "poskam"),
        ("泽普县", "poskam"),
    ],
)
def test_lookup_by_any_alias(alias: str, place_id: str) -> None:
    assert place_id in [p.id for p in gazetteer.lookup(alias)]


def test_lookup_of_unknown_name_is_empty() -> None:
    assert gazetteer.lookup("Springfield") == []
    assert gazetteer.lookup("") == []


def test_aliases_cover_every_script_and_unknown_id_raises() -> None:
    names = gazetteer.aliases("kashgar")
    assert {"Kashgar", "喀什", "قەشقەر", "Қашқар", "Кашгар"} <= set(names)
    with pytest.raises(KeyError):
        gazetteer.aliases("atlantis")


def _mentions(text: str, language: str | None = None) -> list[tuple[str, str]]:
    hits = gazetteer.find_places_in_text(text, language=language)
    for _, start, end, surface in hits:
        assert text[start:end] == surface
    return [(place_id, surface) for place_id, _, _, surface in hits]


def test_kazakh_case_endings_are_recognised() -> None:
    text = "Құлжада тұрдық, Құлжадан кетті, Құлжаға барды, Құлжаның, Құлжаны, Үрімжіде"
    assert _mentions(text, "kk") == [
        ("ghulja", "Құлжада"),
        ("ghulja", "Құлжадан"),
        ("ghulja", "Құлжаға"),
        ("ghulja", "Құлжаның"),
        ("ghulja", "Құлжаны"),
        ("urumqi", "Үрімжіде"),
    ]


def test_russian_cases_and_indeclinable_names_are_recognised() -> None:
    text = "Жил в Кульдже, уехал из Кульджи в Урумчи, потом в Хотане и Кашгаре."
    hits = gazetteer.find_places_in_text(text, language="ru")
    assert [(h[0], h[3]) for h in hits] == [
        ("ghulja", "Кульдже"),
        ("ghulja", "Кульджи"),
        ("urumqi", "Урумчи"),
        ("hotan", "Хотане"),
        ("kashgar", "Кашгаре"),
    ]
    start = text.index("Кульджи")
    assert hits[1][1:3] == (start, start + len("Кульджи"))


def test_russian_word_ili_meaning_or_is_not_a_place() -> None:
    assert _mentions("Или он уехал, или нет", "ru") == []
    assert _mentions("Его забрали в марте или в апреле", "ru") == []
    assert _mentions("или", None) == []


def test_russian_ili_written_as_a_name_is_the_place() -> None:
    assert _mentions("Мы жили в долине Или.", "ru") == [("ili", "Или")]
    assert _mentions("Или район был закрыт.", "ru") == [("ili", "Или")]
    assert _mentions("— Или, — сказала она, — или Кульджа.", "ru") == [("ghulja", "Кульджа")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Его держали в Кульджинском уезде.", [("ghulja-county", "Кульджинском уезде")]),
        ("в кульджинском лагере", [("ghulja", "кульджинском")]),
        ("Урумчинском изоляторе", [("urumqi", "Урумчинском")]),
        ("Чугучакская тюрьма", [("chochek", "Чугучакская")]),
        ("из Кашгарского района", [("kashgar", "Кашгарского")]),
        ("на Аксуйскую дорогу", [("aksu", "Аксуйскую")]),
        ("в Илийской долине", [("ili", "Илийской")]),
        ("в Илийском округе", [("ili", "Илийском округе")]),
        ("Хотанские власти", [("hotan", "Хотанские")]),
    ],
)
def test_russian_adjectives_derived_from_a_name_are_the_place(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _mentions(text, "ru") == expected


def test_ordinary_russian_adjectives_are_not_places() -> None:
    text = (
        "китайский паспорт, русский язык, казахская семья, уйгурские песни, морской порт, "
        "хамское обращение, техасский, кашинский, синьхайский, городской суд"
    )
    assert _mentions(text, "ru") == []
    assert _mentions(text, None) == []


def test_uyghur_suffixes_with_vowel_raising_are_recognised() -> None:
    text = "ئۇ غۇلجىدا تۇغۇلغان، غۇلجىدىن قەشقەرگە كەلدى، ئۈرۈمچىنىڭ"
    assert _mentions(text, "ug") == [
        ("ghulja", "غۇلجىدا"),
        ("ghulja", "غۇلجىدىن"),
        ("kashgar", "قەشقەرگە"),
        ("urumqi", "ئۈرۈمچىنىڭ"),
    ]


def test_multi_word_and_hyphenated_names_and_chinese() -> None:
    assert _mentions("He lived in Kona Sheher, then Боро-Тала") == [
        ("konasheher", "Kona Sheher"),
        ("bortala", "Боро-Тала"),
    ]
    text = "他在伊宁县被抓，后来送到达坂城"
    assert gazetteer.find_places_in_text(text) == [
        ("ghulja-county", 2, 5, "伊宁县"),
        ("dabancheng", 12, 15, "达坂城"),
    ]


def test_common_words_are_not_places() -> None:
    assert _mentions("The bay was cold; бай адам; 1998", None) == []


def test_expand_query_places_joins_all_aliases_and_the_prefecture_seat() -> None:
    for query in ["Ghulja", "Kulja", "Кульджа", "伊宁", "غۇلجا"]:
        assert gazetteer.expand_query_places(query)[0] == "ghulja"
    assert set(gazetteer.expand_query_places("Bole")) == {"bole", "bortala"}
    # GeoNames has two towns once called Ili too; the prefecture comes first.
    ili = gazetteer.expand_query_places("Ili")
    assert ili[0] == "ili" and "ghulja" in ili
    assert gazetteer.expand_query_places("Memetjan Ablimit") == []
    assert "kuqa" in gazetteer.expand_query_places("Memetjan from Kucha")
