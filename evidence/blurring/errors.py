"""Exceptions the video blurring engine raises, all under one base class callers can catch."""

from __future__ import annotations


class BlurError(Exception):
    """Base class: something the engine cannot do with this input."""


class NotVideoError(BlurError):
    """The file is not media FFmpeg can read, or it is damaged."""


class NoVideoStreamError(BlurError):
    """The file is media but holds no video stream (an audio recording)."""
