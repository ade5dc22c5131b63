"""Editors turn proposals into records: accept or reject a Mention, merge duplicate people.

Accepting a person links the testimony to an existing Person whose name matches (any
script, through the shared folding) or creates one; a place links the gazetteer's Place; an
event becomes an Event of the person named in the same segment, with the segment's place
and date. Every change is in the audit trail (simple-history), and a merge also leaves a
PersonMerge row holding what the merged person was.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from names import gazetteer
from names.dates import PartialDate, Precision, parse_partial
from testimonies import roles
from testimonies.changes import changed
from testimonies.facts import add_claims, name_claim, refresh_person
from testimonies.importing import upsert_place
from testimonies.models import (
    Claim,
    Event,
    Mention,
    Person,
    PersonMerge,
    Place,
    Testimony,
    Visibility,
)
from testimonies.people import archive_index, best_person, testimony_levels

User = AbstractBaseUser | AnonymousUser | None
_STATUS = {
    Event.Kind.DETAINED: Person.Status.DETAINED,
    Event.Kind.SENT_TO_CAMP: Person.Status.DETAINED,
    Event.Kind.SENTENCED: Person.Status.SENTENCED,
    Event.Kind.DISAPPEARED: Person.Status.MISSING,
    Event.Kind.RELEASED: Person.Status.RELEASED,
    Event.Kind.DIED: Person.Status.DECEASED,
}


class ReviewError(ValueError):
    """A proposal that cannot be accepted as it stands; the message says what to do."""


def _testimony(mention: Mention) -> Testimony:
    return mention.testimony


def _language(mention: Mention) -> str:
    """The transcript's language; a mention whose segment a new transcript replaced keeps
    the language it was found in."""
    if mention.segment is not None:
        return mention.segment.transcript.language
    return str(mention.value.get("language") or mention.testimony.language)


def _account(user: User) -> Any:
    return user if isinstance(user, get_user_model()) else None


def _verdict(mention: Mention, verdict: str, user: User) -> list[str]:
    """Set the verdict and who gave it; returns the fields to save."""
    mention.review = verdict
    mention.reviewed_by = _account(user)
    mention.reviewed_at = timezone.now()
    return ["review", "reviewed_by", "reviewed_at"]


def _person_for(name: str, testimony: Testimony) -> Person:
    """The person this name most likely is, among those the testimony's own readers may
    already see (a public testimony never links to someone known only from restricted or
    draft sources), or a new person."""
    match = best_person(name, index=archive_index(levels=testimony_levels(testimony)))
    person = Person.objects.filter(pk=match[0]).first() if match else None
    return person or Person.objects.create(primary_name=name)


def _place_for(gazetteer_id: str, testimony: Testimony) -> Place:
    """The gazetteer's place as a Place, through the importer's upsert (all its names), each
    name a claim of the testimony that mentions it."""
    entry = gazetteer.get(gazetteer_id)
    kind = entry.type if entry.type in Place.Type.values else Place.Type.OTHER
    names = list(dict.fromkeys([entry.name, *gazetteer.aliases(gazetteer_id)]))
    return upsert_place(
        {"names": names, "gazetteer_id": gazetteer_id, "type": kind},
        testimony,
        origin=Claim.Origin.REVIEW,
    )


def _segment_mentions(mention: Mention, kind: str) -> list[Mention]:
    if mention.segment_id is None:
        return []
    others = Mention.objects.filter(segment=mention.segment, kind=kind).exclude(pk=mention.pk)
    return list(others.exclude(review=Event.Review.REJECTED))


_NEEDS_EDITOR = (
    "Accepting this proposal links or creates a {what}: that needs an editor. Leave it for an "
    "editor, or reject it."
)


def _accept_person(mention: Mention, may_link: bool = True) -> Person:
    testimony = _testimony(mention)
    if mention.person is None and not may_link:
        raise ReviewError(_NEEDS_EDITOR.format(what="person"))
    name = str(mention.value.get("name") or mention.surface).strip()
    if not name:
        raise ReviewError("This person proposal has no name: edit its value, then accept.")
    person = mention.person or _person_for(name, testimony)
    detail = name_claim(name, language=_language(mention), primary=True)
    add_claims(
        person, [(Claim.Field.NAME, name, detail)], testimony=testimony, origin=Claim.Origin.REVIEW
    )
    refresh_person(person)
    testimony.people.add(person)
    mention.person = person
    return person


def _accept_place(mention: Mention, may_link: bool = True) -> Place:
    gazetteer_id = mention.value.get("gazetteer_id")
    place = mention.place
    if place is None and not may_link:
        raise ReviewError(_NEEDS_EDITOR.format(what="place"))
    if place is None:
        if not gazetteer_id:
            raise ReviewError("This place has no gazetteer id: choose the place, then accept.")
        try:
            place = _place_for(str(gazetteer_id), _testimony(mention))
        except KeyError:
            raise ReviewError(
                f"{gazetteer_id!r} is not in the gazetteer: choose the place."
            ) from None
    _testimony(mention).places.add(place)
    mention.place = place
    return place


def _date(value: dict[str, Any]) -> PartialDate | None:
    """The proposal's date; its form gives the precision (a season is its middle month, an
    approximate date its year)."""
    raw = str(value.get("date") or "")
    if not raw:
        return None
    try:
        return parse_partial(raw)
    except ValueError as exc:
        raise ReviewError(f"{exc}: edit the proposal's date, then accept.") from None


def _accept_event(mention: Mention, user: User, may_link: bool = True) -> Event:
    kind = str(mention.value.get("kind", ""))
    if kind not in Event.Kind.values:
        raise ReviewError(f"Unknown event kind {kind!r}: edit the value, then accept.")
    person = mention.person
    if person is None:
        named = str(mention.value.get("person") or "")
        people = _segment_mentions(mention, Mention.Kind.PERSON)
        chosen = next(
            (m for m in people if named and m.value.get("name") == named),
            people[0] if people else None,
        )
        if chosen is None:
            raise ReviewError(
                "No person is named in this segment: set the person field of this proposal "
                "(or accept a person mention in the segment), then accept."
            )
        person = _accept_person(chosen, may_link)
        chosen.save(update_fields=["person", *_verdict(chosen, Event.Review.ACCEPTED, user)])
    place = mention.place
    if place is None:
        places = _segment_mentions(mention, Mention.Kind.PLACE)
        if places:
            place = _accept_place(places[0], may_link)
            verdict = _verdict(places[0], Event.Review.ACCEPTED, user)
            places[0].save(update_fields=["place", *verdict])
    when = _date(mention.value)
    if when is None:
        dates = _segment_mentions(mention, Mention.Kind.DATE)
        when = _date(dates[0].value) if dates else None
    event = Event.objects.create(
        person=person,
        place=place,
        kind=kind,
        date=when.date if when else None,
        date_precision=when.precision if when else Precision.YEAR,
        testimony=_testimony(mention),
        segment=mention.segment,
        origin=Event.Origin.MACHINE,
        review=Event.Review.ACCEPTED,
    )
    # The event says what became of them, unless some source already says so.
    if kind in _STATUS and not person.claims.filter(field=Claim.Field.STATUS).exists():
        status: tuple[str, Any, dict[str, Any]] = (
            Claim.Field.STATUS,
            _STATUS[Event.Kind(kind)],
            {},
        )
        add_claims(person, [status], testimony=_testimony(mention), origin=Claim.Origin.REVIEW)
        refresh_person(person)
    mention.person, mention.place, mention.event = person, place, event
    return event


@transaction.atomic
def accept(mention: Mention, *, user: User = None) -> Mention:
    """Turn one proposal into records (idempotent for an accepted one); ``user`` is kept
    as its reviewer."""
    mention = (
        Mention.objects.select_for_update(of=("self",))
        .select_related("testimony", "segment__transcript")
        .get(pk=mention.pk)
    )
    if mention.review == Event.Review.ACCEPTED:
        return mention
    may_link = roles.may_link_records(user)
    if mention.kind == Mention.Kind.PERSON:
        _accept_person(mention, may_link)
    elif mention.kind == Mention.Kind.PLACE:
        _accept_place(mention, may_link)
    elif mention.kind == Mention.Kind.EVENT:
        _accept_event(mention, user, may_link)
    _verdict(mention, Event.Review.ACCEPTED, user)
    mention.save()
    changed([_testimony(mention).pk])
    return mention


def reject(mention: Mention, *, user: User = None) -> None:
    Mention.objects.filter(pk=mention.pk).update(
        review=Event.Review.REJECTED, reviewed_by=_account(user), reviewed_at=timezone.now()
    )


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "primary_name": person.primary_name,
        "key": person.key,
        "status": person.status,
        "birth_year": person.birth_year,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "identifiers": person.identifiers,
        "notes": person.notes,
        "names": list(person.names.values("name", "script", "language", "form")),
        "testimonies": sorted(person.testimonies.values_list("external_id", flat=True)),
        "events": list(person.events.values_list("pk", flat=True)),
    }


@transaction.atomic
def merge_people(
    survivor: Person, others: list[Person], *, user: User = None, reason: str = ""
) -> Person:
    """Fold ``others`` into ``survivor``: names, testimonies, events, mentions and
    identifiers move over, nothing is dropped, and each merge is recorded."""
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ReviewError("Choose at least two different people to merge.")
    affected: set[int] = set(survivor.testimonies.values_list("pk", flat=True))
    by = _account(user)
    for other in others:
        PersonMerge.objects.create(
            survivor=survivor,
            merged_id=other.pk,
            merged_key=other.key or "",
            merged_name=other.primary_name,
            snapshot=_snapshot(other),
            merged_by=by,
            reason=reason,
        )
        affected.update(other.testimonies.values_list("pk", flat=True))
        # Every claim moves with its source, so each reader sees what its sources say.
        Claim.objects.filter(person=other).update(person=survivor)
        survivor.testimonies.add(*other.testimonies.all())
        Event.objects.filter(person=other).update(person=survivor)
        Mention.objects.filter(person=other).update(person=survivor)
        for key, value in other.identifiers.items():
            if key not in survivor.identifiers:
                survivor.identifiers[key] = value
            elif survivor.identifiers[key] != value:
                survivor.identifiers[f"{key} (from #{other.pk})"] = value
        if other.notes:
            survivor.notes = "\n\n".join(filter(None, [survivor.notes, other.notes]))
        other.delete()
    # The survivor keeps the name its editor chose, for editors: a decision at the draft
    # level, so a spelling from a restricted source is never made public by a merge.
    add_claims(
        survivor,
        [
            (
                Claim.Field.NAME,
                survivor.primary_name,
                name_claim(survivor.primary_name, primary=True),
            )
        ],
        visibility=Visibility.DRAFT,
        origin=Claim.Origin.MERGE,
        by=by,
    )
    survivor.save()
    refresh_person(survivor)
    changed(affected)
    return survivor
