"""manage.py refresh_gazetteer: a GeoNames dump -> the gazetteer's GeoNames data file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _line(geonameid: int, name: str, alternates: str, admin1: str = "13") -> str:
    columns = [str(geonameid), name, name, alternates, "43.9", "81.3", "P", "PPL", "CN", "",
               admin1, "", "", "", "2500", "", "600", "Asia/Urumqi", "2024-01-01"]  # fmt: skip
    return "\t".join(columns)


def test_it_writes_the_places_of_a_dump_with_attribution_and_lookup_only_names(
    tmp_path: Path,
) -> None:
    dump = tmp_path / "CN.txt"
    dump.write_text(
        _line(9000001, "Sarybulak", "Сарыбұлақ,萨热布拉克,红旗")
        + "\n"
        + _line(9000002, "Haidian", "海淀", "22")
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "geonames.json"
    stdout = io.StringIO()
    call_command("refresh_gazetteer", str(dump), "--output", str(out), stdout=stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "CC BY 4.0" in data["attribution"] and data["source"] == "CN.txt"
    (place,) = data["places"]
    assert place["geonameid"] == 9000001
    assert place["names"]["hani"] == ["萨热布拉克", "红旗"]
    assert place["lookup_only"] == ["红旗"]
    assert "1 GeoNames places of Xinjiang" in stdout.getvalue()
    assert "manage.py reindex" in stdout.getvalue()


def test_a_file_that_is_no_dump_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "list.txt"
    bad.write_text("Ghulja\t43.9\t81.3\n", encoding="utf-8")
    out = tmp_path / "geonames.json"
    out.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="3 columns, a GeoNames dump line has 19"):
        call_command("refresh_gazetteer", str(bad), "--output", str(out))
    assert out.read_text(encoding="utf-8") == "{}"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("refresh_gazetteer", str(tmp_path / "missing.txt"), "--output", str(out))
