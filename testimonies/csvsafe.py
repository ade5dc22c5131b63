"""CSV that a spreadsheet will not run: cells that could start a formula are escaped.

Titles, URLs and messages come from the platforms, i.e. from any uploader; names come from
uploaded victim lists. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
is read as a formula by Excel, LibreOffice and Google Sheets, so it gets a leading `'`
(OWASP, "CSV Injection"). Only text is escaped: numbers the code writes stay numbers. Every
CSV writer should go through `writer` (or `cell`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value`, with a `'` in front when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Writer:
    """`csv.writer` whose rows are escaped cell by cell; `writerow` returns what it returns."""

    def __init__(self, out: SupportsWrite[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: SupportsWrite[str], **options: Any) -> Writer:
    return Writer(out, **options)
