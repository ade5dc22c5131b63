"""JSON Lines import and export of testimonies: one format both ways, validated per line.

The format is described in docs/import-format.md. `validation` checks lines, `saving` writes
validated records (a whole file in one transaction, indexed before it commits), `upserts`
holds the person and place upserts that editorial review shares, and `exporting` writes a
testimony back out in the same format.
"""

from testimonies.importing.exporting import export_record
from testimonies.importing.saving import IMPORT_ENGINE, ImportReport, import_file, save_record
from testimonies.importing.upserts import name_script, upsert_person, upsert_place
from testimonies.importing.validation import (
    EXTERNAL_ID,
    ImportFileError,
    Problem,
    validate_file,
    validate_record,
)

__all__ = [
    "EXTERNAL_ID",
    "IMPORT_ENGINE",
    "ImportFileError",
    "ImportReport",
    "Problem",
    "export_record",
    "import_file",
    "name_script",
    "save_record",
    "upsert_person",
    "upsert_place",
    "validate_file",
    "validate_record",
]
