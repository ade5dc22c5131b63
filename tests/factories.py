"""Builders for import records and JSONL files used across the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from redaction import cn_resident_id_check_char, kz_iin_check_digit


def record(external_id: str = "t-001", **overrides: Any) -> dict[str, Any]:
    """A valid testimony in the import format (fictional people)."""
    data: dict[str, Any] = {
        "external_id": external_id,
        "title": "Сіңлісі ағасы Ерлан туралы айтады",
        "language": "kk",
        "visibility": "public",
        "recorded_on": "2018-03",
        "source_url": "https://www.youtube.com/watch?v=demo0000001",
        "segments": [
            {
                "start": 0.0,
                "end": 4.2,
                "text": "Менің ағам Ерлан Қабыл 2018 жылы Құлжада ұсталды.",
                "translation": "My brother Erlan Kabyl was detained in Ghulja in 2018.",
            },
            {
                "start": 4.2,
                "end": 9.0,
                "text": "Содан бері одан хабар жоқ.",
                "translation": "Since then there has been no news of him.",
            },
        ],
        "people": [
            {
                "key": f"p-{external_id}",
                "names": ["Ерлан Қабыл", "Erlan Kabyl", "Ерлан Кабыл"],
                "status": "missing",
            }
        ],
        "places": [{"names": ["Құлжа", "Ghulja", "Yining", "伊宁"], "type": "city"}],
    }
    data.update(overrides)
    return data


def write_jsonl(path: Path, records: list[Any], *, raw_lines: dict[int, str] | None = None) -> Path:
    """Write records one per line; raw_lines replaces line N (1-based) with literal text."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for number, text in (raw_lines or {}).items():
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Valid synthetic identity numbers (tests only). They pass every check in `redaction`, so never
# put one in a published example without masking it.
# --------------------------------------------------------------------------------------------


def make_cn_resident_id(region: str = "650102", birth: str = "19850315", seq: str = "123") -> str:
    """A synthetic Chinese resident ID with a correct check character (tests/demo only)."""
    first17 = f"{region}{birth}{seq}"
    if len(region) != 6 or len(birth) != 8 or len(seq) != 3 or not first17.isdigit():
        raise ValueError("region: 6 digits, birth: YYYYMMDD, seq: 3 digits")
    return first17 + cn_resident_id_check_char(first17)


def make_kz_iin(birth: str = "19850315", *, female: bool = False, serial: str = "0001") -> str:
    """A synthetic Kazakhstan IIN with a correct check digit (tests/demo only).

    Raises ValueError when no check digit exists for this serial (both passes give 10).
    """
    if len(birth) != 8 or len(serial) != 4 or not (birth + serial).isdigit():
        raise ValueError("birth: YYYYMMDD, serial: 4 digits")
    century = {1800: 1, 1900: 3, 2000: 5}.get(int(birth[:2]) * 100)
    if century is None:
        raise ValueError("birth year must be 1800-2099")
    first11 = f"{birth[2:]}{century + int(female)}{serial}"
    check = kz_iin_check_digit(first11)
    if check is None:
        raise ValueError(f"serial {serial!r} gives no valid check digit; use another")
    return f"{first11}{check}"
