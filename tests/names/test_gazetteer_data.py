"""Coverage of the gazetteer data: every division of Xinjiang, named in every script."""

from __future__ import annotations

from collections import Counter

import pytest

from names import gazetteer

COUNTY_LEVEL = {"county", "city", "district"}


def test_every_curated_place_has_chinese_pinyin_uyghur_russian_and_english_names() -> None:
    for place in gazetteer.load(gazetteer.DATA_FILE, None).places.values():
        assert place.zh and place.pinyin and place.ug and place.ru and place.en, place.id


def test_every_place_but_the_region_has_a_parent() -> None:
    for place in gazetteer.places():
        if place.type == "region":
            assert place.parent is None
        else:
            assert place.parent, place.id


def test_every_county_level_division_is_present() -> None:
    types = Counter(p.type for p in gazetteer.places())
    assert types["prefecture"] == 14
    assert sum(types[t] for t in COUNTY_LEVEL) >= 100


def test_county_level_places_sit_in_a_prefecture_or_the_region() -> None:
    for place in gazetteer.places():
        if place.type in COUNTY_LEVEL:
            assert gazetteer.get(place.parent or "").type in {"prefecture", "region"}, place.id


def test_places_in_the_kazakh_prefectures_have_kazakh_names() -> None:
    kazakh_areas = {"ili", "tacheng", "altay"}
    for place in gazetteer.places():
        if place.parent in kazakh_areas and place.type in COUNTY_LEVEL:
            assert place.kk, place.id


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("Chingil", "chinggil"),
        ("Qinghe", "chinggil"),
        ("Koktokay", "koktokay"),
        ("Fuyun", "koktokay"),
        ("Chuguchak", "chochek"),
        ("Tacheng", "chochek"),
        ("Шара-Сумэ", "altay-city"),
        ("Sharasume", "altay-city"),
        ("Сарсүмбе", "altay-city"),
        ("Булун-Тохой", "burultokay"),
        ("Burultogay", "burultokay"),
        ("Кур-Кара-Усу", "shixo"),
        ("Баркөл", "barkol"),
        ("Barkul", "barkol"),
        ("Гучен", "qitai"),
        ("Үрімші", "urumqi"),
        ("Konaxahar", "konasheher"),
        ("Durbuljin", "dorbiljin"),
        ("Шаче", "yarkand"),
        ("Моюй", "karakax"),
    ],
)
def test_turkic_mongol_and_older_names_find_their_place(name: str, place_id: str) -> None:
    # "Tacheng" is both the prefecture and its seat, so membership rather than equality.
    assert place_id in [p.id for p in gazetteer.lookup(name)]


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("铁门关市", "tiemenguan"),
        ("Kunyu", "kunyu"),
        ("Huyanghe", "huyanghe"),
        ("新星市", "xinxing"),
        ("Baiyang City", "baiyang"),
        ("He'an County", "hean"),
        ("和康县", "hekang"),
    ],
)
def test_the_newer_county_level_divisions_are_found(name: str, place_id: str) -> None:
    assert [p.id for p in gazetteer.lookup(name)] == [place_id]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Han Chinese officials came to the village.", "en"),
        ("Мой сосед Хакан работал в Алматы.", "ru"),
        ("مەن بايان بەردىم.", "ug"),
        ("Bayan told us about her brother.", "en"),
    ],
)
def test_names_that_fold_like_common_words_are_listed_only_with_their_type_word(
    text: str, language: str
) -> None:
    found = {place_id for place_id, *_ in gazetteer.find_places_in_text(text, language)}
    assert not found & {"hean", "hekang", "baiyang"}
