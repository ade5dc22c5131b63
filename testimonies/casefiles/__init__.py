"""Case files for the UN Working Group on Enforced or Involuntary Disappearances (WGEID):
one person's elements (a)–(f) with their sources, as JSON and PDF, one at a time or in bulk."""

from testimonies.casefiles.build import (
    CaseFileRefused,
    Submitter,
    add_case_fact,
    build_case,
    may_make,
    record,
    visible_person,
)
from testimonies.casefiles.bulk import Batch, write_zip
from testimonies.casefiles.render import to_json, to_pdf

__all__ = [
    "Batch",
    "CaseFileRefused",
    "Submitter",
    "add_case_fact",
    "build_case",
    "may_make",
    "record",
    "to_json",
    "to_pdf",
    "visible_person",
    "write_zip",
]
