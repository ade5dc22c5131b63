"""Fictional demo data in the import format (docs/import-format.md), loaded by make run."""

from pathlib import Path

DEMO = Path(__file__).with_name("testimonies.jsonl")
