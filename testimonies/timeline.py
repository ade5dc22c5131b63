"""A person's or a place's timeline: events that state one fact, as one row with its sources.

Testimonies retell the same facts: three relatives say he was detained in Ghulja in March
2018. Events of one person that state the same fact — the same kind, the same place or a
place within it (or no place), dates that may mean the same day ("2018" and "2018-03") —
become one row carrying every event's source (the testimony, the moment, the words in the
original language and in English). Events that cannot be the same fact (detained in March
and in May 2018) stay separate rows, marked as disagreeing, so a reader sees both with their
sources; nothing is merged on a guess: an event that could belong to two such rows stays a
row of its own.

Built from what an account may see (`testimonies.visibility`, `testimonies.facts`): events of
testimonies at its levels, places and people as it may know them. Rejected proposals state
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from names import gazetteer
from names.dates import PartialDate, compatible, most_precise
from testimonies.facts import Levels, PersonFacts, PlaceFacts, people_facts, places_facts
from testimonies.facts import with_claims as _with_claims
from testimonies.models import Event, Person, Place
from testimonies.places import places_within

# On one date, the order in which things happen to a person.
KIND_ORDER = [k.value for k in Event.Kind]


@dataclass(frozen=True)
class Source:
    """One testimony's statement of a fact: the moment and its words."""

    testimony: str
    title: str
    language: str
    source_url: str
    start: float | None
    end: float | None
    quote: str
    quote_en: str
    event_id: int


@dataclass
class Row:
    """One fact about one person with every source that states it."""

    person: int
    kind: str
    date: PartialDate | None
    place: PlaceFacts | None
    sources: list[Source] = field(default_factory=list)
    # Another row about this person, of the same kind, says otherwise (another date, place).
    disagrees: bool = False
    person_facts: PersonFacts | None = None

    @property
    def kind_label(self) -> str:
        return str(Event.Kind(self.kind).label)

    @property
    def date_display(self) -> str:
        return str(self.date) if self.date else ""

    @property
    def testimonies(self) -> list[str]:
        return sorted({s.testimony for s in self.sources})


def _partial(event: Event) -> PartialDate | None:
    return PartialDate(event.date, event.date_precision) if event.date else None


def _ancestry(places: dict[int, Place], visible: set[int]) -> dict[int, list[int]]:
    """Each visible place's chain up through visible places (itself first): its parents in
    the database, then the visible places of the gazetteer places that contain it (a
    township's county and prefecture)."""
    by_gazetteer = {
        gid: pid for pid in visible if pid in places and (gid := places[pid].gazetteer_id)
    }
    chains: dict[int, list[int]] = {}
    for pid in visible:
        chain, current = [], places.get(pid)
        while current is not None and current.pk in visible and current.pk not in chain:
            chain.append(current.pk)
            current = places.get(current.parent_id) if current.parent_id else None
        own = places[pid].gazetteer_id if pid in places else None
        if own:
            try:
                containing = gazetteer.ancestors(own)
            except KeyError:  # an id a newer gazetteer no longer has
                containing = []
            chain += [
                by_gazetteer[a.id]
                for a in containing
                if a.id in by_gazetteer and by_gazetteer[a.id] not in chain
            ]
        chains[pid] = chain
    return chains


def _places_compatible(a: int | None, b: int | None, chains: dict[int, list[int]]) -> bool:
    if a is None or b is None or a == b:
        return True
    return a in chains.get(b, []) or b in chains.get(a, [])


def _quote(event: Event, *, masked: bool) -> tuple[str, str, float | None, float | None, str]:
    segment = event.segment
    testimony = event.testimony
    language = testimony.language if testimony is not None else ""
    if segment is None:
        return "", "", None, None, language
    language = segment.transcript.language or language
    if masked:
        return segment.public_text, segment.public_translation, segment.start, segment.end, language
    return segment.text, segment.translation, segment.start, segment.end, language


def _source(event: Event, *, masked: bool) -> Source:
    quote, quote_en, start, end, language = _quote(event, masked=masked)
    testimony = event.testimony
    assert testimony is not None  # events come from visible testimonies only
    return Source(
        testimony=testimony.external_id,
        title=testimony.title,
        language=language,
        source_url=testimony.source_url,
        start=start,
        end=end,
        quote=quote,
        quote_en=quote_en,
        event_id=event.pk,
    )


def _specificity(event: Event, chains: dict[int, list[int]]) -> tuple[int, int, int]:
    ranks = {"day": 0, "month": 1, "year": 2, "decade": 3}
    date_rank = ranks.get(event.date_precision, 2) if event.date else 4
    depth = len(chains.get(event.place_id, [])) if event.place_id else 0
    return (date_rank, -depth, event.pk)


def _cluster(events: list[Event], chains: dict[int, list[int]]) -> list[list[Event]]:
    """Most precise first, so that vaguer events join the fact they may restate."""
    clusters: list[list[Event]] = []
    for event in sorted(events, key=lambda e: _specificity(e, chains)):
        fits = [
            c
            for c in clusters
            if all(
                compatible(_partial(event), _partial(m))
                and _places_compatible(event.place_id, m.place_id, chains)
                for m in c
            )
        ]
        if len(fits) == 1:
            fits[0].append(event)
        else:  # a new fact, or one that could restate two: never merged on a guess
            clusters.append([event])
    return clusters


def _deepest(place_ids: Iterable[int | None], chains: dict[int, list[int]]) -> int | None:
    known = [p for p in place_ids if p is not None and p in chains]
    return max(known, key=lambda p: (len(chains[p]), -p), default=None)


def build_rows(
    events: Iterable[Event],
    levels: Levels,
    *,
    masked: bool = True,
) -> list[Row]:
    """Rows for ``events`` (already limited to what ``levels`` may see), in date order."""
    events = [e for e in events if e.review != Event.Review.REJECTED and e.testimony is not None]
    place_ids = {e.place_id for e in events if e.place_id}
    places = _load_places(place_ids)
    facts = {
        p.id: p
        for p in places_facts(
            Place.objects.filter(pk__in=places).prefetch_related(_with_claims(), "testimonies"),
            levels,
        )
    }
    visible = set(facts)
    chains = _ancestry(places, visible)
    for event in events:
        if event.place_id not in visible:
            event.place_id = None  # a place this account may not know of says nothing here
    grouped: dict[tuple[int, str], list[Event]] = {}
    for event in events:
        grouped.setdefault((event.person_id, event.kind), []).append(event)
    rows: list[Row] = []
    for (person, kind), group in grouped.items():
        clusters = _cluster(group, chains)
        for cluster in clusters:
            dates = [d for e in cluster if (d := _partial(e)) is not None]
            place = _deepest((e.place_id for e in cluster), chains)
            ordered = sorted(cluster, key=lambda e: (e.testimony.external_id, e.pk))  # type: ignore[union-attr]
            rows.append(
                Row(
                    person=person,
                    kind=kind,
                    date=most_precise(dates),
                    place=facts.get(place) if place is not None else None,
                    sources=[_source(e, masked=masked) for e in ordered],
                    disagrees=len(clusters) > 1,
                )
            )
    rows.sort(key=_row_order)
    return rows


def _row_order(row: Row) -> tuple[object, ...]:
    first = row.date.date if row.date else None
    return (first is None, first or 0, KIND_ORDER.index(row.kind), row.person)


def _load_places(ids: set[int]) -> dict[int, Place]:
    """The places and all their ancestors (for "a place within it")."""
    places: dict[int, Place] = {}
    wanted = set(ids)
    while wanted:
        found = list(Place.objects.filter(pk__in=wanted))
        places.update({p.pk: p for p in found})
        wanted = {p.parent_id for p in found if p.parent_id and p.parent_id not in places}
    return places


def person_timeline(person: Person, levels: Levels, *, masked: bool = True) -> list[Row]:
    """What happened to ``person``, one row per fact, from testimonies at ``levels``."""
    events = Event.objects.at_levels(levels).filter(person=person)
    return build_rows(
        events.select_related("testimony", "segment__transcript"), levels, masked=masked
    )


def place_timeline(place: Place, levels: Levels, *, masked: bool = True) -> list[Row]:
    """What happened at ``place`` or within it, to whom and when, one row per fact."""
    within = _descendants(place)
    events = list(
        Event.objects.at_levels(levels)
        .filter(place_id__in=within)
        .select_related("testimony", "segment__transcript")
    )
    people = {
        p.id: p
        for p in people_facts(
            Person.objects.at_levels(levels)
            .filter(pk__in={e.person_id for e in events})
            .prefetch_related(_with_claims(), "testimonies"),
            levels,
        )
    }
    rows = build_rows([e for e in events if e.person_id in people], levels, masked=masked)
    for row in rows:
        row.person_facts = people[row.person]
    return rows


def _descendants(place: Place) -> set[int]:
    """The place and every place inside it, in the database and in the gazetteer."""
    return {place.pk, *places_within(place.pk)}
