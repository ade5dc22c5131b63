"""The search command, the shared query engine and the no-downtime reindex."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from search import client
from search.query import SearchParams, search_segments
from testimonies.models import Segment
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(meili: Any, tmp_path: Path) -> None:
    records = [
        record("kk-1"),
        record(
            "ru-1",
            language="ru",
            title="Брат ищет сестру",
            segments=[
                {
                    "start": 1.5,
                    "end": 6.0,
                    "text": "Мою сестру Айгуль Нурланову забрали в Кульдже в 2017 году.",
                    "translation": "My sister Aigul Nurlanova was taken in Ghulja in 2017.",
                }
            ],
            people=[{"key": "p-aigul", "names": ["Айгуль Нурланова", "Aigul Nurlanova"]}],
        ),
        record("hidden", visibility="restricted"),
    ]
    call_command(
        "import_testimonies", str(write_jsonl(tmp_path / "a.jsonl", records)), "--no-progress"
    )


def _json_search(capsys: Any, *args: str) -> dict[str, Any]:
    capsys.readouterr()
    call_command("search", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_search_json_prints_public_hits_with_times_and_highlight(imported: None, capsys: Any):
    payload = _json_search(capsys, "сестру")
    assert payload["total"] == 1
    hit = payload["hits"][0]
    assert set(hit) == {"testimony", "start", "end", "text", "translation", "highlight"}
    assert hit["testimony"] == "ru-1"
    assert (hit["start"], hit["end"]) == (1.5, 6.0)
    assert "<mark>сестру</mark>" in hit["highlight"]
    assert hit["translation"].startswith("My sister")


def test_search_filters_by_language_and_limits(imported: None, capsys: Any):
    assert {h["testimony"] for h in _json_search(capsys, "2018", "--language", "kk")["hits"]} == {
        "kk-1"
    }
    assert _json_search(capsys, "Ghulja", "--language", "ru")["hits"][0]["testimony"] == "ru-1"
    assert len(_json_search(capsys, "", "--limit", "1")["hits"]) == 1


def test_search_never_returns_restricted_testimonies(imported: None, capsys: Any):
    every = _json_search(capsys, "", "--limit", "100")
    assert "hidden" not in {h["testimony"] for h in every["hits"]}
    assert every["total"] == 3


def test_a_bad_parameter_is_a_clear_error(imported: None):
    with pytest.raises(CommandError, match="language"):
        call_command("search", "x", "--language", "klingon")
    with pytest.raises(CommandError, match="limit"):
        call_command("search", "x", "--limit", "0")


def test_a_hostile_query_is_searched_as_text_not_as_markup(imported: None, capsys: Any):
    payload = _json_search(capsys, '<script>alert(1)</script> " OR visibility = draft')
    assert all("<script>" not in h["highlight"] for h in payload["hits"])
    assert "hidden" not in {h["testimony"] for h in payload["hits"]}


def test_search_down_gives_a_message_naming_the_server(imported: None, settings: Any):
    settings.MEILI_URL = "http://127.0.0.1:9"
    settings.MEILI_REQUEST_TIMEOUT = 1.0
    with pytest.raises(CommandError, match="not reachable"):
        call_command("search", "сестру")


def test_reindex_rebuilds_from_the_database_and_swaps(imported: None, capsys: Any):
    uid = client.index_uid("segments")
    # The index drifted from the database: a document vanished and an edit never arrived.
    client.wait(client.delete_by_filter(uid, 'testimony = "ru-1"'))
    Segment.objects.filter(text__contains="сестру").update(text="Мою сестру увезли в лагерь.")

    call_command("reindex", "--no-progress")

    hits = search_segments(SearchParams(q="лагерь")).hits
    assert [h.testimony for h in hits] == ["ru-1"]
    assert client.document_count(uid) == 3
    assert client.get_settings(uid)["filterableAttributes"]
    assert [uid for uid in client.index_uids() if "_build_" in uid] == []
