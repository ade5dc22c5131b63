"""Case files (WGEID elements a–f) as JSON and PDF: vetted roles only, identity numbers only
for a role allowed to see them, every generation recorded, nothing for anyone else."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth.models import User
from django.test import Client

from testimonies import roles
from testimonies.casefiles import add_case_fact
from testimonies.models import CaseFileRecord, Claim, Person, Testimony
from testimonies.visibility import Visibility

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "case-file.schema.json").read_text()
)
PASSPORT = "N98765432"  # fictional
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


def _client(role: str | None, *, staff: bool = False) -> Client:
    client = Client()
    if role is None and not staff:
        return client
    user = User.objects.create_user(f"user-{role}-{staff}", password="x", is_staff=staff)
    if role:
        roles.grant(user, role)
    client.force_login(user)
    return client


@pytest.fixture
def erlan(demo: Testimony) -> Person:
    person = Person.objects.get(key="p-erlan-kabyl")
    person.identifiers = {"passport": PASSPORT}
    person.save(update_fields=["identifiers"])
    return person


def _url(person: Person, fmt: str = "json") -> str:
    return f"/api/v1/people/{person.pk}/case-file.{fmt}"


def test_a_case_file_holds_each_element_with_its_sources(erlan: Person):
    response = _client(roles.NGO).get(_url(erlan), {"organisation": "Demo Rights Group"})
    assert response.status_code == 200
    case = response.json()
    jsonschema.validate(case, SCHEMA)
    a, b, c = (case["elements"][k] for k in "abc")
    assert {n["name"] for n in a["names"]} >= {"Ерлан Қабылұлы", "ئېرلان قابىل", "叶尔兰·卡布勒"}
    assert a["identity_documents"] == [{"kind": "passport", "number": PASSPORT, "masked": False}]
    assert b["event"]["kind"] == "detained" and b["event"]["date"] == "2018-03"
    assert b["event"]["month"] == 3 and b["event"]["day"] is None
    assert c["place"]["name"] == "Құлжа"
    kazakh = next(s for s in b["event"]["sources"] if s["testimony"] == "demo-kk-001")
    assert kazakh["start"] == 24.6 and "Құлжадағы" in kazakh["quote"]
    assert kazakh["source_url"].startswith("https://www.youtube.com/watch?v=demo1000001")
    # The demo recording on demo-kk-001 is hashed; its SHA-256 goes with the source.
    assert kazakh["media_sha256"] == [
        m["sha256"] for m in case["testimonies"]["demo-kk-001"]["media"]
    ]
    assert len(kazakh["media_sha256"]) == 1 and len(kazakh["media_sha256"][0]) == 64
    missing = {f"{m['element']}.{m['key']}" for m in case["completeness"]["missing"]}
    assert {"b.day", "a.photo", "d.believed_responsible", "e.actions"} <= missing
    assert "a.identity_document" not in missing and "f.submitter" not in missing
    assert case["elements"]["f"]["organisation"] == "Demo Rights Group"
    assert not case["completeness"]["complete"]
    # The summary retells the facts with their testimonies, nothing more.
    assert "Ерлан Қабылұлы, born in 1979." in case["summary"]
    assert (
        "Detained — Құлжа — 2018-03 (testimonies: demo-en-001, demo-kk-001, demo-ru-001)."
        in case["summary"]
    )


def test_editors_fill_what_the_testimonies_do_not_hold(erlan: Person):
    editor = User.objects.create_user("editor", is_staff=True)
    roles.grant(editor, roles.EDITOR)
    source = Testimony.objects.get(external_id="demo-kk-001")
    transcript = source.current_transcript()
    assert transcript is not None
    moment = transcript.segments.get(index=3)
    add_case_fact(
        erlan,
        Claim.Field.PERPETRATOR,
        "Police of Ghulja",
        by=editor,
        testimony=source,
        segment=moment,
    )
    add_case_fact(
        erlan,
        Claim.Field.FAMILY_ACTION,
        "Letter to the consulate asking where he is held",
        by=editor,
        visibility=Visibility.RESTRICTED,
        date="2019-02",
        source="Copy of the letter kept by the family",
    )
    with pytest.raises(ValueError, match="needs its source"):
        add_case_fact(
            erlan,
            Claim.Field.FAMILY_ACTION,
            "Something",
            by=editor,
            visibility=Visibility.RESTRICTED,
        )
    case = _client(roles.RESEARCHER).get(_url(erlan)).json()
    d, e = case["elements"]["d"], case["elements"]["e"]
    assert d["filled"] and d["believed_responsible"][0]["value"] == "Police of Ghulja"
    assert d["believed_responsible"][0]["sources"][0]["start"] == moment.start
    assert e["filled"] and e["actions"][0]["date"] == "2019-02"
    assert e["actions"][0]["sources"][0]["editor_note"] == "Copy of the letter kept by the family"
    assert "Action by the family: Letter to the consulate" in case["summary"]
    # The editor's restricted fact is no dispute and never public.
    person_api = Client().get(f"/api/v1/people/{erlan.pk}").json()
    assert "family_action" not in {x["field"] for x in person_api["evidence"]}


def test_identity_numbers_are_masked_for_a_role_that_may_not_see_them(erlan: Person):
    case = _client(roles.RESEARCHER).get(_url(erlan)).json()
    assert case["identity_numbers_masked"]
    assert case["elements"]["a"]["identity_documents"][0]["number"] == "[redacted]"
    assert PASSPORT not in json.dumps(case)


@pytest.mark.parametrize("role", [None, roles.REVIEWER])
def test_a_case_file_is_refused_and_leaves_no_trace(erlan: Person, role: str | None):
    client = _client(role)
    for fmt in ("json", "pdf"):
        known = client.get(_url(erlan, fmt))
        unknown = client.get(f"/api/v1/people/999999/case-file.{fmt}")
        assert known.status_code == unknown.status_code == 404
        assert known.content == unknown.content
    assert CaseFileRecord.objects.count() == 0


def test_a_person_the_account_may_not_see_has_no_case_file(demo: Testimony):
    hidden = Person.objects.get(key="p-gulmira-kasym")  # named only in a draft testimony
    researcher = _client(roles.RESEARCHER)
    assert researcher.get(_url(hidden)).status_code == 404
    assert _client(None, staff=True).get(_url(hidden)).status_code == 200
    assert CaseFileRecord.objects.count() == 1


def test_every_generation_is_recorded(erlan: Person):
    ngo = _client(roles.NGO)
    ngo.get(_url(erlan, "json"))
    ngo.get(_url(erlan, "pdf"))
    records = list(CaseFileRecord.objects.order_by("id"))
    assert [r.format for r in records] == ["json", "pdf"]
    assert all(r.person_ref == erlan.pk and r.made_by is not None for r in records)
    assert records[0].made_by.username == "user-ngo-False"  # type: ignore[union-attr]
    assert records[0].identity_numbers and "a" in records[0].elements
    assert "b.day" in records[0].missing


def _pdf_text(body: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "case.pdf"
    pdf.write_bytes(body)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return unicodedata.normalize("NFKC", out)


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="poppler-utils (pdftotext) is not installed")
def test_the_pdf_holds_each_element_names_in_every_script_and_the_quotes(
    erlan: Person, tmp_path: Path
):
    body = _client(roles.NGO).get(_url(erlan, "pdf")).content
    assert body.startswith(b"%PDF")
    text = _pdf_text(body, tmp_path)
    flat = " ".join(text.split())
    for title in (
        "(a) Full name",
        "(b) Date of the disappearance",
        "(c) Place of arrest",
        "(d) Believed to have",
        "(e) Action by the family",
        "(f) Submitted by",
    ):
        assert title in flat
    for name in ("Ерлан Қабылұлы", "Erlan Kabyluly", "叶尔兰·卡布勒"):
        assert name in flat
    assert "قابىل" in flat or "قابىل"[::-1] in flat  # Uyghur, logical or visual order
    assert "police took him from our mother" in flat
    assert "Құлжадағы анамыздың үйінен" in flat
    assert PASSPORT in flat and "no day of arrest" in flat
    researcher = _client(roles.RESEARCHER).get(_url(erlan, "pdf")).content
    assert PASSPORT not in " ".join(_pdf_text(researcher, tmp_path).split())


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize(("lang", "label"), [("ug", "تۇتۇلغان"), ("zh-hans", "被拘留")])
def test_the_pdf_speaks_the_language_asked_for(
    erlan: Person, tmp_path: Path, lang: str, label: str
):
    body = _client(roles.NGO).get(_url(erlan, "pdf"), {"lang": lang}).content
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"case-file-{lang}.pdf").write_bytes(body)  # to look at, as the screenshots
    flat = " ".join(_pdf_text(body, tmp_path).split())
    assert label in flat or label[::-1] in flat


def test_bad_parameters_are_named(erlan: Person):
    response = _client(roles.NGO).get(_url(erlan), {"lang": "xx"})
    assert response.status_code == 400 and "lang" in response.json()
    assert CaseFileRecord.objects.count() == 0
