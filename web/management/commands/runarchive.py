"""manage.py runarchive: the whole archive on one machine; Ctrl-C stops what it started."""

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import server
from search.client import SearchError
from testimonies.demo import DEMO
from testimonies.models import Testimony


class Command(BaseCommand):
    help = (
        "Start Meilisearch (unless one already answers at MEILI_URL), migrate, load the demo "
        "data into an empty database, index it, then run a Celery worker and the web server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Children run in sessions of their own, so Ctrl-C reaches only this process, which
        # then stops them in order; set explicitly, since a shell may start us ignoring it.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        children: list[subprocess.Popen[bytes]] = []
        meili = None
        try:
            if server.is_healthy(settings.MEILI_URL):
                self.stdout.write(f"Using the Meilisearch already running at {settings.MEILI_URL}")
            else:
                url = urlparse(settings.MEILI_URL)
                if url.hostname not in {"127.0.0.1", "localhost"}:
                    raise CommandError(
                        f"MEILI_URL={settings.MEILI_URL} does not answer and is not local; "
                        "start that server or unset MEILI_URL to run one here."
                    )
                meili = server.start(
                    project_dir=Path(settings.BASE_DIR),
                    data_dir=Path(settings.VAR_DIR) / "meilisearch",
                    master_key=settings.MEILI_MASTER_KEY,
                    port=url.port or 7700,
                )
                self.stdout.write(f"Meilisearch started at {meili.url} (log: {meili.log_path})")
            call_command("migrate", interactive=False, verbosity=0)
            if not options["no_demo"] and not Testimony.objects.exists():
                self.stdout.write("Loading the demo data…")
                call_command("import_testimonies", str(DEMO), no_progress=True)
            else:
                call_command("reindex", no_progress=True)
            python = sys.executable
            worker = [python, "-m", "celery", "-A", "config", "worker"]
            worker += ["-Q", "default,transcribe", "--concurrency", "1", "--loglevel", "INFO"]
            # One machine: the periodic takedown checks run inside this worker.
            worker += ["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
            web = [python, "manage.py", "runserver", options["addr"], "--noreload"]
            for command in (worker, web):
                children.append(
                    subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)
                )
            time.sleep(1.5)
            self.stdout.write(
                self.style.SUCCESS(f"\nThe archive runs at http://{options['addr']}/")
            )
            self.stdout.write("Press Ctrl-C to stop everything.\n")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError("A process of the archive stopped; stopping the rest.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        except (SearchError, server.MeiliServerError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            if meili:
                meili.stop()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
