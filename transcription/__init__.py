"""Audio decoding, VAD, Whisper engines, the transcription pipeline and worker tasks."""
