"""A case file as JSON (the documented schema) and as PDF (WeasyPrint, Noto fonts for every
script, right to left for Uyghur)."""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML


def to_json(case: dict[str, Any]) -> bytes:
    return json.dumps(case, ensure_ascii=False, indent=2).encode("utf-8")


def to_html(case: dict[str, Any]) -> str:
    language = case.get("language") or translation.get_language() or "en"
    return render_to_string(
        "casefiles/case.html",
        {
            "case": case,
            "e": case["elements"],
            "lang": language,
            "rtl": translation.get_language_info(language)["bidi"],
        },
    )


def to_pdf(case: dict[str, Any]) -> bytes:
    """The PDF; fonts come from the system's fontconfig (Debian's fonts-noto-core and
    fonts-noto-cjk), nothing is fetched."""
    pdf = HTML(string=to_html(case), base_url=None).write_pdf()
    assert pdf is not None
    return bytes(pdf)
