"""manage.py match_people FILE.csv: which people of a list appear in the archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.list_matching import ListError, match_rows, results_csv, rows_from_csv


class Command(BaseCommand):
    help = (
        "Match a CSV list of people (header row; 'name' required, optional birth_year, place, "
        "father_name) against the archive's public people; write ranked candidates as CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="Write the CSV here (default: stdout).")
        parser.add_argument("--limit", type=int, default=5, help="Candidates per row.")
        parser.add_argument(
            "--no-moments", action="store_true", help="Skip looking up the moments (faster)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            rows = rows_from_csv(path.read_bytes(), limit=None)
        except ListError as exc:
            raise CommandError(f"{path}: {exc}") from None
        results = match_rows(rows, limit=options["limit"], with_moments=not options["no_moments"])
        text = results_csv(results)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            found = sum(1 for r in results if r.candidates)
            self.stdout.write(f"{len(rows)} rows, {found} with candidates -> {options['out']}")
        else:
            self.stdout.write(text, ending="")
