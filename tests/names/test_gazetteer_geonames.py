"""The gazetteer with GeoNames: the merge, lookup-only names, hierarchy, labels, dumps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from names import gazetteer, geonames
from names.gazetteer import DATA_FILE, GazetteerError, parse

COUNTY_LEVEL = {"county", "city", "district"}


def _mentions(text: str, language: str | None = None) -> list[str]:
    return [hit[0] for hit in gazetteer.find_places_in_text(text, language)]


def test_geonames_data_keeps_its_attribution_and_licence() -> None:
    data = json.loads(geonames.DATA_FILE.read_text(encoding="utf-8"))
    assert "GeoNames" in data["attribution"] and "CC BY 4.0" in data["attribution"]
    assert data["license"] == "CC BY 4.0"
    assert len(data["places"]) >= 400


def test_every_geonames_township_lies_in_xinjiang_under_a_county_or_the_region() -> None:
    townships = [p for p in gazetteer.places() if p.id.startswith("gn-")]
    assert len(townships) >= 300
    for place in townships:
        assert place.type == "township" and place.geonameid, place.id
        assert place.lat is not None and place.lon is not None
        assert 34 <= place.lat <= 50 and 73 <= place.lon <= 97, place.id
        parent = gazetteer.get(place.parent or "")
        assert parent.type in COUNTY_LEVEL | {"region"}, place.id
        assert place.en, place.id


def test_a_geonames_town_joins_the_curated_county_of_its_chinese_name() -> None:
    zepu = gazetteer.get("poskam")
    assert zepu.geonameid == 1279501 and "GeoNames" in zepu.sources
    assert zepu.en[0] == "Poskam"  # the curated first name is still the one shown
    assert "Tsehpu" in zepu.en and "Поскам" in zepu.ru
    assert zepu.lat == pytest.approx(38.19, abs=0.01)
    # The city, not the county of the same Chinese name, takes GeoNames' Ürümqi.
    assert gazetteer.get("urumqi").geonameid == 1529102


def test_chinese_place_names_in_running_text_by_longest_match() -> None:
    assert _mentions("我的亲人在泽普被拘留") == ["poskam"]
    assert _mentions("我的亲人在泽普县被拘留", "zh") == ["poskam"]
    assert _mentions("他在可可托海镇工作", "zh") == ["gn-1529382"]
    # 伊宁县 is the county, not the city 伊宁 inside it.
    assert _mentions("我的哥哥在伊宁县被抓走了", "zh") == ["ghulja-county"]


def test_names_that_are_common_words_are_looked_up_but_not_spotted_in_text() -> None:
    assert gazetteer.lookup("红旗")
    assert _mentions("他们举着红旗", "zh") == []
    assert gazetteer.lookup("Тост")
    assert _mentions("Он поднял тост за друзей.", "ru") == []
    assert gazetteer.lookup("Kan") and _mentions("I kan not", "en") == []


def test_bay_is_a_place_when_written_as_a_name() -> None:
    assert _mentions("My brother was detained in Bay.", "en") == ["bay"]
    assert _mentions("Брата задержали в Бай.", "ru") == ["bay"]
    assert _mentions("We walked along the bay.", "en") == []
    assert _mentions("Bay was the word he said first", "en") == []


def test_a_query_for_a_town_also_finds_the_county_that_shares_its_name() -> None:
    # Keketuohai town is also Көк Тоқай, which running text attributes to Koktokay County.
    assert gazetteer.expand_query_places("可可托海") == ["gn-1529382", "koktokay"]


def test_common_word_aliases_by_dictionary_and_length() -> None:
    names = ["红旗", "泽普", "坎", "Тост", "Поскам", "Nur", "Zepu", "كان", "Ақсу"]
    assert geonames.common_word_aliases(names) == ["红旗", "坎", "Тост", "Nur", "كان"]


def test_hierarchy_from_township_to_region() -> None:
    township = gazetteer.get("gn-1279524")  # Zangguy, in Guma County, Hotan
    assert [p.id for p in gazetteer.ancestors(township.id)] == ["guma", "hotan", "xinjiang"]
    assert township.id in {p.id for p in gazetteer.children("guma")}
    within_hotan = gazetteer.descendants("hotan")
    assert within_hotan[0] == "hotan" and {"guma", "gn-1279524"} <= set(within_hotan)
    assert "poskam" not in within_hotan
    assert len(gazetteer.descendants("xinjiang")) == len(gazetteer.places())


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Ghulja"), ("kk", "Құлжа"), ("ru", "Кульджа"), ("ug", "غۇلجا"), ("zh", "伊宁")],
)
def test_labels_follow_the_language(language: str, label: str) -> None:
    assert gazetteer.label("ghulja", language) == label


def test_labels_fall_back_to_english() -> None:
    assert gazetteer.label("gn-1279524", "ru") == "Zangguy"
    assert gazetteer.label("gn-1279524", "kk") == "Заңгуй"
    assert gazetteer.label("ghulja", "de") == "Ghulja"


def _curated() -> dict[str, Any]:
    place = {"type": "county", "pinyin": ["X"], "ug": ["ئا"], "sources": ["test"]}
    return {
        "places": [
            {"id": "r", "type": "region", "parent": None, "zh": ["区"], "pinyin": ["R"],
             "ug": ["ر"], "en": ["Region"], "sources": ["test"]},
            {**place, "id": "alpha", "parent": "r", "zh": ["甲县", "甲"], "en": ["Alpha"]},
            {**place, "id": "beta", "parent": "r", "zh": ["乙县"], "en": ["Betaville"]},
        ]
    }  # fmt: skip


def _record(geonameid: int, lat: float, names: dict[str, list[str]], **extra: Any) -> Any:
    return {"geonameid": geonameid, "name": names["latn"][0], "lat": lat, "lon": 80.0,
            "population": 1000, "names": names, **extra}  # fmt: skip


def test_merge_rules_on_a_small_table() -> None:
    records = [
        # Joins alpha by its Chinese name; Betaville is beta's name and is not added.
        _record(1, 40.0, {"latn": ["Alfa", "Betaville"], "hani": ["甲"], "cyrl": ["Алпа"]}),
        # A second place called 甲: alpha is taken, so it is a township of its own.
        _record(2, 40.1, {"latn": ["Alpha Two"], "hani": ["甲"]}, lookup_only=["Alpha Two"]),
        # Far from every seat: under the region.
        _record(3, 45.0, {"latn": ["Gamma"], "arab": ["گامما"], "cyrl": ["Гамма", "Гаммақ"]}),
    ]
    gaz = parse(_curated(), {"places": records})
    alpha = gaz.places["alpha"]
    assert alpha.en == ("Alpha", "Alfa") and alpha.ru == ("Алпа",) and alpha.lat == 40.0
    assert "Betaville" not in alpha.names()
    two = gaz.places["gn-2"]
    assert two.type == "township" and two.parent == "alpha"
    assert two.lookup_only == {"Alpha Two", "甲"}  # 甲 is alpha's in running text
    gamma = gaz.places["gn-3"]
    assert gamma.parent == "r" and gamma.ug == ("گامما",)
    assert gamma.ru == ("Гамма",) and gamma.kk == ("Гаммақ",)
    assert gaz.by_key["zh:甲"] == ("alpha", "gn-2")
    assert gaz.text_keys.get(gazetteer._alias_key("Alpha Two")) is None


def test_bad_geonames_data_names_the_place() -> None:
    with pytest.raises(GazetteerError, match="GeoNames place 7"):
        parse(_curated(), {"places": [{"geonameid": 7, "name": "X", "names": {"grek": ["Χ"]}}]})
    with pytest.raises(GazetteerError, match="'places' list"):
        parse(_curated(), {"cities": []})


def _dump_line(geonameid: int, name: str, alternates: str, feature: str, admin1: str) -> str:
    cls, code = feature.split(".")
    columns = [str(geonameid), name, name, alternates, "41.5", "82.1", cls, code, "CN", "",
               admin1, "", "", "", "2500", "", "1000", "Asia/Urumqi", "2024-01-01"]  # fmt: skip
    return "\t".join(columns)


def test_read_a_geonames_dump_keeps_xinjiangs_places(tmp_path: Path) -> None:
    dump = tmp_path / "CN.txt"
    lines = [
        _dump_line(1, "Sarybulak", "Сарыбұлақ,萨热布拉克,Σαρι,sa re bu la ke", "P.PPL", "13"),
        _dump_line(2, "Tianshan Peak", "天山峰", "T.PK", "13"),  # a mountain
        _dump_line(3, "Haidian", "海淀", "P.PPL", "22"),  # Beijing
    ]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (place,) = geonames.read_places(dump)
    assert place["geonameid"] == 1 and place["feature"] == "P.PPL"
    assert place["names"] == {
        "latn": ["Sarybulak", "sa re bu la ke"],
        "cyrl": ["Сарыбұлақ"],
        "hani": ["萨热布拉克"],
    }


def test_a_file_that_is_no_geonames_dump_gets_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "places.txt"
    bad.write_text("Ghulja\t43.9\n", encoding="utf-8")
    with pytest.raises(geonames.GeoNamesError, match=r"2 columns.*download.geonames.org"):
        geonames.read_places(bad)
    beijing = tmp_path / "CN.txt"
    beijing.write_text(_dump_line(3, "Haidian", "海淀", "P.PPL", "22") + "\n", encoding="utf-8")
    with pytest.raises(geonames.GeoNamesError, match="no place in country CN, admin1 code 13"):
        geonames.read_places(beijing)


def test_curated_data_file_alone_still_loads() -> None:
    curated = gazetteer.load(DATA_FILE, None)
    assert len(curated.places) == 129
    assert all(not p.id.startswith("gn-") for p in curated.places.values())


def test_every_curated_name_is_preferred_for_the_places_it_named_before_geonames() -> None:
    # An import names a place by votes over these look-ups (testimonies.importing.upserts):
    # GeoNames' homonyms (towns once called Ili, a village Awat) must not outvote or tie them.
    curated = gazetteer.load(DATA_FILE, None)
    for place in curated.places.values():
        for name in place.names():
            before = curated.by_key.get(gazetteer._alias_key(name), ())
            after = [p.id for p in gazetteer.lookup(name, preferred=True)]
            assert after == list(before), name
    assert gazetteer.lookup("Ili")[0].id == "ili"
    assert len(gazetteer.lookup("Ili")) > 1  # the towns are still found
