"""What an account may know about a person or a place, computed from the claims it may see.

Every spelling, status, birth year, gender, ethnicity, place type, coordinate and gazetteer
id is a `Claim` with its source: a testimony (visible when the testimony is) or an editor's
decision (with its own visibility). The view of a person at some levels is built from the
claims visible at those levels only, so a draft or restricted testimony can add to what
editors see but never changes what the public sees:

- a person or place with no visible name claim does not exist at those levels;
- a field takes the latest visible editor decision, else the claim of the most recently
  recorded visible testimony;
  every other visible value stays in the evidence, with the testimonies that support it, so
  disagreements (missing vs released) are shown, not silently merged;
- the name shown is the first visible "primary" name (the first spelling of an import) of
  the earliest recorded visible testimony; lists of people and places are ordered by the
  names shown, never by the database's columns.

The columns of Person and Place (`primary_name`, `status`, `names`, `aliases`…) hold the view
at every level, for editors and the admin; `refresh_person`/`refresh_place` recompute them.
Nothing public reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Prefetch

from names import folding, gazetteer
from testimonies.models import Claim, NameVariant, Person, Place, PlaceAlias, Testimony
from testimonies.visibility import Visibility, claim_visible, readers_of

Levels = tuple[str, ...] | list[str]
# Fields that hold several true values at once; the others take one value.
MANY_VALUED = frozenset({Claim.Field.NAME, Claim.Field.PERPETRATOR, Claim.Field.FAMILY_ACTION})
# Editors' view: every level (the policy's own tuple, not a copy of it).
ALL_LEVELS: tuple[str, ...] = readers_of(Visibility.DRAFT)


def with_claims(prefix: str = "") -> Any:
    """Prefetch for `person_facts`/`place_facts`: claims with their testimonies, one query."""
    return Prefetch(f"{prefix}claims", queryset=Claim.objects.select_related("testimony"))


@dataclass(frozen=True)
class Name:
    name: str
    script: str = ""
    language: str = ""
    form: str = NameVariant.Form.AS_WRITTEN
    is_exonym: bool = False


@dataclass(frozen=True)
class Evidence:
    """One value of one field and the sources that state it."""

    field: str
    value: str
    testimonies: tuple[str, ...]
    decided: bool


@dataclass
class PersonFacts:
    id: int
    key: str | None
    primary_name: str
    names: list[Name]
    status: str
    birth_year: int | None
    gender: str
    ethnicity: str
    testimonies: list[str]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    def get_status_display(self) -> str:
        return str(Person.Status(self.status).label)

    def disputed(self) -> list[str]:
        """Fields whose visible sources disagree (a person has many names, and may have
        several people responsible and several actions by the family: those never do)."""
        seen: dict[str, int] = {}
        for item in self.evidence:
            if item.field not in MANY_VALUED:
                seen[item.field] = seen.get(item.field, 0) + 1
        return sorted(f for f, count in seen.items() if count > 1)


@dataclass
class PlaceFacts:
    id: int
    name: str
    aliases: list[Name]
    type: str
    gazetteer_id: str | None
    latitude: float | None
    longitude: float | None
    parent: int | None
    testimonies: list[str]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    def get_type_display(self) -> str:
        return str(Place.Type(self.type).label)

    def in_language(self, language: str | None) -> PlaceFacts:
        """The same place named for a reader of ``language``: a gazetteer place by the
        gazetteer's name in that language (Ghulja / Құлжа / Кульджа / غۇلجا / 伊宁), any
        other by its own name. The gazetteer is public, so this tells no reader more than
        the visible gazetteer claim already does."""
        if not self.gazetteer_id:
            return self
        try:
            label = gazetteer.label(self.gazetteer_id, language)
        except KeyError:  # an id a newer gazetteer no longer has
            return self
        return replace(self, name=label)


def _order(claim: Claim) -> tuple[Any, ...]:
    """Editors' decisions first, in the order made; then testimonies' claims by when the
    testimony was recorded (then its id): "latest" is the most recently recorded testimony,
    and re-importing a file (new claim ids) changes nothing."""
    testimony = claim.testimony if claim.testimony_id is not None else None
    if testimony is None:
        return (0, date.min, 0, claim.pk or 0)
    return (1, testimony.recorded_on or date.min, testimony.pk, claim.pk or 0)


def _visible(subject: Person | Place, levels: Levels) -> list[Claim]:
    cache = getattr(subject, "_prefetched_objects_cache", {})
    claims = cache["claims"] if "claims" in cache else subject.claims.select_related("testimony")
    return sorted((c for c in claims if claim_visible(c, levels)), key=_order)


def _pick(claims: list[Claim], name: str) -> str | None:
    """The latest editor decision, else the latest testimony claim (claims come in `_order`)."""
    of_field = [c for c in claims if c.field == name]
    decided = [c for c in of_field if c.testimony_id is None]
    pool = decided or of_field
    return pool[-1].value if pool else None


def _names(claims: list[Claim]) -> tuple[str | None, list[Name]]:
    named = [c for c in claims if c.field == Claim.Field.NAME]
    if not named:
        return None, []
    decided = [c for c in named if c.testimony_id is None and c.detail.get("primary")]
    primary = [c for c in named if c.detail.get("primary")]
    shown = decided[-1] if decided else (primary or named)[0]
    names: dict[str, Name] = {}
    for c in named:
        if c.value not in names:
            names[c.value] = Name(
                name=c.value,
                script=str(c.detail.get("script", "")),
                language=str(c.detail.get("language", "")),
                form=str(c.detail.get("form") or NameVariant.Form.AS_WRITTEN),
                is_exonym=bool(c.detail.get("is_exonym", False)),
            )
    return shown.value, list(names.values())


def _evidence(claims: list[Claim]) -> list[Evidence]:
    grouped: dict[tuple[str, str], tuple[set[str], bool]] = {}
    for c in claims:
        sources, decided = grouped.get((c.field, c.value), (set(), False))
        if c.testimony is not None:
            sources.add(c.testimony.external_id)
        grouped[(c.field, c.value)] = (sources, decided or c.testimony_id is None)
    return [
        Evidence(field=f, value=v, testimonies=tuple(sorted(sources)), decided=decided)
        for (f, v), (sources, decided) in grouped.items()
    ]


def _testimonies(subject: Person | Place, levels: Levels) -> list[str]:
    return sorted(t.external_id for t in subject.testimonies.all() if t.visibility in levels)


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def person_facts(person: Person, levels: Levels) -> PersonFacts | None:
    """The person as an account at ``levels`` may know them; None when they do not exist
    there. Prefetch `with_claims()` and "testimonies" when viewing many."""
    claims = _visible(person, levels)
    primary, names = _names(claims)
    if primary is None:
        return None
    return PersonFacts(
        id=person.pk,
        key=person.key,
        primary_name=primary,
        names=names,
        status=_pick(claims, Claim.Field.STATUS) or Person.Status.UNKNOWN,
        birth_year=_year(_pick(claims, Claim.Field.BIRTH_YEAR)),
        gender=_pick(claims, Claim.Field.GENDER) or Person.Gender.UNKNOWN,
        ethnicity=_pick(claims, Claim.Field.ETHNICITY) or "",
        testimonies=_testimonies(person, levels),
        evidence=_evidence(claims),
    )


def _coordinates(value: str | None) -> tuple[float | None, float | None]:
    if not value:
        return None, None
    lat, _, lon = value.partition(",")
    return float(lat), float(lon)


def place_facts(place: Place, levels: Levels, *, parent_visible: bool = True) -> PlaceFacts | None:
    """The place as an account at ``levels`` may know it; None when it does not exist there.
    ``parent_visible`` says whether its parent exists at these levels (else it is left out)."""
    claims = _visible(place, levels)
    primary, names = _names(claims)
    if primary is None:
        return None
    latitude, longitude = _coordinates(_pick(claims, Claim.Field.COORDINATES))
    gazetteer_id = _pick(claims, Claim.Field.GAZETTEER)
    return PlaceFacts(
        id=place.pk,
        name=primary,
        aliases=names,
        type=_pick(claims, Claim.Field.TYPE) or Place.Type.OTHER,
        # The column is unique and settled by the first claim; a visible claim must agree.
        gazetteer_id=gazetteer_id if gazetteer_id == place.gazetteer_id else None,
        latitude=latitude,
        longitude=longitude,
        parent=place.parent_id if parent_visible else None,
        testimonies=_testimonies(place, levels),
        evidence=_evidence(claims),
    )


def people_facts(people: Iterable[Person], levels: Levels) -> list[PersonFacts]:
    """The visible ones among ``people``, by the name shown at these levels (the database's
    order follows names from every source, so it could hint at a hidden one)."""
    found = [f for p in people if (f := person_facts(p, levels)) is not None]
    return sorted(found, key=lambda f: (f.primary_name.casefold(), f.id))


def places_facts(places: Iterable[Place], levels: Levels) -> list[PlaceFacts]:
    found = [f for p in places if (f := place_facts(p, levels)) is not None]
    return sorted(found, key=lambda f: (f.name.casefold(), f.id))


# --- Writing claims ---------------------------------------------------------------------


def _script(name: str) -> str:
    script = folding.detect_script(name)
    return script if script in NameVariant.Script.values else ""


def name_claim(name: str, *, primary: bool = False, **detail: Any) -> dict[str, Any]:
    return {"script": _script(name), **({"primary": True} if primary else {}), **detail}


def add_claims(
    subject: Person | Place,
    facts: Iterable[tuple[str, Any, dict[str, Any]]],
    *,
    testimony: Testimony | None = None,
    visibility: str = "",
    origin: str = Claim.Origin.IMPORT,
    by: Any = None,
) -> None:
    """Record (field, value, detail) claims about ``subject`` from ``testimony`` (or, with
    ``visibility``, as an editor's decision); a claim already recorded is not repeated."""
    target = {"person": subject} if isinstance(subject, Person) else {"place": subject}
    existing = set(
        Claim.objects.filter(**target, testimony=testimony, origin=origin).values_list(
            "field", "value"
        )
    )
    new = []
    for name, value, detail in facts:
        if value in (None, ""):
            continue
        text = str(value)
        if (name, text) in existing:
            continue
        existing.add((name, text))
        new.append(
            Claim(
                **target,
                field=name,
                value=text,
                detail=detail,
                testimony=testimony,
                visibility="" if testimony is not None else visibility,
                origin=origin,
                decided_by=by,
            )
        )
    Claim.objects.bulk_create(new)


def refresh_person(person: Person) -> None:
    """Editors' columns from every claim: names, status, birth year, gender, ethnicity."""
    facts = person_facts(_reloaded(person), ALL_LEVELS)
    if facts is None:
        return
    person.primary_name = facts.primary_name
    person.status = facts.status
    person.birth_year = facts.birth_year
    person.gender = facts.gender
    person.ethnicity = facts.ethnicity
    person.save()
    known = set(person.names.values_list("name", flat=True))
    NameVariant.objects.bulk_create(
        NameVariant(person=person, name=n.name, script=n.script, language=n.language, form=n.form)
        for n in facts.names
        if n.name not in known
    )


def refresh_place(place: Place) -> None:
    facts = place_facts(_reloaded(place), ALL_LEVELS)
    if facts is None:
        return
    place.name = facts.name
    place.type = facts.type
    place.latitude, place.longitude = facts.latitude, facts.longitude
    place.save()
    known = set(place.aliases.values_list("name", flat=True))
    PlaceAlias.objects.bulk_create(
        PlaceAlias(place=place, name=n.name, script=n.script, language=n.language)
        for n in facts.aliases
        if n.name not in known
    )


def _reloaded(subject: Any) -> Any:
    """Drop prefetched claims: the view must see the ones just written."""
    cache = getattr(subject, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("claims", None)
        cache.pop("testimonies", None)
    return subject
