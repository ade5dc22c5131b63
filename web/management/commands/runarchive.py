"""manage.py runarchive: the whole archive on one machine; Ctrl-C stops what it started."""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
from web import demo


class Command(BaseCommand):
    help = (
        "Start Meilisearch (unless one already answers at MEILI_URL), migrate, load the demo "
        "data into an empty database, index it, then run a Celery worker and the web server "
        "(gunicorn, sized by the WEB_* settings)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default=None, help="host:port to serve on (default: WEB_BIND)."
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Serve with Django's development server (one process) instead of gunicorn.",
        )

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
                # The worker started below transcribes it: the player in step with real speech.
                demo.load_recording()
            else:
                call_command("reindex", no_progress=True)
            account = None
            if (
                not options["no_demo"]
                and Testimony.objects.filter(external_id=demo.RECORDING_ID).exists()
            ):
                account = demo.editor_account(Path(settings.VAR_DIR))
            python = sys.executable
            worker = [python, "-m", "celery", "-A", "config", "worker"]
            worker += ["-Q", "default,transcribe", "--concurrency", "1", "--loglevel", "INFO"]
            # One machine: beat runs inside this worker (takedown checks, index outbox drains).
            worker += ["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
            # Public copies of videos (identity documents blurred) in a worker of their own:
            # minutes of CPU per video must not hold up transcription or index drains.
            video = [python, "-m", "celery", "-A", "config", "worker", "-Q", "video"]
            video += ["--concurrency", "1", "--loglevel", "INFO", "-n", "video@%h"]
            addr = options["addr"] or settings.WEB_BIND
            if options["dev"]:
                web = [python, "manage.py", "runserver", addr, "--noreload"]
            else:
                web = [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", addr]
                web.append("config.wsgi:application")
            for command in (worker, video, web):
                children.append(
                    subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)
                )
            if not _answers(addr, children):
                raise CommandError(
                    f"The web server did not answer on {addr}, or a process of the archive "
                    "stopped; stopping the rest."
                )
            where = addr if addr.startswith("unix:") else f"http://{addr}/"
            self.stdout.write(self.style.SUCCESS(f"\nThe archive runs at {where}"))
            if account:
                self.stdout.write(
                    f"Transcript editor: {where.rstrip('/')}/edit/ — log in as {account[0]}, "
                    f"password {account[1]} (demo only; kept in {settings.VAR_DIR}). The "
                    f"recording {demo.RECORDING_ID} is transcribed by the worker on first start."
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


def _answers(addr: str, children: list[subprocess.Popen[bytes]], *, wait: float = 60) -> bool:
    """Whether the web server answers /healthz before `wait` seconds pass or a child stops."""
    if addr.startswith("unix:"):
        time.sleep(1.5)  # nothing to ask over a socket file without a client for it
        return all(child.poll() is None for child in children)
    host, _, port = addr.rpartition(":")
    host = "127.0.0.1" if host in {"", "0.0.0.0", "[::]"} else host  # noqa: S104
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and all(child.poll() is None for child in children):
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answers, if not to this host name (DJANGO_ALLOWED_HOSTS)
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False
