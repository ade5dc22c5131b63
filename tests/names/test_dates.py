"""Partial dates: which ones may mean the same day."""

from __future__ import annotations

import datetime as dt

import pytest

from names.dates import compatible, most_precise, parse_partial, span


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("2018", "2018-03", True),
        ("2018-03", "2018-03-14", True),
        ("2018-03", "2018-04", False),
        ("2018", "2019-01", False),
        ("2018-03-14", "2018-03-15", False),
    ],
)
def test_dates_are_compatible_when_one_lies_within_the_other(a: str, b: str, same: bool):
    assert compatible(parse_partial(a), parse_partial(b)) is same
    assert compatible(parse_partial(b), parse_partial(a)) is same


def test_an_unknown_date_contradicts_nothing():
    assert compatible(None, parse_partial("2018-03"))


def test_a_month_spans_its_last_day_and_a_decade_ten_years():
    assert span(dt.date(2016, 2, 1), "month") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert span(dt.date(2018, 12, 1), "month")[1] == dt.date(2018, 12, 31)
    assert span(dt.date(2014, 1, 1), "decade") == (dt.date(2010, 1, 1), dt.date(2019, 12, 31))


def test_the_most_precise_date_is_kept():
    dates = [parse_partial("2018"), parse_partial("2018-03"), parse_partial("2018")]
    assert str(most_precise(dates)) == "2018-03"
    assert most_precise([]) is None
