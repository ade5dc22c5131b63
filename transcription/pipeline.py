"""Runs the engine for a testimony and stores its Transcript and Segments atomically."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redaction import relocate_marks_detailed
from testimonies.changes import changed, transcript_stored
from testimonies.importing import IMPORT_ENGINE
from testimonies.models import Event, Mention, Segment, Testimony, Transcript
from transcription.engine.base import Engine
from transcription.engine.batching import BatchingEngine
from transcription.engine.bilingual import transcribe_bilingual
from transcription.engine.errors import EngineError
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
from transcription.engine.model_files import resolve_model
from transcription.engine.openai_whisper_engine import OpenAIWhisperEngine
from transcription.engine.schema import Segment as EngineSegment
from transcription.engine.schema import TranscriptionResult, Word
from transcription.engine.text_translation import TextTranslator

log = logging.getLogger(__name__)


class TranscriptionFailed(Exception):
    """A permanent failure: retrying the same file with the same model will not help."""


@functools.cache
def load_engine(
    engine: str,
    model: str,
    device: str,
    compute_type: str,
    batch_size: int,
    language_token: tuple[tuple[str, str], ...] = (),
    window_seconds: int = 15,
) -> Engine:
    """One engine per worker process and configuration: models load once."""
    compute = None if compute_type in ("", "default") else compute_type
    if engine == "openai-whisper":
        return OpenAIWhisperEngine(model, device=device)  # type: ignore[arg-type]
    if engine != "faster-whisper":
        raise EngineError(
            f"TRANSCRIPTION_ENGINE={engine!r} is unknown: use faster-whisper or openai-whisper"
        )
    return FasterWhisperEngine(
        model,
        device=device,  # type: ignore[arg-type]
        compute_type=compute,
        batch_size=batch_size if batch_size > 1 else None,
        window_seconds=window_seconds,
        fallback_language=settings.TRANSCRIPTION_FALLBACK_LANGUAGE or None,
        language_token_overrides=dict(language_token),
    )


# Celery's thread pool calls engine_for from several threads: a model must load only once.
_ENGINE_LOCK = threading.Lock()


_SHARED: dict[tuple[int, int], Engine] = {}


def shared_engine(engine: Engine, max_files: int) -> Engine:
    """The engine behind one decoding thread that takes the files of every worker thread.

    One per loaded engine (they live as long as the process, so `id` stays theirs).
    """
    key = (id(engine), max_files)
    if key not in _SHARED:
        _SHARED[key] = BatchingEngine(
            engine, max_files=max_files, wait_seconds=settings.TRANSCRIPTION_BATCH_WAIT_SECONDS
        )
    return _SHARED[key]


def engine_for(language: str | None, **overrides: Any) -> Engine:
    """The engine for a declared language: TRANSCRIPTION_MODELS first, the default second.

    With TRANSCRIPTION_BATCH_FILES above 1 (GPU workers on the thread pool), the files that
    the worker's threads hold are decoded together.
    """
    with _ENGINE_LOCK:
        engine = _configured_engine(language, overrides)
        files = int(overrides.get("batch_files") or settings.TRANSCRIPTION_BATCH_FILES)
        if files > 1 and hasattr(engine, "transcribe_many"):
            return shared_engine(engine, files)
        return engine


def _configured_engine(language: str | None, overrides: dict[str, Any]) -> Engine:
    entry = settings.TRANSCRIPTION_MODELS.get(language or "", {})
    token = entry.get("language_token")
    return load_engine(
        overrides.get("engine") or settings.TRANSCRIPTION_ENGINE,
        overrides.get("model") or entry.get("model") or settings.TRANSCRIPTION_MODEL,
        overrides.get("device") or settings.TRANSCRIPTION_DEVICE,
        overrides.get("compute_type") or settings.TRANSCRIPTION_COMPUTE_TYPE,
        int(overrides.get("batch_size") or settings.TRANSCRIPTION_BATCH_SIZE),
        ((language, token),) if language and token else (),
        int(overrides.get("window_seconds") or settings.TRANSCRIPTION_WINDOW_SECONDS),
    )


def check_model(model: str, *, engine: str | None = None) -> None:
    """Raise EngineError naming the problem when a model cannot be loaded by this worker's
    engine: before testimonies are queued for it, not an hour later in the worker."""
    if (engine or settings.TRANSCRIPTION_ENGINE) == "openai-whisper":
        if not Path(model).expanduser().is_file():
            raise EngineError(
                f"openai-whisper model {model!r} is not a checkpoint file: give the path of "
                "one (manage.py openai_checkpoint writes the base model's)."
            )
        return
    resolve_model(model)


def load_translator() -> Any | None:
    """The text translation model, loaded once per process (several threads may ask)."""
    with _ENGINE_LOCK:
        return _translator()


@functools.cache
def _translator() -> Any | None:
    if not settings.TRANSLATION_MODEL:
        return None
    return TextTranslator(
        settings.TRANSLATION_MODEL,
        style=settings.TRANSLATION_MODEL_STYLE,  # type: ignore[arg-type]
        device=settings.TRANSCRIPTION_DEVICE,  # type: ignore[arg-type]
    )


def claim(testimony_id: int) -> bool:
    """Take the job: one conditional UPDATE, so two workers never both start it.

    A testimony left 'transcribing' by a worker that died is claimable again: the broker
    only redelivers a job whose worker is gone (acks_late + reject_on_worker_lost).
    """
    claimable = [
        Testimony.Status.QUEUED,
        Testimony.Status.TRANSCRIBING,
        Testimony.Status.FAILED,
        Testimony.Status.NEW,
    ]
    updated = Testimony.objects.filter(pk=testimony_id, status__in=claimable).update(
        status=Testimony.Status.TRANSCRIBING, processing_error=""
    )
    return updated == 1


def media_path(testimony: Testimony) -> str:
    asset = testimony.media_to_transcribe()
    if asset is None:
        raise TranscriptionFailed(
            f"testimony {testimony.external_id} has no media file to transcribe"
        )
    return str(asset.file.path)


def transcribe_testimony(
    *, testimony_id: int, overrides: dict[str, Any] | None = None
) -> Transcript | None:
    """Transcribe and translate one testimony; replace its machine transcript atomically.

    `overrides` change the engine settings for this pass (`engine_for`: model, engine,
    batch_size...), as `manage.py retranscribe --model` does.
    """
    if not claim(testimony_id):
        log.info("testimony %s is not waiting for transcription; skipped", testimony_id)
        return None
    testimony = Testimony.objects.get(pk=testimony_id)
    path = media_path(testimony)
    language = testimony.language or None
    try:
        result = transcribe_bilingual(
            engine_for(language, **(overrides or {})),
            path,
            language=language,
            translator=load_translator(),
        )
    except EngineError as exc:
        raise TranscriptionFailed(str(exc)) from exc
    return store_result(testimony, result)


def store_result(testimony: Testimony, result: TranscriptionResult) -> Transcript:
    """Store a new machine transcript in one transaction, keeping every person's work.

    Segments a person edited or verified move into the new transcript untouched (same row,
    same words, times, marks, version and proposals); the machine's new text fills only the
    time they do not cover. The machine segments of the transcript it replaces are kept on
    that transcript (``replaced_at``) for editors to compare; the one replaced before it is
    deleted. Editors' marks on machine segments follow their words into the new ones.
    """
    with transaction.atomic():
        Testimony.objects.select_for_update().filter(pk=testimony.pk).first()
        machine = testimony.transcripts.exclude(engine=IMPORT_ENGINE)
        # The previous-but-one machine pass: what editors could compare with is the last one.
        machine.exclude(replaced_at=None).delete()
        replaced = list(machine.filter(replaced_at=None))
        human = list(
            Segment.objects.filter(
                transcript__in=replaced, transcript__task=Transcript.Task.TRANSCRIBE
            )
            .filter(Q(edited=True) | Q(verified_at__isnull=False))
            .order_by("start", "pk")
        )
        marked = list(
            Segment.objects.filter(
                transcript__testimony=testimony,
                transcript__task=Transcript.Task.TRANSCRIBE,
                transcript__replaced_at=None,
            )
            .exclude(redactions=[])
            .exclude(pk__in=[s.pk for s in human])
        )
        transcript = Transcript.objects.create(
            testimony=testimony,
            engine=result.engine,
            model=result.model,
            language=result.language,
            language_source=result.language_source,
            task=Transcript.Task.TRANSCRIBE,
            needs_review=result.needs_review,
            review_reasons=result.review_reasons,
        )
        covered = [(s.start, s.end) for s in human]
        segments = [
            Segment(
                transcript=transcript,
                index=0,
                start=s.start,
                end=max(s.end, s.start),
                text=s.text,
                translation=s.translation or "",
                words=[w.to_dict() for w in s.words],
                avg_logprob=s.avg_logprob,
                no_speech_prob=s.no_speech_prob,
                compression_ratio=s.compression_ratio,
                flags=s.flags,
                redactions=[],
            )
            for s in fill_around(covered, result.segments)
        ]
        if carry_marks(marked, segments):
            transcript.needs_review = True
            transcript.review_reasons = [*transcript.review_reasons, LOST_MARK_REASON]
            transcript.save(update_fields=["needs_review", "review_reasons"])
        ordered = sorted([*human, *segments], key=lambda s: (s.start, s.end))
        for index, segment in enumerate(ordered):
            segment.index = index
        # A plain UPDATE: the kept rows' words, times, marks and version stay byte-identical.
        for segment in human:
            Segment.objects.filter(pk=segment.pk).update(transcript=transcript, index=segment.index)
        Segment.objects.bulk_create(segments)
        _detach_proposals(Segment.objects.filter(transcript__in=replaced))
        Transcript.objects.filter(pk__in=[t.pk for t in replaced]).update(
            replaced_at=timezone.now()
        )
        Testimony.objects.filter(pk=testimony.pk).update(
            status=Testimony.Status.TRANSCRIBED, processing_error=""
        )
        changed([testimony.pk])
        # Review listens: proposals for editors from the new words, on the default queue.
        transcript_stored.send(sender=None, testimony_id=testimony.pk)
    return transcript


def _detach_proposals(old: Any) -> None:
    """The replaced machine segments stay for comparison, but proposals belong with the
    current words: what a deleted segment did to them (`keep_reviewed`) is done here. Nobody's
    machine proposals go (extraction proposes them again); reviewed ones and events lose
    their segment, and extraction takes them back to where their words are now."""
    unreviewed = Q(origin=Event.Origin.MACHINE, review=Event.Review.PROPOSED)
    Mention.objects.filter(segment__in=old).filter(unreviewed).delete()
    Mention.objects.filter(segment__in=old).update(segment=None)
    Event.objects.filter(segment__in=old).update(segment=None)


# A machine segment is kept when at least this share of it lies outside people's segments.
KEEP_UNCOVERED_SHARE = 0.5


def fill_around(
    covered: list[tuple[float, float]], segments: list[EngineSegment]
) -> list[EngineSegment]:
    """The machine segments, cut to the time that people's segments do not cover.

    With word timings, a segment keeps the words whose middle lies outside every covered
    span (its times shrink to them; its English is kept only if most words stay, as a
    translation cannot be cut by words). Without them, it is kept when most of it is
    uncovered, its times clipped off the covered spans.
    """
    if not covered:
        return list(segments)

    def inside(t: float) -> bool:
        return any(start <= t < end for start, end in covered)

    kept: list[EngineSegment] = []
    for segment in segments:
        if segment.words:
            words = [w for w in segment.words if not inside((w.start + w.end) / 2)]
            if len(words) == len(segment.words):
                kept.append(segment)
            elif words:
                most = len(words) / len(segment.words) > KEEP_UNCOVERED_SHARE
                kept.append(
                    replace(
                        segment,
                        start=words[0].start,
                        end=max(words[-1].end, words[0].start),
                        text="".join(w.word for w in words).strip(),
                        words=words,
                        translation=segment.translation if most else "",
                    )
                )
            continue
        start, end = _clip(segment.start, segment.end, covered)
        length = segment.end - segment.start
        if end > start and (length <= 0 or (end - start) / length > KEEP_UNCOVERED_SHARE):
            kept.append(replace(segment, start=start, end=end))
    return kept


def _clip(start: float, end: float, covered: list[tuple[float, float]]) -> tuple[float, float]:
    """The longest stretch of [start, end) outside the covered spans."""
    free = [(start, end)]
    for c_start, c_end in covered:
        pieces: list[tuple[float, float]] = []
        for f_start, f_end in free:
            if c_end <= f_start or f_end <= c_start:
                pieces.append((f_start, f_end))
                continue
            if f_start < c_start:
                pieces.append((f_start, c_start))
            if c_end < f_end:
                pieces.append((c_end, f_end))
        free = pieces
    return max(free, key=lambda p: p[1] - p[0], default=(start, start))


LOST_MARK_REASON = (
    "a redaction mark could not be found in the new transcript; the segments around it are "
    "masked whole — needs review"
)


def carry_marks(old: list[Segment], new: list[Segment]) -> int:
    """Move editors' redaction marks from the old transcript onto the new one.

    A mark follows its words into the new segments that overlap the old one in time. When
    the words cannot be found there, those segments are masked whole: a mark that is lost
    must hide too much, never too little. Returns how many marks were not found.
    """
    lost = 0
    for segment in old:
        nearby = [n for n in new if n.start < segment.end and segment.start < n.end]
        if not nearby and new:
            nearby = [min(new, key=lambda n: abs(n.start - segment.start))]
        for field in ("text", "translation"):
            for mark in segment.marks(field):
                placed = False
                for candidate in nearby:
                    (moved,) = relocate_marks_detailed(
                        getattr(segment, field), getattr(candidate, field), [mark]
                    )
                    if moved.new and moved.method in ("exact", "fuzzy"):
                        start, end = moved.new
                        candidate.redactions.append({"field": field, "start": start, "end": end})
                        placed = True
                        break
                if not placed:
                    lost += 1
                    for candidate in nearby:
                        whole = len(getattr(candidate, field))
                        candidate.redactions.append({"field": field, "start": 0, "end": whole})
    return lost


def load_result(transcript: Transcript, *, redact: bool = False) -> TranscriptionResult:
    """A stored transcript as the engine's result, for the writers (VTT, SRT, TXT, JSON).

    `redact` masks identity numbers, passports and phones: for every public download.
    """
    segments = [
        EngineSegment(
            start=s.start,
            end=s.end,
            text=s.public_text if redact else s.text,
            # Word timings would carry the digits again: public output drops them.
            words=[] if redact else [Word.from_dict(w) for w in s.words or []],
            avg_logprob=s.avg_logprob or 0.0,
            no_speech_prob=s.no_speech_prob or 0.0,
            compression_ratio=s.compression_ratio or 0.0,
            flags=list(s.flags or []),
            translation=s.public_translation if redact else s.translation,
        )
        for s in transcript.segments.all()
    ]
    return TranscriptionResult(
        language=transcript.language,
        language_source=transcript.language_source,  # type: ignore[arg-type]
        language_probability=1.0,
        task="transcribe",
        engine=transcript.engine,
        model=transcript.model,
        duration=segments[-1].end if segments else 0.0,
        segments=segments,
        needs_review=transcript.needs_review,
        review_reasons=list(transcript.review_reasons or []),
    )


def mark_failed(testimony_id: int, message: str) -> None:
    Testimony.objects.filter(pk=testimony_id).update(
        status=Testimony.Status.FAILED, processing_error=message[:5000]
    )
