"""The takedown report's CSV cannot smuggle a spreadsheet formula in (CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from testimonies import csvsafe
from testimonies.models import SourceCheck, Testimony

EVIL = '=HYPERLINK("http://evil","x")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_start_a_formula_gets_a_quote(start: str):
    assert csvsafe.cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["A sister speaks", "https://video.example/x", "", 3, None])
def test_other_cells_are_unchanged(value: Any):
    assert csvsafe.cell(value) == value


def _gone(external_id: str, title: str, url: str) -> None:
    now = timezone.now()
    testimony = Testimony.objects.create(
        external_id=external_id, title=title, language="kk", source_url=url
    )
    for state, days in (("available", 5), ("removed", 2)):
        SourceCheck.objects.create(
            testimony=testimony,
            url=url,
            checked_at=now - dt.timedelta(days=days),
            state=state,
            message="-1 video removed" if state == "removed" else "",
        )


@pytest.mark.django_db
def test_titles_from_the_platform_cannot_run_in_a_spreadsheet(capsys: Any):
    _gone("t-evil", EVIL, "https://video.example/watch?v=evil")
    _gone("t-plain", "A sister speaks", "https://video.example/watch?v=plain")
    browser = Client()
    browser.force_login(User.objects.create_user("staff", is_staff=True))
    download = browser.get("/staff/takedowns.csv").content.decode()
    call_command("takedown_report")
    assert capsys.readouterr().out.splitlines() == download.splitlines()

    header, *rows = csv.reader(io.StringIO(download))
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id["t-evil"]["title"] == "'" + EVIL
    assert by_id["t-evil"]["message"] == "'-1 video removed"
    assert by_id["t-plain"]["title"] == "A sister speaks"
    assert by_id["t-plain"]["source_url"] == "https://video.example/watch?v=plain"
