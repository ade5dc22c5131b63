"""manage.py queue_public_copies: public copies for original videos stored before there were
any (or whose job failed), rendered by the "video" worker."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from evidence.public_copies import prepare
from evidence.tasks import render_public_copy
from testimonies.jobs import enqueue_on_commit
from testimonies.models import MediaAsset, VideoRedaction


class Command(BaseCommand):
    help = (
        "Queue a public copy (identity documents blurred) for every original video that has "
        "none yet; --failed also queues again those whose job failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--failed", action="store_true", help="Retry failed jobs too.")

    def handle(self, *args: Any, **options: Any) -> None:
        originals = MediaAsset.objects.filter(kind=MediaAsset.Kind.ORIGINAL)
        missing = originals.filter(video_redaction__isnull=True)
        ids = [a.pk for a in missing if a.has_video]
        if options["failed"]:
            failed = VideoRedaction.objects.filter(state=VideoRedaction.State.FAILED)
            ids += list(failed.values_list("original_id", flat=True))
        queued = 0
        with transaction.atomic():
            for asset_id in ids:
                redaction_id = prepare(asset_id)
                if redaction_id is not None:
                    enqueue_on_commit(render_public_copy, redaction_id, True)
                    queued += 1
        self.stdout.write(f"{queued} public cop{'y' if queued == 1 else 'ies'} queued.")
