"""A person's case file for the UN Working Group on Enforced or Involuntary Disappearances.

The Working Group examines a case that holds (a) the person's full name and identifying data,
(b) the year, month and day of the disappearance, (c) the place of arrest or abduction or
where the person was last seen, (d) who is believed to have carried it out, (e) what the
relatives or others have done to find the person, (f) who submits it. Each element is filled
from the archive's facts with their sources — testimonies (the moment, the words, the source
URL, the SHA-256 of the media) or an editor's decision with its own source — never guessed:
what is not known is named in the completeness check, and the summary only retells facts.

Built from what the account may see (`visibility.levels_for`); identity numbers, and the
numbers spoken in quotes, appear only for a role allowed to see them
(`roles.may_see_identity_numbers`), masked otherwise. The format is `docs/case-files.md`,
its JSON Schema `docs/case-file.schema.json`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from names.dates import Precision
from redaction import mask
from testimonies import labels, roles
from testimonies.facts import Levels, PersonFacts, person_facts, with_claims
from testimonies.models import CaseFileRecord, Claim, Event, MediaAsset, Person, Segment, Testimony
from testimonies.timeline import Row, Source, person_timeline
from testimonies.visibility import claim_visible, levels_for

SCHEMA = "testimony-archive/case-file/1"
ELEMENTS = ("a", "b", "c", "d", "e", "f")
# The events that date and place a disappearance, in the order they are preferred.
ARREST_KINDS = (Event.Kind.DETAINED, Event.Kind.DISAPPEARED, Event.Kind.SENT_TO_CAMP)

Account = AbstractBaseUser | AnonymousUser | None


class CaseFileRefused(Exception):
    """The account may not make case files, or may not know this person: answered as 404."""


@dataclass(frozen=True)
class Submitter:
    name: str = ""
    organisation: str = ""
    contact: str = ""
    confidential: bool = True


def may_make(user: Account) -> bool:
    return roles.may_make_case_files(user)


def visible_person(user: Account, person_id: int) -> tuple[Person, PersonFacts]:
    """The person as ``user`` may know them, or CaseFileRefused (the same for "no such
    person" and "not for you", so a refusal says nothing of anyone's existence)."""
    if not may_make(user):
        raise CaseFileRefused()
    levels = levels_for(user)
    person = (
        Person.objects.at_levels(levels)
        .prefetch_related(with_claims(), "testimonies")
        .filter(pk=person_id)
        .first()
    )
    facts = person_facts(person, levels) if person is not None else None
    if person is None or facts is None:
        raise CaseFileRefused()
    return person, facts


def _segment_source(segment: Segment | None, *, masked: bool) -> dict[str, Any]:
    if segment is None:
        return {"start": None, "end": None, "quote": "", "quote_en": ""}
    return {
        "start": segment.start,
        "end": segment.end,
        "quote": segment.public_text if masked else segment.text,
        "quote_en": segment.public_translation if masked else segment.translation,
    }


def _from_timeline(source: Source) -> dict[str, Any]:
    return {
        "testimony": source.testimony,
        "start": source.start,
        "end": source.end,
        "quote": source.quote,
        "quote_en": source.quote_en,
        "language": source.language,
        "editor_note": "",
    }


def _from_testimony(external_id: str) -> dict[str, Any]:
    return {
        "testimony": external_id,
        "start": None,
        "end": None,
        "quote": "",
        "quote_en": "",
        "language": "",
        "editor_note": "",
    }


def _from_claim(claim: Claim, *, masked: bool, segments: dict[int, Segment]) -> dict[str, Any]:
    segment = segments.get(int(claim.detail.get("segment") or 0))
    if claim.testimony is None:
        segment = None  # an editor's decision cites its own source, not a moment
    language = segment.transcript.language if segment is not None else ""
    return {
        "testimony": claim.testimony.external_id if claim.testimony is not None else None,
        **_segment_source(segment, masked=masked),
        "language": language,
        "editor_note": str(claim.detail.get("source", "")),
    }


def _row(row: Row) -> dict[str, Any]:
    date = row.date
    return {
        "kind": row.kind,
        "kind_label": row.kind_label,
        "date": row.date_display or None,
        "precision": date.precision if date else None,
        "year": date.date.year if date else None,
        "month": date.date.month
        if date and date.precision in (Precision.DAY, Precision.MONTH)
        else None,
        "day": date.date.day if date and date.precision == Precision.DAY else None,
        "place": _place(row),
        "disagrees": row.disagrees,
        "sources": [_from_timeline(s) for s in row.sources],
    }


def _place(row: Row) -> dict[str, Any] | None:
    if row.place is None:
        return None
    return {
        "id": row.place.id,
        "name": row.place.name,
        "names": [a.name for a in row.place.aliases],
        "type": row.place.type,
        "type_label": row.place.get_type_display(),
    }


def _identity_documents(person: Person, *, masked: bool) -> list[dict[str, Any]]:
    out = []
    for kind, number in sorted((person.identifiers or {}).items()):
        text = str(number)
        out.append(
            {
                "kind": kind,
                "number": mask(text, [(0, len(text))]) if masked else text,
                "masked": masked,
            }
        )
    return out


def _testimony_sources(
    external_ids: Iterable[str], levels: Levels, *, masked: bool
) -> dict[str, dict[str, Any]]:
    testimonies = (
        Testimony.objects.at_levels(levels)
        .filter(external_id__in=set(external_ids))
        .prefetch_related("media")
    )
    out = {}
    for t in testimonies:
        out[t.external_id] = {
            "title": mask(t.title) if masked else t.title,
            "language": t.language,
            "language_label": labels.language_label(t.language),
            "recorded_on": t.recorded_display or None,
            "source_url": t.source_url,
            "witness_relation": labels.relation_label(t.witness_relation),
            "visibility": t.visibility,
            "media": [
                {"sha256": m.sha256, "kind": m.kind, "size": m.size}
                for m in sorted(t.media.all(), key=lambda m: m.pk)
                if m.kind == MediaAsset.Kind.ORIGINAL
            ],
        }
    return out


def _claims(person: Person, levels: Levels, field: str) -> list[Claim]:
    claims = Claim.objects.filter(person=person, field=field).select_related("testimony")
    return [c for c in claims.order_by("id") if claim_visible(c, levels)]


def build_case(
    person: Person,
    facts: PersonFacts,
    *,
    user: Account,
    submitter: Submitter | None = None,
    now: Any = None,
) -> dict[str, Any]:
    """The case file as a JSON-ready dict, labels in the active language."""
    levels = levels_for(user)
    masked = not roles.may_see_identity_numbers(user)
    timeline = person_timeline(person, levels, masked=masked)
    perpetrators = _claims(person, levels, Claim.Field.PERPETRATOR)
    actions = _claims(person, levels, Claim.Field.FAMILY_ACTION)
    segment_ids = {
        int(c.detail["segment"])
        for c in [*perpetrators, *actions]
        if str(c.detail.get("segment", "")).isdigit()
    }
    segments = {
        s.pk: s for s in Segment.objects.filter(pk__in=segment_ids).select_related("transcript")
    }

    a = _element_a(person, facts, masked=masked)
    arrest = _arrest_row(timeline)
    b = {
        "event": _row(arrest) if arrest else None,
        "alternatives": [
            _row(r) for r in timeline if arrest and r is not arrest and r.kind == arrest.kind
        ],
    }
    where = arrest if arrest and arrest.place else _placed_arrest(timeline)
    c = {
        "place": _place(where) if where else None,
        "sources": [_from_timeline(s) for s in where.sources] if where else [],
    }
    d = {
        "believed_responsible": [
            {
                "value": claim.value,
                "date": claim.detail.get("date") or None,
                "sources": [_from_claim(claim, masked=masked, segments=segments)],
            }
            for claim in perpetrators
        ]
    }
    e = {
        "actions": [
            {
                "value": claim.value,
                "date": claim.detail.get("date") or None,
                "sources": [_from_claim(claim, masked=masked, segments=segments)],
            }
            for claim in actions
        ]
    }
    sub = submitter or Submitter()
    f = {
        "name": sub.name,
        "organisation": sub.organisation,
        "contact": sub.contact,
        "confidential": sub.confidential,
    }
    elements = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
    missing = completeness(elements)
    filled = {
        key: not any(m["element"] == key and m["blocking"] for m in missing) for key in ELEMENTS
    }
    for key in ELEMENTS:
        elements[key]["title"] = ELEMENT_TITLES[key]()
        elements[key]["filled"] = filled[key]
    cited = {s["testimony"] for s in _all_sources(elements, timeline) if s.get("testimony")}
    cited |= set(facts.testimonies)
    case = {
        "schema": SCHEMA,
        "generated_at": (now or timezone.now()).isoformat(),
        "language": translation.get_language() or "en",
        "identity_numbers_masked": masked,
        "person": {
            "id": person.pk,
            "key": person.key,
            "primary_name": facts.primary_name,
            "status": facts.status,
            "status_label": labels.status_label(facts.status),
        },
        "elements": elements,
        "timeline": [_row(r) for r in timeline],
        "disagreements": [
            {
                "field": d.field,
                "label": d.label,
                "values": [
                    {
                        "value": v.value,
                        "label": v.label,
                        "testimonies": list(v.testimonies),
                        "decided": v.decided,
                    }
                    for v in d.values
                ],
            }
            for d in labels.disagreements(facts)
        ],
        "completeness": {
            "complete": all(filled.values()),
            "missing": missing,
        },
        "testimonies": _testimony_sources(sorted(cited), levels, masked=masked),
    }
    _annotate(case)
    case["summary"] = summary(case)
    return case


def _annotate(case: dict[str, Any]) -> None:
    """Each source carries its testimony's title, source URL and media SHA-256 itself, so
    that any element can be read, checked and cited alone."""
    testimonies = case["testimonies"]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "editor_note" in node and "testimony" in node:
                known = testimonies.get(node["testimony"] or "", {})
                node["title"] = known.get("title", "")
                node["source_url"] = known.get("source_url", "")
                node["media_sha256"] = [m["sha256"] for m in known.get("media", [])]
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(case["elements"])
    walk(case["timeline"])


def _all_sources(elements: dict[str, Any], timeline: list[Row]) -> Iterable[dict[str, Any]]:
    yield from elements["a"]["sources"]
    yield from elements["c"]["sources"]
    for item in [*elements["d"]["believed_responsible"], *elements["e"]["actions"]]:
        yield from item["sources"]
    for row in timeline:
        yield from (_from_timeline(s) for s in row.sources)


def _element_a(person: Person, facts: PersonFacts, *, masked: bool) -> dict[str, Any]:
    named_in = sorted(
        {t for e in facts.evidence if e.field == Claim.Field.NAME for t in e.testimonies}
    )
    return {
        "full_name": facts.primary_name,
        "names": [
            {"name": n.name, "script": n.script, "language": n.language, "form": n.form}
            for n in facts.names
        ],
        "birth_year": facts.birth_year,
        "gender": facts.gender,
        "gender_label": labels.gender_label(facts.gender),
        "ethnicity": facts.ethnicity,
        "identity_documents": _identity_documents(person, masked=masked),
        "photo": None,
        "sources": [_from_testimony(t) for t in named_in],
    }


def _arrest_row(timeline: list[Row]) -> Row | None:
    for kind in ARREST_KINDS:
        rows = [r for r in timeline if r.kind == kind and r.date is not None]
        if rows:
            return rows[0]  # the timeline is in date order: the first arrest
    return None


def _placed_arrest(timeline: list[Row]) -> Row | None:
    return next((r for r in timeline if r.kind in ARREST_KINDS and r.place is not None), None)


# --- Completeness -------------------------------------------------------------------------

ELEMENT_TITLES = {
    "a": lambda: _("(a) Full name and identifying data"),
    "b": lambda: _("(b) Date of the disappearance"),
    "c": lambda: _("(c) Place of arrest or abduction, or where last seen"),
    "d": lambda: _("(d) Believed to have carried it out"),
    "e": lambda: _("(e) Action by the family or others to find the person"),
    "f": lambda: _("(f) Submitted by"),
}


def _gap(element: str, key: str, message: str, *, blocking: bool) -> dict[str, Any]:
    return {"element": element, "key": key, "message": message, "blocking": blocking}


def completeness(elements: dict[str, Any]) -> list[dict[str, Any]]:
    """What the file lacks, each named for a reader: a blocking gap leaves its element
    unfilled; the others weaken it ("no day of arrest")."""
    gaps = []
    a = elements["a"]
    if not a["identity_documents"]:
        gaps.append(
            _gap("a", "identity_document", _("no identity document number"), blocking=False)
        )
    if a["photo"] is None:
        gaps.append(_gap("a", "photo", _("no photo"), blocking=False))
    if a["birth_year"] is None:
        gaps.append(_gap("a", "birth_year", _("no year of birth"), blocking=False))
    event = elements["b"]["event"]
    if event is None:
        gaps.append(_gap("b", "date", _("no date of arrest or disappearance"), blocking=True))
    else:
        if event["month"] is None:
            gaps.append(_gap("b", "month", _("no month of arrest"), blocking=False))
        if event["day"] is None:
            gaps.append(_gap("b", "day", _("no day of arrest"), blocking=False))
        if elements["b"]["alternatives"]:
            gaps.append(
                _gap("b", "disagreement", _("testimonies give different dates"), blocking=False)
            )
    if elements["c"]["place"] is None:
        gaps.append(_gap("c", "place", _("no place of arrest or where last seen"), blocking=True))
    if not elements["d"]["believed_responsible"]:
        gaps.append(
            _gap("d", "believed_responsible", _("no one named as responsible"), blocking=True)
        )
    if not elements["e"]["actions"]:
        gaps.append(_gap("e", "actions", _("no action by the family recorded"), blocking=True))
    if not elements["f"]["name"] and not elements["f"]["organisation"]:
        gaps.append(_gap("f", "submitter", _("no submitter named"), blocking=True))
    return gaps


# --- Summary ------------------------------------------------------------------------------


def summary(case: dict[str, Any]) -> str:
    """A few sentences retelling the file's facts, each with its testimonies; nothing else."""
    a = case["elements"]["a"]
    sentences = []
    if a["birth_year"]:
        sentences.append(
            _("%(name)s, born in %(year)s.") % {"name": a["full_name"], "year": a["birth_year"]}
        )
    else:
        sentences.append(_("%(name)s.") % {"name": a["full_name"]})
    for row in case["timeline"]:
        ids = sorted({s["testimony"] for s in row["sources"]})
        parts = [row["kind_label"]]
        if row["place"]:
            parts.append(row["place"]["name"])
        if row["date"]:
            parts.append(row["date"])
        sentences.append(
            _("%(fact)s (testimonies: %(ids)s).")
            % {"fact": " — ".join(parts), "ids": ", ".join(ids)}
        )
    for item in case["elements"]["d"]["believed_responsible"]:
        sentences.append(_("Believed responsible: %(value)s.") % {"value": item["value"]})
    for item in case["elements"]["e"]["actions"]:
        sentences.append(_("Action by the family: %(value)s.") % {"value": item["value"]})
    for d in case["disagreements"]:
        values = "; ".join(
            f"{v['label']} ({', '.join(v['testimonies'])})" if v["testimonies"] else v["label"]
            for v in d["values"]
        )
        sentences.append(
            _("The testimonies disagree on %(field)s: %(values)s.")
            % {"field": d["label"], "values": values}
        )
    sentences.append(
        _("Status in the archive: %(status)s.") % {"status": case["person"]["status_label"]}
    )
    return " ".join(sentences)


# --- Records ------------------------------------------------------------------------------


def record(case: dict[str, Any], *, user: Account, fmt: str, batch: str = "") -> CaseFileRecord:
    """Every generation leaves a record: who, when, which person, which elements."""
    account = user if user is not None and user.is_authenticated else None
    return CaseFileRecord.objects.create(
        person_id=case["person"]["id"],
        person_ref=case["person"]["id"],
        made_by=cast(Any, account),
        format=fmt,
        elements=[k for k in ELEMENTS if case["elements"][k]["filled"]],
        missing=[f"{m['element']}.{m['key']}" for m in case["completeness"]["missing"]],
        identity_numbers=not case["identity_numbers_masked"],
        levels=list(levels_for(user)),
        batch=batch,
    )


def add_case_fact(
    person: Person,
    field: str,
    value: str,
    *,
    by: Any,
    visibility: str = "",
    testimony: Testimony | None = None,
    segment: Segment | None = None,
    date: str = "",
    source: str = "",
) -> Claim:
    """An element the testimonies do not state plainly (who is believed responsible, what the
    family did), recorded as a fact with its own source: a testimony and its moment, or an
    editor's decision with a note of where it comes from and who may see it."""
    if field not in (Claim.Field.PERPETRATOR, Claim.Field.FAMILY_ACTION):
        raise ValueError(f"{field!r} is not a case-file element: use perpetrator or family_action")
    if not value.strip():
        raise ValueError("a case-file fact needs a value: what happened, or who is responsible")
    if testimony is None and not source.strip():
        raise ValueError("an editor's case-file fact needs its source (where it is known from)")
    if testimony is None and not visibility:
        raise ValueError("an editor's case-file fact needs a visibility (who may see it)")
    if segment is not None and (
        testimony is None or segment.transcript.testimony_id != testimony.pk
    ):
        raise ValueError("the moment must belong to the testimony given as the source")
    detail: dict[str, Any] = {}
    if segment is not None:
        detail["segment"] = segment.pk
    if date:
        detail["date"] = date
    if source:
        detail["source"] = source
    return Claim.objects.create(
        person=person,
        field=field,
        value=value.strip()[:300],
        detail=detail,
        testimony=testimony,
        visibility="" if testimony is not None else visibility,
        origin=Claim.Origin.EDITOR,
        decided_by=by,
    )
