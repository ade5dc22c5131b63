"""Keep the indexes in step with the database; rebuild them with an atomic swap."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Prefetch

from search import client
from search.documents import (
    person_document,
    segment_documents,
    testimony_document,
    with_related,
)
from testimonies.facts import with_claims
from testimonies.models import Person, Testimony, Transcript
from testimonies.visibility import INDEXED_LEVEL, INDEXED_LEVELS

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 200


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
        for level in INDEXED_LEVELS:
            tasks.extend(_delete(batch, level))
        testimonies = list(_testimonies(batch))
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
    tasks = []
    for level in INDEXED_LEVELS:
        for batch in _chunks([i for i in ids if levels.get(i) != level], BATCH):
            tasks.extend(_delete(batch, level))
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
