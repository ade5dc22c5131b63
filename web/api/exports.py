"""Bulk exports of the public archive: JSON Lines in the import format, or CSV per segment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from testimonies import csvsafe, labels
from testimonies.facts import with_claims
from testimonies.importing import export_record
from testimonies.models import Person, Place, Testimony


def _public_export_rows() -> Any:
    return (
        Testimony.objects.public()
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.public().prefetch_related(with_claims(), "testimonies"),
            ),
            "transcripts__segments",
        )
        .prefetch_related(  # a second call: the stubs want one queryset type per call
            Prefetch(
                "places",
                queryset=Place.objects.public().prefetch_related(with_claims(), "testimonies"),
            ),
        )
    )


def _jsonl_lines() -> Iterator[str]:
    for testimony in _public_export_rows().iterator(chunk_size=200):
        yield json.dumps(export_record(testimony, redact=True), ensure_ascii=False) + "\n"


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "external_id",
    "title",
    "language",
    "recorded_on",
    "source_url",
    "segment",
    "start",
    "end",
    "text",
    "translation",
    "people",
    "places",
    # Human-readable, in the language of the request (Accept-Language or the site's cookie).
    "language_name",
]


def _csv_lines(language: str) -> Iterator[str]:
    """One row per segment: spreadsheets cannot nest, so the testimony repeats per row.
    Streamed after the view returns, so the reader's language is set here, not inherited."""
    with translation.override(language):
        yield from _csv_rows()


def _csv_rows() -> Iterator[str]:
    writer = csvsafe.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for testimony in _public_export_rows().iterator(chunk_size=200):
        record = export_record(testimony, redact=True)
        people = " | ".join(" / ".join(p["names"]) for p in record["people"])
        places = " | ".join(" / ".join(p["names"]) for p in record["places"])
        for index, segment in enumerate(record["segments"] or [{}]):
            yield writer.writerow(
                [
                    record["external_id"],
                    record["title"],
                    record["language"],
                    record.get("recorded_on", ""),
                    record.get("source_url", ""),
                    index if segment else "",
                    segment.get("start", ""),
                    segment.get("end", ""),
                    segment.get("text", ""),
                    segment.get("translation", ""),
                    people,
                    places,
                    labels.language_label(record["language"]),
                ]
            )


@extend_schema(
    summary="Export public testimonies",
    description="JSON Lines in the import format (re-importable with import_testimonies), "
    "or CSV with one row per segment. Streamed: memory stays flat whatever the size.",
    parameters=[
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["jsonl", "csv"]),
    ],
    responses={(200, "application/x-ndjson"): str, (200, "text/csv"): str},
)
@api_view(["GET"])
@throttle_classes([AnonRateThrottle, UserRateThrottle])
def export(request: Request, fmt: str) -> StreamingHttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(translation.get_language()), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(_jsonl_lines(), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="testimonies.{fmt}"'
    return response
