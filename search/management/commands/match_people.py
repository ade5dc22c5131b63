"""manage.py match_people FILE.csv: which people of a list appear in the archive, and with
--case-files, a ZIP of case files for the confident matches."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.list_matching import (
    ListError,
    confident_people,
    match_rows,
    results_csv,
    rows_from_csv,
)
from testimonies.casefiles import Submitter, may_make, write_zip

FORMATS = {"json": ("json",), "pdf": ("pdf",), "both": ("json", "pdf")}


class Command(BaseCommand):
    help = (
        "Match a CSV list of people (header row; 'name' required, optional birth_year, place, "
        "father_name) against the archive's public people; write ranked candidates as CSV. "
        "With --case-files ZIP --as USERNAME, also the case files of the confident matches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="Write the CSV here (default: stdout).")
        parser.add_argument("--limit", type=int, default=5, help="Candidates per row.")
        parser.add_argument(
            "--no-moments", action="store_true", help="Skip looking up the moments (faster)."
        )
        parser.add_argument(
            "--case-files",
            type=Path,
            metavar="ZIP",
            help="Write the case files of the confident matches (and the results CSV) here.",
        )
        parser.add_argument(
            "--as",
            dest="account",
            metavar="USERNAME",
            help="The researcher, NGO or editor the case files are made for (recorded).",
        )
        parser.add_argument("--format", choices=sorted(FORMATS), default="both")
        parser.add_argument("--organisation", default="", help="Who submits (element f).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        user = self._account(options) if options["case_files"] else None
        try:
            rows = rows_from_csv(path.read_bytes(), limit=None)
        except ListError as exc:
            raise CommandError(f"{path}: {exc}") from None
        results = match_rows(rows, limit=options["limit"], with_moments=not options["no_moments"])
        if options["case_files"]:
            self._case_files(results, user, options)
            return
        text = results_csv(results)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            found = sum(1 for r in results if r.candidates)
            self.stdout.write(f"{len(rows)} rows, {found} with candidates -> {options['out']}")
        else:
            self.stdout.write(text, ending="")

    def _account(self, options: dict[str, Any]) -> Any:
        if not options["account"]:
            raise CommandError("--case-files needs --as USERNAME: every case file is recorded.")
        user = get_user_model().objects.filter(username=options["account"]).first()
        if user is None or not may_make(user):
            raise CommandError(
                f"{options['account']!r} may not make case files: give a researcher, NGO or "
                "editor account (manage.py api_token issue USERNAME, then the role in /admin/)."
            )
        return user

    def _case_files(self, results: Any, user: Any, options: dict[str, Any]) -> None:
        people = confident_people(results)
        name = user.get_full_name() or user.get_username()
        submitter = Submitter(name=name, organisation=options["organisation"])
        target: Path = options["case_files"]

        def results_file(batch: Any) -> dict[str, bytes]:
            made = {p: (", ".join(m.files), m.missing) for p, m in batch.made.items()}
            text = results_csv(results, case_files=made)
            if options["out"]:
                options["out"].write_text(text, encoding="utf-8")
            return {"results.csv": text.encode("utf-8")}

        with (
            target.open("wb") as out,
            tqdm(total=len(people), unit="case", desc="case files", disable=None) as bar,
        ):

            def advance(done: int) -> None:
                bar.update(done)

            batch = write_zip(
                people,
                out,
                user=user,
                formats=FORMATS[options["format"]],
                submitter=submitter,
                progress=advance,
                extra=results_file,
            )
        complete = sum(1 for m in batch.made.values() if m.complete)
        self.stdout.write(
            f"{len(results)} rows, {len(people)} confident matches, {len(batch.made)} case files "
            f"({complete} complete) -> {target}"
        )
