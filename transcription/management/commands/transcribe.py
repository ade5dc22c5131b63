"""manage.py transcribe FILE: transcribe and translate one file, no database row needed."""

import io
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from transcription.engine.bilingual import transcribe_bilingual
from transcription.engine.errors import EngineError
from transcription.engine.writers import write
from transcription.pipeline import engine_for, load_translator


class Command(BaseCommand):
    help = (
        "Transcribe a media file in its spoken language with an English translation, and print "
        "it as VTT, SRT, TXT or JSON. The declared --language wins; without it, it is detected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", help="Declared language code (kk, ru, ug, en…).")
        parser.add_argument("--engine", choices=["faster-whisper", "openai-whisper"])
        parser.add_argument("--model", help="Model name or local path (default: base).")
        parser.add_argument("--device", choices=["cpu", "cuda", "auto"])
        parser.add_argument("--compute-type", help="int8, float16, int8_float16…")
        parser.add_argument("--batch-size", type=int, help=">1 uses the batched pipeline.")
        parser.add_argument(
            "--window-seconds",
            type=int,
            choices=range(1, 31),
            metavar="1-30",
            help="Longest batched window (default 15; 30 for large models on a GPU).",
        )
        parser.add_argument("--format", choices=["vtt", "srt", "txt", "json"], default="txt")
        parser.add_argument(
            "--english", action="store_true", help="Write the English translation (vtt/srt/txt)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        started = time.perf_counter()
        try:
            engine = engine_for(
                options["language"],
                engine=options["engine"],
                model=options["model"],
                device=options["device"],
                compute_type=options["compute_type"],
                batch_size=options["batch_size"],
                window_seconds=options["window_seconds"],
            )
            result = transcribe_bilingual(
                engine, path, language=options["language"], translator=load_translator()
            )
        except EngineError as exc:
            raise CommandError(str(exc)) from None
        out = io.StringIO()
        write(result, options["format"], out, translated=options["english"])
        self.stdout.write(out.getvalue(), ending="")
        elapsed = time.perf_counter() - started
        speed = result.duration / elapsed if elapsed else 0.0
        note = f" — review: {'; '.join(result.review_reasons)}" if result.needs_review else ""
        sys.stderr.write(
            f"{path.name}: {result.duration:.1f} s of audio in {elapsed:.1f} s ({speed:.1f}× real "
            f"time), language {result.language} ({result.language_source}), "
            f"{settings.TRANSCRIPTION_DEVICE}{note}\n"
        )
