"""manage.py verify_media: re-hash every stored media file against its recorded SHA-256."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from evidence.backup import verify_media
from testimonies.models import MediaAsset


class Command(BaseCommand):
    help = "Report every media file that is missing or whose SHA-256 changed (exit code 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(
            total=MediaAsset.objects.count(), unit="file", disable=options["no_progress"]
        ) as bar:
            report = verify_media(progress=bar.update)
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} of {report.checked} media files are missing or changed; "
                "restore them from a backup (export_archive) or the platform copy."
            )
        self.stdout.write(self.style.SUCCESS(f"All {report.checked} media files are intact."))
