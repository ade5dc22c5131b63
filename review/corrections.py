"""Correcting a transcript while listening: saves with a version (a stale one is refused,
never merged silently), verification recorded apart from editing, split, merge and restoring
an earlier version. Every change is a row in the segment's audit history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from review.tasks import extract_testimony
from testimonies.changes import changed
from testimonies.jobs import enqueue_on_commit
from testimonies.models import Mention, Segment, Testimony, Transcript

# Longer than any segment a person would type; a paste of a whole document is a mistake.
MAX_TEXT = 5000
# Index offset for renumbering segments without breaking (transcript, index) uniqueness.
_SHIFT = 1_000_000


class CorrectionError(ValueError):
    """Bad input: the message says what is wrong and what to do; nothing was changed."""


class StaleVersion(Exception):
    """Someone saved the segment since this version was loaded: nothing was changed."""

    def __init__(self, current: Segment | None, yours: dict[str, Any]) -> None:
        super().__init__("stale version")
        self.current = current
        self.yours = yours


def correctable(user: Any) -> Any:
    """The segments of the current transcripts this account may correct."""
    testimonies = Testimony.objects.correctable_by(user)
    return Segment.objects.filter(
        transcript__testimony__in=testimonies,
        transcript__task=Transcript.Task.TRANSCRIBE,
        transcript__replaced_at=None,
    )


def _locked(user: Any, segment_id: int, version: int, yours: dict[str, Any]) -> Segment:
    """The segment, locked for this transaction, at the version the editor saw.

    `Segment.DoesNotExist` when it is not this account's to correct; `StaleVersion` when
    someone saved it since (or merged it away: then there is no current one).
    """
    segment = correctable(user).select_for_update(of=("self",)).filter(pk=segment_id).first()
    if segment is None:
        if Segment.objects.filter(pk=segment_id).exists():
            raise Segment.DoesNotExist(segment_id)
        raise StaleVersion(None, yours)
    if segment.version != version:
        raise StaleVersion(segment, yours)
    _baseline(segment)
    return segment


def _baseline(segment: Segment) -> None:
    """Machine passes and imports store segments in bulk, without history: before a
    person's first change, the words as stored go into the history, so the first "before"
    can be seen and restored like any other."""
    if not segment.history.exists():
        Segment.history.bulk_history_create(
            [segment], default_change_reason="as stored", default_date=segment.transcript.created_at
        )


def _record(segment: Segment, user: Any, reason: str, fields: list[str]) -> None:
    segment.version += 1
    segment._history_user = user  # type: ignore[attr-defined]
    segment._change_reason = reason[:100]  # type: ignore[attr-defined]
    segment.save(update_fields=[*fields, "version"])
    changed([segment.transcript.testimony_id])


def _edited_by(segment: Segment, user: Any) -> list[str]:
    """An edit is a person's; a verification of other words no longer stands."""
    segment.edited, segment.edited_by, segment.edited_at = True, user, timezone.now()
    segment.verified_by, segment.verified_at = None, None
    return ["edited", "edited_by", "edited_at", "verified_by", "verified_at"]


def _clean_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise CorrectionError(_("%(field)s must be text.") % {"field": name})
    if len(value) > MAX_TEXT:
        raise CorrectionError(
            _("%(field)s is longer than %(max)d characters: split the segment first.")
            % {"field": name, "max": MAX_TEXT}
        )
    return value.strip()


def _clean_time(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CorrectionError(_("%(field)s must be a number of seconds.") % {"field": name})
    if value < 0:
        raise CorrectionError(_("%(field)s cannot be before the start.") % {"field": name})
    return round(float(value), 3)


def save(
    *,
    user: Any,
    segment_id: int,
    version: int,
    text: Any = None,
    translation: Any = None,
    start: Any = None,
    end: Any = None,
) -> Segment:
    """Save what the editor changed; refused with `StaleVersion` when someone saved first."""
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _clean_text(text, _("The text"))
    if translation is not None:
        changes["translation"] = _clean_text(translation, _("The English translation"))
    if start is not None:
        changes["start"] = _clean_time(start, _("The start"))
    if end is not None:
        changes["end"] = _clean_time(end, _("The end"))
    if not changes:
        raise CorrectionError(_("Nothing to save: send text, translation, start or end."))
    with transaction.atomic():
        segment = _locked(user, segment_id, version, changes)
        new_start = changes.get("start", segment.start)
        new_end = changes.get("end", segment.end)
        if new_end < new_start:
            raise CorrectionError(
                _("The end (%(end).1f s) is before the start (%(start).1f s).")
                % {"end": new_end, "start": new_start}
            )
        fields = [f for f, v in changes.items() if getattr(segment, f) != v]
        if not fields:
            return segment
        for field in fields:
            setattr(segment, field, changes[field])
        _record(segment, user, "edited", [*fields, *_edited_by(segment, user)])
    return segment


def verify(*, user: Any, segment_id: int, version: int, verified: bool = True) -> Segment:
    """Mark the segment as listened to and right (or take that back). Recorded apart from
    its edit: who edited it and who verified it are two people, or the same one, both kept."""
    with transaction.atomic():
        segment = _locked(user, segment_id, version, {"verified": verified})
        if verified:
            segment.verified_by, segment.verified_at = user, timezone.now()
        else:
            segment.verified_by, segment.verified_at = None, None
        reason = "verified" if verified else "verification taken back"
        _record(segment, user, reason, ["verified_by", "verified_at"])
        if verified:
            # Verified words are worth proposals: a corrected name can be linked to a person
            # or place in review (on the default queue, after commit, like a new transcript).
            enqueue_on_commit(extract_testimony, segment.transcript.testimony_id)
    return segment


def _cut(text: str, share: float) -> int:
    """Where to cut a text at `share` of its length: the nearest space."""
    target = round(len(text) * share)
    spaces = [i for i, c in enumerate(text) if c.isspace()]
    return min(spaces, key=lambda i: abs(i - target)) if spaces else target


def _marks(segment: Segment, field: str, lo: int, hi: int, shift: int) -> list[dict[str, Any]]:
    """The marks of `field` that fall in [lo, hi), moved by `shift` (cut at the bounds)."""
    kept = []
    for start, end in segment.marks(field):
        a, b = max(start, lo), min(end, hi)
        if a < b:
            kept.append({"field": field, "start": a + shift, "end": b + shift})
    return kept


def _renumber(transcript_id: int, after: int, by: int) -> None:
    """Move the indexes after `after` by `by`, never two rows on one index on the way."""
    later = Segment.objects.filter(transcript_id=transcript_id, index__gt=after)
    later.update(index=F("index") + _SHIFT)
    Segment.objects.filter(transcript_id=transcript_id, index__gt=_SHIFT).update(
        index=F("index") - _SHIFT + by
    )


def split(*, user: Any, segment_id: int, version: int, at: Any) -> tuple[Segment, Segment]:
    """Split a segment at the playhead: words before it stay, words after go to a new one.

    With word timings the text is cut between the words; without them, at the space
    nearest to the same share of the text. The English is cut at the same share.
    """
    at = _clean_time(at, _("The split point"))
    with transaction.atomic():
        segment = _locked(user, segment_id, version, {"split_at": at})
        if not segment.start < at < segment.end:
            raise CorrectionError(
                _("Play to a moment inside the segment (%(start).1f–%(end).1f s) to split it.")
                % {"start": segment.start, "end": segment.end}
            )
        share = (at - segment.start) / (segment.end - segment.start)
        words = [w for w in segment.words or [] if "start" in w and "end" in w]
        before = [w for w in words if (w["start"] + w["end"]) / 2 < at]
        if words and 0 < len(before) < len(words):
            cut = len("".join(str(w.get("word", "")) for w in before).strip())
            cut = _cut(segment.text, cut / max(len(segment.text), 1))
        else:
            cut = _cut(segment.text, share)
        cut_en = _cut(segment.translation, share)
        old_text, old_translation = segment.text, segment.translation
        second = Segment(
            transcript_id=segment.transcript_id,
            index=segment.index + 1,
            start=at,
            end=segment.end,
            text=old_text[cut:].strip(),
            translation=old_translation[cut_en:].strip(),
            words=[w for w in words if w not in before],
            flags=list(segment.flags or []),
            redactions=[
                *_marks(segment, "text", cut, len(old_text), -cut - _lead(old_text, cut)),
                *_marks(
                    segment,
                    "translation",
                    cut_en,
                    len(old_translation),
                    -cut_en - _lead(old_translation, cut_en),
                ),
            ],
            edited=True,
            edited_by=user,
            edited_at=timezone.now(),
        )
        segment.redactions = [
            *_marks(segment, "text", 0, len(old_text[:cut].rstrip()), 0),
            *_marks(segment, "translation", 0, len(old_translation[:cut_en].rstrip()), 0),
        ]
        segment.text = old_text[:cut].strip()
        segment.translation = old_translation[:cut_en].strip()
        segment.words = before if words else []
        segment.end = at
        _renumber(segment.transcript_id, segment.index, 1)
        second._history_user = user  # type: ignore[attr-defined]
        second._change_reason = "split off"  # type: ignore[attr-defined]
        second.save()
        # Proposals found in the words that moved go with them.
        moved = Mention.objects.filter(segment=segment, char_start__gte=cut).filter(
            Q(value__field="text") | ~Q(value__has_key="field")
        )
        lead = cut + _lead(old_text, cut)
        for mention in moved:
            mention.segment = second
            mention.char_start = max(0, (mention.char_start or 0) - lead)
            mention.char_end = max(0, (mention.char_end or 0) - lead)
            mention.save(update_fields=["segment", "char_start", "char_end"])
        segment._stored = None  # marks were cut here by hand: save() must not move them
        fields = ["text", "translation", "words", "end", "redactions"]
        _record(segment, user, "split", [*fields, *_edited_by(segment, user)])
    return segment, second


def _lead(text: str, cut: int) -> int:
    """How many spaces the second half loses at its start."""
    rest = text[cut:]
    return len(rest) - len(rest.lstrip())


def merge(*, user: Any, segment_id: int, version: int, next_version: int) -> Segment:
    """Join a segment with the next one (both at the versions the editor saw)."""
    with transaction.atomic():
        segment = _locked(user, segment_id, version, {"merge": True})
        following = (
            Segment.objects.select_for_update()
            .filter(transcript_id=segment.transcript_id, index=segment.index + 1)
            .first()
        )
        if following is None:
            raise CorrectionError(_("This is the last segment: there is nothing to merge with."))
        if following.version != next_version:
            raise StaleVersion(following, {"merge": True})
        joiner = " " if segment.text and following.text else ""
        joiner_en = " " if segment.translation and following.translation else ""
        shift = len(segment.text) + len(joiner)
        shift_en = len(segment.translation) + len(joiner_en)
        segment.redactions = [
            *segment.redactions,
            *_marks(following, "text", 0, len(following.text), shift),
            *_marks(following, "translation", 0, len(following.translation), shift_en),
        ]
        segment.text = f"{segment.text}{joiner}{following.text}"
        segment.translation = f"{segment.translation}{joiner_en}{following.translation}"
        segment.words = [*(segment.words or []), *(following.words or [])]
        segment.end = max(segment.end, following.end)
        segment.flags = sorted({*(segment.flags or []), *(following.flags or [])})
        for mention in Mention.objects.filter(segment=following):
            mention.segment = segment
            if mention.char_start is not None and mention.value.get("field", "text") == "text":
                mention.char_start += shift
                mention.char_end = (mention.char_end or 0) + shift
            mention.save(update_fields=["segment", "char_start", "char_end"])
        following.events.update(segment=segment)
        following._history_user = user  # type: ignore[attr-defined]
        following._change_reason = f"merged into segment {segment.pk}"  # type: ignore[attr-defined]
        following.delete()
        _renumber(segment.transcript_id, segment.index + 1, -1)
        segment._stored = None  # marks were joined here by hand: save() must not move them
        fields = ["text", "translation", "words", "end", "flags", "redactions"]
        _record(segment, user, "merged with the next", [*fields, *_edited_by(segment, user)])
    return segment


@dataclass(frozen=True)
class Version:
    history_id: int
    version: int
    when: Any
    who: str
    what: str
    text: str
    translation: str
    start: float
    end: float
    verified: bool


def history(segment: Segment) -> list[Version]:
    """Every saved state of the segment, newest first: who, when, what, and the words."""
    rows = segment.history.select_related("history_user").order_by("-history_date", "-pk")
    return [
        Version(
            history_id=row.pk,
            version=row.version,
            when=row.history_date,
            who=row.history_user.get_username() if row.history_user else _("machine"),
            what=row.history_change_reason
            or {"+": "created", "~": "changed"}.get(row.history_type, row.history_type),
            text=row.text,
            translation=row.translation,
            start=row.start,
            end=row.end,
            verified=row.verified_at is not None,
        )
        for row in rows
    ]


def restore(*, user: Any, segment_id: int, version: int, history_id: int) -> Segment:
    """Bring back the words and times of an earlier version, as a new version (the
    versions in between stay in the history)."""
    with transaction.atomic():
        segment = _locked(user, segment_id, version, {"restore": history_id})
        old = segment.history.filter(pk=history_id).first()
        if old is None:
            raise CorrectionError(
                _("Version %(id)s is not in this segment's history.") % {"id": history_id}
            )
        for field in ("text", "translation", "start", "end"):
            setattr(segment, field, getattr(old, field))
        fields = ["text", "translation", "start", "end"]
        _record(
            segment, user, f"restored version {old.version}", [*fields, *_edited_by(segment, user)]
        )
    return segment


def previous_machine_texts(segments: list[Segment]) -> dict[int, str]:
    """What the machine pass before the current one heard in the time of each segment (by
    pk; "" when nothing), for an editor to compare with and take instead. Two queries."""
    if not segments:
        return {}
    transcript = (
        Transcript.objects.filter(
            testimony_id=segments[0].transcript.testimony_id,
            task=Transcript.Task.TRANSCRIBE,
        )
        .exclude(replaced_at=None)
        .order_by("-replaced_at", "-pk")
        .first()
    )
    old = list(transcript.segments.order_by("index")) if transcript else []
    return {
        s.pk: " ".join(o.text for o in old if o.start < s.end and s.start < o.end) for s in segments
    }


def with_progress(testimonies: Any) -> Any:
    """Testimonies annotated with how much of their current transcript people verified:
    `segments`, `verified_segments`, `seconds`, `verified_seconds` (0 without a transcript)."""
    transcribe = Transcript.Task.TRANSCRIBE
    newer = Transcript.objects.filter(
        testimony=OuterRef("transcript__testimony"),
        task=transcribe,
        replaced_at=None,
        pk__gt=OuterRef("transcript_id"),
    )
    # The segments of each testimony's current transcript (the newest one not replaced).
    current = Segment.objects.filter(
        transcript__testimony=OuterRef("pk"),
        transcript__task=transcribe,
        transcript__replaced_at=None,
    ).exclude(Exists(newer))

    def total(value: Any, **where: Any) -> Coalesce:
        rows = current.filter(**where).values("transcript__testimony").annotate(v=value)
        return Coalesce(Subquery(rows.values("v")[:1], output_field=FloatField()), 0.0)

    length = Sum(F("end") - F("start"), output_field=FloatField())
    count = Count("pk", output_field=FloatField())
    verified = {"verified_at__isnull": False}
    return testimonies.annotate(
        segments=total(count),
        verified_segments=total(count, **verified),
        seconds=total(length),
        verified_seconds=total(length, **verified),
    )


@dataclass(frozen=True)
class Progress:
    segments: int
    verified_segments: int
    seconds: float
    verified_seconds: float

    @property
    def share_by_time(self) -> float:
        return self.verified_seconds / self.seconds if self.seconds else 0.0

    @property
    def share_by_segments(self) -> float:
        return self.verified_segments / self.segments if self.segments else 0.0


def progress(testimony: Testimony) -> Progress:
    row = with_progress(Testimony.objects.filter(pk=testimony.pk)).get()
    return Progress(
        segments=int(row.segments),
        verified_segments=int(row.verified_segments),
        seconds=float(row.seconds),
        verified_seconds=float(row.verified_seconds),
    )
