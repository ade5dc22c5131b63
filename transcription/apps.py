"""App configuration for transcription."""

from django.apps import AppConfig


class TranscriptionConfig(AppConfig):
    name = "transcription"
