"""manage.py ingest PATH...: store media files as testimonies and queue their transcription."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from testimonies.languages import LANGUAGES
from testimonies.models import Visibility
from transcription.engine.errors import EngineError
from transcription.ingest import ingest_file, media_files


class Command(BaseCommand):
    help = (
        "Ingest media files and folders: each new file (by SHA-256) is stored read-only as an "
        "original, becomes a draft testimony and is queued for transcription."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="")
        parser.add_argument(
            "--visibility", choices=[v.value for v in Visibility], default=Visibility.DRAFT
        )
        parser.add_argument("--no-queue", action="store_true", help="Store without queueing.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [str(p) for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError(f"not found: {', '.join(missing)}")
        files = list(media_files(options["paths"]))
        created = existing = 0
        failed: list[str] = []
        for path in tqdm(files, unit="file", disable=options["no_progress"]):
            try:
                item = ingest_file(
                    path,
                    language=options["language"],
                    visibility=options["visibility"],
                    queue=not options["no_queue"],
                )
            except EngineError as exc:
                failed.append(f"{path}: {exc}")
                continue
            if item.created:
                created += 1
            else:
                existing += 1
                self.stdout.write(f"{path}: already archived as {item.testimony.external_id}")
        for line in failed:
            self.stderr.write(f"skipped {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} new testimonies queued, {existing} already archived, "
                f"{len(failed)} not media."
            )
        )
        if failed and not created and not existing:
            raise CommandError("No file could be ingested.")
