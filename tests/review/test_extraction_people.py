"""People in transcripts, their kinship to the witness, and the editor's review: accept,
reject, one-click buttons in the admin, merging duplicate people, the task after
transcription."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from review import decisions
from review.extraction import extract, propose
from review.people_extraction import find_people
from testimonies.importing import import_file, upsert_person
from testimonies.models import (
    Claim,
    Event,
    Mention,
    Person,
    PersonMerge,
    Place,
    Segment,
    Testimony,
    Transcript,
    Visibility,
)
from tests.factories import record, write_jsonl


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "kk",
            "Менің інім Ерлан Қабылұлы 2018 жылы наурызда Құлжада ұсталды.",
            [("Ерлан Қабылұлы", "brother")],
        ),
        (  # the witness, and an accusative name put back in its base form
            "kk",
            "Менің атым Гүлнар Сейтқызы. Әкем Нұрлан Сейітқазыны 2017 жылы алып кетті.",
            [("Гүлнар Сейтқызы", "self"), ("Нұрлан Сейітқазы", "father")],
        ),
        (  # Natasha NER, then the nominative: брата Ерлана -> Ерлан; сестру Гульнару Ахметову
            "ru",
            "Моего брата Ерлана забрали, я ищу сестру Гульнару Ахметову.",
            [("Ерлан", "brother"), ("Гульнара Ахметова", "sister")],
        ),
        (
            "ru",
            "Меня зовут Айгуль Серикова. С Мухтаром Сериковым мы не говорили с 2019 года.",
            [("Айгуль Серикова", "self"), ("Мухтар Сериков", None)],
        ),
        (
            "ug",
            "ئاكام ئەركىن تۇرسۇن 2017-يىلى ئاپرېلدا قەشقەردە تۇتۇلدى",
            [("ئەركىن تۇرسۇن", "brother")],
        ),
        (
            "en",
            "My younger brother Erlan Kabyl was taken in Ghulja in March 2018.",
            [("Erlan Kabyl", "brother")],
        ),
        (  # places and months are not people; an apposition gives the kinship
            "en",
            "In March 2018 in Urumqi police took Nurlan Seitkazy, my uncle.",
            [("Nurlan Seitkazy", "uncle")],
        ),
    ],
)
def test_people_with_kinship_in_each_language(
    language: str, text: str, expected: list[tuple[str, str | None]]
):
    found = [(p.name, p.kinship) for p in find_people(text, language)]
    assert found == expected


def test_no_people_in_text_without_names():
    assert find_people("We went to Almaty in 2019 and asked the Chinese embassy.", "en") == []
    assert find_people("Содан бері ешқандай хабар жоқ.", "kk") == []
    assert find_people("С тех пор мы ничего не знаем.", "ru") == []


def test_approximate_dates():
    found = extract("Примерно в 2019 году его увезли.", language="ru")
    assert [(d.value, d.precision) for d in found.dates] == [("2019", "approximate")]
    found = extract("She disappeared around 2017.", language="en")
    assert [(d.value, d.precision) for d in found.dates] == [("2017", "approximate")]


def test_text_mode_prints_people(capsys: Any):
    call_command(
        "extract",
        "--text",
        "Менің інім Ерлан Қабылұлы 2018 жылы наурызда Құлжада ұсталды.",
        "--language",
        "kk",
        "--json",
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["people"][0]["name"] == "Ерлан Қабылұлы"
    assert payload["people"][0]["kinship"] == "brother"
    assert payload["places"][0]["gazetteer_id"] == "ghulja"
    assert payload["dates"][0] == {
        "surface": "2018 жылы наурызда",
        "start": 26,
        "end": 44,
        "value": "2018-03",
        "precision": "month",
    }
    assert payload["events"] == ["detained"]


def _testimony(external_id: str, language: str, *texts: str | tuple[str, str]) -> Testimony:
    testimony = Testimony.objects.create(external_id=external_id, title="t", language=language)
    transcript = Transcript.objects.create(
        testimony=testimony, engine="faster-whisper", language=language
    )
    for index, text in enumerate(texts):
        original, translation = text if isinstance(text, tuple) else (text, "")
        Segment.objects.create(
            transcript=transcript,
            index=index,
            start=index * 5.0,
            end=index * 5.0 + 5,
            text=original,
            translation=translation,
        )
    return testimony


@pytest.mark.django_db
def test_proposals_link_a_person_known_in_another_script():
    # Known to every reader: an editor's public decision names them.
    known = upsert_person(
        {"names": ["Erlan Kabyl"]}, visibility=Visibility.PUBLIC, origin=Claim.Origin.EDITOR
    )
    testimony = _testimony(
        "kk-1",
        "kk",
        (
            "Менің інім Ерлан Қабыл 2018 жылы наурызда Құлжада ұсталды.",
            "My younger brother Erlan Kabyl was detained in Ghulja in March 2018.",
        ),
        "Содан бері хабар жоқ.",
    )
    assert propose(testimony.pk) > 0
    people = Mention.objects.filter(kind="person")
    # Found in the Kazakh words and in the English translation: proposed once.
    assert people.count() == 1
    person = people.get()
    assert person.value["name"] == "Ерлан Қабыл"
    assert person.value["kinship"] == "brother"
    assert person.person == known
    event = Mention.objects.get(kind="event", value__kind="detained")
    assert event.value["person"] == "Ерлан Қабыл"
    assert event.value["place"] == "ghulja"
    assert event.value["date"] == "2018-03"
    assert Mention.objects.filter(kind="event", value__kind="disappeared").exists()


_SAID = (
    "Менің інім Ерлан Қабыл 2018 жылы наурызда Құлжада ұсталды.",
    "My younger brother Erlan Kabyl was detained in Ghulja in March 2018.",
)


@pytest.mark.django_db
def test_a_public_testimony_never_links_to_someone_known_only_from_hidden_sources():
    hidden = Testimony.objects.create(
        external_id="r-1", title="r", language="kk", visibility=Visibility.RESTRICTED
    )
    secret = upsert_person({"names": ["Erlan Kabyl", "Zzqsecret Kabyl"]}, hidden)
    public = _testimony("kk-pub", "kk", _SAID)
    Testimony.objects.filter(pk=public.pk).update(visibility=Visibility.PUBLIC)
    restricted = _testimony("kk-res", "kk", _SAID)
    Testimony.objects.filter(pk=restricted.pk).update(visibility=Visibility.RESTRICTED)
    propose(public.pk)
    propose(restricted.pk)

    # The restricted testimony's readers know the person: linked. The public one's do not.
    assert Mention.objects.get(kind="person", testimony=restricted).person == secret
    proposal = Mention.objects.get(kind="person", testimony=public)
    assert proposal.person is None
    decisions.accept(proposal)
    proposal.refresh_from_db()
    assert proposal.person is not None and proposal.person != secret
    assert not Person.objects.public().filter(pk=secret.pk).exists()


@pytest.mark.django_db
def test_accepting_an_event_creates_the_records():
    testimony = _testimony(
        "ru-1", "ru", "Моего брата Ерлана Кабылулы задержали в Кульдже в марте 2018 года."
    )
    propose(testimony.pk)
    event_mention = Mention.objects.get(kind="event", value__kind="detained")
    decisions.accept(event_mention)
    event = Event.objects.get()
    assert event.person.primary_name == "Ерлан Кабылулы"
    assert event.person.status == Person.Status.DETAINED
    assert event.place is not None and event.place.gazetteer_id == "ghulja"
    assert event.date is not None
    assert (event.date.isoformat(), event.date_precision) == ("2018-03-01", "month")
    assert event.testimony == testimony and event.origin == Event.Origin.MACHINE
    # The person and place proposals of the segment were accepted along with it.
    assert set(Mention.objects.filter(review="accepted").values_list("kind", flat=True)) == {
        "person",
        "place",
        "event",
    }
    assert list(testimony.people.all()) == [event.person]
    assert testimony.places.get().gazetteer_id == "ghulja"
    # Accepting twice does not make a second event.
    decisions.accept(event_mention)
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_an_event_without_a_person_says_what_to_do():
    testimony = _testimony("en-1", "en", "They were all detained in Ghulja in 2018.")
    propose(testimony.pk)
    mention = Mention.objects.get(kind="event")
    with pytest.raises(decisions.ReviewError, match="set the person field"):
        decisions.accept(mention)
    mention.refresh_from_db()
    assert mention.review == Event.Review.PROPOSED
    assert Event.objects.count() == 0


@pytest.fixture
def editor(db: None) -> Client:
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_one_click_accept_and_reject_in_the_admin(editor: Client):
    testimony = _testimony("kk-2", "kk", "Менің әкем Нұрлан Сейітқазы 2017 жылы Үрімжіде ұсталды.")
    propose(testimony.pk)
    page = editor.get("/admin/testimonies/mention/?review__exact=proposed")
    assert page.status_code == 200
    html = page.content.decode()
    person = Mention.objects.get(kind="person")
    accept_url = f"/admin/testimonies/mention/{person.pk}/review/accept/"
    assert f'formaction="{accept_url}"' in html
    assert "Нұрлан Сейітқазы [father] (new person)" in html
    assert editor.get(accept_url).status_code == 405  # only POST changes anything
    unknown = f"/admin/testimonies/mention/{person.pk}/review/approve/"
    assert editor.post(unknown).status_code == 404  # no such verdict: no such page
    assert editor.get(unknown).status_code == 404
    response = editor.post(accept_url, HTTP_REFERER="/admin/testimonies/mention/")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.review == "accepted" and person.person is not None
    assert person.person.names.filter(name="Нұрлан Сейітқазы", language="kk").exists()
    date = Mention.objects.get(kind="date")
    editor.post(f"/admin/testimonies/mention/{date.pk}/review/reject/")
    date.refresh_from_db()
    assert date.review == "rejected"
    # The admin action does the same for a selection.
    place = Mention.objects.get(kind="place")
    editor.post(
        "/admin/testimonies/mention/",
        {"action": "accept_selected", "_selected_action": [place.pk]},
    )
    place.refresh_from_db()
    assert place.review == "accepted"
    assert Place.objects.get(gazetteer_id=place.value["gazetteer_id"]).aliases.exists()


@pytest.mark.django_db
def test_merging_people_unites_names_and_keeps_a_record(editor: Client, tmp_path: Any, meili: Any):
    import_file(
        write_jsonl(
            tmp_path / "two.jsonl",
            [
                record(
                    "t-a",
                    people=[{"key": "p-kk", "names": ["Ерлан Қабылұлы"], "birth_year": 1980}],
                ),
                record(
                    "t-b",
                    people=[
                        {"key": "p-en", "names": ["Erlan Kabyluly", "Yerlan Kabylov"]},
                    ],
                ),
            ],
        )
    )
    first, second = Person.objects.get(key="p-kk"), Person.objects.get(key="p-en")
    second.identifiers = {"passport": "N1234567"}
    second.save()
    Event.objects.create(person=second, kind=Event.Kind.DETAINED)
    url = "/admin/testimonies/person/"
    chosen = {"action": "merge_people", "_selected_action": [first.pk, second.pk]}
    confirm = editor.post(url, chosen)
    assert confirm.status_code == 200
    assert "Choose the record that stays" in confirm.content.decode()
    editor.post(url, {**chosen, "survivor": first.pk, "reason": "same father, same village"})
    assert not Person.objects.filter(pk=second.pk).exists()
    first.refresh_from_db()
    assert set(first.names.values_list("name", flat=True)) == {
        "Ерлан Қабылұлы",
        "Erlan Kabyluly",
        "Yerlan Kabylov",
    }
    assert set(first.testimonies.values_list("external_id", flat=True)) == {"t-a", "t-b"}
    assert first.events.count() == 1
    assert first.identifiers == {"passport": "N1234567"}
    assert first.birth_year == 1980
    merge = PersonMerge.objects.get()
    assert (merge.merged_key, merge.merged_name, merge.reason) == (
        "p-en",
        "Erlan Kabyluly",
        "same father, same village",
    )
    assert merge.snapshot["testimonies"] == ["t-b"]
    assert merge.merged_by is not None and merge.merged_by.get_username() == "editor"
    # A later import under the merged key goes to the survivor, not to a new person.
    import_file(
        write_jsonl(
            tmp_path / "again.jsonl",
            [record("t-c", people=[{"key": "p-en", "names": ["Erlan Kabyluly"]}])],
        )
    )
    assert Person.objects.count() == 1
    assert first.testimonies.filter(external_id="t-c").exists()
    first.refresh_from_db()
    assert first.primary_name == "Ерлан Қабылұлы"


@pytest.mark.django_db
def test_a_new_transcript_queues_extraction(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
):
    from config.celery import app
    from transcription import pipeline
    from transcription.engine.schema import Segment as ResultSegment
    from transcription.engine.schema import TranscriptionResult

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    testimony = Testimony.objects.create(external_id="new", title="t", language="en")
    result = TranscriptionResult(
        language="en",
        language_source="declared",
        language_probability=1.0,
        task="transcribe",
        engine="faster-whisper",
        model="base",
        duration=5.0,
        segments=[ResultSegment(start=0, end=5, text="My sister Aigul Serikova disappeared.")],
    )
    monkeypatch.setattr("search.tasks.drain_index.apply_async", lambda *a, **k: None)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.store_result(testimony, result)
    person = Mention.objects.get(kind="person")
    assert (person.value["name"], person.value["kinship"]) == ("Aigul Serikova", "sister")


@pytest.mark.django_db
def test_reviewers_review_proposals_and_see_merges_but_cannot_merge():
    from django.contrib.auth.models import Group

    reviewer = get_user_model().objects.create_user("rev", password="x", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    assert reviewer.has_perm("testimonies.change_mention")
    assert reviewer.has_perm("testimonies.view_personmerge")
    assert not reviewer.has_perm("testimonies.change_personmerge")
    assert not reviewer.has_perm("testimonies.change_person")  # merging is an editor's job
    client = Client()
    client.force_login(reviewer)
    testimony = _testimony("en-2", "en", "My brother Erlan Kabyl was detained in 2018.")
    propose(testimony.pk)
    mention = Mention.objects.get(kind="person")
    assert mention.person is None  # nobody known by that name: accepting creates a person
    people = Person.objects.count()
    client.post(f"/admin/testimonies/mention/{mention.pk}/review/accept/")
    mention.refresh_from_db()
    assert mention.review == "proposed" and Person.objects.count() == people  # editors' job
    form = client.get(f"/admin/testimonies/mention/{mention.pk}/change/").content.decode()
    assert 'name="person"' not in form and 'name="value"' not in form  # as it stands only
    # Once an editor linked it, the reviewer's accept goes through.
    mention.person = upsert_person(
        {"names": ["Erlan Kabyl"]}, visibility=Visibility.DRAFT, origin=Claim.Origin.EDITOR
    )
    mention.save()
    client.post(f"/admin/testimonies/mention/{mention.pk}/review/accept/")
    mention.refresh_from_db()
    assert mention.review == "accepted"
    first, second = Person.objects.create(primary_name="A"), Person.objects.create(primary_name="B")
    response = client.post(
        "/admin/testimonies/person/",
        {"action": "merge_people", "_selected_action": [first.pk, second.pk], "survivor": first.pk},
    )
    assert response.status_code in (302, 403) or "merge_people" not in response.content.decode()
    assert Person.objects.filter(pk=second.pk).exists()
