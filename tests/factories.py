"""Builders for import records and JSONL files used across the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
