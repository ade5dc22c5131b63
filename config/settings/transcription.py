"""Transcription: the default Whisper model, the per-language model map, device."""

import json
import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

TRANSCRIPTION_ENGINE = env_str("TRANSCRIPTION_ENGINE", "faster-whisper")
TRANSCRIPTION_MODEL = env_str("TRANSCRIPTION_MODEL", "base")
TRANSCRIPTION_DEVICE = env_str("TRANSCRIPTION_DEVICE", "cpu")
TRANSCRIPTION_COMPUTE_TYPE = env_str("TRANSCRIPTION_COMPUTE_TYPE", "default")
TRANSCRIPTION_BATCH_SIZE = env_int("TRANSCRIPTION_BATCH_SIZE", 1, minimum=1)

# {"ug": {"model": "/models/whisper-ug-ct2", "language_token": "uz"}}
_models_raw = os.environ.get("TRANSCRIPTION_MODELS", "{}")
try:
    TRANSCRIPTION_MODELS = json.loads(_models_raw)
    if not isinstance(TRANSCRIPTION_MODELS, dict):
        raise ValueError("not a JSON object")
except ValueError as exc:
    raise ImproperlyConfigured(
        f"TRANSCRIPTION_MODELS is not a JSON object mapping language to model ({exc})."
    ) from None
