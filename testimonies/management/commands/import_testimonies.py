"""manage.py import_testimonies FILE.jsonl: validate every line, import, index."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from testimonies.changes import DerivedDataError
from testimonies.importing import ImportFileError, import_file


class Command(BaseCommand):
    help = (
        "Import testimonies from a JSON Lines file (docs/import-format.md). Every line is "
        "validated first; a file with any invalid line imports nothing unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid lines, report the rest."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        size = path.stat().st_size
        bar = tqdm(
            total=size, unit="B", unit_scale=True, disable=options["no_progress"], leave=False
        )

        def phase(name: str) -> None:
            bar.reset(total=size if name != "index" else 0)
            bar.set_description(name)

        try:
            report = import_file(
                path, skip_invalid=options["skip_invalid"], progress=bar.update, on_phase=phase
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except DerivedDataError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        finally:
            bar.close()
        for problem in report.problems:
            self.stderr.write(f"skipped {problem}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path}: {report.created} created, {report.updated} updated, "
                f"{report.skipped} skipped; the search index is up to date."
            )
        )
