"""Case files in bulk: N generated people -> one ZIP, time and peak memory.

Each generated person (fictional names from bench/search_scale.py's lists) is named in two
public testimonies of four segments each, with a place, three events (a detention told twice,
a camp, a sentence), a status and a recording's SHA-256: the shape of the demo data. The rows
go straight into a scratch SQLite database; then `testimonies.casefiles.write_zip` makes the
case files of all of them for an NGO account, as `manage.py match_people --case-files` does.

    .venv/bin/python bench/case_files.py [--people 1000] [--formats json,pdf] [--out FILE]

Reports wall and CPU time, case files per second, the ZIP's size, the load average (the
machine is shared: wall time includes other people's work) and the process's peak RSS (max
resident set size: the whole process, Django included) before and after writing the ZIP.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from _harness import archive  # noqa: E402
from search_scale import FIRST, LAST  # noqa: E402


def _rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def generate(people: int, seed: int) -> list[int]:
    """People with testimonies, segments, claims, events and media; returns their ids."""
    from django.db import transaction

    with transaction.atomic():  # one commit: the rows are the setting, not what is measured
        return _generate(people, seed)


def _generate(people: int, seed: int) -> list[int]:
    from testimonies.facts import add_claims, name_claim
    from testimonies.models import (
        Claim,
        Event,
        MediaAsset,
        Person,
        Place,
        Segment,
        Testimony,
        Transcript,
    )

    rng = random.Random(seed)
    city = Place.objects.create(name="Құлжа", type=Place.Type.CITY)
    ids = []
    for n in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        person = Person.objects.create(primary_name=name, key=f"bench-{n}")
        month = rng.randint(1, 12)
        for k, language in enumerate(("kk", "ru")):
            t = Testimony.objects.create(
                external_id=f"bench-{n}-{k}",
                title=f"{name}: testimony {k + 1}",
                language=language,
                visibility="public",
                recorded_on=dt.date(2019, 1 + k, 1),
                source_url=f"https://video.example/watch?v=bench{n}x{k}",
                witness_relation=rng.choice(["sister", "wife", "son"]),
            )
            t.people.add(person)
            t.places.add(city)
            if not n and not k:  # the first testimony names the city
                city_name = name_claim("Құлжа", primary=True)
                add_claims(city, [(Claim.Field.NAME, "Құлжа", city_name)], testimony=t)
            MediaAsset.objects.create(
                testimony=t,
                file=f"media/bench/{n}-{k}.mp4",
                sha256=hashlib.sha256(f"{n}-{k}".encode()).hexdigest(),
                size=1000,
            )
            transcript = Transcript.objects.create(testimony=t, engine="import", language=language)
            segments = Segment.objects.bulk_create(
                Segment(
                    transcript=transcript,
                    index=i,
                    start=i * 8.0,
                    end=i * 8.0 + 7.5,
                    text=f"{name} 2018 жылы {month}-айда Құлжада ұсталды. ({i})",
                    translation=f"{name} was detained in Ghulja in month {month} of 2018. ({i})",
                )
                for i in range(4)
            )
            add_claims(
                person,
                [
                    (Claim.Field.NAME, name, name_claim(name, primary=True)),
                    (Claim.Field.STATUS, "detained", {}),
                    (Claim.Field.BIRTH_YEAR, str(rng.randint(1950, 2000)), {}),
                ],
                testimony=t,
            )
            for kind, place, date, precision, i in (
                (Event.Kind.DETAINED, city, dt.date(2018, month, 1), "month", 1),
                (Event.Kind.SENT_TO_CAMP, None, dt.date(2018, 1, 1), "year", 2),
                (Event.Kind.SENTENCED, None, dt.date(2019, 1, 1), "year", 3),
            ):
                Event.objects.create(
                    person=person,
                    place=place,
                    kind=kind,
                    date=date,
                    date_precision=precision,
                    testimony=t,
                    segment=segments[i],
                    review=Event.Review.ACCEPTED,
                )
        ids.append(person.pk)
    return ids


def run(people: int, formats: list[str], seed: int) -> dict[str, object]:
    with archive():
        from django.contrib.auth.models import User

        from testimonies import roles
        from testimonies.casefiles import Submitter, write_zip

        started = time.perf_counter()
        ids = generate(people, seed)
        generated_s = time.perf_counter() - started
        ngo = User.objects.create_user("bench-ngo")
        roles.grant(ngo, roles.NGO)
        rss_before = _rss_mib()
        with tempfile.TemporaryFile() as out:
            started, cpu_started = time.perf_counter(), time.process_time()
            batch = write_zip(
                ids,
                out,
                user=ngo,
                formats=formats,
                submitter=Submitter(name="Bench NGO"),
            )
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
            size = out.tell()
        return {
            "people": people,
            "formats": formats,
            "case_files": len(batch.made),
            "seconds": round(seconds, 2),
            "people_per_second": round(len(batch.made) / seconds, 2),
            # On a shared machine the wall time counts other people's work too.
            "cpu_seconds": round(cpu_seconds, 2),
            "cpu_ms_per_person": round(1000 * cpu_seconds / max(len(batch.made), 1), 1),
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "zip_mib": round(size / 2**20, 2),
            "generate_seconds": round(generated_s, 1),
            "peak_rss_mib_before": rss_before,
            "peak_rss_mib_after": _rss_mib(),
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--formats", default="json,pdf", help="json, pdf or json,pdf")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args.people, [f for f in args.formats.split(",") if f], args.seed)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
