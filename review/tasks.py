"""Thin Celery tasks for editorial review: proposals after each transcription."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from review.extraction import propose


@shared_task(
    name="testimonies.tasks.extract_testimony",  # kept from before the move: queued jobs still run
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
)
def extract_testimony(testimony_id: int) -> int:
    """Proposals (people, places, dates, events) for editors, after each transcription."""
    return propose(testimony_id)
