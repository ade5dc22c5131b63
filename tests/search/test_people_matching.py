"""Victim lists against the archive: API, page and command, with clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from testimonies.demo import DEMO
from testimonies.importing import import_file
from testimonies.models import Person

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def demo(meili: Any) -> None:
    import_file(DEMO)


def _post(rows: list[dict[str, Any]]) -> Any:
    return Client().post("/api/v1/people/match", {"rows": rows}, content_type="application/json")


def _upload(data: bytes, url: str = "/api/v1/people/match") -> Any:
    return Client().post(url, {"file": SimpleUploadedFile("list.csv", data, "text/csv")})


def test_a_name_in_any_script_finds_the_person_with_evidence(demo: None):
    erlan = Person.objects.get(key="p-erlan-kabyl")
    response = _post([{"name": "Erlan Kabyl"}, {"name": "叶尔兰·卡布勒", "birth_year": 1979}])
    assert response.status_code == 200, response.content
    for result in response.json()["results"]:
        top = result["candidates"][0]
        assert top["person"] == erlan.pk, result
        assert top["score"] >= 0.8
        assert top["matched_name"] in erlan.names.values_list("name", flat=True)
        assert "demo-kk-001" in top["testimonies"]
        assert top["moments"] and top["moments"][0]["url"].startswith("/t/")


def test_similar_names_of_different_people_rank_apart(demo: None):
    nurlan = Person.objects.get(key="p-nurlan-serik")
    nurbek = Person.objects.get(key="p-nurbek-serikbay")
    results = _post([{"name": nurlan.primary_name}, {"name": nurbek.primary_name}]).json()
    assert results["results"][0]["candidates"][0]["person"] == nurlan.pk
    assert results["results"][1]["candidates"][0]["person"] == nurbek.pk


def test_people_named_only_in_hidden_testimonies_are_never_proposed(demo: None):
    hidden = Person.objects.get(key="p-aigerim-bolat")
    results = _post([{"name": hidden.primary_name}]).json()["results"]
    assert hidden.pk not in {c["person"] for c in results[0]["candidates"]}


def test_a_csv_upload_is_matched(demo: None):
    data = "name,birth_year,place\nЕрлан Кабылов,1979,Кульджа\nNobody Atall,,\n".encode()
    response = _upload(data)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["row"] == 1 and rows[0]["candidates"]
    assert rows[0]["query"] == {"name": "Ерлан Кабылов", "birth_year": 1979, "place": "Кульджа"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name\nЕрлан Қабыл\n".encode("cp1251", errors="replace") + b"\xff\xfe", "UTF-8"),
        (b"full_name,year\nErlan,1979\n", "header with a 'name' column"),
        (b"name,birth_year\nErlan,1979\n,1980\n", "row 3: the name is empty"),
        (b"name,birth_year\nErlan,nineteen\n", "row 2: birth_year 'nineteen' is not a year"),
        (b"name\n" + b"Erlan\n" * 10_001, "the limit is 10,000"),
        (b"", "header"),
    ],
)
def test_a_bad_file_is_a_400_saying_what_to_fix(demo: None, data: bytes, message: str):
    response = _upload(data)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{"rows": "Erlan"}, {"names": []}, {"rows": []}, {"rows": [{"name": "x", "age": 3}]}, [1, 2]],
)
def test_a_json_body_of_the_wrong_shape_is_a_400(demo: None, body: Any):
    response = Client().post("/api/v1/people/match", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_page_returns_a_csv_and_shows_errors(demo: None):
    response = _upload(b"name\nErlan Kabyl\n", url="/match/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["primary_name"] and rows[0]["rank"] == "1"
    bad = _upload(b"who\nErlan\n", url="/match/")
    assert bad.status_code == 400 and "name" in bad.content.decode()
    assert Client().get("/match/").status_code == 200


def test_the_command_writes_a_csv(demo: None, tmp_path: Path, capsys: Any):
    source = tmp_path / "list.csv"
    source.write_text("name\nErlan Kabyl\nГүлнар Тұрсын\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("match_people", str(source), "--out", str(out), "--no-moments")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["row"] for r in rows} == {"1", "2"}
    assert "2 rows" in capsys.readouterr().out
    with pytest.raises(CommandError, match="header"):
        source.write_text("who\nx\n")
        call_command("match_people", str(source))


def _evil_list() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["name", "birth_year"], [EVIL, ""], ["Erlan Kabyl", "1979"]])
    return out.getvalue().encode()


def _check_escaped(rows: list[dict[str, str]]) -> None:
    evil, erlan = rows[0], rows[1]
    assert evil["row"] == "1" and evil["name"] == "'" + EVIL
    erlan_pk = Person.objects.get(key="p-erlan-kabyl").pk
    assert erlan["row"] == "2" and erlan["name"] == "Erlan Kabyl"
    assert (erlan["rank"], erlan["person"]) == ("1", str(erlan_pk))
    assert float(erlan["score"]) >= 0.8


def test_an_uploaded_formula_comes_back_escaped_from_the_page(demo: None):
    response = _upload(_evil_list(), url="/match/")
    assert response.status_code == 200
    _check_escaped(list(csv.DictReader(io.StringIO(response.content.decode()))))


def test_an_uploaded_formula_comes_back_escaped_from_the_command(demo: None, tmp_path: Path):
    source = tmp_path / "list.csv"
    source.write_bytes(_evil_list())
    out = tmp_path / "out.csv"
    call_command("match_people", str(source), "--out", str(out), "--no-moments")
    _check_escaped(list(csv.DictReader(out.open(encoding="utf-8"))))
