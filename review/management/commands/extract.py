"""manage.py extract: propose places, dates, kinship and events from transcripts."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from review.extraction import extract, propose
from testimonies.languages import LANGUAGES
from testimonies.models import Testimony


class Command(BaseCommand):
    help = (
        "Without --text: store proposals (Mentions, for editors to review) for stored "
        "testimonies. With --text: print the proposals for that text, touching nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--text", help="Extract from this text only; no database.")
        parser.add_argument("--language", choices=sorted(LANGUAGES))
        parser.add_argument("--json", action="store_true", help="Print JSON (with --text).")
        parser.add_argument("--testimony", action="append", help="external_id (repeatable)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["text"] is not None:
            if not options["text"].strip():
                raise CommandError("--text is empty.")
            found = extract(options["text"], language=options["language"]).as_dict()
            if options["json"]:
                self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
            else:
                for key, values in found.items():
                    self.stdout.write(f"{key}: {values}")
            return
        rows = Testimony.objects.all()
        if options["testimony"]:
            rows = rows.filter(external_id__in=options["testimony"])
            missing = set(options["testimony"]) - set(rows.values_list("external_id", flat=True))
            if missing:
                raise CommandError(f"No such testimony: {', '.join(sorted(missing))}")
        total = 0
        ids = list(rows.values_list("pk", flat=True))
        for pk in tqdm(ids, unit="testimony", disable=options["no_progress"]):
            total += propose(pk)
        self.stdout.write(
            self.style.SUCCESS(f"{total} proposals for {len(ids)} testimonies, to review.")
        )
