"""Thin Celery tasks for evidence: periodic checks that platform copies are still there, and
public copies of videos with identity documents blurred."""

from celery import shared_task

from evidence import public_copies
from evidence.takedowns import check_sources as run_checks
from testimonies.models import Testimony


# Names kept from before the move, so jobs already queued under them still run.
@shared_task(name="testimonies.tasks.check_sources")
def check_sources() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): one job per source, so a slow platform never holds
    up the worker's other jobs (re-indexing) for long."""
    ids = list(Testimony.objects.exclude(source_url="").values_list("pk", flat=True))
    for testimony_id in ids:
        check_source.delay(testimony_id)
    return len(ids)


@shared_task(name="testimonies.tasks.check_source")
def check_source(testimony_id: int) -> None:
    run_checks(Testimony.objects.filter(pk=testimony_id))


@shared_task(name="evidence.tasks.render_public_copy")
def render_public_copy(redaction_id: int, detect: bool = True) -> bool:
    """Queue "video" (CELERY_TASK_ROUTES): the public copy of one original video."""
    return public_copies.render(redaction_id, detect=detect)
