"""manage.py import_archive DIR: restore an export into an empty install, checked first."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidence.backup import BackupError, import_archive
from testimonies.changes import DerivedDataError


class Command(BaseCommand):
    help = (
        "Restore a folder written by export_archive into an empty install. Every file is "
        "checked against the manifest first; then the search indexes are rebuilt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = import_archive(options["source"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except DerivedDataError as exc:
            raise CommandError(f"Restored, but the search index is not rebuilt: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {count} testimonies and reindexed."))
