"""Case files in bulk from a list match: the command (with progress), the API and /match/
give one ZIP whose results.csv says which rows got a file and what each file lacks."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from testimonies import roles
from testimonies.models import CaseFileRecord, Person, Testimony

pytestmark = pytest.mark.django_db

LIST = "name,birth_year\nErlan Kabyluly,1979\nЕрлан Кабылулы,\nNobody Zzyzx Qqq,\n"


def _account(role: str) -> User:
    user = User.objects.create_user(f"someone-{role}", password="x")
    roles.grant(user, role)
    return user


def _results(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read("results.csv").decode("utf-8"))))


def test_the_command_writes_case_files_for_confident_matches(demo: Testimony, tmp_path: Path):
    _account(roles.NGO)
    names = tmp_path / "list.csv"
    names.write_text(LIST, encoding="utf-8")
    target, out = tmp_path / "cases.zip", io.StringIO()
    call_command(
        "match_people",
        str(names),
        "--case-files",
        str(target),
        "--as",
        "someone-ngo",
        "--no-moments",
        "--out",
        str(tmp_path / "results.csv"),
        stdout=out,
    )
    erlan = Person.objects.get(key="p-erlan-kabyl")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"case-{erlan.pk}.json", f"case-{erlan.pk}.pdf", "results.csv"]
        )
        case = json.loads(archive.read(f"case-{erlan.pk}.json"))
        assert case["elements"]["b"]["event"]["date"] == "2018-03"
        rows = _results(archive)
    firsts = {r["row"]: r for r in rows if r["rank"] in ("1", "")}
    assert firsts["1"]["case_file"] == f"case-{erlan.pk}.json, case-{erlan.pk}.pdf"
    assert "b.day" in firsts["1"]["case_file_missing"].split()
    assert firsts["2"]["case_file"] == firsts["1"]["case_file"]  # the same person, one file
    assert firsts["3"]["case_file"] == "" and firsts["3"]["person"] == ""
    assert (tmp_path / "results.csv").read_text(encoding="utf-8").startswith("row,name,rank")
    records = CaseFileRecord.objects.all()
    assert records.count() == 2 and len({r.batch for r in records}) == 1
    assert "1 confident matches, 1 case files" in out.getvalue()


def test_the_command_needs_a_vetted_account(demo: Testimony, tmp_path: Path):
    names = tmp_path / "list.csv"
    names.write_text(LIST, encoding="utf-8")
    zipped = str(tmp_path / "cases.zip")
    with pytest.raises(CommandError, match="needs --as"):
        call_command("match_people", str(names), "--case-files", zipped)
    _account(roles.REVIEWER)
    with pytest.raises(CommandError, match="may not make case files"):
        call_command("match_people", str(names), "--case-files", zipped, "--as", "someone-reviewer")
    assert CaseFileRecord.objects.count() == 0


def test_the_api_answers_a_vetted_account_with_a_zip(demo: Testimony):
    body = {"rows": [{"name": "Erlan Kabyluly"}, {"name": "Nobody Zzyzx Qqq"}]}
    anonymous = Client().post(
        "/api/v1/people/match?case_files=json", body, content_type="application/json"
    )
    assert anonymous.status_code == 404 and CaseFileRecord.objects.count() == 0
    client = Client()
    client.force_login(_account(roles.RESEARCHER))
    response = client.post(
        "/api/v1/people/match?case_files=json", body, content_type="application/json"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        names = archive.namelist()
        assert len([n for n in names if n.endswith(".json")]) == 1
        rows = _results(archive)
    assert [r["case_file"] != "" for r in rows if r["rank"] in ("1", "")] == [True, False]
    assert CaseFileRecord.objects.get().identity_numbers is False


def test_the_match_page_offers_case_files_to_vetted_accounts_only(demo: Testimony):
    assert "case_files" not in Client().get("/match/").content.decode()
    client = Client()
    client.force_login(_account(roles.NGO))
    assert 'name="case_files"' in client.get("/match/").content.decode()
    upload = io.BytesIO(LIST.encode("utf-8"))
    upload.name = "list.csv"
    response = client.post("/match/", {"file": upload, "case_files": "pdf"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 1 and archive.read(pdfs[0]).startswith(b"%PDF")
