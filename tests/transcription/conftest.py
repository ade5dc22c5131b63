"""Fixtures shared by the transcription tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from config.celery import app as celery_app
from tests.workers import use_broker

Sent = Callable[[], list[tuple[str, list[Any]]]]


@pytest.fixture
def transcribe_queue() -> Iterator[Sent]:
    """Celery on kombu's in-memory broker: the jobs that reached "transcribe", read back."""
    previous = celery_app.conf.broker_url
    use_broker("memory://")

    def sent() -> list[tuple[str, list[Any]]]:
        jobs = []
        with celery_app.connection_for_read() as connection:
            queue = connection.SimpleQueue("transcribe")
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                jobs.append((message.headers["task"], message.payload[0]))
                message.ack()
            queue.close()
        return jobs

    sent()  # nothing left over from another test
    yield sent
    use_broker(previous)
