"""The only module that imports `meilisearch`: indexes, their settings, tasks and errors."""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import meilisearch
import requests
from django.conf import settings
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)

from testimonies.changes import DerivedDataError
from testimonies.visibility import INDEXED_LEVEL, INDEXED_LEVELS

INDEXES = ("segments", "people", "testimonies")
# Each indexed level has indexes of its own, so public search never reads a restricted
# document, whatever its filter says. People are indexed from public testimonies only.
LEVEL_INDEXES: dict[str, tuple[str, ...]] = {
    level: INDEXES if level == INDEXED_LEVEL else ("segments", "testimonies")
    for level in INDEXED_LEVELS
}

# Locales per text field. Uyghur has no Meilisearch locale of its own; "ara" and "pes" run
# normalizers that remap Uyghur letters (ې ۆ ۈ ە) and split words, so Uyghur text stays on
# the default tokenizer (no locale) and is matched through its folded Latin keys instead.
_SEGMENT_LOCALES = [
    {"attributePatterns": ["translation", "title_en"], "locales": ["eng"]},
]

INDEX_SETTINGS: dict[str, dict[str, Any]] = {
    "segments": {
        "searchableAttributes": [
            "names_folded",
            "text_folded",
            "text",
            "translation",
            "title",
        ],
        "displayedAttributes": ["*"],
        "filterableAttributes": [
            "testimony",
            "testimony_pk",
            "language",
            "people",
            "places",
            "year",
            "visibility",
            "person_status",
            "person_names",
            "place_names",
            "gazetteer_places",
            "testimony_places",
        ],
        "sortableAttributes": ["start", "year", "testimony"],
        "faceting": {"maxValuesPerFacet": 200, "sortFacetValuesBy": {"*": "count"}},
        "typoTolerance": {"disableOnNumbers": True},
        "pagination": {"maxTotalHits": 100_000},
        "localizedAttributes": _SEGMENT_LOCALES,
    },
    "people": {
        "searchableAttributes": ["names_folded", "names", "primary_name"],
        "displayedAttributes": ["*"],
        "filterableAttributes": ["id", "status", "birth_year", "testimonies", "visibility"],
        "sortableAttributes": ["primary_name", "birth_year"],
        "faceting": {"maxValuesPerFacet": 200},
        "typoTolerance": {"disableOnNumbers": True},
        "pagination": {"maxTotalHits": 100_000},
    },
    "testimonies": {
        "searchableAttributes": ["names_folded", "title", "description", "people", "places"],
        "displayedAttributes": ["*"],
        "filterableAttributes": ["id", "language", "people", "places", "year", "visibility"],
        "sortableAttributes": ["year", "external_id"],
        "faceting": {"maxValuesPerFacet": 200},
        "typoTolerance": {"disableOnNumbers": True},
        "pagination": {"maxTotalHits": 100_000},
    },
}


class SearchError(DerivedDataError):
    """Base for every search-side failure; the message says what to do."""


class SearchUnavailable(SearchError):
    pass


class SearchAuthError(SearchError):
    pass


class SearchTaskFailed(SearchError):
    pass


class SearchTaskTimeout(SearchTaskFailed):
    """A task did not finish in time: the server is overloaded, the documents may be fine."""


class SearchQueryError(SearchError):
    pass


def quote(value: str) -> str:
    """A Meilisearch filter string literal: filters are built from values, never pasted."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def index_uid(name: str, *, level: str = INDEXED_LEVEL, suffix: str = "") -> str:
    """`<prefix>_segments` for public documents, `<prefix>_restricted_segments` and so on for
    another level's."""
    below = "" if level == INDEXED_LEVEL else f"{level}_"
    return f"{settings.MEILI_INDEX_PREFIX}_{below}{name}{suffix}"


def all_indexes() -> list[tuple[str, str]]:
    """(level, name) of every live index."""
    return [(level, name) for level, names in LEVEL_INDEXES.items() for name in names]


@functools.cache
def _client(url: str, key: str, timeout: float) -> meilisearch.Client:
    return meilisearch.Client(url, key, timeout=max(1, math.ceil(timeout)))


def get_client() -> meilisearch.Client:
    return _client(settings.MEILI_URL, settings.MEILI_MASTER_KEY, settings.MEILI_REQUEST_TIMEOUT)


def _translate(exc: MeilisearchError) -> SearchError:
    url = settings.MEILI_URL
    if isinstance(exc, MeilisearchCommunicationError | MeilisearchTimeoutError):
        return SearchUnavailable(
            f"Meilisearch at {url} is not reachable ({exc.message.splitlines()[0][:200]}). "
            "Start it (`make run` starts one) or set MEILI_URL to a running server."
        )
    if isinstance(exc, MeilisearchApiError) and exc.status_code in (401, 403):
        return SearchAuthError(
            f"Meilisearch at {url} refused the key ({exc.code}). "
            "Set MEILI_MASTER_KEY to the server's master key."
        )
    if isinstance(exc, MeilisearchApiError) and exc.code and exc.code.startswith("invalid_search"):
        return SearchQueryError(f"Meilisearch rejected the query: {exc.message}")
    return SearchError(f"Meilisearch at {url} failed: {exc.message}")


def _cut_off(exc: requests.RequestException) -> SearchUnavailable:
    # The client library translates refused connections and timeouts, not an answer cut off
    # mid-way (ChunkedEncodingError: the server stopped while it answered).
    return SearchUnavailable(
        f"Meilisearch at {settings.MEILI_URL} stopped answering ({type(exc).__name__}). "
        "Start it (`make run` starts one) or set MEILI_URL to a running server."
    )


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except MeilisearchError as exc:
        raise _translate(exc) from exc
    except requests.RequestException as exc:
        raise _cut_off(exc) from exc


def check(*, timeout: float | None = None) -> str:
    """Fail with a clear message unless the server is up and accepts our key; return version.
    Each request waits up to `timeout` seconds (whole, at least 1), by default
    MEILI_REQUEST_TIMEOUT."""
    seconds = settings.MEILI_REQUEST_TIMEOUT if timeout is None else timeout
    client = _client(settings.MEILI_URL, settings.MEILI_MASTER_KEY, seconds)
    with _errors():
        client.health()
        return str(client.get_version()["pkgVersion"])


def wait(task: Any, *, what: str = "", timeout: float | None = None) -> None:
    """Wait on a task (TaskInfo or uid), by default up to MEILI_TASK_TIMEOUT; raise if it
    failed or did not finish in time."""
    uid = task if isinstance(task, int) else task.task_uid
    seconds = settings.MEILI_TASK_TIMEOUT if timeout is None else timeout
    try:
        result = get_client().wait_for_task(
            uid, timeout_in_ms=int(seconds * 1000), interval_in_ms=20
        )
    except MeilisearchTimeoutError:
        setting = " (MEILI_TASK_TIMEOUT)" if timeout is None else ""
        raise SearchTaskTimeout(
            f"Meilisearch task {uid} {what} did not finish within {seconds:.0f} s{setting}. "
            "The server may be overloaded; check its log."
        ) from None
    except MeilisearchError as exc:
        raise _translate(exc) from exc
    except requests.RequestException as exc:
        raise _cut_off(exc) from exc
    if result.status != "succeeded":
        error = result.error or {}
        raise SearchTaskFailed(
            f"Meilisearch task {uid} ({result.type} on {result.index_uid}) {result.status}: "
            f"{error.get('message', 'no message')} [{error.get('code', '')}]"
        )


def _create(name: str, *, uid: str) -> list[Any]:
    """Tasks that create an index (unless it exists) and apply its settings."""
    client = get_client()
    index = client.index(uid)
    tasks = []
    with _errors():
        try:
            client.get_raw_index(uid)
        except MeilisearchApiError as exc:
            if exc.code != "index_not_found":
                raise
            # Meilisearch refuses `attributesToSearchOn` naming a field no document ever had,
            # so every search of a fresh index (no restricted testimony yet) would fail. The
            # index is created by a document with every searchable field, deleted at once,
            # which makes them known (before the settings: cheaper to index).
            fields = INDEX_SETTINGS[name]["searchableAttributes"]
            tasks.append(
                index.add_documents([{"id": 0, **dict.fromkeys(fields, "")}], primary_key="id")
            )
            tasks.append(index.delete_document(0))
        tasks.append(index.update_settings(INDEX_SETTINGS[name]))
    return tasks


def create_index(name: str, *, uid: str) -> None:
    """Create an index and apply its settings before any document arrives."""
    wait_all(_create(name, uid=uid), what=f"create {uid}")


def ensure_indexes() -> None:
    tasks = []
    for level, name in all_indexes():
        tasks.extend(_create(name, uid=index_uid(name, level=level)))
    wait_all(tasks, what="create indexes")


def add_documents(uid: str, documents: Sequence[Mapping[str, Any]]) -> Any:
    """Enqueue documents; returns the task so callers can batch and wait once."""
    with _errors():
        return get_client().index(uid).add_documents(list(documents), primary_key="id")


def delete_by_filter(uid: str, filter_: str | list[Any]) -> Any:
    with _errors():
        return get_client().index(uid).delete_documents(filter=filter_)


def delete_index(uid: str) -> None:
    with _errors():
        try:
            wait(get_client().delete_index(uid), what=f"delete {uid}")
        except MeilisearchApiError as exc:
            if exc.code != "index_not_found":
                raise


def swap(pairs: Iterable[tuple[str, str]]) -> None:
    with _errors():
        task = get_client().swap_indexes([{"indexes": [a, b]} for a, b in pairs])
        wait(task, what="swap indexes")


def search(uid: str, query: str, params: Mapping[str, Any]) -> dict[str, Any]:
    with _errors():
        return dict(get_client().index(uid).search(query, dict(params)))


class _Breaker:
    """Visitors' queries to one server: after one finds it unreachable, the others fail at
    once for MEILI_SEARCH_RETRY_AFTER seconds, then one at a time tries again until one gets
    an answer. Per process, per URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down = False
        self._failed_at = 0.0
        self._trying = False

    def enter(self, url: str) -> None:
        with self._lock:
            if not self._down:
                return
            waited = time.monotonic() - self._failed_at
            if self._trying or waited < settings.MEILI_SEARCH_RETRY_AFTER:
                raise SearchUnavailable(
                    f"Meilisearch at {url} did not answer a moment ago; asking again shortly."
                )
            self._trying = True

    def answered(self) -> None:
        with self._lock:
            self._down = self._trying = False

    def failed(self) -> None:
        with self._lock:
            self._down, self._trying = True, False
            self._failed_at = time.monotonic()


@functools.cache
def _breaker(url: str) -> _Breaker:
    return _Breaker()


def multi_search(
    queries: Sequence[Mapping[str, Any]], federation: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A visitor's query: waits MEILI_SEARCH_TIMEOUT at most, and not at all while the
    server was just found unreachable (SearchUnavailable at once)."""
    url = settings.MEILI_URL
    breaker = _breaker(url)
    breaker.enter(url)
    client = _client(url, settings.MEILI_MASTER_KEY, settings.MEILI_SEARCH_TIMEOUT)
    try:
        with _errors():
            result = dict(client.multi_search(list(queries), federation=federation))
    except SearchUnavailable:
        breaker.failed()
        raise
    except BaseException:
        breaker.answered()  # a refused query is not an outage
        raise
    breaker.answered()
    return result


def document_count(uid: str) -> int:
    with _errors():
        return int(get_client().index(uid).get_stats().number_of_documents)


def all_documents(uid: str, *, page: int = 1000) -> list[dict[str, Any]]:
    """Every document of an index, as stored (to compare an index with the database)."""
    documents: list[dict[str, Any]] = []
    with _errors():
        while True:
            batch = get_client().index(uid).get_documents({"limit": page, "offset": len(documents)})
            documents.extend(dict(doc) for doc in batch.results)
            if len(batch.results) < page:
                return documents


def index_uids() -> list[str]:
    with _errors():
        raw: Any = get_client().get_raw_indexes({"limit": 10_000})
    rows = raw["results"] if isinstance(raw, dict) else raw
    return [str(row["uid"]) for row in rows]


def get_settings(uid: str) -> dict[str, Any]:
    with _errors():
        return dict(get_client().index(uid).get_settings())


def delete_documents(uid: str, ids: Sequence[int]) -> Any:
    """Delete by integer id (through a filter: deleting by a list of ids is deprecated)."""
    id_list = ", ".join(str(int(i)) for i in ids)
    return delete_by_filter(uid, f"id IN [{id_list}]")


def wait_all(tasks: Iterable[Any], *, what: str = "", timeout: float | None = None) -> None:
    """Wait on each task; `timeout` (seconds) bounds the whole wait, not each task's."""
    deadline = None if timeout is None else time.monotonic() + timeout
    for task in tasks:
        left = None if deadline is None else max(0.05, deadline - time.monotonic())
        wait(task, what=what, timeout=left)
