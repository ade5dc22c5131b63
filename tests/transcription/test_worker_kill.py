"""A worker killed with SIGKILL mid-transcription: another worker redoes the job, once."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from testimonies.models import Segment, Testimony, Transcript
from tests.workers import Worker, wait_for
from transcription.ingest import ingest_file

AUDIO = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for_status(pk: int, status: str, timeout: float) -> bool:
    return wait_for(
        lambda: Testimony.objects.filter(pk=pk, status=status).exists(), timeout, interval=0.05
    )


def test_a_job_whose_worker_is_killed_is_redone_by_another_without_duplicates(
    meili: Any, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Redis hands an unacknowledged job to another worker after the visibility timeout.
    # hold=True: the job, once claimed, waits inside w1 until release(), so the kill below
    # lands while it runs however fast or slow the machine is.
    with Worker(
        "redis", tmp_path, queues="transcribe", hold=True, CELERY_VISIBILITY_TIMEOUT="4"
    ) as w:
        with transaction.atomic():
            item = ingest_file(AUDIO / "ru_real.wav", language="ru")
        pk = item.testimony.pk

        assert w.wait_until_held(1, timeout=120), w.log("w1")
        assert w.held() == [w.processes[0].pid]  # w1 (solo pool: its main process) runs it
        assert Testimony.objects.filter(pk=pk, status=Testimony.Status.TRANSCRIBING).exists()
        w.processes[0].send_signal(signal.SIGKILL)
        w.processes[0].wait()
        assert Transcript.objects.filter(testimony_id=pk).count() == 0

        w.release()  # w2 transcribes straight through
        w.start("w2")
        assert _wait_for_status(pk, Testimony.Status.TRANSCRIBED, 120), w.log("w2")

    transcript = Transcript.objects.get(testimony_id=pk)
    indexes = list(Segment.objects.filter(transcript=transcript).values_list("index", flat=True))
    assert indexes == list(range(len(indexes))) and indexes
    assert "transcribe_testimony" in w.log("w2") and "succeeded" in w.log("w2")
