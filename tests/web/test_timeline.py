"""One timeline per person and per place: a fact told in several testimonies is one row with
every source; facts that disagree stay side by side; the public sees public sources only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from names import gazetteer
from testimonies.facts import ALL_LEVELS, add_claims
from testimonies.models import Claim, Event, Person, Place, Testimony
from testimonies.timeline import person_timeline, place_timeline
from testimonies.visibility import PUBLIC_LEVELS, Visibility

pytestmark = pytest.mark.django_db

ERLAN = "p-erlan-kabyl"


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="fact[^"]*" data-kind="([a-z_]+)"', html)


def test_the_demo_persons_retold_events_are_one_row_each_with_their_sources(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    events = Event.objects.public().filter(person=person)
    assert events.count() == 10
    rows = person_timeline(person, PUBLIC_LEVELS)
    by_kind = {r.kind: r for r in rows}
    assert sorted(by_kind) == ["detained", "other", "sent_to_camp", "sentenced"]
    assert len(rows) == 4
    detained = by_kind["detained"]
    assert detained.date_display == "2018-03"
    assert detained.place is not None and detained.place.name == "Құлжа"
    assert detained.testimonies == ["demo-en-001", "demo-kk-001", "demo-ru-001"]
    camp = by_kind["sent_to_camp"]
    # "2018" in three testimonies and "2018-03" in one: the same fact, told more or less exactly.
    assert camp.date_display == "2018-03"
    assert camp.testimonies == ["demo-en-001", "demo-kk-001", "demo-kk-008", "demo-ru-001"]
    assert by_kind["sentenced"].testimonies == ["demo-en-001", "demo-ru-001"]
    assert not any(r.disagrees for r in rows)
    # Every source keeps its moment and its words in the original language and in English.
    kazakh = next(s for s in detained.sources if s.testimony == "demo-kk-001")
    assert kazakh.language == "kk" and "Құлжадағы" in kazakh.quote
    assert "police took him" in kazakh.quote_en and kazakh.start == 24.6
    assert [r.kind for r in rows] == ["detained", "sent_to_camp", "sentenced", "other"]


def test_the_person_page_shows_each_fact_once_with_moments_and_quotes(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    page = Client().get(f"/people/{person.pk}/").content.decode()
    assert sorted(_rows(page)) == ["detained", "other", "sent_to_camp", "sentenced"]
    timeline = page[page.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("/t/demo-kk-001/?t=24.6") == 1
    assert "police took him" in timeline and "Сол жылы наурызда" in timeline


def test_facts_that_disagree_stay_side_by_side_with_their_sources(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    other = Testimony.objects.get(external_id="demo-kk-008")
    # Another testimony says he was detained in May, not March: two rows, both marked.
    Event.objects.create(
        person=person,
        kind=Event.Kind.DETAINED,
        date=dt.date(2018, 5, 1),
        date_precision="month",
        testimony=other,
        review=Event.Review.ACCEPTED,
    )
    add_claims(person, [(Claim.Field.STATUS, Person.Status.RELEASED, {})], testimony=other)
    rows = [r for r in person_timeline(person, PUBLIC_LEVELS) if r.kind == "detained"]
    assert [r.date_display for r in rows] == ["2018-03", "2018-05"]
    assert all(r.disagrees for r in rows)
    assert rows[1].testimonies == ["demo-kk-008"]
    page = Client().get(f"/people/{person.pk}/").content.decode()
    assert _rows(page).count("detained") == 2
    disputed = page[page.index('class="disputed"') :]
    assert "Released" in disputed and "Sentenced" in disputed and "demo-kk-008" in disputed


def test_an_event_that_could_restate_two_disagreeing_facts_is_not_merged(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    source = Testimony.objects.get(external_id="demo-kk-008")
    for month in (3, 5):
        Event.objects.create(
            person=person,
            kind=Event.Kind.RELEASED,
            date=dt.date(2021, month, 1),
            date_precision="month",
            testimony=source,
        )
    Event.objects.create(
        person=person,
        kind=Event.Kind.RELEASED,
        date=dt.date(2021, 1, 1),
        date_precision="year",
        testimony=source,
    )
    released = [r for r in person_timeline(person, PUBLIC_LEVELS) if r.kind == "released"]
    assert sorted(r.date_display for r in released) == ["2021", "2021-03", "2021-05"]


def test_the_public_timeline_uses_public_sources_only(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    hidden = Testimony.objects.get(external_id="demo-kk-008")
    Testimony.objects.filter(pk=hidden.pk).update(visibility=Visibility.RESTRICTED)
    public = {t for r in person_timeline(person, PUBLIC_LEVELS) for t in r.testimonies}
    assert "demo-kk-008" not in public
    assert "demo-kk-008" in {t for r in person_timeline(person, ALL_LEVELS) for t in r.testimonies}
    page = Client().get(f"/people/{person.pk}/").content.decode()
    assert "demo-kk-008" not in page


def _detained_in(name: str, *, source: Testimony, **where: object) -> Place:
    """A public township where a public testimony says Erlan was detained on 14 March 2018."""
    township = Place.objects.create(name=name, type="township", **where)
    add_claims(township, [(Claim.Field.NAME, name, {"primary": True})], testimony=source)
    Event.objects.create(
        person=Person.objects.get(key=ERLAN),
        kind=Event.Kind.DETAINED,
        place=township,
        date=dt.date(2018, 3, 14),
        date_precision="day",
        testimony=source,
    )
    return township


def test_a_place_within_a_place_states_the_same_fact(demo: Testimony):
    person = Person.objects.get(key=ERLAN)
    ghulja = Place.objects.get(aliases__name="Ghulja")
    source = Testimony.objects.get(external_id="demo-kk-008")
    _detained_in("Demo township", source=source, parent=ghulja)
    detained = [r for r in person_timeline(person, PUBLIC_LEVELS) if r.kind == "detained"]
    assert len(detained) == 1
    assert detained[0].place is not None and detained[0].place.name == "Demo township"
    assert detained[0].date_display == "2018-03-14"
    assert "demo-kk-008" in detained[0].testimonies
    # The city's page tells what happened within it, to whom, when, from which testimonies.
    rows = place_timeline(ghulja, PUBLIC_LEVELS)
    erlan = [r for r in rows if r.person == person.pk and r.kind == "detained"]
    assert len(erlan) == 1 and erlan[0].person_facts is not None
    page = Client().get(f"/places/{ghulja.pk}/").content.decode()
    assert "Ерлан Қабылұлы" in page and "2018-03-14" in page


def test_a_township_the_gazetteer_puts_inside_the_city_states_the_same_fact(demo: Testimony):
    """No parent in the database: the gazetteer alone says the township lies within Ghulja."""
    person = Person.objects.get(key=ERLAN)
    ghulja = Place.objects.get(aliases__name="Ghulja")
    assert ghulja.gazetteer_id
    inside = gazetteer.descendants(ghulja.gazetteer_id)[1:]
    assert inside, "the gazetteer knows places within Ghulja"
    source = Testimony.objects.get(external_id="demo-kk-008")
    township = _detained_in("Gazetteer township", source=source, gazetteer_id=inside[0])
    detained = [r for r in person_timeline(person, PUBLIC_LEVELS) if r.kind == "detained"]
    assert len(detained) == 1
    assert detained[0].place is not None and detained[0].place.pk == township.pk
    assert "demo-kk-008" in detained[0].testimonies
    rows = place_timeline(ghulja, PUBLIC_LEVELS)
    assert any(
        r.person == person.pk and "demo-kk-008" in r.testimonies and r.kind == "detained"
        for r in rows
    )
