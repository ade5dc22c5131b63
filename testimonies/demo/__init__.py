"""Fictional demo data in the import format (docs/import-format.md), loaded by make run."""

from pathlib import Path

DEMO = Path(__file__).with_name("testimonies.jsonl")
# The one demo testimony with a real recording (attribution and licence beside it).
DEMO_RECORDING = Path(__file__).with_name("recordings") / "demo-ru-audio.wav"
