"""Choice labels in the reader's language on pages, facets, the API and the CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from testimonies.models import Event, Person, Testimony

pytestmark = pytest.mark.django_db

ENGLISH_CHOICES = {str(label) for _, label in [*Person.Status.choices, *Event.Kind.choices]}


def _labels_on(page: str) -> list[str]:
    kinds = re.findall(r'<span class="kind">([^<]+)</span>', page)
    meta = re.findall(r'<p class="meta">([^<·]+)', page)
    return [s.strip() for s in kinds + meta]


@pytest.mark.parametrize(
    ("accept", "sentenced", "detained"),
    [
        ("zh-CN", "被判刑", "被拘留"),
        ("ug", "كېسىلگەن", "تۇتۇلغان"),
        ("kk", "Сотталған", "Ұсталған"),
        ("ru", "Осуждён", "Задержан"),
    ],
)
def test_the_person_page_speaks_the_readers_language(
    demo: Testimony, accept: str, sentenced: str, detained: str
):
    person = Person.objects.get(key="p-erlan-kabyl")
    page = Client().get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    shown = _labels_on(page)
    assert sentenced in shown and detained in shown
    assert not ENGLISH_CHOICES & set(shown), shown


def test_facets_and_hits_name_languages_and_statuses_in_uyghur(demo: Testimony):
    page = Client().get("/", {"q": "Erlan"}, HTTP_ACCEPT_LANGUAGE="ug").content.decode()
    facets = page[page.index('class="facets"') :]
    assert "قازاقچە" in facets and "كېسىلگەن" in facets
    assert "Kazakh" not in facets and "Sentenced" not in facets


def test_the_testimony_page_names_the_witness_kinship(demo: Testimony):
    page = Client().get("/t/demo-kk-001/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "сестра" in page and "Казахский" in page


def test_the_api_gives_labels_beside_codes(demo: Testimony):
    person = Person.objects.get(key="p-erlan-kabyl")
    body = Client().get(f"/api/v1/people/{person.pk}", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert body["status"] == "sentenced" and body["status_display"] == "被判刑"
    assert body["gender_display"] == "男"
    events = (
        Client()
        .get("/api/v1/events", {"person": person.pk}, HTTP_ACCEPT_LANGUAGE="kk")
        .json()["results"]
    )
    assert {e["kind"]: e["kind_display"] for e in events}["detained"] == "Ұсталған"
    testimony = Client().get("/api/v1/testimonies/demo-kk-001", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert testimony["language_display"] == "Казахский"
    assert testimony["witness_relation_display"] == "сестра"


def test_the_csv_export_names_the_language_for_its_reader(demo: Testimony):
    response = Client().get("/api/v1/export.csv", HTTP_ACCEPT_LANGUAGE="zh-CN")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    kazakh = next(r for r in rows if r["external_id"] == "demo-kk-001")
    assert kazakh["language"] == "kk" and kazakh["language_name"] == "哈萨克语"
