"""Keep the indexes in step with the database; rebuild them with an atomic swap."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Prefetch

from search import client
from search.documents import (
    person_document,
    segment_documents,
    testimony_document,
    with_related,
)
from testimonies.models import Person, Testimony, Transcript

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
    return Person.objects.filter(pk__in=list(ids)).prefetch_related("names", "testimonies")


def sync_testimonies(testimony_ids: Iterable[int]) -> None:
    """Make every index agree with the database for these testimonies, and wait for it.

    Drafts, restricted and deleted testimonies lose their documents; public ones get fresh
    documents; the people they name are brought up to date too.
    """
    ids = sorted(set(testimony_ids))
    segments_uid = client.index_uid("segments")
    testimonies_uid = client.index_uid("testimonies")
    people_uid = client.index_uid("people")
    tasks = []
    person_ids: set[int] = set()
    for batch in _chunks(ids, BATCH):
        id_list = ", ".join(str(int(i)) for i in batch)
        tasks.append(client.delete_by_filter(segments_uid, f"testimony_pk IN [{id_list}]"))
        tasks.append(client.delete_documents(testimonies_uid, batch))
        seg_docs: list[dict[str, Any]] = []
        test_docs: list[dict[str, Any]] = []
        external_ids: list[str] = []
        for testimony in _testimonies(batch):
            external_ids.append(testimony.external_id)
            seg_docs.extend(segment_documents(testimony))
            doc = testimony_document(testimony)
            if doc:
                test_docs.append(doc)
            person_ids.update(p.pk for p in testimony.people.all())
        person_ids.update(_indexed_people_of(external_ids))
        if seg_docs:
            tasks.append(client.add_documents(segments_uid, seg_docs))
        if test_docs:
            tasks.append(client.add_documents(testimonies_uid, test_docs))
    tasks.extend(_sync_people(person_ids, people_uid))
    client.wait_all(tasks, what="sync")


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
    build = {name: client.index_uid(name, suffix=suffix) for name in client.INDEXES}
    for name, uid in build.items():
        client.create_index(name, uid=uid)
    counts = {name: 0 for name in client.INDEXES}
    try:
        pending: list[Any] = []
        public = Testimony.objects.public().order_by("pk")
        for batch in _chunks(public.values_list("pk", flat=True).iterator(), BATCH):
            seg_docs: list[dict[str, Any]] = []
            test_docs: list[dict[str, Any]] = []
            for testimony in _testimonies(batch):
                seg_docs.extend(segment_documents(testimony))
                doc = testimony_document(testimony)
                if doc:
                    test_docs.append(doc)
            if seg_docs:
                pending.append(client.add_documents(build["segments"], seg_docs))
            if test_docs:
                pending.append(client.add_documents(build["testimonies"], test_docs))
            counts["segments"] += len(seg_docs)
            counts["testimonies"] += len(test_docs)
            if progress:
                progress(len(batch))
            if len(pending) > 20:
                client.wait_all(pending, what="reindex")
                pending = []
        people = Person.objects.public().order_by("pk")
        for batch in _chunks(people.values_list("pk", flat=True).iterator(), BATCH):
            docs = [d for p in _people(batch) if (d := person_document(p))]
            if docs:
                pending.append(client.add_documents(build["people"], docs))
            counts["people"] += len(docs)
        client.wait_all(pending, what="reindex")
        for name in client.INDEXES:
            client.create_index(name, uid=client.index_uid(name))
        client.swap((client.index_uid(name), build[name]) for name in client.INDEXES)
    finally:
        for uid in build.values():
            client.delete_index(uid)
    return counts


def sync_now(testimony_ids: Iterable[int]) -> None:
    """Bring the indexes up to date before returning; raises SearchError if they cannot be."""
    client.check()
    client.ensure_indexes()
    sync_testimonies(testimony_ids)
