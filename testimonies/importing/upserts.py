"""Person and place upserts shared by the importer and editorial review."""

from __future__ import annotations

from typing import Any

from names import folding, gazetteer
from testimonies.importing.validation import checked_names
from testimonies.models import NameVariant, Person, PersonMerge, Place, PlaceAlias


def name_script(name: str) -> str:
    """The NameVariant/PlaceAlias script of a name ("" when mixed or unknown)."""
    script = folding.detect_script(name)
    return script if script in NameVariant.Script.values else ""


def upsert_person(data: dict[str, Any]) -> Person:
    """Find (by key, an editor's merge, or an unkeyed name) or create a person; add names."""
    names = checked_names(data, "")
    person = None
    merged = None
    if data.get("key"):
        person = Person.objects.filter(key=data["key"]).first()
        if person is None:  # merged into another person by an editor: follow the merge
            merged = PersonMerge.objects.filter(merged_key=data["key"]).first()
            person = merged.survivor if merged else None
    if person is None:
        variant = NameVariant.objects.filter(name__in=names, person__key__isnull=True).first()
        person = variant.person if variant else None
    if person is None:
        person = Person(key=data.get("key") or None, primary_name=names[0])
    if merged is None:  # a survivor keeps the name its editor chose
        person.primary_name = names[0]
    for attr in ("status", "gender", "ethnicity", "notes"):
        if data.get(attr) is not None:
            setattr(person, attr, data[attr])
    if "birth_year" in data:
        person.birth_year = data["birth_year"]
    person.save()
    known = set(person.names.values_list("name", flat=True))
    NameVariant.objects.bulk_create(
        NameVariant(person=person, name=name, script=name_script(name))
        for name in dict.fromkeys(names)
        if name not in known
    )
    return person


def _gazetteer_id(names: list[str]) -> str | None:
    """The gazetteer place most of these names point to, if one stands out."""
    votes: dict[str, int] = {}
    for name in names:
        for place in gazetteer.lookup(name):
            votes[place.id] = votes.get(place.id, 0) + 1
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def upsert_place(data: dict[str, Any]) -> Place:
    """Find (by gazetteer id, alias or name) or create a place; add its names as aliases."""
    names = checked_names(data, "")
    place = None
    gazetteer_id = data.get("gazetteer_id") or _gazetteer_id(names)
    if gazetteer_id:
        place = Place.objects.filter(gazetteer_id=gazetteer_id).first()
    if place is None:
        alias = PlaceAlias.objects.filter(name__in=names).select_related("place").first()
        place = alias.place if alias else Place.objects.filter(name__in=names).first()
    if place is None:
        place = Place(name=names[0])
    if gazetteer_id and not place.gazetteer_id:
        place.gazetteer_id = gazetteer_id
    for attr in ("type", "latitude", "longitude"):
        if attr in data:
            setattr(place, attr, data[attr])
    place.save()
    known = set(place.aliases.values_list("name", flat=True))
    PlaceAlias.objects.bulk_create(
        PlaceAlias(place=place, name=name, script=name_script(name))
        for name in dict.fromkeys(names)
        if name not in known
    )
    return place
