"""A GPU-style worker: Celery's thread pool, one model, testimonies decoded together."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from testimonies.models import Segment, Testimony
from tests.workers import Worker
from transcription.ingest import ingest_file

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_thread_pool_worker_decodes_two_testimonies_together(
    meili: Any, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # No clock decides the batch. The decoding thread takes up to TRANSCRIPTION_BATCH_FILES=2
    # files and returns as soon as the second arrives; the wait is only a deadline, reached
    # when a second file never comes (then the test fails on "decoded 2 files together").
    # hold=True: both jobs are claimed by the worker's two threads before either goes on.
    with Worker(
        "redis",
        tmp_path,
        queues="transcribe",
        pool="threads",
        concurrency=2,
        hold=True,
        TRANSCRIPTION_BATCH_FILES="2",
        TRANSCRIPTION_BATCH_WAIT_SECONDS="120",
    ) as w:
        with transaction.atomic():  # queued on the test's broker, which the worker reads
            first = ingest_file(AUDIO / "ru.wav", language="ru").testimony
            second = ingest_file(AUDIO / "ru_real.wav", language="ru").testimony
        assert w.wait_until_held(2, timeout=120), w.log()
        w.release()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            statuses = set(
                Testimony.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                    "status", flat=True
                )
            )
            if statuses == {Testimony.Status.TRANSCRIBED} or Testimony.Status.FAILED in statuses:
                break
            time.sleep(0.2)
        log = w.log()

    assert statuses == {Testimony.Status.TRANSCRIBED}, log
    assert "decoded 2 files together" in log
    brother = Segment.objects.filter(transcript__testimony=first, text__icontains="брат")
    networks = Segment.objects.filter(transcript__testimony=second, text__icontains="сети")
    texts = list(Segment.objects.values_list("transcript__testimony_id", "start", "text"))
    assert brother.exists() and networks.exists(), texts
    # Each testimony's segments start at its own beginning, not where it sat in the batch.
    for testimony in (first, second):
        starts = Segment.objects.filter(transcript__testimony=testimony).values_list(
            "start", flat=True
        )
        assert min(starts) < 1.0
