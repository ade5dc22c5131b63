"""Exceptions the transcription engine raises, all under one base class callers can catch."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: something the engine cannot do with this input or configuration."""


class MediaDecodeError(EngineError):
    """The file is not media FFmpeg can read, or it is damaged."""


class NoAudioStreamError(EngineError):
    """The container holds no audio stream (a video recorded or exported without sound)."""


class EmptyMediaError(EngineError):
    """The audio stream exists but holds no samples."""


class SilentMediaError(EngineError):
    """The audio holds no speech at all, so there is nothing to transcribe."""


class ModelNotFoundError(EngineError):
    """A configured model is neither a local model directory nor one the packages ship."""


class EngineUnavailableError(EngineError):
    """An optional engine's library is not installed."""
