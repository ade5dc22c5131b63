"""Editors' verdicts on proposals outlive a re-transcription: kept, not proposed again, and
moved to the new segment where extraction finds them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from review import decisions
from review.extraction import propose
from testimonies.models import Event, Mention, Person, Testimony, Transcript
from transcription import pipeline
from transcription.engine.schema import Segment as ResultSegment
from transcription.engine.schema import TranscriptionResult

pytestmark = pytest.mark.django_db

DETAINED = "My brother Erlan Kabyl was detained in Ghulja in March 2018."
TAKEN = "Since then we know nothing. My sister Aigul Serikova was taken in 2019."


def _result(*texts: str, shift: float = 0.0) -> TranscriptionResult:
    return TranscriptionResult(
        language="en",
        language_source="declared",
        language_probability=1.0,
        task="transcribe",
        engine="faster-whisper",
        model="base",
        duration=5.0 * len(texts),
        segments=[
            ResultSegment(start=i * 5 + shift, end=i * 5 + 5 + shift, text=text)
            for i, text in enumerate(texts)
        ],
    )


@pytest.fixture
def editor(db: None) -> User:
    return User.objects.create_superuser("editor", "e@example.org", "x")


@pytest.fixture
def transcribe(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """The pipeline's store, then what it queues on commit: extraction (search stays off)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr("search.tasks.drain_index.apply_async", lambda *a, **k: None)

    def store(testimony: Testimony, result: TranscriptionResult) -> Transcript:
        with django_capture_on_commit_callbacks(execute=True):
            return pipeline.store_result(testimony, result)

    return store


def _snapshot(mention: Mention) -> tuple[Any, ...]:
    mention.refresh_from_db()
    return (
        mention.review,
        mention.reviewed_by_id,
        mention.reviewed_at,
        mention.value,
        mention.person_id,
        mention.place_id,
    )


def test_verdicts_survive_a_retranscription_and_are_not_proposed_again(
    transcribe: Any, editor: User
):
    testimony = Testimony.objects.create(external_id="en-kept", title="t", language="en")
    transcribe(testimony, _result(DETAINED, TAKEN))
    proposals = Mention.objects.filter(testimony=testimony)
    count = proposals.count()
    assert count == 8  # person, place, date, event; person, date, two events
    date = proposals.get(kind="date", key="2018-03")
    decisions.reject(date, user=editor)
    # The editor corrects the spelling, then accepts: the key stays what the machine found.
    person = proposals.get(kind="person", value__name="Erlan Kabyl")
    person.value = {**person.value, "name": "Erlan Kabyluly"}
    person.save()
    decisions.accept(person, user=editor)
    place = decisions.accept(proposals.get(kind="place"), user=editor)
    before = {m.pk: _snapshot(m) for m in (date, person, place)}
    proposed = set(proposals.filter(review=Event.Review.PROPOSED).values_list("pk", flat=True))

    new = transcribe(testimony, _result(DETAINED, TAKEN, shift=0.4))

    # Nothing doubled, nothing re-proposed: the same rows, verdicts, reviewer, links.
    assert proposals.count() == count
    assert {m.pk: _snapshot(m) for m in (date, person, place)} == before
    assert (date.review, date.reviewed_by, date.reviewed_at is not None) == (
        "rejected",
        editor,
        True,
    )
    assert person.review == "accepted" and person.reviewed_by == editor
    assert person.person is not None and person.person.primary_name == "Erlan Kabyluly"
    assert list(testimony.people.all()) == [person.person] == list(Person.objects.all())
    assert testimony.places.get().gazetteer_id == "ghulja"
    for kind, key in (("date", "2018-03"), ("person", person.key), ("place", "ghulja")):
        assert proposals.filter(kind=kind, key=key).count() == 1
    # Each reviewed mention points at the new segment where its words are now.
    for mention in (date, person, place):
        assert mention.segment is not None and mention.segment.transcript == new
        assert mention.segment.start == 0.4
        assert mention.segment.text[mention.char_start : mention.char_end] == mention.surface
    # The unreviewed proposals were replaced by fresh ones on the new transcript.
    fresh = proposals.filter(review=Event.Review.PROPOSED)
    assert fresh.count() == len(proposed) == 5
    assert not fresh.filter(pk__in=proposed).exists()
    assert set(fresh.values_list("segment__transcript", flat=True)) == {new.pk}


def test_an_accepted_event_follows_its_words_to_the_new_transcript(transcribe: Any, editor: User):
    testimony = Testimony.objects.create(external_id="en-event", title="t", language="en")
    transcribe(testimony, _result(DETAINED))
    proposal = Mention.objects.get(testimony=testimony, kind="event")
    decisions.accept(Mention.objects.get(testimony=testimony, kind="person"), user=editor)
    event = decisions.accept(proposal, user=editor).event
    assert event is not None and event.segment is not None

    new = transcribe(testimony, _result("Hello.", DETAINED))

    event.refresh_from_db()
    assert event.segment is not None and event.segment.transcript == new
    assert event.segment.text == DETAINED and event.segment.index == 1


def test_a_verdict_on_words_no_longer_there_stays_with_the_testimony(transcribe: Any, editor: User):
    testimony = Testimony.objects.create(external_id="en-gone", title="t", language="en")
    transcribe(testimony, _result(DETAINED))
    date = Mention.objects.get(kind="date")
    decisions.reject(date, user=editor)
    # Before extraction runs again: the old segment's unreviewed proposals are gone, the
    # verdict is kept without a segment.
    pipeline.store_result(testimony, _result("My brother Erlan Kabyl was detained in Ghulja."))
    assert list(Mention.objects.all()) == [date]
    date.refresh_from_db()
    assert (date.segment, date.testimony, date.review, date.reviewed_by) == (
        None,
        testimony,
        "rejected",
        editor,
    )
    propose(testimony.pk)
    date.refresh_from_db()
    assert date.segment is None and date.review == "rejected"
    assert not Mention.objects.filter(kind="date").exclude(pk=date.pk).exists()
    assert Mention.objects.filter(kind="person", review="proposed").count() == 1

    browser = Client()
    browser.force_login(editor)
    for query in (
        "",
        "?review__exact=rejected",
        "?q=en-gone",
        "?segment__transcript__language=en",
        "?o=6",
    ):
        page = browser.get(f"/admin/testimonies/mention/{query}")
        assert page.status_code == 200, query
    listed = browser.get("/admin/testimonies/mention/?q=en-gone").content.decode()
    assert "(no segment)" in listed and "2018-03 (month)" in listed
    assert browser.get(f"/admin/testimonies/mention/{date.pk}/change/").status_code == 200
    # A kept proposal can still be accepted with no segment to look around.
    kept = Mention.objects.get(kind="person")
    Mention.objects.filter(pk=kept.pk).update(origin=Event.Origin.EDITOR)
    pipeline.store_result(testimony, _result("Nothing about anyone."))
    accepted = decisions.accept(kept, user=editor)
    assert accepted.segment is None and accepted.person is not None
    assert accepted.person.names.filter(name="Erlan Kabyl", language="en").exists()
