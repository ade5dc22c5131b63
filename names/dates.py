"""Partial dates ("2018", "2018-03", "2018-03-14") with their precision."""

import datetime as dt
import re
from dataclasses import dataclass

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision:
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    CHOICES = [(DAY, "day"), (MONTH, "month"), (YEAR, "year"), (DECADE, "decade")]


@dataclass(frozen=True)
class PartialDate:
    date: dt.date
    precision: str

    def __str__(self) -> str:
        return format_partial(self.date, self.precision)


def parse_partial(value: str) -> PartialDate:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError saying which form is expected."""
    match = _PARTIAL.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return PartialDate(date, precision)


def format_partial(date: dt.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == Precision.DAY:
        return date.isoformat()
    if precision == Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    if precision == Precision.DECADE:
        return f"{date.year // 10 * 10:04d}s"
    return f"{date.year:04d}"
