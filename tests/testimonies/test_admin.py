"""The admin: every model has a working list (with search and filters), form and inlines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client

from testimonies.importing import import_file
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db

MODELS = [
    "testimony",
    "mediaasset",
    "person",
    "namevariant",
    "place",
    "placealias",
    "transcript",
    "segment",
    "event",
    "mention",
]


@pytest.fixture
def editor_client(meili: Any, tmp_path: Path) -> Client:
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    user = User.objects.create_superuser("admin", "admin@example.org", "pw-for-tests-only")
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_searchable_list_and_an_add_form(editor_client: Client, model: str):
    registered = {m._meta.model_name for m in admin.site._registry}
    if model in {"namevariant", "placealias"}:
        assert model not in registered  # edited inline, on the person or place
        return
    assert model in registered
    assert editor_client.get(f"/admin/testimonies/{model}/?q=Ерлан").status_code == 200
    assert editor_client.get(f"/admin/testimonies/{model}/add/").status_code == 200


def test_a_transcript_page_edits_its_segments_inline(editor_client: Client):
    from testimonies.models import Transcript

    transcript = Transcript.objects.get()
    page = editor_client.get(f"/admin/testimonies/transcript/{transcript.pk}/change/")
    assert page.status_code == 200
    assert b"segments-0-text" in page.content and b"segments-1-translation" in page.content


def test_a_person_page_edits_name_variants_inline(editor_client: Client):
    from testimonies.models import Person

    page = editor_client.get(f"/admin/testimonies/person/{Person.objects.get().pk}/change/")
    assert "Erlan Kabyl" in page.content.decode()
    assert b"names-0-script" in page.content
