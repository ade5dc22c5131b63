"""Validated search parameters -> Meilisearch queries; shared by the API, the page and the CLI."""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from names import folding, gazetteer
from search import client
from testimonies.visibility import INDEXED_LEVEL

# Private-use characters as highlight tags: they cannot occur in transcripts, so the text can
# be HTML-escaped first and the tags turned into <mark> afterwards (no markup injection).
PRE, POST = "\ue000", "\ue001"
CROP_LENGTH = 24
FACETS = ["language", "year", "places", "person_status"]


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    language: str | None = None
    place: int | None = None
    place_ids: tuple[str, ...] = ()
    person: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    testimony: str | None = None
    status: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class SegmentHit:
    testimony: str
    title: str
    language: str
    start: float
    end: float
    text: str
    translation: str
    highlight: str
    highlight_translation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    hits: list[SegmentHit]
    total: int
    limit: int
    offset: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def build_filter(params: SearchParams) -> list[str]:
    """Filters from validated values only; visibility is always forced to public."""
    filters = [f"visibility = {client.quote(INDEXED_LEVEL)}"]
    if params.language:
        filters.append(f"language = {client.quote(params.language)}")
    if params.testimony:
        filters.append(f"testimony = {client.quote(params.testimony)}")
    if params.place is not None:
        filters.append(f"places = {int(params.place)}")
    if params.place_ids:
        quoted = ", ".join(client.quote(p) for p in params.place_ids)
        filters.append(f"gazetteer_places IN [{quoted}] OR testimony_places IN [{quoted}]")
    if params.person is not None:
        filters.append(f"people = {int(params.person)}")
    if params.status:
        filters.append(f"person_status = {client.quote(params.status)}")
    if params.year_from is not None:
        filters.append(f"year >= {int(params.year_from)}")
    if params.year_to is not None:
        filters.append(f"year <= {int(params.year_to)}")
    return filters


def render_highlight(formatted: str) -> str:
    """Escape a Meilisearch-formatted string and turn our tags into <mark>."""
    return html.escape(formatted).replace(PRE, "<mark>").replace(POST, "</mark>")


_WORD = re.compile(r"\w+", re.UNICODE)


def _highlight_by_keys(text: str, keys: set[str]) -> str:
    """Mark the words of `text` whose folded key is one of `keys` (cross-script matches),
    and the same way the names inside Chinese text, which has no spaces (我的哥哥艾力失踪了)."""
    found = [m.span() for m in _WORD.finditer(text) if folding.fold_token(m.group(0)) in keys]
    found += [
        (name.start, name.end)
        for name in folding.iter_chinese_names(text)
        if folding.fold_token(name.surface) in keys
    ]
    out: list[str] = []
    last = 0
    # A name inside a word that is marked whole is not marked again.
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def search_segments(params: SearchParams) -> SearchResult:
    """Testimony moments for a query in any script, public documents only."""
    uid = client.index_uid("segments")
    filters = build_filter(params)
    common: dict[str, Any] = {
        "indexUid": uid,
        "filter": filters,
        "attributesToRetrieve": [
            "testimony",
            "title",
            "language",
            "start",
            "end",
            "text",
            "translation",
        ],
        "attributesToHighlight": ["text", "translation"],
        "attributesToCrop": ["text", "translation"],
        "cropLength": CROP_LENGTH,
        "highlightPreTag": PRE,
        "highlightPostTag": POST,
    }
    folded = folding.fold_query(params.q)
    queries = [
        {**common, "q": params.q, "attributesToSearchOn": ["text", "translation", "title"]},
    ]
    if params.q.strip() and folded:
        queries.append(
            {
                **common,
                "q": folded,
                "attributesToSearchOn": ["names_folded", "text_folded"],
                # A match in the speaker's own script ranks above a folded one.
                "federationOptions": {"weight": 0.9},
            }
        )
    place_ids = gazetteer.expand_query_places(params.q) if params.q.strip() else []
    if place_ids:
        # Exonyms and seats the folded keys cannot bridge (Bole = Bortala, Yining = Ghulja):
        # every segment that names one of the places, ranked below the direct matches.
        quoted = ", ".join(client.quote(p) for p in place_ids)
        queries.append(
            {
                **common,
                "q": "",
                "filter": [*filters, f"gazetteer_places IN [{quoted}]"],
                "federationOptions": {"weight": 0.5},
            }
        )
    response = client.multi_search(
        queries,
        federation={
            "limit": params.limit,
            "offset": params.offset,
            "facetsByIndex": {uid: FACETS},
            "mergeFacets": {},
        },
    )
    folded_keys = set(folded.split())
    hits = []
    for raw in response["hits"]:
        formatted = raw.get("_formatted", {})
        text = str(raw.get("text", ""))
        highlight = str(formatted.get("text", text))
        rendered = render_highlight(highlight)
        if PRE not in highlight and folded_keys:
            rendered = _highlight_by_keys(text, folded_keys)
        hits.append(
            SegmentHit(
                testimony=raw["testimony"],
                title=raw.get("title", ""),
                language=raw.get("language", ""),
                start=float(raw["start"]),
                end=float(raw["end"]),
                text=text,
                translation=str(raw.get("translation", "")),
                highlight=rendered,
                highlight_translation=render_highlight(
                    str(formatted.get("translation", raw.get("translation", "")))
                ),
            )
        )
    return SearchResult(
        hits=hits,
        total=int(response.get("estimatedTotalHits", response.get("totalHits", len(hits)))),
        limit=params.limit,
        offset=params.offset,
        facets=response.get("facetDistribution", {}),
    )
