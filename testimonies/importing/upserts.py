"""Person and place upserts shared by the importer and editorial review."""

from __future__ import annotations

from typing import Any

from names import folding, gazetteer
from testimonies.facts import add_claims, name_claim, refresh_person, refresh_place
from testimonies.importing.validation import checked_names
from testimonies.models import (
    Claim,
    NameVariant,
    Person,
    PersonMerge,
    Place,
    PlaceAlias,
    Testimony,
    Visibility,
)

# What an import says about a person, besides names, each kept as a claim.
PERSON_FACTS = (
    Claim.Field.STATUS,
    Claim.Field.BIRTH_YEAR,
    Claim.Field.GENDER,
    Claim.Field.ETHNICITY,
)


def name_script(name: str) -> str:
    """The NameVariant/PlaceAlias script of a name ("" when mixed or unknown)."""
    script = folding.detect_script(name)
    return script if script in NameVariant.Script.values else ""


def upsert_person(
    data: dict[str, Any],
    testimony: Testimony | None = None,
    *,
    origin: str = Claim.Origin.IMPORT,
    visibility: str = Visibility.DRAFT,
) -> Person:
    """Find (by key, an editor's merge, or an unkeyed name) or create a person, and record
    what ``data`` says of them as claims from ``testimony`` (an editor's decision at
    ``visibility`` when there is none). Nothing already claimed is overwritten."""
    names = checked_names(data, "")
    person = None
    if data.get("key"):
        person = Person.objects.filter(key=data["key"]).first()
        if person is None:  # merged into another person by an editor: follow the merge
            merged = PersonMerge.objects.filter(merged_key=data["key"]).first()
            person = merged.survivor if merged else None
    if person is None:
        variant = NameVariant.objects.filter(name__in=names, person__key__isnull=True).first()
        person = variant.person if variant else None
    if person is None:
        person = Person.objects.create(key=data.get("key") or None, primary_name=names[0])
    if data.get("notes") and not person.notes:  # editors' notes, never public
        person.notes = data["notes"]
    facts: list[tuple[str, Any, dict[str, Any]]] = [
        (Claim.Field.NAME, name, name_claim(name, primary=i == 0))
        for i, name in enumerate(dict.fromkeys(names))
    ]
    # "unknown" states nothing: it must not outvote a source that knows.
    facts += [(attr, data.get(attr), {}) for attr in PERSON_FACTS if data.get(attr) != "unknown"]
    add_claims(person, facts, testimony=testimony, origin=origin, visibility=visibility)
    refresh_person(person)
    return person


def _gazetteer_id(names: list[str]) -> str | None:
    """The gazetteer place most of these names point to, if one stands out. A name counts
    for the places running text attributes it to (the curated Ili, not a GeoNames town also
    once called Ili)."""
    votes: dict[str, int] = {}
    for name in names:
        for place in gazetteer.lookup(name, preferred=True):
            votes[place.id] = votes.get(place.id, 0) + 1
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def upsert_place(
    data: dict[str, Any],
    testimony: Testimony | None = None,
    *,
    origin: str = Claim.Origin.IMPORT,
    visibility: str = Visibility.DRAFT,
) -> Place:
    """Find (by gazetteer id, alias or name) or create a place, and record what ``data``
    says of it as claims from ``testimony``. A gazetteer id must be the gazetteer's own."""
    names = checked_names(data, "")
    place = None
    gazetteer_id = data.get("gazetteer_id") or _gazetteer_id(names)
    if gazetteer_id:
        gazetteer.get(gazetteer_id)  # KeyError for an id the gazetteer does not know
        place = Place.objects.filter(gazetteer_id=gazetteer_id).first()
    if place is None:
        alias = PlaceAlias.objects.filter(name__in=names).select_related("place").first()
        place = alias.place if alias else Place.objects.filter(name__in=names).first()
    if place is None:
        place = Place.objects.create(name=names[0])
    if gazetteer_id and not place.gazetteer_id:
        place.gazetteer_id = gazetteer_id
        place.save(update_fields=["gazetteer_id"])
    facts: list[tuple[str, Any, dict[str, Any]]] = [
        (Claim.Field.NAME, name, name_claim(name, primary=i == 0))
        for i, name in enumerate(dict.fromkeys(names))
    ]
    facts.append((Claim.Field.TYPE, data.get("type"), {}))
    if data.get("latitude") is not None and data.get("longitude") is not None:
        facts.append((Claim.Field.COORDINATES, f"{data['latitude']},{data['longitude']}", {}))
    if gazetteer_id and place.gazetteer_id == gazetteer_id:
        facts.append((Claim.Field.GAZETTEER, gazetteer_id, {}))
    add_claims(place, facts, testimony=testimony, origin=origin, visibility=visibility)
    refresh_place(place)
    return place
