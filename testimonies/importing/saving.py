"""Saving validated records: one testimony at a time, or a whole file in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from names.dates import parse_partial
from testimonies.changes import DerivedDataError, changed
from testimonies.facts import refresh_person, refresh_place
from testimonies.importing.upserts import upsert_person, upsert_place
from testimonies.importing.validation import (
    ImportFileError,
    Problem,
    record_lines,
    validate_file,
)
from testimonies.models import (
    Claim,
    Event,
    Person,
    Place,
    Segment,
    Testimony,
    Transcript,
    Visibility,
)

IMPORT_ENGINE = "import"


@dataclass
class ImportReport:
    """What import_file did: counts, the skipped lines' problems and the testimonies."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    testimony_ids: list[int] = field(default_factory=list)


def import_file(
    path: Path,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], object] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> ImportReport:
    """Validate the whole file, then import it in one transaction and index it.

    Returns once the search index reflects the import. Any failure (an invalid line without
    skip_invalid, the search server down) leaves the database and the index as they were.
    """
    if on_phase:
        on_phase("validate")
    problems, valid = validate_file(path, progress=progress)
    if problems and not skip_invalid:
        raise ImportFileError(path, problems)
    report = ImportReport(problems=problems, skipped=len(problems))
    if on_phase:
        on_phase("import")
    try:
        with transaction.atomic():
            with path.open("rb") as stream:
                for number, raw in record_lines(stream):
                    if progress:
                        progress(len(raw))
                    if number not in valid:
                        continue
                    testimony, created = save_record(json.loads(raw))
                    report.testimony_ids.append(testimony.pk)
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
            if on_phase:
                on_phase("index")
            changed(report.testimony_ids, now=True)
    except DerivedDataError:
        # The database rolled back; put back whatever documents a partial sync replaced.
        try:
            existing = Testimony.objects.filter(external_id__in=valid.values())
            changed(existing.values_list("pk", flat=True), now=True)
        except DerivedDataError:
            pass
        raise
    return report


def save_record(record: dict[str, Any]) -> tuple[Testimony, bool]:
    """Create or update one testimony from a validated record (no duplicates on re-import)."""
    testimony, created = Testimony.objects.get_or_create(
        external_id=record["external_id"],
        defaults={"title": record["title"], "language": record["language"]},
    )
    testimony.title = record["title"]
    testimony.language = record["language"]
    testimony.languages = record.get("languages") or [record["language"]]
    testimony.description = record.get("description", "")
    testimony.visibility = record.get("visibility", testimony.visibility or Visibility.DRAFT)
    testimony.source_platform = record.get("source_platform", "")
    testimony.source_url = record.get("source_url", "")
    testimony.consent_notes = record.get("consent_notes", "")
    witness = record.get("witness") or {}
    testimony.witness_name = witness.get("name", "")
    testimony.witness_relation = witness.get("relation", "")
    for key in ("recorded_on", "published_on"):
        partial = parse_partial(record[key]) if record.get(key) else None
        setattr(testimony, key, partial.date if partial else None)
        setattr(
            testimony, key.replace("_on", "_precision"), partial.precision if partial else "day"
        )
    if record["segments"] and testimony.status in (Testimony.Status.NEW, ""):
        testimony.status = Testimony.Status.TRANSCRIBED
    testimony.save()

    # A re-import replaces what this testimony said before; other sources' claims stay.
    said_before = Claim.objects.filter(testimony=testimony, origin=Claim.Origin.IMPORT)
    earlier = list(said_before.values_list("person", "place"))
    earlier_people = {p for p, _ in earlier if p}
    earlier_places = {p for _, p in earlier if p}
    said_before.delete()
    people = [upsert_person(p, testimony) for p in record.get("people", [])]
    places = [upsert_place(p, testimony) for p in record.get("places", [])]
    testimony.people.set(people)
    testimony.places.set(places)
    for person in Person.objects.filter(pk__in=earlier_people - {p.pk for p in people}):
        refresh_person(person)
    for place in Place.objects.filter(pk__in=earlier_places - {p.pk for p in places}):
        refresh_place(place)

    segments: list[Segment] = []
    testimony.transcripts.filter(engine=IMPORT_ENGINE).delete()
    if record["segments"]:
        meta = record.get("transcript") or {}
        transcript = Transcript.objects.create(
            testimony=testimony,
            engine=IMPORT_ENGINE,
            model=" ".join(filter(None, [meta.get("engine"), meta.get("model")])),
            language=meta.get("language", record["language"]),
            task=Transcript.Task.TRANSCRIBE,
        )
        segments = Segment.objects.bulk_create(
            Segment(
                transcript=transcript,
                index=i,
                start=float(s["start"]),
                end=float(s["end"]),
                text=s["text"],
                translation=s.get("translation", ""),
                words=s.get("words", []),
                avg_logprob=s.get("avg_logprob"),
                no_speech_prob=s.get("no_speech_prob"),
                compression_ratio=s.get("compression_ratio"),
                flags=s.get("flags", []),
                edited=bool(s.get("edited", False)),
                redactions=s.get("redactions", []),
            )
            for i, s in enumerate(record["segments"])
        )

    testimony.events.filter(origin=Event.Origin.IMPORT).delete()
    by_key = {p.get("key"): people[i] for i, p in enumerate(record.get("people", []))}
    for event in record.get("events", []):
        ref = event["person"]
        person = people[ref] if isinstance(ref, int) else by_key[ref]
        partial = parse_partial(str(event["date"])) if event.get("date") else None
        Event.objects.create(
            person=person,
            place=places[event["place"]] if "place" in event else None,
            kind=event.get("kind", Event.Kind.OTHER),
            date=partial.date if partial else None,
            date_precision=partial.precision if partial else "year",
            testimony=testimony,
            segment=segments[event["segment"]] if "segment" in event and segments else None,
            origin=Event.Origin.IMPORT,
            review=Event.Review.ACCEPTED,
        )
    return testimony, created
