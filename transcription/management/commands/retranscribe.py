"""manage.py retranscribe: queue stored testimonies for a new machine pass, keeping people's
work (segments edited or verified by a person stay exactly as they are)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q
from tqdm import tqdm

from testimonies.languages import LANGUAGES
from testimonies.models import Testimony
from transcription import tasks
from transcription.engine.errors import EngineError
from transcription.pipeline import check_model

# A testimony already waiting or running is not queued twice.
BUSY = (Testimony.Status.QUEUED, Testimony.Status.TRANSCRIBING)


class Command(BaseCommand):
    help = (
        "Queue testimonies for a new machine transcription (by the transcription workers). "
        "Segments a person edited or verified are kept as they are; the new machine text "
        "fills the rest, and the previous machine transcript is kept for comparison."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language", choices=sorted(LANGUAGES), help="Only testimonies in this language."
        )
        parser.add_argument(
            "--model", help="Model name or local path for this pass (default: as configured)."
        )
        parser.add_argument(
            "--testimony", action="append", metavar="ID", help="external_id (repeatable)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be queued; queue nothing."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        overrides: dict[str, Any] = {}
        if options["model"]:
            try:
                check_model(options["model"])
            except EngineError as exc:
                raise CommandError(str(exc)) from None
            overrides["model"] = options["model"]
        rows = Testimony.objects.filter(media__isnull=False).distinct()
        if options["testimony"]:
            wanted = set(options["testimony"])
            known = set(
                Testimony.objects.filter(external_id__in=wanted).values_list(
                    "external_id", flat=True
                )
            )
            if wanted - known:
                raise CommandError(
                    f"No such testimony: {', '.join(sorted(wanted - known))} "
                    "(give the external_id, as in the admin and the import file)."
                )
            rows = rows.filter(external_id__in=wanted)
        if options["language"]:
            rows = rows.filter(language=options["language"])
        people = Q(transcripts__replaced_at=None) & (
            Q(transcripts__segments__edited=True)
            | Q(transcripts__segments__verified_at__isnull=False)
        )
        rows = rows.annotate(kept=Count("transcripts__segments", filter=people, distinct=True))
        busy = [t.external_id for t in rows if t.status in BUSY]
        todo = [t for t in rows.order_by("external_id") if t.status not in BUSY]
        kept: dict[int, int] = {t.pk: t.kept for t in todo}  # type: ignore[attr-defined]
        if busy:
            self.stderr.write(f"Already queued or running, left as they are: {', '.join(busy)}")
        if options["dry_run"]:
            for testimony in todo:
                self.stdout.write(
                    f"{testimony.external_id}\t{testimony.language or '?'}\t"
                    f"{kept[testimony.pk]} segments by people kept"
                )
            self.stdout.write(f"Would queue {len(todo)} testimonies (dry run: nothing queued).")
            return
        for testimony in tqdm(todo, unit="testimony", disable=options["no_progress"]):
            with transaction.atomic():
                tasks.queue(testimony.pk, overrides)
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued {len(todo)} testimonies for a new machine pass; {sum(kept.values())} "
                "segments edited or verified by people will be kept as they are."
            )
        )
