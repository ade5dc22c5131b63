"""Export of a testimony in the import format, so an export re-imports elsewhere."""

from __future__ import annotations

from typing import Any

from names.dates import format_partial
from redaction import mask
from testimonies.facts import people_facts, places_facts
from testimonies.models import Testimony
from testimonies.visibility import PUBLIC_LEVELS


def export_record(testimony: Testimony, *, redact: bool = False) -> dict[str, Any]:
    """The import format for one testimony, so an export re-imports elsewhere.

    `redact` masks identity numbers, passports and phones (public exports).
    """
    clean = mask if redact else (lambda text: text)
    record: dict[str, Any] = {
        "external_id": testimony.external_id,
        "title": clean(testimony.title),
        "language": testimony.language,
        "languages": testimony.languages,
        "visibility": testimony.visibility,
    }
    optional = {
        "description": clean(testimony.description),
        "recorded_on": format_partial(testimony.recorded_on, testimony.recorded_precision),
        "published_on": format_partial(testimony.published_on, testimony.published_precision),
        "source_platform": testimony.source_platform,
        "source_url": testimony.source_url,
        # Internal notes and the witness's own name stay out of public exports.
        "consent_notes": "" if redact else testimony.consent_notes,
    }
    record.update({k: v for k, v in optional.items() if v})
    witness_name = "" if redact else testimony.witness_name
    if witness_name or testimony.witness_relation:
        record["witness"] = {"name": witness_name, "relation": testimony.witness_relation}
    transcript = testimony.current_transcript()
    segments = list(transcript.segments.all()) if transcript else []
    record["segments"] = [
        {
            "start": s.start,
            "end": s.end,
            "text": s.public_text if redact else s.text,
            "translation": s.public_translation if redact else s.translation,
            **({"redactions": s.redactions} if s.redactions and not redact else {}),
        }
        for s in segments
    ]
    if redact:
        # Public output: each person and place as public sources state them (the import
        # key may come from a restricted file, so a public key is derived from the id).
        people = people_facts(testimony.people.all(), PUBLIC_LEVELS)
        record["people"] = [
            {
                "names": [n.name for n in p.names],
                "status": p.status,
                "key": f"person-{p.id}",
                **({"birth_year": p.birth_year} if p.birth_year else {}),
            }
            for p in people
        ]
        places = places_facts(testimony.places.all(), PUBLIC_LEVELS)
        record["places"] = [{"names": [a.name for a in p.aliases], "type": p.type} for p in places]
        return record
    record["people"] = [
        {
            "names": [v.name for v in p.names.all()] or [p.primary_name],
            "status": p.status,
            **({"key": p.key} if p.key else {}),
            **({"birth_year": p.birth_year} if p.birth_year else {}),
        }
        for p in testimony.people.all()
    ]
    record["places"] = [
        {"names": [a.name for a in p.aliases.all()] or [p.name], "type": p.type}
        for p in testimony.places.all()
    ]
    return record
