"""The archive's people as name-match candidates: for NGO lists (public people only) and for
linking a proposed name to a person (those the testimony's readers may see). The comparison
is `names.matching`; what a candidate is called comes from `testimonies.facts`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Prefetch

from names.matching import Candidate, MatchIndex, QueryRow
from testimonies.facts import person_facts, place_facts, with_claims
from testimonies.models import Claim, Person, Place, Testimony
from testimonies.visibility import PUBLIC_LEVELS, readers_of

Levels = tuple[str, ...]
_index_cache: dict[Levels, tuple[Any, MatchIndex]] = {}


def testimony_levels(testimony: Testimony) -> Levels:
    """The levels whose readers see this testimony: what it may be linked to."""
    return readers_of(testimony.visibility)


def archive_index(*, levels: Levels = PUBLIC_LEVELS) -> MatchIndex:
    """People as match candidates at ``levels`` (their names, birth year and places as
    readers at those levels know them), rebuilt only when claims or testimonies changed."""
    levels = tuple(levels)
    stamp = (
        Claim.objects.aggregate(m=Max("id")),
        Claim.objects.count(),
        Testimony.objects.aggregate(m=Max("updated_at"))["m"],
        Person.objects.count(),
    )
    cached = _index_cache.get(levels)
    if cached is None or cached[0] != stamp:
        cached = (stamp, MatchIndex.build(_candidates(levels)))
        _index_cache[levels] = cached
    index: MatchIndex = cached[1]
    return index


def best_person(
    name: str, *, minimum: float = 0.9, index: MatchIndex | None = None
) -> tuple[int, float] | None:
    """The person whose name matches ``name`` best, if it is close enough to propose
    linking them: (person id, score). ``index`` defaults to the public people; pass
    ``archive_index(levels=testimony_levels(t))`` for a name said in testimony ``t``."""
    if index is None:
        index = archive_index()
    found = index.match(QueryRow(name=name), limit=1)
    if found and found[0].score >= minimum:
        return found[0].candidate_id, found[0].score
    return None


def _candidates(levels: Levels) -> Iterable[Candidate]:
    visible = Testimony.objects.at_levels(levels).prefetch_related(
        Prefetch("places", queryset=Place.objects.prefetch_related(with_claims(), "testimonies"))
    )
    people = Person.objects.at_levels(levels).prefetch_related(
        with_claims(), Prefetch("testimonies", queryset=visible)
    )
    for person in people.iterator(chunk_size=2000):
        facts = person_facts(person, levels)
        if facts is None:
            continue
        names = list(dict.fromkeys([facts.primary_name, *(n.name for n in facts.names)]))
        places: list[str] = []
        for testimony in person.testimonies.all():
            for place in testimony.places.all():
                seen = place_facts(place, levels)
                if seen is not None:
                    places += [seen.name, *(alias.name for alias in seen.aliases)]
        yield Candidate(id=person.pk, names=names, birth_year=facts.birth_year, places=places[:40])
