"""Choice values as readers read them: statuses, event kinds, relations, languages, fields.

Every model choice carries a translatable label (`gettext_lazy`); these helpers turn a stored
value into the label in the active interface language, for pages, facets, the API's display
fields, exports' human-readable columns and case files. A value without a label (free text,
or a code from an older import) is shown as it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from testimonies.facts import PersonFacts
from testimonies.languages import LANGUAGES
from testimonies.models import Claim, Event, Person, Place, Testimony

# A witness's kinship is free text; the words the import format and the demo data use have
# translations, anything else is shown as written.
RELATIONS = {
    "mother": _("mother"),
    "father": _("father"),
    "sister": _("sister"),
    "brother": _("brother"),
    "wife": _("wife"),
    "husband": _("husband"),
    "daughter": _("daughter"),
    "son": _("son"),
    "aunt": _("aunt"),
    "uncle": _("uncle"),
    "cousin": _("cousin"),
    "nephew": _("nephew"),
    "niece": _("niece"),
    "grandmother": _("grandmother"),
    "grandfather": _("grandfather"),
    "granddaughter": _("granddaughter"),
    "grandson": _("grandson"),
    "friend": _("friend"),
    "neighbour": _("neighbour"),
    "self": _("self"),
}

# The claim fields whose values are choices, and the choices.
_VALUE_CHOICES = {
    Claim.Field.STATUS: Person.Status,
    Claim.Field.GENDER: Person.Gender,
    Claim.Field.TYPE: Place.Type,
}


def status_label(value: str) -> str:
    return _label(Person.Status, value)


def kind_label(value: str) -> str:
    return _label(Event.Kind, value)


def gender_label(value: str) -> str:
    return _label(Person.Gender, value)


def place_type_label(value: str) -> str:
    return _label(Place.Type, value)


def testimony_status_label(value: str) -> str:
    return _label(Testimony.Status, value)


def language_label(code: str) -> str:
    return str(LANGUAGES.get(code, code))


def relation_label(value: str) -> str:
    label = RELATIONS.get(value.strip().casefold())
    return str(label) if label is not None else value


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def claim_value_label(field: str, value: str) -> str:
    choices = _VALUE_CHOICES.get(field)  # type: ignore[call-overload]
    return _label(choices, value) if choices is not None else value


@dataclass(frozen=True)
class Stated:
    """One of the values that testimonies disagree on, with its sources."""

    value: str
    label: str
    testimonies: tuple[str, ...]
    decided: bool


@dataclass(frozen=True)
class Disagreement:
    field: str
    label: str
    values: list[Stated]


def disagreements(facts: PersonFacts) -> list[Disagreement]:
    """The person's fields whose visible sources disagree (missing vs released), each value
    with the testimonies that state it, labelled in the reader's language."""
    out = []
    for name in facts.disputed():
        values = [
            Stated(
                value=e.value,
                label=claim_value_label(e.field, e.value),
                testimonies=e.testimonies,
                decided=e.decided,
            )
            for e in facts.evidence
            if e.field == name
        ]
        out.append(Disagreement(field=name, label=_label(Claim.Field, name), values=values))
    return out
