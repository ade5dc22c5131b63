"""Validated search parameters -> Meilisearch queries; shared by the API, the page and the CLI."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from names import folding, gazetteer
from search import client
from testimonies.models import Testimony
from testimonies.visibility import INDEXED_LEVEL, INDEXED_LEVELS, PUBLIC_LEVELS, is_public

# Private-use characters as highlight tags: they cannot occur in transcripts, so the text can
# be HTML-escaped first and the tags turned into <mark> afterwards (no markup injection).
PRE, POST = "\ue000", "\ue001"
CROP_LENGTH = 24
FACETS = ["language", "year", "places", "person_status"]
# Searches run again without the stale testimonies they found at most this many times.
ROUNDS = 3


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    language: str | None = None
    place: int | None = None
    # The places inside ``place`` (its townships, a prefecture's counties), searched with it.
    place_within: tuple[int, ...] = ()
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
    visibility: str = INDEXED_LEVEL

    @property
    def is_public(self) -> bool:
        return is_public(self.visibility)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    hits: list[SegmentHit]
    total: int
    limit: int
    offset: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def build_filter(params: SearchParams, *, level: str = INDEXED_LEVEL) -> list[str]:
    """Filters from validated values only; visibility is always forced to the level of the
    index searched (public unless a researcher searches the restricted indexes)."""
    filters = [f"visibility = {client.quote(level)}"]
    if params.language:
        filters.append(f"language = {client.quote(params.language)}")
    if params.testimony:
        filters.append(f"testimony = {client.quote(params.testimony)}")
    if params.place is not None:
        pks = ", ".join(str(int(p)) for p in (params.place, *params.place_within))
        filters.append(f"places IN [{pks}]")
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
    """Escape a Meilisearch-formatted string and turn our tags into <mark>, each mark widened
    to the whole word it lies in."""
    text, spans = _tagged_spans(formatted)
    return _render(text, spans)


# A letter of a word that a mark must not cut: anything but Chinese characters, which have
# no spaces between words (a mark there stays the name Meilisearch or the gazetteer found).
_WORD_LETTER = re.compile(r"[^\W_\u3400-\u9fff\uf900-\ufaff]|[\u0300-\u036f\u064b-\u065f\u0670]")


def _tagged_spans(formatted: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without our tags, and the (start, end) of each tagged part."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    length = 0
    for part in re.split(f"([{PRE}{POST}])", formatted):
        if part == PRE:
            start = length
        elif part == POST:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            out.append(part)
            length += len(part)
    return "".join(out), spans


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen text[start:end] to the word it lies in. Meilisearch marks as many letters as the
    query has when it matches with a typo ("gulja" marks "Ghulj" in "Ghulja")."""
    while start > 0 and _WORD_LETTER.match(text[start - 1]) and _WORD_LETTER.match(text[start]):
        start -= 1
    while end < len(text) and _WORD_LETTER.match(text[end]) and _WORD_LETTER.match(text[end - 1]):
        end += 1
    return start, end


def _render(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """HTML of ``text`` with each span, widened to whole words, in a <mark>."""
    out: list[str] = []
    last = 0
    for start, end in sorted(_whole_word(text, s, e) for s, e in spans):
        if end <= last:
            continue  # inside a word marked already
        start = max(start, last)
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


_WORD = re.compile(r"\w+", re.UNICODE)


def _spans_by_keys(text: str, keys: set[str]) -> list[tuple[int, int]]:
    """The words of ``text`` whose folded key is one of ``keys`` (cross-script matches), and
    the same way the names inside Chinese text, which has no spaces (我的哥哥艾力失踪了)."""
    found = [m.span() for m in _WORD.finditer(text) if folding.fold_token(m.group(0)) in keys]
    found += [
        (name.start, name.end)
        for name in folding.iter_chinese_names(text)
        if folding.fold_token(name.surface) in keys
    ]
    return found


def _spans_of_places(text: str, language: str | None, place_ids: set[str]) -> list[tuple[int, int]]:
    """Where ``text`` names one of the places a query named, through any alias and
    inflection (Құлжаға for Ghulja)."""
    if not place_ids or not text:
        return []
    return [
        (start, end)
        for place_id, start, end, _ in gazetteer.find_places_in_text(text, language)
        if place_id in place_ids
    ]


def _highlight(
    formatted: str, text: str, language: str | None, keys: set[str], place_ids: set[str]
) -> str:
    """The highlighted (cropped) text of a hit: Meilisearch's marks on whole words, and the
    words that matched through a folded key or a gazetteer alias, which Meilisearch does not
    mark. Without a mark of Meilisearch's the whole text is shown."""
    shown, spans = _tagged_spans(formatted)
    if not spans:
        shown = text
        spans = _spans_by_keys(shown, keys) if keys else []
    spans += _spans_of_places(shown, language, place_ids)
    return _render(shown, spans)


def _queries(
    params: SearchParams, levels: Sequence[str], excluded: dict[str, set[str]]
) -> list[dict[str, Any]]:
    """The federated queries for each level's segments index, without `excluded` testimonies."""
    folded = folding.fold_query(params.q)
    place_ids = gazetteer.expand_query_places(params.q) if params.q.strip() else []
    queries = []
    for level in levels:
        filters = build_filter(params, level=level)
        if excluded[level]:
            quoted = ", ".join(client.quote(t) for t in sorted(excluded[level]))
            filters.append(f"testimony NOT IN [{quoted}]")
        common: dict[str, Any] = {
            "indexUid": client.index_uid("segments", level=level),
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
        queries.append(
            {**common, "q": params.q, "attributesToSearchOn": ["text", "translation", "title"]}
        )
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
    return queries


def _level_of_hit(raw: dict[str, Any], levels: dict[str, str]) -> str:
    return levels[raw["_federation"]["indexUid"]]


def _merge_facets(response: dict[str, Any]) -> dict[str, dict[str, int]]:
    """FACETS summed over the indexes searched, most frequent first."""
    merged: dict[str, dict[str, int]] = {}
    for facets in response.get("facetsByIndex", {}).values():
        for name, values in (facets.get("distribution") or {}).items():
            if name not in FACETS:
                continue
            into = merged.setdefault(name, {})
            for value, count in values.items():
                into[value] = into.get(value, 0) + int(count)
    return {
        name: dict(sorted(values.items(), key=lambda kv: -kv[1])) for name, values in merged.items()
    }


def search_segments(params: SearchParams, *, levels: Sequence[str] = PUBLIC_LEVELS) -> SearchResult:
    """Testimony moments for a query in any script, from the indexes of `levels`: public
    ones for everyone, restricted ones too for researchers (`levels_for(user)`).

    The indexes may lag behind the database (a worker stopped, the server unreachable as a
    testimony was unpublished), so every hit is checked against the database: a document is
    shown only while its testimony is at the level of the index it came from. When a hit on
    the page is stale, the search runs again without its testimony and, to find the others,
    with a facet of testimonies (the 200 most frequent, maxValuesPerFacet), until none is
    stale (ROUNDS at most). So the total and the facets are honest whenever all the results
    fit on the page or a stale one shows on it. Not otherwise: a stale testimony that matches
    only beyond this page, on a query that finds no stale hit on the page, is still counted
    in the total and the facets (never shown) until the indexes catch up; looking for it on
    every search would cost a facet over every testimony, too slow at archive scale.
    """
    searched = [level for level in INDEXED_LEVELS if level in levels]
    if not searched:
        return SearchResult(hits=[], total=0, limit=params.limit, offset=params.offset)
    uids = {client.index_uid("segments", level=level): level for level in searched}
    excluded: dict[str, set[str]] = {level: set() for level in searched}
    requested = FACETS
    for _ in range(ROUNDS):
        response = client.multi_search(
            _queries(params, searched, excluded),
            federation={
                "limit": params.limit,
                "offset": params.offset,
                "facetsByIndex": dict.fromkeys(uids, requested),
            },
        )
        named: dict[str, set[str]] = {level: set() for level in searched}
        for raw in response["hits"]:
            named[_level_of_hit(raw, uids)].add(str(raw["testimony"]))
        for uid, by_index in response.get("facetsByIndex", {}).items():
            named[uids[uid]].update((by_index.get("distribution") or {}).get("testimony", {}))
        current = dict(
            Testimony.objects.at_levels(searched)
            .filter(external_id__in=set().union(*named.values()))
            .values_list("external_id", "visibility")
        )
        stale = {level: {t for t in named[level] if current.get(t) != level} for level in searched}
        if not any(stale.values()):
            break
        for level in searched:
            excluded[level] |= stale[level]
        requested = [*FACETS, "testimony"]
    folded_keys = set(folding.fold_query(params.q).split())
    named_places = set(gazetteer.expand_query_places(params.q)) if params.q.strip() else set()
    hits = []
    for raw in response["hits"]:
        level = _level_of_hit(raw, uids)
        if current.get(raw["testimony"]) != level:
            continue  # still stale after the last round: never shown
        formatted = raw.get("_formatted", {})
        text = str(raw.get("text", ""))
        translation = str(raw.get("translation", ""))
        language = str(raw.get("language", "")) or None
        rendered = _highlight(
            str(formatted.get("text", text)), text, language, folded_keys, named_places
        )
        rendered_translation = _highlight(
            str(formatted.get("translation", translation)), translation, "en", set(), named_places
        )
        hits.append(
            SegmentHit(
                testimony=raw["testimony"],
                title=raw.get("title", ""),
                language=raw.get("language", ""),
                start=float(raw["start"]),
                end=float(raw["end"]),
                text=text,
                translation=translation,
                highlight=rendered,
                highlight_translation=rendered_translation,
                visibility=level,
            )
        )
    return SearchResult(
        hits=hits,
        total=int(response.get("estimatedTotalHits", response.get("totalHits", len(hits)))),
        limit=params.limit,
        offset=params.offset,
        facets=_merge_facets(response),
    )
