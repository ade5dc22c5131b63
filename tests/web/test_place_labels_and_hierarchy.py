"""Places named in the reader's language; a county's page and filter hold its townships."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from testimonies.importing import import_file
from testimonies.models import Place
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db


def _place_record(external_id: str, text: str, names: list[str], **extra: Any) -> dict[str, Any]:
    return record(
        external_id,
        segments=[{"start": 0.0, "end": 3.0, "text": text, "translation": ""}],
        people=[],
        places=[{"names": names, "type": extra.pop("type", "city")}],
        **extra,
    )


@pytest.fixture
def archive(meili: Any, tmp_path: Path) -> None:
    records = [
        record("ghulja-1"),  # the place is imported with its Kazakh name first (Құлжа)
        _place_record(
            "township-1",
            "Менің ағам Заңгуй ауылында ұсталды.",
            ["Заңгуй", "Zangguy"],
            type="township",
        ),
        _place_record("county-1", "Менің ағам Гумада ұсталды.", ["Гума", "Guma"], type="county"),
        _place_record(
            "hidden-1",
            "Менің ағам Заңгуйда ұсталды.",
            ["Заңгуй", "Zangguy"],
            visibility="restricted",
        ),
    ]
    import_file(write_jsonl(tmp_path / "places.jsonl", records))


def _facet_labels(page: str) -> list[str]:
    facets = page.split('class="facets"', 1)[1]
    return re.findall(r'<a href="\?[^"]*place=\d+[^"]*">([^<]+)</a>', facets)


@pytest.mark.parametrize(
    ("accept", "label"),
    [("en", "Ghulja"), ("kk", "Құлжа"), ("ru", "Кульджа"), ("ug", "غۇلجا"), ("zh-hans", "伊宁")],
)
def test_place_facets_follow_the_interface_language(archive: None, accept: str, label: str):
    page = Client().get("/", {"q": "Ghulja"}, HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert _facet_labels(page) == [label]


def test_a_place_page_names_the_place_in_the_readers_language(archive: None):
    ghulja = Place.objects.get(gazetteer_id="ghulja")
    english = Client().get(f"/places/{ghulja.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = Client().get(f"/places/{ghulja.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h1 dir="auto">Ghulja</h1>' in english
    assert '<h1 dir="auto">Кульджа</h1>' in russian


def test_a_county_page_shows_its_townships_and_their_public_testimonies(archive: None):
    township = Place.objects.get(gazetteer_id="gn-1279524")
    county = Place.objects.get(gazetteer_id="guma")
    page = Client().get(f"/places/{county.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/t/county-1/" in page and "/t/township-1/" in page
    assert "hidden-1" not in page  # a restricted testimony of the township stays out
    assert f'href="/places/{township.pk}/"' in page  # among the places within
    assert "Within" in page and "Hotan" in page and "Xinjiang" in page
    township_page = Client().get(f"/places/{township.pk}/").content.decode()
    assert f'href="/places/{county.pk}/"' in township_page  # its county, from the gazetteer
    assert "/t/county-1/" not in township_page


def _testimonies(params: dict[str, Any]) -> set[str]:
    response = Client().get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return {hit["testimony"] for hit in response.json()["hits"]}


def test_the_place_filter_on_a_county_includes_its_townships(archive: None):
    county = Place.objects.get(gazetteer_id="guma")
    township = Place.objects.get(gazetteer_id="gn-1279524")
    assert _testimonies({"place": county.pk}) == {"county-1", "township-1"}
    assert _testimonies({"place": township.pk}) == {"township-1"}
    assert _testimonies({"place": "Guma"}) == {"county-1", "township-1"}
    assert _testimonies({"place": "Hotan"}) == {"county-1", "township-1"}
    assert _testimonies({"place": "gn-1279524"}) == {"township-1"}
    assert _testimonies({"place": "Ili"}) == {"ghulja-1"}
