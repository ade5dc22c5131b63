"""Django-free transcription engine: decode, detect speech, transcribe, translate, write."""

from transcription.engine.audio import MediaInfo, decode_audio, probe_media
from transcription.engine.base import DecodeOptions, Engine
from transcription.engine.errors import (
    EmptyMediaError,
    EngineError,
    EngineUnavailableError,
    MediaDecodeError,
    ModelNotFoundError,
    NoAudioStreamError,
    SilentMediaError,
)
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
from transcription.engine.model_files import resolve_model
from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine
from transcription.engine.schema import (
    UNSUPPORTED_LANGUAGE_REASON,
    Segment,
    TranscriptionResult,
    Word,
)
from transcription.engine.text_translation import TextTranslator
from transcription.engine.writers import write

__all__ = [
    "UNSUPPORTED_LANGUAGE_REASON",
    "DecodeOptions",
    "EmptyMediaError",
    "Engine",
    "EngineError",
    "EngineUnavailableError",
    "FasterWhisperEngine",
    "MediaDecodeError",
    "MediaInfo",
    "ModelNotFoundError",
    "NoAudioStreamError",
    "OpenAIWhisperEngine",
    "Segment",
    "SilentMediaError",
    "TextTranslator",
    "TranscriptionResult",
    "Word",
    "decode_audio",
    "probe_media",
    "resolve_model",
    "write",
]
