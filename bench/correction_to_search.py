"""How long a correction saved in the transcript editor takes to be found in search, with a
real Celery worker draining the index outbox (the serverless broker of `make run`).

    .venv/bin/python bench/correction_to_search.py [--saves 30] [--out FILE] [--quick]

Each save goes through `review.corrections.save` (as the editor's request does); the clock
runs from the commit until a search for a word only the correction has returns it. The
first save after the worker starts is reported apart from the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _harness import PROJECT_DIR, archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quick", action="store_true", help="3 saves: the suite's smoke run")
    args = parser.parse_args()
    saves = 3 if args.quick else args.saves
    with archive(eager=False):
        from django.contrib.auth.models import User

        from review import corrections
        from search.query import SearchParams, search_segments
        from testimonies import roles
        from testimonies.demo import DEMO
        from testimonies.importing import import_file
        from testimonies.models import Segment

        import_file(DEMO)
        editor = User.objects.create_user("bench-editor", is_staff=True)
        roles.grant(editor, roles.EDITOR)
        log = Path(os.environ["ARCHIVE_VAR_DIR"]) / "worker.log"
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default"),
                *("--concurrency", "1", "--without-gossip", "--without-mingle", "-l", "INFO"),
            ],
            cwd=PROJECT_DIR,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while " ready." not in log.read_text(errors="replace"):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit(f"the worker did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
            public = Segment.objects.public().filter(transcript__replaced_at=None)
            # The first save after the worker started is reported apart: it pays for the
            # worker's first search connection and imports.
            targets = list(public.order_by("pk")[: saves + 1])
            waits: list[float] = []
            for i, segment in enumerate(targets):
                word = f"Benchkoz{i}tekseru"
                corrections.save(
                    user=editor,
                    segment_id=segment.pk,
                    version=segment.version,
                    text=f"{segment.text} {word}",
                )
                started = time.monotonic()
                while not search_segments(SearchParams(q=word)).hits:
                    if time.monotonic() - started > args.timeout:
                        raise SystemExit(f"save {i} not in search after {args.timeout} s")
                    time.sleep(0.05)
                waits.append(time.monotonic() - started)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    first, ordered = waits[0], sorted(waits[1:])
    result = {
        "first_after_worker_start_s": round(first, 3),
        "saves": len(ordered),
        "median_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
        "max_s": round(ordered[-1], 3),
        "broker": "sqla+sqlite (make run's)",
    }
    print(json.dumps(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
