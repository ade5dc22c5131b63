"""Editor marks follow their words when a person edits a segment; none leaks, none crashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

from search.documents import segment_documents, with_related
from testimonies.importing import import_file
from testimonies.models import Segment, Testimony
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db
TEXT = "Менің ағам Ерлан Қабыл 2018 жылы Құлжада ұсталды."
NAME = "Ерлан Қабыл"


@pytest.fixture
def marked(meili: Any, tmp_path: Path) -> Segment:
    segments = [{"start": 0.0, "end": 4.0, "text": TEXT, "translation": "My brother."}]
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001", segments=segments)]))
    segment = Segment.objects.get(transcript__testimony__external_id="t-001")
    start = TEXT.index(NAME)
    segment.redactions = [{"field": "text", "start": start, "end": start + len(NAME)}]
    segment.save()
    assert NAME not in segment.public_text
    return segment


def _admin_save(segment: Segment, **changes: str) -> None:
    """Save the segment through the admin's own form and save_model, as an editor would."""
    model_admin = admin.site._registry[Segment]
    request = RequestFactory().post("/")
    request.user = User.objects.create_superuser("editor", "e@example.org", "pw-for-tests-only")
    form_class = model_admin.get_form(request, segment, change=True)
    unbound = form_class(instance=segment)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()  # already prepared for the form (JSON as text)
        data[name] = "" if value is None else value
    data.update(changes)
    form = form_class(data, instance=segment)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)


def test_a_word_inserted_before_a_masked_name_keeps_the_name_masked(marked: Segment):
    _admin_save(marked, text="Иә, " + TEXT)
    segment = Segment.objects.get(pk=marked.pk)
    assert segment.edited
    assert NAME not in segment.public_text
    assert segment.public_text.startswith("Иә, Менің ағам")


def test_a_masked_name_edited_away_masks_the_whole_text(marked: Segment):
    _admin_save(marked, text="Менің ағам 2018 жылы ұсталды.")
    segment = Segment.objects.get(pk=marked.pk)
    assert "ағам" not in segment.public_text


def test_a_mark_beyond_a_shortened_text_hides_the_text_instead_of_failing(marked: Segment):
    Segment.objects.filter(pk=marked.pk).update(text="Ерлан Қабыл")  # edited around the admin
    segment = Segment.objects.get(pk=marked.pk)
    assert NAME not in segment.public_text
    testimony = with_related(Testimony.objects.filter(pk=segment.transcript.testimony_id)).get()
    documents = segment_documents(testimony)
    assert documents and all(NAME not in doc["text"] for doc in documents)


def test_any_save_moves_the_marks_not_only_the_admin(marked: Segment):
    segment = Segment.objects.get(pk=marked.pk)
    segment.text = "Иә, иә. " + TEXT  # an editor page, the shell, a script
    segment.save(update_fields=["text"])
    stored = Segment.objects.get(pk=marked.pk)
    assert NAME not in stored.public_text
    assert stored.public_text.startswith("Иә, иә. Менің ағам")
    assert "redaction_lost" not in stored.flags


def test_a_mark_that_lost_its_words_flags_the_segment_for_review(marked: Segment):
    segment = Segment.objects.get(pk=marked.pk)
    segment.text = "Менің ағам 2018 жылы ұсталды."
    segment.save()
    stored = Segment.objects.get(pk=marked.pk)
    assert "redaction_lost" in stored.flags
    assert "ағам" not in stored.public_text


def test_marks_rewritten_with_the_words_are_taken_as_written(marked: Segment):
    segment = Segment.objects.get(pk=marked.pk)
    segment.text = "Ерлан Қабыл."
    segment.redactions = [{"field": "text", "start": 0, "end": len(NAME)}]
    segment.save()
    stored = Segment.objects.get(pk=marked.pk)
    assert stored.redactions == [{"field": "text", "start": 0, "end": len(NAME)}]
    assert stored.public_text.endswith(".") and NAME not in stored.public_text
