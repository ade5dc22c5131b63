"""Victim lists against the archive: rows in, ranked public people with their evidence out.

Parsing and validation of uploaded lists, the archive's people as match candidates, and the
evidence (testimonies, moments) for each proposal. The name comparison itself is
`names.matching`, on the shared folding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from names.matching import QueryRow, match_many
from search.client import SearchError
from search.query import SearchParams, search_segments
from testimonies import csvsafe
from testimonies.facts import people_facts, with_claims
from testimonies.models import Person
from testimonies.people import archive_index
from testimonies.visibility import PUBLIC_LEVELS

MAX_ROWS = 10_000
MAX_FIELD = 300  # characters in a name, place or father's name
MAX_BYTES = 20 * 1024 * 1024  # a list as a CSV file or as a JSON body
TOO_LARGE = (
    f"The list is larger than {MAX_BYTES // (1024 * 1024)} MB; split it, or run "
    "`manage.py match_people FILE.csv` on the server, which has no limit."
)
COLUMNS = ("name", "birth_year", "place", "father_name")
EVIDENCE_SCORE = 0.8  # below this a proposal is shown without searching its moments
# A row's first candidate at or above this score is a confident match: it gets a case file.
CONFIDENT_SCORE = 0.9


class ListError(ValueError):
    """A list that cannot be matched; the message says what to fix."""


@dataclass
class Proposal:
    person: int
    primary_name: str
    score: float
    matched_name: str
    reasons: list[str]
    page: str
    testimonies: list[str]
    # Each public fact (spelling, status, birth year…) with the testimonies that state it.
    evidence: list[dict[str, Any]] = field(default_factory=list)
    moments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RowResult:
    row: int
    query: dict[str, Any]
    candidates: list[Proposal]


def _year(value: Any, where: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ListError(f"{where}: birth_year {value!r} is not a year") from None
    if not 1880 <= year <= 2030:
        raise ListError(f"{where}: birth_year {year} is outside 1880–2030")
    return year


def rows_from_dicts(
    items: Sequence[Any], *, first_row: int = 1, limit: int | None = MAX_ROWS
) -> list[QueryRow]:
    """Validate rows given as mappings (JSON or CSV); every problem names its row."""
    if limit is not None and len(items) > limit:
        raise ListError(
            f"{len(items):,} rows; the limit is {limit:,} per request. Split the list, or "
            "run `manage.py match_people FILE.csv` on the server, which has no limit."
        )
    rows = []
    problems = []
    for number, item in enumerate(items, start=first_row):
        where = f"row {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object with a name")
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        name = str(item.get("name") or "").strip()
        try:
            if unknown:
                raise ListError(f"{where}: unknown field(s) {', '.join(unknown)}")
            if not name:
                raise ListError(f"{where}: the name is empty")
            if len(name) > MAX_FIELD:
                raise ListError(f"{where}: the name is longer than {MAX_FIELD} characters")
            place = str(item.get("place") or "").strip()
            father_name = str(item.get("father_name") or "").strip()
            for column, value in (("place", place), ("father_name", father_name)):
                if len(value) > MAX_FIELD:
                    raise ListError(f"{where}: the {column} is longer than {MAX_FIELD} characters")
            rows.append(
                QueryRow(
                    name=name,
                    birth_year=_year(item.get("birth_year"), where),
                    place=place or None,
                    father_name=father_name or None,
                )
            )
        except ListError as exc:
            problems.append(str(exc))
    if problems:
        shown = "; ".join(problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ListError(f"{len(problems)} row(s) cannot be matched: {shown}{more}")
    if not rows:
        raise ListError("The list has no rows.")
    return rows


def rows_from_csv(data: bytes, *, limit: int | None = MAX_ROWS) -> list[QueryRow]:
    """A CSV with a header row; `name` is required, the other columns optional."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListError(
            f"The file is not UTF-8 text (byte {exc.start}). Save it as 'CSV UTF-8' and try again."
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise ListError(
            "The first line must be a header with a 'name' column "
            f"(optional: {', '.join(COLUMNS[1:])}); found: {', '.join(header) or 'nothing'}."
        )
    reader.fieldnames = header
    items: list[dict[str, Any]] = []
    try:
        for item in reader:
            if limit is not None and len(items) >= limit:
                raise ListError(
                    f"More than {limit:,} rows; the limit is {limit:,} per request. Split the "
                    "list, or run `manage.py match_people FILE.csv` on the server."
                )
            items.append({k: v for k, v in item.items() if k in COLUMNS and k is not None})
    except csv.Error as exc:
        # A cell over the csv module's limit (131,072 characters) or broken quoting.
        raise ListError(
            f"Line {reader.line_num + 1} of the file cannot be read as CSV ({exc}); a cell is "
            f"too long or its quotes are not closed. Names may have up to {MAX_FIELD} "
            "characters."
        ) from None
    # Row numbers as a spreadsheet shows them: the header is row 1.
    return rows_from_dicts(items, first_row=2, limit=limit)


def match_rows(
    rows: Sequence[QueryRow], *, limit: int = 5, with_moments: bool = True
) -> list[RowResult]:
    """Ranked proposals per row, each with its public testimonies and, when likely, the
    moments where the matched spelling is said."""
    index = archive_index()
    matches = match_many(index, rows, limit=limit)
    ids = {m.candidate_id for row in matches for m in row}
    people = {
        facts.id: facts
        for facts in people_facts(
            Person.objects.filter(pk__in=ids).prefetch_related(with_claims(), "testimonies"),
            PUBLIC_LEVELS,
        )
    }
    results = []
    for number, (row, found) in enumerate(zip(rows, matches, strict=True), start=1):
        proposals = []
        for match in found:
            person = people.get(match.candidate_id)
            if person is None or match.matched_name not in {
                person.primary_name,
                *(n.name for n in person.names),
            }:
                continue  # changed since the match index was built
            proposal = Proposal(
                person=person.id,
                primary_name=person.primary_name,
                score=round(match.score, 3),
                matched_name=match.matched_name,
                reasons=list(match.reasons),
                page=f"/people/{person.id}/",
                testimonies=person.testimonies,
                evidence=[asdict(item) for item in person.evidence],
            )
            if with_moments and match.score >= EVIDENCE_SCORE:
                proposal.moments = _moments(match.matched_name, person.pk)
            proposals.append(proposal)
        query = {k: v for k, v in asdict(row).items() if v is not None}
        results.append(RowResult(row=number, query=query, candidates=proposals))
    return results


def _moments(name: str, person_id: int) -> list[dict[str, Any]]:
    try:
        hits = search_segments(SearchParams(q=name, person=person_id, limit=3)).hits
    except SearchError:
        return []  # the proposal stands without its moments; search may be restarting
    return [
        {
            "testimony": h.testimony,
            "start": h.start,
            "text": h.text,
            "url": f"/t/{h.testimony}/?t={h.start:g}",
        }
        for h in hits
    ]


RESULT_COLUMNS = [
    "row",
    "name",
    "rank",
    "person",
    "primary_name",
    "score",
    "matched_name",
    "reasons",
    "page",
    "testimonies",
    "first_moment",
]


def confident_people(results: Sequence[RowResult], *, score: float = CONFIDENT_SCORE) -> list[int]:
    """The people that rows match with confidence (each row's first candidate at ``score``
    or more), once each, in the list's order."""
    firsts = [r.candidates[0] for r in results if r.candidates]
    return list(dict.fromkeys(p.person for p in firsts if p.score >= score))


# With case files: which file the row's candidate got, and what that file lacks.
CASE_FILE_COLUMNS = ["case_file", "case_file_missing"]


def results_csv(
    results: Sequence[RowResult], *, case_files: dict[int, tuple[str, list[str]]] | None = None
) -> str:
    """One line per proposal (or one empty line for a row without any), spreadsheet-ready.
    ``case_files`` (person → file name, missing elements) adds two columns."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(RESULT_COLUMNS + (CASE_FILE_COLUMNS if case_files is not None else []))

    def case_columns(person: int | None) -> list[str]:
        if case_files is None:
            return []
        name, missing = case_files.get(person, ("", [])) if person is not None else ("", [])
        return [name, " ".join(missing)]

    for result in results:
        if not result.candidates:
            writer.writerow(
                [
                    result.row,
                    result.query["name"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    *case_columns(None),
                ]
            )
        for rank, p in enumerate(result.candidates, start=1):
            writer.writerow(
                [
                    result.row,
                    result.query["name"],
                    rank,
                    p.person,
                    p.primary_name,
                    p.score,
                    p.matched_name,
                    "; ".join(p.reasons),
                    p.page,
                    " ".join(p.testimonies),
                    p.moments[0]["url"] if p.moments else "",
                    *case_columns(p.person if rank == 1 else None),
                ]
            )
    return out.getvalue()
