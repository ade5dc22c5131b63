"""manage.py export_archive DIR: data (JSON Lines), media files and a SHA-256 manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from evidence.backup import BackupError, export_archive
from testimonies.models import MediaAsset


class Command(BaseCommand):
    help = "Export everything into an empty folder; `sha256sum -c MANIFEST.sha256` checks it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(
            total=MediaAsset.objects.count(), unit="file", disable=options["no_progress"]
        ) as bar:
            try:
                files = export_archive(options["target"], progress=lambda _: bar.update())
            except BackupError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Exported {files} files to {options['target']}."))
