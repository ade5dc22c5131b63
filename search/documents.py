"""Model rows -> index documents. Each level's documents (public, restricted) come from that
level's testimonies only, masked the same way; only public testimonies become public ones."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch

from names import folding, gazetteer
from redaction import mask
from testimonies.facts import (
    PersonFacts,
    PlaceFacts,
    people_facts,
    person_facts,
    places_facts,
    with_claims,
)
from testimonies.models import Person, Place, Segment, Testimony
from testimonies.visibility import INDEXED_LEVEL, readers_of


def _person_keys(person: PersonFacts) -> set[str]:
    keys: set[str] = set()
    for variant in person.names:
        keys |= folding.name_keys(variant.name)
    keys |= folding.name_keys(person.primary_name)
    return keys


def _place_keys(place: PlaceFacts) -> set[str]:
    keys = folding.name_keys(place.name)
    for alias in place.aliases:
        keys |= folding.name_keys(alias.name)
    return keys


def _readers(level: str) -> tuple[str, ...]:
    """The levels whose readers search an index of ``level``: people and places in its
    documents are what those readers may know of them (public facts in public documents)."""
    return readers_of(level)


def _tokens_of_keys(keys: set[str]) -> set[str]:
    """Single-word keys of a multi-word name, so 'Erlan' alone matches 'Erlan Kabyl'."""
    return {part for key in keys for part in key.split()}


def with_related(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("people", queryset=Person.objects.prefetch_related(with_claims(), "testimonies")),
        Prefetch("places", queryset=Place.objects.prefetch_related(with_claims(), "testimonies")),
    )


def segment_documents(testimony: Testimony, *, level: str = INDEXED_LEVEL) -> list[dict[str, Any]]:
    """One document per segment of the current transcript, for the indexes of `level`; none
    for a testimony at another level."""
    if testimony.visibility != level:
        return []
    transcript = testimony.current_transcript()
    if transcript is None:
        return []
    readers = _readers(level)
    people = [(p, _person_keys(p)) for p in people_facts(testimony.people.all(), readers)]
    places = [(p, _place_keys(p)) for p in places_facts(testimony.places.all(), readers)]
    year = testimony.recorded_on.year if testimony.recorded_on else None
    title = mask(testimony.title)
    # Each name with the single words that reveal it is said in a segment.
    entities = [(keys, _tokens_of_keys(keys)) for _, keys in people + places]
    documents = []
    segments: Iterable[Segment] = transcript.segments.all()
    for segment in segments:
        # Public documents never hold an identity number, not even as a folded key.
        text = segment.public_text
        translation = segment.public_translation
        text_keys = folding.fold_text(text)
        translation_keys = folding.fold_text(translation)
        said = set(text_keys) | set(translation_keys)
        names: set[str] = set()
        for keys, tokens in entities:
            if tokens & said:
                names |= keys
        gazetteer_places = _gazetteer_places(text, transcript.language)
        for place_id in gazetteer_places:
            names |= _gazetteer_keys(place_id)
        documents.append(
            {
                "id": segment.pk,
                "testimony": testimony.external_id,
                "testimony_pk": testimony.pk,
                "title": title,
                "language": transcript.language,
                "visibility": testimony.visibility,
                "start": segment.start,
                "end": segment.end,
                "index": segment.index,
                "text": text,
                "translation": translation,
                "text_folded": " ".join(text_keys),
                "names_folded": sorted(names),
                "people": [p.id for p, _ in people],
                "person_names": [p.primary_name for p, _ in people],
                "person_status": sorted({p.status for p, _ in people}),
                "places": [p.id for p, _ in places],
                "gazetteer_places": sorted(gazetteer_places),
                "testimony_places": sorted({p.gazetteer_id for p, _ in places if p.gazetteer_id}),
                "place_names": [p.name for p, _ in places],
                "year": year,
                "needs_review": bool(segment.flags),
            }
        )
    return documents


def _gazetteer_places(text: str, language: str) -> set[str]:
    return {hit[0] for hit in gazetteer.find_places_in_text(text, language=language)}


@lru_cache(maxsize=4096)
def _gazetteer_keys(place_id: str) -> frozenset[str]:
    """Keys of every alias of a gazetteer place. Cached: the gazetteer is loaded once per
    process and the same places are spotted in segment after segment."""
    keys: set[str] = set()
    for alias in gazetteer.aliases(place_id):
        keys |= folding.name_keys(alias)
    return frozenset(keys)


def testimony_document(
    testimony: Testimony, *, level: str = INDEXED_LEVEL
) -> dict[str, Any] | None:
    if testimony.visibility != level:
        return None
    readers = _readers(level)
    people = people_facts(testimony.people.all(), readers)
    places = places_facts(testimony.places.all(), readers)
    keys: set[str] = set()
    for person in people:
        keys |= _person_keys(person)
    for place in places:
        keys |= _place_keys(place)
    return {
        "id": testimony.pk,
        "external_id": testimony.external_id,
        "title": mask(testimony.title),
        "description": mask(testimony.description),
        "language": testimony.language,
        "visibility": testimony.visibility,
        "recorded_on": testimony.recorded_display,
        "year": testimony.recorded_on.year if testimony.recorded_on else None,
        "people": [p.primary_name for p in people],
        "places": [p.name for p in places],
        "names_folded": sorted(keys),
    }


def person_document(person: Person, *, level: str = INDEXED_LEVEL) -> dict[str, Any] | None:
    """A person as readers of ``level``'s index know them; none when they do not exist
    there. Prefetch `with_claims()` and "testimonies"."""
    readers = _readers(level)
    facts = person_facts(person, readers)
    if facts is None or not facts.testimonies:
        return None
    return {
        "id": person.pk,
        "primary_name": facts.primary_name,
        "names": [n.name for n in facts.names],
        "names_folded": sorted(_person_keys(facts)),
        "status": facts.status,
        "birth_year": facts.birth_year,
        "testimonies": facts.testimonies,
        "visibility": level,
    }
