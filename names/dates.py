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


def span(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day a partial date may mean ("2018-03" → 1 to 31 March 2018)."""
    if precision == Precision.DAY:
        return date, date
    if precision == Precision.MONTH:
        first = date.replace(day=1)
        following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    if precision == Precision.DECADE:
        start = date.year // 10 * 10
        return dt.date(start, 1, 1), dt.date(start + 9, 12, 31)
    return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)


_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2, Precision.DECADE: 3}


def compatible(a: PartialDate | None, b: PartialDate | None) -> bool:
    """Whether two partial dates may mean the same day: one lies within the other ("2018"
    and "2018-03" may; "2018-03" and "2018-04" may not). An unknown date contradicts nothing."""
    if a is None or b is None:
        return True
    (a_first, a_last), (b_first, b_last) = span(a.date, a.precision), span(b.date, b.precision)
    return a_first <= b_last and b_first <= a_last


def most_precise(dates: list[PartialDate]) -> PartialDate | None:
    """The most precise of dates that are compatible with one another (the earliest on a tie)."""
    return min(dates, key=lambda d: (_RANK.get(d.precision, 2), d.date), default=None)
