"""manage.py search QUERY: the same search as the page and the API, from the shell."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.client import SearchError
from search.forms import SearchForm
from search.query import search_segments


class Command(BaseCommand):
    help = "Search public testimony segments in any script; --json prints machine-readable hits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--offset", type=int, default=0)
        parser.add_argument("--language")
        parser.add_argument("--testimony")
        parser.add_argument("--year-from", type=int)
        parser.add_argument("--year-to", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        form = SearchForm(
            {
                "q": options["query"],
                "limit": options["limit"],
                "offset": options["offset"],
                "language": options["language"] or "",
                "testimony": options["testimony"] or "",
                "year_from": options["year_from"] or "",
                "year_to": options["year_to"] or "",
            }
        )
        if not form.is_valid():
            problems = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
            raise CommandError(f"Invalid search: {problems}")
        try:
            result = search_segments(form.params())
        except SearchError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            payload = {
                "hits": [
                    {
                        "testimony": h.testimony,
                        "start": h.start,
                        "end": h.end,
                        "text": h.text,
                        "translation": h.translation,
                        "highlight": h.highlight,
                    }
                    for h in result.hits
                ],
                "total": result.total,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if not result.hits:
            self.stdout.write("No public testimony moment matches.")
        for hit in result.hits:
            self.stdout.write(
                f"{hit.testimony} [{hit.start:.1f}-{hit.end:.1f}] {hit.text}\n    {hit.translation}"
            )
        self.stdout.write(f"{result.total} match(es).")
