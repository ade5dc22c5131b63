"""Validation of the JSON Lines import format (docs/import-format.md), one line at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from names import gazetteer
from names.dates import parse_partial
from testimonies.languages import LANGUAGES
from testimonies.models import Event, Person, Place, Visibility

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

TOP_FIELDS = {
    "external_id",
    "title",
    "description",
    "language",
    "languages",
    "visibility",
    "recorded_on",
    "published_on",
    "source_platform",
    "source_url",
    "witness",
    "consent_notes",
    "segments",
    "transcript",
    "people",
    "places",
    "events",
}
SEGMENT_FIELDS = {
    "start",
    "end",
    "text",
    "translation",
    "words",
    "avg_logprob",
    "no_speech_prob",
    "compression_ratio",
    "flags",
    "edited",
    "redactions",
}
PERSON_FIELDS = {"key", "names", "status", "birth_year", "gender", "ethnicity", "notes"}
PLACE_FIELDS = {"names", "type", "gazetteer_id", "latitude", "longitude"}
EVENT_FIELDS = {"person", "place", "kind", "date", "segment"}
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFileError(Exception):
    """The file has invalid lines; nothing was imported."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s); nothing was imported.\n{shown}{more}\n"
            "Fix these lines (docs/import-format.md describes the format), or pass "
            "--skip-invalid to import the valid lines only."
        )


class _Invalid(Exception):
    pass


def _fail(message: str) -> None:
    raise _Invalid(message)


def _check_fields(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        _fail(f"{where}unknown field(s) {', '.join(unknown)}")


def _string(obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            _fail(f"{where}{key} is required")
        return ""
    if not isinstance(value, str):
        _fail(f"{where}{key} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        _fail(f"{where}{key} must not be empty")
    return str(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(f"{where} must be a number of seconds, not {json.dumps(value)[:40]}")
    return float(value)


def _choice(value: Any, choices: Any, where: str) -> str:
    allowed = [c[0] for c in choices]
    if value not in allowed:
        _fail(f"{where} is {json.dumps(value)[:40]}; expected one of {', '.join(allowed)}")
    return str(value)


def _in_gazetteer(place_id: str) -> bool:
    try:
        gazetteer.get(place_id)
    except KeyError:
        return False
    return True


def checked_names(obj: dict[str, Any], where: str) -> list[str]:
    """The stripped `names` of a person or place (the upserts reuse this on valid data)."""
    names = obj.get("names")
    if not isinstance(names, list) or not names:
        _fail(f"{where}names must be a non-empty list of strings")
    assert isinstance(names, list)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            _fail(f"{where}names must contain only non-empty strings")
        if len(name) > 300:
            _fail(f"{where}a name is longer than 300 characters")
    return [n.strip() for n in names]


def validate_record(record: Any) -> dict[str, Any]:
    """Check one parsed line; raise _Invalid with a message naming the field."""
    if not isinstance(record, dict):
        _fail(f"a line must hold a JSON object, not {type(record).__name__}")
    _check_fields(record, TOP_FIELDS, "")
    external_id = _string(record, "external_id", "", required=True)
    if not EXTERNAL_ID.match(external_id):
        _fail(f"external_id {external_id!r} may use only letters, digits and . _ : - (≤100)")
    _string(record, "title", "", required=True)
    if len(record["title"]) > 500:
        _fail("title is longer than 500 characters")
    for key in ("description", "source_platform", "consent_notes"):
        _string(record, key, "")
    language = record.get("language")
    if language not in LANGUAGES:
        _fail(
            f"language {json.dumps(language)[:20]} is not a known code; "
            f"use one of {', '.join(LANGUAGES)}"
        )
    languages = record.get("languages", [])
    if not isinstance(languages, list) or any(code not in LANGUAGES for code in languages):
        _fail(f"languages must be a list of codes from: {', '.join(LANGUAGES)}")
    if "visibility" in record:
        _choice(record["visibility"], Visibility.choices, "visibility")
    for key in ("recorded_on", "published_on"):
        if record.get(key) is not None:
            try:
                parse_partial(_string(record, key, ""))
            except ValueError as exc:
                _fail(f"{key}: {exc}")
    if record.get("source_url"):
        try:
            _url(_string(record, "source_url", ""))
        except ValidationError:
            _fail(f"source_url {record['source_url'][:80]!r} is not an http(s) URL")
    witness = record.get("witness")
    if witness is not None:
        if not isinstance(witness, dict):
            _fail("witness must be an object with name and relation")
        _check_fields(witness, {"name", "relation"}, "witness: ")
        _string(witness, "name", "witness.")
        _string(witness, "relation", "witness.")
    transcript = record.get("transcript")
    if transcript is not None:
        if not isinstance(transcript, dict):
            _fail("transcript must be an object")
        _check_fields(transcript, {"engine", "model", "language"}, "transcript: ")
        if "language" in transcript and transcript["language"] not in LANGUAGES:
            _fail("transcript.language is not a known language code")
    _validate_segments(record.get("segments"))
    _validate_people_places_events(record)
    return record


def _validate_segments(segments: Any) -> None:
    if not isinstance(segments, list):
        _fail("segments is required and must be a list (it may be empty)")
    previous_end = 0.0
    for i, segment in enumerate(segments):
        where = f"segments[{i}]"
        if not isinstance(segment, dict):
            _fail(f"{where} must be an object")
        _check_fields(segment, SEGMENT_FIELDS, f"{where}: ")
        if "start" not in segment or "end" not in segment:
            _fail(f"{where} needs start and end (seconds)")
        start = _number(segment["start"], f"{where}.start")
        end = _number(segment["end"], f"{where}.end")
        if start < 0:
            _fail(f"{where}.start is negative ({start})")
        if end < start:
            _fail(f"{where} ends before it starts ({start} > {end})")
        if start < previous_end - 1e-6:
            _fail(f"{where} starts at {start}, before the previous segment ends ({previous_end})")
        previous_end = end
        _string(segment, "text", f"{where}.", required=True)
        _string(segment, "translation", f"{where}.")
        for key in ("avg_logprob", "no_speech_prob", "compression_ratio"):
            if segment.get(key) is not None:
                _number(segment[key], f"{where}.{key}")
        if "words" in segment and not isinstance(segment["words"], list):
            _fail(f"{where}.words must be a list")
        for mark in segment.get("redactions", []):
            field = mark.get("field", "text") if isinstance(mark, dict) else None
            text = segment.get(field, "") if field in ("text", "translation") else None
            if (
                text is None
                or not isinstance(mark.get("start"), int)
                or not isinstance(mark.get("end"), int)
                or not 0 <= mark["start"] < mark["end"] <= len(text)
            ):
                _fail(
                    f"{where}.redactions: each mark is "
                    '{"field": "text"|"translation", "start": int, "end": int} inside that field'
                )


def _validate_people_places_events(record: dict[str, Any]) -> None:
    people = record.get("people", [])
    places = record.get("places", [])
    if not isinstance(people, list) or not isinstance(places, list):
        _fail("people and places must be lists")
    keys = set()
    for i, person in enumerate(people):
        where = f"people[{i}]."
        if not isinstance(person, dict):
            _fail(f"people[{i}] must be an object")
        _check_fields(person, PERSON_FIELDS, where)
        checked_names(person, where)
        key = _string(person, "key", where)
        if key:
            keys.add(key)
        if "status" in person:
            _choice(person["status"], Person.Status.choices, f"{where}status")
        if "gender" in person:
            _choice(person["gender"], Person.Gender.choices, f"{where}gender")
        year = person.get("birth_year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 1880 <= year <= 2030
        ):
            _fail(f"{where}birth_year must be a year between 1880 and 2030")
    for i, place in enumerate(places):
        where = f"places[{i}]."
        if not isinstance(place, dict):
            _fail(f"places[{i}] must be an object")
        _check_fields(place, PLACE_FIELDS, where)
        checked_names(place, where)
        if "type" in place:
            _choice(place["type"], Place.Type.choices, f"{where}type")
        gazetteer_id = place.get("gazetteer_id")
        if gazetteer_id is not None and (
            not isinstance(gazetteer_id, str) or not _in_gazetteer(gazetteer_id)
        ):
            _fail(
                f"{where}gazetteer_id {str(gazetteer_id)[:60]!r} is not in the gazetteer: "
                "leave it out (the place is matched by its names) or use an id from "
                "names/data/gazetteer.json"
            )
        for axis, limit in (("latitude", 90), ("longitude", 180)):
            value = place.get(axis)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit
            ):
                _fail(f"{where}{axis} must be a number between -{limit} and {limit}")
    events = record.get("events", [])
    if not isinstance(events, list):
        _fail("events must be a list")
    for i, event in enumerate(events):
        where = f"events[{i}]."
        if not isinstance(event, dict):
            _fail(f"events[{i}] must be an object")
        _check_fields(event, EVENT_FIELDS, where)
        ref = event.get("person")
        if not (ref in keys or (isinstance(ref, int) and 0 <= ref < len(people))):
            _fail(f"{where}person must be a key from people or an index into people")
        if "place" in event and not (
            isinstance(event["place"], int) and 0 <= event["place"] < len(places)
        ):
            _fail(f"{where}place must be an index into places")
        if "segment" in event and not (
            isinstance(event["segment"], int) and 0 <= event["segment"] < len(record["segments"])
        ):
            _fail(f"{where}segment must be an index into segments")
        _choice(event.get("kind", "other"), Event.Kind.choices, f"{where}kind")
        if event.get("date") is not None:
            try:
                parse_partial(str(event["date"]))
            except ValueError as exc:
                _fail(f"{where}date: {exc}")


def record_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of a file with their 1-based line numbers."""
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        _fail("is not UTF-8 text")
    except json.JSONDecodeError as exc:
        _fail(f"is not valid JSON ({exc.msg} at column {exc.colno})")


def validate_file(
    path: Path, *, progress: Callable[[int], object] | None = None
) -> tuple[list[Problem], dict[int, str]]:
    """Stream the file once; return the problems and the valid lines' external ids."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    valid: dict[int, str] = {}
    with path.open("rb") as stream:
        for number, raw in record_lines(stream):
            if progress:
                progress(len(raw))
            try:
                record = validate_record(_parse(raw))
            except _Invalid as exc:
                problems.append(Problem(number, str(exc)))
                continue
            external_id = record["external_id"]
            if external_id in seen:
                problems.append(
                    Problem(number, f"external_id {external_id!r} repeats line {seen[external_id]}")
                )
                continue
            seen[external_id] = number
            valid[number] = external_id
    return problems, valid
