"""Case files for many people at once, as one ZIP, written as they are made (memory stays flat).

Every file made is recorded with the batch's id; a person the account may not see is
skipped, the same as one that does not exist, and reported as such to the caller only.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from testimonies.casefiles.build import (
    Account,
    CaseFileRefused,
    Submitter,
    build_case,
    may_make,
    record,
    visible_person,
)
from testimonies.casefiles.render import to_json, to_pdf

FORMATS = ("json", "pdf")


@dataclass
class Made:
    """What one person's entry in the ZIP holds and lacks."""

    person: int
    files: list[str]
    missing: list[str]
    complete: bool


@dataclass
class Batch:
    id: str
    made: dict[int, Made] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)


def write_zip(
    person_ids: Iterable[int],
    out: IO[bytes],
    *,
    user: Account,
    formats: Iterable[str] = FORMATS,
    submitter: Submitter | None = None,
    progress: Callable[[int], None] | None = None,
    extra: Callable[[Batch], dict[str, bytes]] | None = None,
) -> Batch:
    """A ZIP of case files (``case-<id>.json``/``.pdf``) for ``person_ids`` in that order;
    ``extra(batch)`` gives files to add last (a results CSV saying what each row got).
    ``progress(1)`` after each person."""
    if not may_make(user):
        raise CaseFileRefused()
    wanted = [f for f in FORMATS if f in set(formats)]
    if not wanted:
        raise ValueError(f"choose case-file formats among: {', '.join(FORMATS)}")
    batch = Batch(id=str(uuid.uuid4()))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for person_id in dict.fromkeys(person_ids):
            try:
                person, facts = visible_person(user, person_id)
            except CaseFileRefused:
                batch.skipped.append(person_id)
            else:
                case = build_case(person, facts, user=user, submitter=submitter)
                files = []
                for fmt in wanted:
                    name = f"case-{person_id}.{fmt}"
                    archive.writestr(name, to_pdf(case) if fmt == "pdf" else to_json(case))
                    files.append(name)
                    record(case, user=user, fmt=fmt, batch=batch.id)
                batch.made[person_id] = Made(
                    person=person_id,
                    files=files,
                    missing=[f"{m['element']}.{m['key']}" for m in case["completeness"]["missing"]],
                    complete=bool(case["completeness"]["complete"]),
                )
            if progress is not None:
                progress(1)
        for name, data in (extra(batch) if extra else {}).items():
            archive.writestr(name, data)
    return batch
