"""Keep the indexes in step with the database: drain the outbox of changed testimonies,
withdraw at once what left a level, rebuild everything with an atomic swap."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from search import client
from search.client import SearchAuthError, SearchError, SearchTaskTimeout, SearchUnavailable
from search.documents import (
    person_document,
    segment_documents,
    testimony_document,
    with_related,
)
from testimonies.facts import with_claims
from testimonies.models import IndexChange, Person, Testimony, Transcript
from testimonies.visibility import INDEXED_LEVEL, INDEXED_LEVELS

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 200
# A drain holds the rows it took this long; past it (the drain died) another takes them.
LEASE = dt.timedelta(minutes=10)
_attempts = attrgetter("attempts")
# A failed testimony waits INDEX_OUTBOX_SECONDS, then twice as long each time, up to this.
BACKOFF_MAX = dt.timedelta(minutes=30)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _testimonies(ids: list[int]) -> Any:
    return with_related(Testimony.objects.filter(pk__in=ids)).prefetch_related(
        Prefetch(
            "transcripts",
            queryset=Transcript.objects.prefetch_related("segments"),
        )
    )


def _people(ids: Iterable[int]) -> Any:
    return Person.objects.filter(pk__in=list(ids)).prefetch_related(with_claims(), "testimonies")


def _documents(testimonies: Iterable[Testimony]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Segment and testimony documents, keyed by (level, index name), each testimony's in the
    indexes of its own level."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for testimony in testimonies:
        level = testimony.visibility
        if level not in INDEXED_LEVELS:
            continue
        out[(level, "segments")].extend(segment_documents(testimony, level=level))
        if doc := testimony_document(testimony, level=level):
            out[(level, "testimonies")].append(doc)
    return out


def _delete(testimony_ids: list[int], level: str) -> list[Any]:
    """Tasks that remove these testimonies' documents from the indexes of `level`."""
    id_list = ", ".join(str(int(i)) for i in testimony_ids)
    return [
        client.delete_by_filter(
            client.index_uid("segments", level=level), f"testimony_pk IN [{id_list}]"
        ),
        client.delete_documents(client.index_uid("testimonies", level=level), testimony_ids),
    ]


def sync_testimonies(testimony_ids: Iterable[int]) -> None:
    """Make every index agree with the database for these testimonies, and wait for it.

    Each testimony's documents go to the indexes of its level (public, restricted) and leave
    the others; drafts and deleted testimonies lose them all. The people they name are
    brought up to date too.
    """
    ids = sorted(set(testimony_ids))
    people_uid = client.index_uid("people")
    tasks = []
    person_ids: set[int] = set()
    for batch in _chunks(ids, BATCH):
        testimonies = list(_testimonies(batch))
        person_ids.update(_people_of_deleted(set(batch) - {t.pk for t in testimonies}))
        for level in INDEXED_LEVELS:
            tasks.extend(_delete(batch, level))
        for (level, name), docs in _documents(testimonies).items():
            if docs:
                tasks.append(client.add_documents(client.index_uid(name, level=level), docs))
        for testimony in testimonies:
            person_ids.update(p.pk for p in testimony.people.all())
        person_ids.update(_indexed_people_of([t.external_id for t in testimonies]))
    tasks.extend(_sync_people(person_ids, people_uid))
    client.wait_all(tasks, what="sync")


def withdraw(testimony_ids: Iterable[int]) -> None:
    """Take these testimonies out of the indexes of every level they are no longer at, and
    wait: run as a change commits, unpublishing takes effect before the request returns.

    Fresh documents (and people) follow with `sync_testimonies`, in a worker. The wait is
    bounded by MEILI_REQUEST_TIMEOUT so a busy server cannot hold up an editor's request;
    public results are checked against the database in any case (search.query).
    """
    ids = sorted(set(testimony_ids))
    levels = dict(Testimony.objects.filter(pk__in=ids).values_list("pk", "visibility"))
    people = _people_of_deleted(set(ids) - set(levels))
    tasks = []
    for level in INDEXED_LEVELS:
        for batch in _chunks([i for i in ids if levels.get(i) != level], BATCH):
            tasks.extend(_delete(batch, level))
    # Once a deleted testimony's documents are gone, nothing says which people it named.
    tasks.extend(_sync_people(people, client.index_uid("people")))
    client.wait_all(tasks, what="withdraw", timeout=settings.MEILI_REQUEST_TIMEOUT)


def _indexed_people_of(external_ids: list[str]) -> set[int]:
    """People whose public documents still cite these testimonies (they may have left them)."""
    if not external_ids:
        return set()
    quoted = ", ".join(client.quote(e) for e in external_ids)
    result = client.search(
        client.index_uid("people"),
        "",
        {"filter": f"testimonies IN [{quoted}]", "limit": 10_000, "attributesToRetrieve": ["id"]},
    )
    return {int(hit["id"]) for hit in result["hits"]}


def _people_of_deleted(testimony_ids: set[int]) -> set[int]:
    """People whose public documents cite testimonies the database no longer has; their
    external ids are known only to the index, so ask before their documents are deleted."""
    if not testimony_ids:
        return set()
    id_list = ", ".join(str(int(i)) for i in sorted(testimony_ids))
    result = client.search(
        client.index_uid("testimonies"),
        "",
        {
            "filter": f"id IN [{id_list}]",
            "limit": len(testimony_ids),
            "attributesToRetrieve": ["external_id"],
        },
    )
    return _indexed_people_of([str(hit["external_id"]) for hit in result["hits"]])


def _sync_people(person_ids: set[int], uid: str) -> list[Any]:
    tasks = []
    for batch in _chunks(sorted(person_ids), BATCH):
        docs = []
        gone = []
        for person in _people(batch):
            doc = person_document(person)
            if doc:
                docs.append(doc)
            else:
                gone.append(person.pk)
        gone.extend(set(batch) - {d["id"] for d in docs} - set(gone))
        if gone:
            tasks.append(client.delete_documents(uid, gone))
        if docs:
            tasks.append(client.add_documents(uid, docs))
    return tasks


def reindex(*, progress: Callable[[int], object] | None = None) -> dict[str, int]:
    """Build fresh indexes from the database, then swap them in at once (no downtime)."""
    client.check()
    suffix = f"_build_{int(time.time() * 1000)}"
    build = {
        (level, name): client.index_uid(name, level=level, suffix=suffix)
        for level, name in client.all_indexes()
    }
    for (_, name), uid in build.items():
        client.create_index(name, uid=uid)
    counts = {_count_key(level, name): 0 for level, name in build}
    try:
        pending: list[Any] = []
        indexed = Testimony.objects.at_levels(INDEXED_LEVELS).order_by("pk")
        for batch in _chunks(indexed.values_list("pk", flat=True).iterator(), BATCH):
            for (level, name), docs in _documents(_testimonies(batch)).items():
                if docs:
                    pending.append(client.add_documents(build[(level, name)], docs))
                counts[_count_key(level, name)] += len(docs)
            if progress:
                progress(len(batch))
            if len(pending) > 20:
                client.wait_all(pending, what="reindex")
                pending = []
        people = Person.objects.public().order_by("pk")
        for batch in _chunks(people.values_list("pk", flat=True).iterator(), BATCH):
            docs = [d for p in _people(batch) if (d := person_document(p))]
            if docs:
                pending.append(client.add_documents(build[(INDEXED_LEVEL, "people")], docs))
            counts["people"] += len(docs)
        client.wait_all(pending, what="reindex")
        client.ensure_indexes()
        client.swap(
            (client.index_uid(name, level=level), uid) for (level, name), uid in build.items()
        )
    finally:
        for uid in build.values():
            client.delete_index(uid)
    return counts


def _count_key(level: str, name: str) -> str:
    """`segments` for the public index, `restricted segments` for another level's."""
    return name if level == INDEXED_LEVEL else f"{level} {name}"


def sync_now(testimony_ids: Iterable[int]) -> None:
    """Bring the indexes up to date before returning; raises SearchError if they cannot be."""
    client.check()
    client.ensure_indexes()
    sync_testimonies(testimony_ids)


def drain_now(testimony_ids: Iterable[int]) -> None:
    """Bring these testimonies into the indexes before returning, then take them out of the
    outbox; raises SearchError if they cannot be (their rows stay, or roll back with the
    caller's transaction). A row changed again meanwhile keeps its newer version and stays."""
    ids = sorted(set(testimony_ids))
    versions = [
        version
        for batch in _chunks(ids, BATCH)
        for version in IndexChange.objects.filter(testimony_id__in=batch).values_list(
            "version", flat=True
        )
    ]
    sync_now(ids)
    for batch in _chunks(versions, BATCH):
        IndexChange.objects.filter(version__in=batch).delete()


@dataclass
class Drained:
    """What a drain did: testimonies brought up to date, ones left waiting after a failure,
    and the last error (why it stopped, when it stopped early)."""

    synced: int = 0
    failed: int = 0
    error: str = ""


def drain_outbox(*, limit: int | None = None, now: dt.datetime | None = None) -> Drained:
    """Bring the testimonies waiting in the outbox into the indexes, longest waiting first,
    and delete their rows: what the periodic task, the task sent after each change and every
    starting worker run. Up to `limit` testimonies (all that are due by default).

    Safe to run in several processes at once: each drain takes rows that no other holds
    (skipping locked rows where the database can), for LEASE. Idempotent: a testimony synced
    twice ends the same. A row changed again while its testimony was synced stays, due at
    once. A failure leaves the rows with their error, retried after a growing delay; with the
    server down nothing is taken, and the next drain tries again.
    """
    drained = Drained()
    if not _due(now).exists():
        return drained
    try:
        client.check()
        client.ensure_indexes()
    except SearchError as exc:
        drained.error = str(exc)
        return drained
    while limit is None or drained.synced + drained.failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - drained.synced - drained.failed)
        rows = _claim(size, now)
        if not rows or _drain_rows(rows, drained):
            break
    return drained


def _due(now: dt.datetime | None) -> Any:
    return IndexChange.objects.filter(next_attempt_at__lte=now or timezone.now())


def _claim(size: int, now: dt.datetime | None) -> list[IndexChange]:
    """Take up to `size` due rows for this drain, which are not due again until LEASE ends:
    no two drains take the same row (SQLite's transactions write one at a time, PostgreSQL
    skips the rows another drain is taking)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = _due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:size])
        IndexChange.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, last_error="", next_attempt_at=now + LEASE
        )
    return rows


def _drain_rows(rows: list[IndexChange], drained: Drained) -> SearchError | None:
    """Sync the rows' testimonies and settle every row; returns the error that stops the
    drain (the server is down, overloaded or refuses the key), if one did."""
    try:
        sync_testimonies(row.testimony_id for row in rows)
    except (SearchUnavailable, SearchTaskTimeout, SearchAuthError) as exc:
        _retry_later(rows, exc, drained)
        return exc
    except Exception as exc:
        if len(rows) == 1:
            _retry_later(rows, exc, drained)
            return None
        # One testimony the server refuses must not hold back the others: each alone.
        for index, row in enumerate(rows):
            if stop := _drain_rows([row], drained):
                _retry_later(rows[index + 1 :], stop, drained)
                return stop
        return None
    IndexChange.objects.filter(version__in=[row.version for row in rows]).delete()
    # Still here: changed again since they were taken, so due again, as fresh changes.
    IndexChange.objects.filter(pk__in=[row.pk for row in rows]).update(
        attempts=0, next_attempt_at=timezone.now()
    )
    drained.synced += len(rows)
    return None


def _retry_later(rows: list[IndexChange], exc: Exception, drained: Drained) -> None:
    if not rows:
        return
    ids = [row.testimony_id for row in rows]
    if isinstance(exc, SearchError):
        log.warning("Testimonies %s wait in the index outbox: %s", ids, exc)
    else:
        log.exception("Testimonies %s wait in the index outbox after an unexpected error", ids)
    now = timezone.now()
    first = dt.timedelta(seconds=settings.INDEX_OUTBOX_SECONDS)
    # `attempts` as the rows were read when taken: the attempts before this one.
    for attempts, group in groupby(sorted(rows, key=_attempts), key=_attempts):
        delay = min(BACKOFF_MAX, first * 2 ** min(attempts, 20))
        IndexChange.objects.filter(pk__in=[row.pk for row in group]).update(
            last_error=str(exc)[:2000] or type(exc).__name__, next_attempt_at=now + delay
        )
    drained.failed += len(rows)
    drained.error = str(exc)


@dataclass
class Outbox:
    """The outbox at a glance, for operators."""

    waiting: int
    failing: int
    oldest: dt.datetime | None
    last_error: str


def outbox_status() -> Outbox:
    rows = IndexChange.objects.all()
    failing = rows.exclude(last_error="")
    latest_failure = failing.order_by("-next_attempt_at").first()
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    return Outbox(
        waiting=rows.count(),
        failing=failing.count(),
        oldest=oldest,
        last_error=latest_failure.last_error if latest_failure else "",
    )


def retry_failed_now() -> int:
    """Make testimonies that wait after a failure due at once (rows a drain holds have no
    error, so they are left alone); returns how many."""
    return (
        IndexChange.objects.exclude(last_error="")
        .filter(next_attempt_at__gt=timezone.now())
        .update(next_attempt_at=timezone.now())
    )
