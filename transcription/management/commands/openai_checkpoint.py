"""manage.py openai_checkpoint OUT.pt [--model base|PATH]: the same Whisper for openai-whisper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from transcription.engine.convert import export_openai_checkpoint
from transcription.engine.errors import EngineError
from transcription.engine.model_files import resolve_model


class Command(BaseCommand):
    help = (
        "Write a CTranslate2 Whisper model (the bundled base, or a directory) as an "
        "openai-whisper .pt checkpoint with the same weights, for TRANSCRIPTION_ENGINE="
        "openai-whisper. Needs the openai-whisper extra (PyTorch)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", type=Path, help="The .pt file to write.")
        parser.add_argument("--model", default="base", help="base (default) or a directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # The optional engine (extra openai-whisper): a clear error when it is missing.
            import torch  # noqa: F401
        except ImportError:
            raise CommandError(
                "PyTorch is not installed: pip install 'testimony-archive[openai-whisper]'"
            ) from None
        try:
            out = export_openai_checkpoint(resolve_model(options["model"]), options["out"])
        except EngineError as exc:
            raise CommandError(str(exc)) from None
        size = out.stat().st_size / 2**20
        self.stdout.write(f"wrote {out} ({size:.0f} MiB); use it as TRANSCRIPTION_MODEL")
