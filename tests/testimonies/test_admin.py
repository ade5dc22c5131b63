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


def test_a_person_page_shows_each_fact_with_its_source_and_settles_by_decision(
    editor_client: Client,
):
    from testimonies.facts import person_facts
    from testimonies.models import Claim, Person

    person = Person.objects.get()
    url = f"/admin/testimonies/person/{person.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert "Erlan Kabyl" in page
    existing = list(Claim.objects.filter(person=person))
    new = len(existing)
    assert f"claims-{new}-field" in page and "t-001" in page  # each claim names its source
    assert 'name="primary_name"' not in page  # facts change through claims only

    form = {
        "claims-TOTAL_FORMS": str(new + 1),
        "claims-INITIAL_FORMS": str(new),
        f"claims-{new}-field": "status",
        f"claims-{new}-value": "released",
        f"claims-{new}-detail": "{}",
        f"claims-{new}-visibility": "",
        "names-TOTAL_FORMS": str(person.names.count()),
        "names-INITIAL_FORMS": str(person.names.count()),
        "key": person.key,
        "notes": "",
        "identifiers": "{}",
    }
    for i, claim in enumerate(existing):
        form[f"claims-{i}-id"] = str(claim.pk)
        form[f"claims-{i}-person"] = str(person.pk)
    for i, variant in enumerate(person.names.all()):
        form[f"names-{i}-id"] = str(variant.pk)
        form[f"names-{i}-person"] = str(person.pk)
    refused = editor_client.post(url, form)
    assert "Choose who may see this decision." in refused.content.decode()
    assert not Claim.objects.filter(value="released").exists()

    form[f"claims-{new}-visibility"] = "restricted"
    assert editor_client.post(url, form).status_code == 302
    decision = Claim.objects.get(value="released")
    assert decision.testimony is None and decision.decided_by is not None
    person = Person.objects.prefetch_related("claims__testimony").get()
    assert person.status == "released"  # editors see the decision
    public = person_facts(person, ("public",))
    assert public is not None and public.status == "missing"  # the public, its source
