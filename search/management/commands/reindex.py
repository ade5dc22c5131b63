"""manage.py reindex: rebuild every index from the database, then swap (no downtime)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.client import SearchError
from search.sync import reindex
from testimonies.models import Testimony
from testimonies.visibility import INDEXED_LEVELS


class Command(BaseCommand):
    help = "Rebuild the search indexes from the database into new indexes and swap them in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Testimony.objects.at_levels(INDEXED_LEVELS).count()
        with tqdm(
            total=total, unit="testimony", disable=options["no_progress"], leave=False
        ) as bar:
            try:
                counts = reindex(progress=bar.update)
            except SearchError as exc:
                raise CommandError(
                    f"Reindex failed; the live indexes are unchanged. {exc}"
                ) from None
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reindexed and swapped: {summary}."))
