"""The archive's people as name-match candidates: for NGO lists (public people only) and for
editors linking a proposed name to a person (everyone). The comparison is `names.matching`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Prefetch

from names.matching import Candidate, MatchIndex, QueryRow
from testimonies.models import Person, Testimony

_index_cache: dict[bool, tuple[Any, MatchIndex]] = {}


def archive_index(*, public_only: bool = True) -> MatchIndex:
    """People as match candidates, rebuilt only when people or testimonies changed.

    The public index (lists, the match page, the API) holds people of public testimonies;
    editors linking proposals (``public_only=False``) see everyone.
    """
    stamp = (
        Person.objects.aggregate(m=Max("updated_at"))["m"],
        Testimony.objects.aggregate(m=Max("updated_at"))["m"],
        Person.objects.count(),
    )
    cached = _index_cache.get(public_only)
    if cached is None or cached[0] != stamp:
        cached = (stamp, MatchIndex.build(_candidates(public_only)))
        _index_cache[public_only] = cached
    index: MatchIndex = cached[1]
    return index


def best_person(
    name: str, *, minimum: float = 0.9, index: MatchIndex | None = None
) -> tuple[int, float] | None:
    """The archive person (any visibility) whose name matches ``name`` best, if it is close
    enough to propose linking them: (person id, score). Pass ``index`` (from
    ``archive_index(public_only=False)``) when matching many names in a row."""
    if index is None:
        index = archive_index(public_only=False)
    found = index.match(QueryRow(name=name), limit=1)
    if found and found[0].score >= minimum:
        return found[0].candidate_id, found[0].score
    return None


def _candidates(public_only: bool = True) -> Iterable[Candidate]:
    public = Testimony.objects.public().prefetch_related("places__aliases")
    everyone = Person.objects.public() if public_only else Person.objects.all()
    people = everyone.prefetch_related(
        "names", Prefetch("testimonies", queryset=public, to_attr="public_testimonies")
    )
    for person in people.iterator(chunk_size=2000):
        names = list(dict.fromkeys([person.primary_name, *(v.name for v in person.names.all())]))
        public_testimonies: list[Testimony] = getattr(person, "public_testimonies", [])
        places = [
            name
            for testimony in public_testimonies
            for place in testimony.places.all()
            for name in [place.name, *(a.name for a in place.aliases.all())]
        ]
        yield Candidate(id=person.pk, names=names, birth_year=person.birth_year, places=places[:40])
