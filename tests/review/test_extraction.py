"""Extraction proposals: places, dates with precision, kinship, events; stored for review."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from review.extraction import extract, find_dates
from testimonies.demo import DEMO
from testimonies.models import Event, Mention, Testimony


@pytest.mark.parametrize(
    ("text", "language", "place", "date", "kinship", "event"),
    [
        (
            "Менің інім Ерлан 2018 жылы наурызда Құлжада ұсталды.",
            "kk",
            "ghulja",
            ("2018-03", "month"),
            "brother",
            "detained",
        ),
        (
            "Моего брата забрали в Кульдже в марте 2018 года.",
            "ru",
            "ghulja",
            ("2018-03", "month"),
            "brother",
            "detained",
        ),
        (
            "مېنىڭ ئاكام 2017-يىلى غۇلجىدا تۇتۇلدى.",
            "ug",
            "ghulja",
            ("2017", "year"),
            "brother",
            "detained",
        ),
        (
            "My father was taken to a camp near Urumqi in spring 2018.",
            "en",
            "urumqi",
            ("2018-04", "season"),
            "father",
            "sent_to_camp",
        ),
        ("Әкем 2019 жылы сотталды, он жылға.", "kk", None, ("2019", "year"), "father", "sentenced"),
    ],
)
def test_proposals_in_four_languages(
    text: str, language: str, place: str | None, date: Any, kinship: str, event: str
):
    found = extract(text, language=language)
    if place:
        assert place in {p["gazetteer_id"] for p in found.places}
    assert (found.dates[0].value, found.dates[0].precision) == date
    assert kinship in found.kinship
    assert event in found.events


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Брата держали в Кульджинском уезде.", ["ghulja-county"]),
        ("Брата держали в Урумчинском изоляторе.", ["urumqi"]),
        ("У него забрали китайский паспорт.", []),
        ("Его забрали в марте или в апреле.", []),
        ("Мы жили в долине Или.", ["ili"]),
    ],
)
def test_russian_adjectival_place_names_and_ili(text: str, places: list[str]):
    assert [p["gazetteer_id"] for p in extract(text, language="ru").places] == places


def test_dates_are_precise_and_not_fooled_by_other_numbers():
    dates = find_dates("Released on 12.05.2019; 60 тысяч тенге; 2018-03-14 again; 1205 people.")
    assert [(d.value, d.precision) for d in dates] == [
        ("2019-05-12", "day"),
        ("2018-03-14", "day"),
    ]


def test_text_mode_prints_json_and_touches_nothing(capsys: Any, db: None):
    call_command(
        "extract", "--text", "Ағам 2018 жылы Құлжада ұсталды", "--language", "kk", "--json"
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["places"][0]["gazetteer_id"] == "ghulja"
    assert payload["dates"][0]["value"] == "2018"
    assert Mention.objects.count() == 0
    with pytest.raises(CommandError, match="empty"):
        call_command("extract", "--text", "  ")


@pytest.mark.django_db
def test_stored_proposals_replace_unreviewed_ones_and_keep_reviewed(meili: Any):
    from testimonies.importing import import_file

    import_file(DEMO)
    call_command("extract", "--testimony", "demo-kk-001", "--no-progress")
    first = Mention.objects.filter(segment__transcript__testimony__external_id="demo-kk-001")
    assert first.filter(kind="place", value__gazetteer_id="ghulja").exists()
    assert first.filter(kind="date").exists()
    kept = first.first()
    assert kept is not None
    Mention.objects.filter(pk=kept.pk).update(review=Event.Review.ACCEPTED)
    count = first.count()
    call_command("extract", "--testimony", "demo-kk-001", "--no-progress")
    assert Mention.objects.filter(pk=kept.pk).exists()
    assert first.count() == count  # the reviewed one stays and is not proposed again
    assert first.filter(kind=kept.kind, key=kept.key, segment=kept.segment).count() == 1
    with pytest.raises(CommandError, match="No such testimony"):
        call_command("extract", "--testimony", "nope")
    assert Testimony.objects.count() >= 20
