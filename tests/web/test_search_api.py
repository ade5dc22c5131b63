"""GET /api/v1/search: validated parameters, public hits, facets, clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from testimonies.importing import import_file
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(meili: Any, tmp_path: Path) -> Client:
    records = [
        record("kk-1"),
        record("kk-2", recorded_on="2019", visibility="public"),
        record("secret", visibility="draft"),
    ]
    import_file(write_jsonl(tmp_path / "a.jsonl", records))
    return Client()


def test_search_returns_moments_with_links_and_facets(api: Client):
    response = api.get("/api/v1/search", {"q": "Kabyl"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert {h["testimony"] for h in body["hits"]} == {"kk-1", "kk-2"}
    hit = body["hits"][0]
    assert hit["url"] == f"/t/{hit['testimony']}/?t=0"
    assert "<mark>Қабыл</mark>" in hit["highlight"]
    assert "<mark>Kabyl</mark>" in hit["highlight_translation"]
    assert body["facets"]["year"] == {"2018": 1, "2019": 1}


def test_year_filters_apply(api: Client):
    body = api.get("/api/v1/search", {"q": "Kabyl", "year_from": "2019"}).json()
    assert [h["testimony"] for h in body["hits"]] == ["kk-2"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"language": "xx"}, "language"),
        ({"limit": "1000"}, "limit"),
        ({"year_from": "soon"}, "year_from"),
        ({"year_from": 2020, "year_to": 2010}, "__all__"),
        ({"testimony": 'a" OR visibility = "draft'}, "testimony"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(api: Client, params: dict[str, Any], field: str):
    response = api.get("/api/v1/search", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_search_down_is_a_503_not_a_500(api: Client, settings: Any):
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0
    response = api.get("/api/v1/search", {"q": "Kabyl"})
    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]


def test_the_search_page_shows_the_same_hits_escaped(api: Client):
    page = api.get("/", {"q": "Kabyl"}).content.decode()
    assert page.count('class="hit"') == 2
    assert "/t/kk-1/?t=0" in page
    hostile = api.get("/", {"q": "<img src=x onerror=alert(1)>"}).content.decode()
    assert "<img src=x" not in hostile


def test_a_place_filter_takes_a_name_in_any_script(api: Client):
    for name in ("Ghulja", "Кульджа", "伊宁", "غۇلجا"):
        body = api.get("/api/v1/search", {"q": "", "place": name}).json()
        assert {h["testimony"] for h in body["hits"]} == {"kk-1", "kk-2"}, name
    assert api.get("/api/v1/search", {"q": "", "place": "Kashgar"}).json()["hits"] == []
    unknown = api.get("/api/v1/search", {"place": "Atlantis"})
    assert unknown.status_code == 400 and "gazetteer" in unknown.json()["errors"]["place"][0]
