"""Transcription: the default Whisper model, the per-language model map, device."""

import json
import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_float, env_int, env_str

TRANSCRIPTION_ENGINE = env_str("TRANSCRIPTION_ENGINE", "faster-whisper")
TRANSCRIPTION_MODEL = env_str("TRANSCRIPTION_MODEL", "base")
TRANSCRIPTION_DEVICE = env_str("TRANSCRIPTION_DEVICE", "cpu")
TRANSCRIPTION_COMPUTE_TYPE = env_str("TRANSCRIPTION_COMPUTE_TYPE", "default")
# Above 1: windows of speech decoded in batches, a window that fails Whisper's thresholds
# again with temperature fallback; 1: the sequential decoder. On 2 CPU cores, base int8:
# batch 4 ran 12.4-16.3x real time, sequential 3.6-5.4x, at no worse word error rate.
TRANSCRIPTION_BATCH_SIZE = env_int("TRANSCRIPTION_BATCH_SIZE", 4, minimum=1)
# The longest batched window, in seconds (1-30). Whisper encodes 30 s whatever the window
# holds, so GPU workers on large models should use 30; 15 suits base on CPU, which often
# stops decoding early in a long window.
TRANSCRIPTION_WINDOW_SECONDS = env_int("TRANSCRIPTION_WINDOW_SECONDS", 15, minimum=1)
# GPU workers on Celery's thread pool (--pool threads --concurrency N): up to this many
# testimonies in hand are decoded together, their windows sharing the batches. 1: each alone.
TRANSCRIPTION_BATCH_FILES = env_int("TRANSCRIPTION_BATCH_FILES", 1, minimum=1)
# How long the decoding thread waits for more files before it decodes what it has.
TRANSCRIPTION_BATCH_WAIT_SECONDS = env_float("TRANSCRIPTION_BATCH_WAIT_SECONDS", 0.05, minimum=0)
if TRANSCRIPTION_WINDOW_SECONDS > 30:
    raise ImproperlyConfigured("TRANSCRIPTION_WINDOW_SECONDS must be 30 or less.")


def _model_map() -> dict[str, dict[str, str]]:
    """{"ug": {"model": "/models/whisper-ug-ct2", "language_token": "uz"}}"""
    raw = os.environ.get("TRANSCRIPTION_MODELS", "{}")
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRANSCRIPTION_MODELS is not JSON ({error}).") from None
    if not isinstance(value, dict) or not all(
        isinstance(v, dict) and "model" in v for v in value.values()
    ):
        raise ImproperlyConfigured(
            'TRANSCRIPTION_MODELS must map languages to {"model": PATH, "language_token": CODE}.'
        )
    return value


TRANSCRIPTION_MODELS = _model_map()

# Text translation (CTranslate2 NLLB/MADLAD directory) for what Whisper cannot translate.
TRANSLATION_MODEL = env_str("TRANSLATION_MODEL", "")
TRANSLATION_MODEL_STYLE = env_str("TRANSLATION_MODEL_STYLE", "nllb")
# Whisper has no Uyghur: without a Uyghur model, decode with this neighbour and flag it.
TRANSCRIPTION_FALLBACK_LANGUAGE = env_str("TRANSCRIPTION_FALLBACK_LANGUAGE", "uz")
