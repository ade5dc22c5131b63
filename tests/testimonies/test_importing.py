"""Import: validation with line numbers, all-or-nothing, upserts, and the index in step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from search import client
from search.query import SearchParams, search_segments
from testimonies.models import NameVariant, Person, Place, Segment, Testimony, Transcript
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db


def _import(path: Path, *extra: str) -> None:
    call_command("import_testimonies", str(path), "--no-progress", *extra)


def _search(q: str) -> list[str]:
    return [h.testimony for h in search_segments(SearchParams(q=q)).hits]


def test_import_creates_rows_and_the_index_reflects_it_on_return(meili: Any, tmp_path: Path):
    _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001"), record("t-002")]))

    testimony = Testimony.objects.get(external_id="t-001")
    assert testimony.recorded_display == "2018-03"
    assert testimony.people.get().status == "missing"
    assert set(testimony.people.get().names.values_list("name", flat=True)) == {
        "Ерлан Қабыл",
        "Erlan Kabyl",
        "Ерлан Кабыл",
    }
    assert testimony.places.get().aliases.count() == 4
    assert Segment.objects.filter(transcript__testimony=testimony).count() == 2
    assert client.document_count(client.index_uid("segments")) == 4
    assert sorted(set(_search("ұсталды"))) == ["t-001", "t-002"]


def test_reimporting_the_same_external_id_updates_in_place(meili: Any, tmp_path: Path):
    _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    changed = record(
        "t-001",
        title="Жаңа тақырып",
        segments=[{"start": 0.0, "end": 3.0, "text": "Мүлде жаңа мәтін.", "translation": "New."}],
    )
    _import(write_jsonl(tmp_path / "b.jsonl", [changed]))

    assert Testimony.objects.count() == 1
    assert Testimony.objects.get().title == "Жаңа тақырып"
    assert Transcript.objects.count() == 1
    assert Segment.objects.count() == 1
    assert Person.objects.count() == 1
    assert NameVariant.objects.count() == 3
    assert Place.objects.count() == 1
    assert _search("жаңа") == ["t-001"]
    assert _search("ұсталды") == []


def test_a_person_with_the_same_key_links_across_testimonies(meili: Any, tmp_path: Path):
    first = record("t-001")
    second = record("t-002", people=[{"key": "p-t-001", "names": ["Erlan Kabylov"]}])
    _import(write_jsonl(tmp_path / "a.jsonl", [first, second]))

    person = Person.objects.get()
    assert sorted(person.testimonies.values_list("external_id", flat=True)) == ["t-001", "t-002"]
    assert "Erlan Kabylov" in person.names.values_list("name", flat=True)


BAD_LINES = [
    ('{"external_id": "x", "title": ', "is not valid JSON"),
    ('["not", "an", "object"]', "must hold a JSON object"),
    (json.dumps({k: v for k, v in record("b").items() if k != "title"}), "title is required"),
    (json.dumps(record("b", language="xx")), 'language "xx" is not a known code'),
    (json.dumps(record("b", visibility="secret")), 'visibility is "secret"'),
    (json.dumps(record("b", recorded_on="March 2018")), "recorded_on"),
    (json.dumps(record("b", lenguage="kk")), "unknown field(s) lenguage"),
    (
        json.dumps(record("b", segments=[{"start": -1.0, "end": 2.0, "text": "a"}])),
        "segments[0].start is negative",
    ),
    (
        json.dumps(record("b", segments=[{"start": 5.0, "end": 2.0, "text": "a"}])),
        "segments[0] ends before it starts",
    ),
    (
        json.dumps(
            record(
                "b",
                segments=[
                    {"start": 0.0, "end": 5.0, "text": "a"},
                    {"start": 4.0, "end": 6.0, "text": "b"},
                ],
            )
        ),
        "segments[1] starts at 4.0, before the previous segment ends",
    ),
    (json.dumps(record("b", segments=[{"start": "0", "end": 1, "text": "a"}])), "number"),
    (json.dumps(record("t-001")), "external_id 't-001' repeats line 1"),
]


@pytest.mark.parametrize(("bad_line", "message"), BAD_LINES)
def test_an_invalid_line_imports_nothing_and_names_its_line(
    meili: Any, tmp_path: Path, bad_line: str, message: str
):
    records = [record("t-001"), record("placeholder"), record("t-003")]
    path = write_jsonl(tmp_path / "bad.jsonl", records, raw_lines={2: bad_line})

    with pytest.raises(CommandError) as error:
        _import(path)

    assert "line 2:" in str(error.value)
    assert message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert Testimony.objects.count() == 0
    assert client.document_count(client.index_uid("segments")) == 0


def test_every_invalid_line_is_reported_at_once(meili: Any, tmp_path: Path):
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        [record("a"), record("b"), record("c")],
        raw_lines={1: "{", 3: json.dumps(record("c", language="xx"))},
    )
    with pytest.raises(CommandError) as error:
        _import(path)
    assert "2 problem(s)" in str(error.value)
    assert "line 1:" in str(error.value) and "line 3:" in str(error.value)


def test_skip_invalid_imports_the_valid_lines(meili: Any, tmp_path: Path, capsys: Any):
    path = write_jsonl(
        tmp_path / "bad.jsonl", [record("a"), record("b")], raw_lines={2: "not json"}
    )
    _import(path, "--skip-invalid")
    assert list(Testimony.objects.values_list("external_id", flat=True)) == ["a"]
    assert "skipped line 2" in capsys.readouterr().err


def test_meilisearch_down_leaves_the_database_as_it_was(meili: Any, tmp_path: Path, settings: Any):
    _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    settings.MEILI_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.MEILI_REQUEST_TIMEOUT = 1.0
    changed = record("t-001", title="Changed while search was down")

    with pytest.raises(CommandError) as error:
        _import(write_jsonl(tmp_path / "b.jsonl", [changed, record("t-002")]))

    assert "not reachable" in str(error.value)
    assert "MEILI_URL" in str(error.value)
    assert Testimony.objects.get().title == record()["title"]
    assert Testimony.objects.count() == 1


def test_a_wrong_key_is_reported_and_nothing_changes(meili: Any, tmp_path: Path, settings: Any):
    settings.MEILI_MASTER_KEY = "wrong-key-wrong-key-wrong-key"
    with pytest.raises(CommandError) as error:
        _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    assert "MEILI_MASTER_KEY" in str(error.value)
    assert Testimony.objects.count() == 0


def test_a_failed_indexing_task_rolls_the_import_back(
    meili: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A document Meilisearch refuses (an invalid primary key) makes the task fail for real.
    from search import documents

    original = documents.segment_documents

    def broken(testimony: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return [{**doc, "id": "not a valid id!"} for doc in original(testimony, **kwargs)]

    monkeypatch.setattr("search.sync.segment_documents", broken)
    with pytest.raises(client.SearchTaskFailed) as error:
        from testimonies.importing import import_file

        import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    assert "task" in str(error.value) and "failed" in str(error.value)
    assert Testimony.objects.count() == 0


def test_drafts_and_restricted_testimonies_never_reach_the_index(meili: Any, tmp_path: Path):
    records = [
        record("pub"),
        record("draft", visibility="draft"),
        record("restr", visibility="restricted"),
    ]
    _import(write_jsonl(tmp_path / "a.jsonl", records))
    assert set(_search("ұсталды")) == {"pub"}
    assert client.document_count(client.index_uid("segments")) == 2
    assert client.document_count(client.index_uid("testimonies")) == 1


def test_unpublishing_by_reimport_removes_documents(meili: Any, tmp_path: Path):
    _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    _import(write_jsonl(tmp_path / "b.jsonl", [record("t-001", visibility="draft")]))
    assert _search("ұсталды") == []
    assert client.document_count(client.index_uid("people")) == 0


def test_export_record_reimports_to_the_same_rows(meili: Any, tmp_path: Path):
    from testimonies.importing import export_record

    original = record("t-001")
    _import(write_jsonl(tmp_path / "a.jsonl", [original]))
    exported = export_record(Testimony.objects.get())
    assert exported["segments"] == original["segments"]
    assert exported["recorded_on"] == "2018-03"
    _import(write_jsonl(tmp_path / "b.jsonl", [exported]))
    assert Testimony.objects.count() == 1 and Segment.objects.count() == 2


@pytest.mark.parametrize(
    ("names", "gazetteer_id"),
    [(["Ili"], "ili"), (["Awat"], "awat"), (["Заңгуй", "Zangguy"], "gn-1279524")],
)
def test_an_imported_place_is_the_curated_one_its_name_is_spotted_as(
    meili: Any, tmp_path: Path, names: list[str], gazetteer_id: str
):
    # GeoNames has towns once called Ili and a village Awat; the curated places keep them.
    _import(write_jsonl(tmp_path / "a.jsonl", [record("t-001", places=[{"names": names}])]))
    assert Place.objects.get().gazetteer_id == gazetteer_id
