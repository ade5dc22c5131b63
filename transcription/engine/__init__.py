"""Django-free transcription engine: decode, detect speech, transcribe, translate, write."""

from transcription.engine.audio import MediaInfo, decode_audio, probe_media
from transcription.engine.engines import (
    DecodeOptions,
    Engine,
    FasterWhisperEngine,
    OpenAIWhisperEngine,
    TextTranslator,
)
from transcription.engine.errors import (
    EmptyMediaError,
    EngineError,
    EngineUnavailableError,
    MediaDecodeError,
    ModelNotFoundError,
    NoAudioStreamError,
    SilentMediaError,
)
from transcription.engine.models import resolve_model
from transcription.engine.schema import (
    UNSUPPORTED_LANGUAGE_REASON,
    Segment,
    TranscriptionResult,
    Word,
)
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
