"""The archive's data model: testimonies, media, people, places, events and transcripts."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import ManyRelatedManager

from names.dates import Precision, format_partial
from redaction import mask, relocate_marks_detailed
from testimonies.languages import LANGUAGE_CHOICES
from testimonies.visibility import (
    PUBLIC_COPY_KIND,
    ClaimQuerySet,
    EventQuerySet,
    MediaQuerySet,
    PersonQuerySet,
    PlaceQuerySet,
    SegmentQuerySet,
    TestimonyQuerySet,
    TranscriptQuerySet,
    Visibility,
    is_public,
)

__all__ = [
    "CaseFileRecord",
    "Claim",
    "Event",
    "IndexChange",
    "MediaAsset",
    "Mention",
    "NameVariant",
    "Person",
    "PersonMerge",
    "Place",
    "PlaceAlias",
    "RegionDecision",
    "Segment",
    "SourceCheck",
    "Testimony",
    "Transcript",
    "VideoRedaction",
    "Visibility",
]

# Partial dates' precision, labelled for readers (`names` knows nothing of translations).
PRECISION_CHOICES = [
    (Precision.DAY, gettext_lazy("day")),
    (Precision.MONTH, gettext_lazy("month")),
    (Precision.YEAR, gettext_lazy("year")),
    (Precision.DECADE, gettext_lazy("decade")),
]

# Links readers follow: a javascript:, data: or ftp: address is refused wherever it is entered.
WEB_ADDRESS = URLValidator(
    schemes=["http", "https"], message=gettext_lazy("Enter an http:// or https:// address.")
)


def _clean_web_addresses(
    instance: models.Model,
    names: tuple[str, ...],
    exclude: Collection[str] | None,
    clean_fields: Callable[[Collection[str] | None], None],
) -> None:
    """The fields' own checks, then http(s) only for `names`, all errors reported together.

    Checked here rather than as field validators, which would need a migration for nothing
    the database stores differently.
    """
    errors: dict[str, Any] = {}
    try:
        clean_fields(exclude)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for name in names:
        value = getattr(instance, name)
        if value and name not in errors and name not in (exclude or ()):
            try:
                WEB_ADDRESS(value)
            except ValidationError as exc:
                errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)


class Testimony(models.Model):
    class Status(models.TextChoices):
        NEW = "new", gettext_lazy("New")
        QUEUED = "queued", gettext_lazy("Queued for transcription")
        TRANSCRIBING = "transcribing", gettext_lazy("Transcribing")
        TRANSCRIBED = "transcribed", gettext_lazy("Transcribed")
        FAILED = "failed", gettext_lazy("Failed")

    external_id = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    language = models.CharField(
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text="Main spoken language as declared; blank means detect it.",
    )
    languages = models.JSONField(default=list, blank=True, help_text="All languages spoken.")
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.DRAFT, db_index=True
    )
    witness_name = models.CharField(max_length=300, blank=True)
    witness_relation = models.CharField(
        max_length=100, blank=True, help_text="Kinship of the witness to the person spoken of."
    )
    recorded_on = models.DateField(null=True, blank=True)
    recorded_precision = models.CharField(
        max_length=8, choices=PRECISION_CHOICES, default=Precision.DAY
    )
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=8, choices=PRECISION_CHOICES, default=Precision.DAY
    )
    source_platform = models.CharField(max_length=50, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    consent_notes = models.TextField(blank=True)
    people: models.ManyToManyField[Person, Any] = models.ManyToManyField(
        "Person", blank=True, related_name="testimonies"
    )
    places: models.ManyToManyField[Place, Any] = models.ManyToManyField(
        "Place", blank=True, related_name="testimonies"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW)
    transcribers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="testimonies_to_transcribe",
        help_text="Volunteers (the transcriber role) given this testimony to correct.",
    )
    processing_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TestimonyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["external_id"]
        verbose_name_plural = "testimonies"

    def __str__(self) -> str:
        return f"{self.external_id}: {self.title}"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        _clean_web_addresses(self, ("source_url",), exclude, super().clean_fields)

    @property
    def recorded_display(self) -> str:
        return format_partial(self.recorded_on, self.recorded_precision)

    @property
    def is_public(self) -> bool:
        return is_public(self.visibility)

    def playable_media(self) -> MediaAsset | None:
        """The file the player plays: the original (derived files are working copies)."""
        return self._media(originals_first=True)

    def media_to_transcribe(self) -> MediaAsset | None:
        """The file Whisper reads: a derived audio working copy if any, else the original."""
        return self._media(originals_first=False)

    def _media(self, *, originals_first: bool) -> MediaAsset | None:
        # Prefetched rows when present. A public copy is for the public player only: Whisper
        # reads the original's sound, and editors play the original.
        assets = sorted(
            (a for a in self.media.all() if a.kind != MediaAsset.Kind.PUBLIC_COPY),
            key=lambda a: a.pk,
        )
        originals = [a for a in assets if a.kind == MediaAsset.Kind.ORIGINAL]
        others = [a for a in assets if a.kind != MediaAsset.Kind.ORIGINAL]
        ordered = originals + others if originals_first else others + originals
        return ordered[0] if ordered else None

    def current_transcript(self) -> Transcript | None:
        """The newest transcript in the spoken language (uses prefetched rows when present);
        a machine transcript that a newer pass replaced is never current."""
        transcripts = [
            t
            for t in self.transcripts.all()
            if t.task == Transcript.Task.TRANSCRIBE and t.replaced_at is None
        ]
        return max(transcripts, key=lambda t: t.pk, default=None)


class MediaAsset(models.Model):
    """A stored media file; never rewritten. Derived files point at their original."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", gettext_lazy("Original")
        DERIVED = "derived", gettext_lazy("Derived (working copy)")
        PUBLIC_COPY = PUBLIC_COPY_KIND, gettext_lazy("Public copy (identity documents blurred)")

    testimony = models.ForeignKey(Testimony, on_delete=models.PROTECT, related_name="media")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    file = models.FileField(upload_to="media/%Y/%m/", max_length=500)
    original_filename = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(help_text="Bytes.")
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    container = models.CharField(max_length=50, blank=True)
    audio_codec = models.CharField(max_length=50, blank=True)
    video_codec = models.CharField(max_length=50, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_from = models.URLField(max_length=1000, blank=True)
    platform = models.CharField(max_length=50, blank=True)
    platform_id = models.CharField(max_length=200, blank=True, db_index=True)
    platform_metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MediaQuerySet.as_manager()

    class Meta:
        ordering = ["testimony", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]} ({self.testimony.external_id})"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        _clean_web_addresses(self, ("captured_from",), exclude, super().clean_fields)

    @property
    def has_video(self) -> bool:
        return bool(self.video_codec) or (self.content_type or "").startswith("video/")


class VideoRedaction(models.Model):
    """The public copy of one original video: the regions blurred in it, by which detector,
    how far the job got, and the review that lets the public see it.

    The original is never touched; each rendering is a new MediaAsset (kind public copy,
    ``derived_from`` the original) and ``copy`` points at the latest. ``regions`` is the
    engine's list (evidence.blurring.schema.Region as JSON) with each region's review state.
    """

    class State(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        DETECTING = "detecting", gettext_lazy("Finding identity documents")
        RENDERING = "rendering", gettext_lazy("Rendering the copy")
        READY = "ready", gettext_lazy("Ready")
        FAILED = "failed", gettext_lazy("Failed")

    original = models.OneToOneField(
        MediaAsset, on_delete=models.PROTECT, related_name="video_redaction"
    )
    copy = models.OneToOneField(
        MediaAsset, null=True, blank=True, on_delete=models.PROTECT, related_name="redaction"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.FloatField(default=0.0, help_text="Share of the job done, 0 to 1.")
    error = models.TextField(blank=True)
    detector = models.CharField(max_length=100, blank=True)
    detector_version = models.CharField(max_length=50, blank=True)
    detector_settings = models.JSONField(default=dict, blank=True)
    regions = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["original"]

    def __str__(self) -> str:
        return f"public copy of {self.original} ({self.state})"


class RegionDecision(models.Model):
    """One editor's decision on one region of a public copy: who, when, what."""

    class Action(models.TextChoices):
        ACCEPT = "accept", gettext_lazy("Accepted (stays blurred)")
        REJECT = "reject", gettext_lazy("Rejected (not blurred)")
        ADD = "add", gettext_lazy("Drawn by hand")

    redaction = models.ForeignKey(
        VideoRedaction, on_delete=models.CASCADE, related_name="decisions"
    )
    region_id = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    region = models.JSONField(default=dict, blank=True, help_text="The region as drawn (add).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["redaction", "decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.region_id}"


class Person(models.Model):
    class Status(models.TextChoices):
        MISSING = "missing", gettext_lazy("Missing")
        DETAINED = "detained", gettext_lazy("Detained")
        SENTENCED = "sentenced", gettext_lazy("Sentenced")
        RELEASED = "released", gettext_lazy("Released")
        DECEASED = "deceased", gettext_lazy("Deceased")
        UNKNOWN = "unknown", gettext_lazy("Unknown")

    class Gender(models.TextChoices):
        MALE = "male", gettext_lazy("Male")
        FEMALE = "female", gettext_lazy("Female")
        UNKNOWN = "unknown", gettext_lazy("Unknown")

    key = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable key from imports, so the same person links across testimonies.",
    )
    primary_name = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(max_length=50, blank=True)
    identifiers = models.JSONField(
        default=dict, blank=True, help_text="ID numbers: restricted, never published."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        testimonies: ManyRelatedManager[Testimony, Any]

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["primary_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.primary_name


class NameVariant(models.Model):
    class Script(models.TextChoices):
        CYRILLIC = "cyrl", gettext_lazy("Cyrillic")
        LATIN = "latn", gettext_lazy("Latin")
        ARABIC = "arab", gettext_lazy("Arabic (Uyghur)")
        HAN = "hani", gettext_lazy("Chinese characters")
        MIXED = "mixed", gettext_lazy("Mixed")

    class Form(models.TextChoices):
        AS_WRITTEN = "as_written", gettext_lazy("As written")
        TRANSLITERATED = "transliterated", gettext_lazy("Transliterated")
        PASSPORT = "passport", gettext_lazy("Passport spelling")
        CHINESE = "chinese", gettext_lazy("Chinese characters")
        PINYIN = "pinyin", gettext_lazy("Pinyin")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    script = models.CharField(max_length=6, choices=Script.choices, blank=True)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    form = models.CharField(max_length=16, choices=Form.choices, default=Form.AS_WRITTEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_name_per_person")
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    class Type(models.TextChoices):
        REGION = "region", gettext_lazy("Region")
        PREFECTURE = "prefecture", gettext_lazy("Prefecture")
        COUNTY = "county", gettext_lazy("County")
        CITY = "city", gettext_lazy("City")
        DISTRICT = "district", gettext_lazy("District")
        TOWNSHIP = "township", gettext_lazy("Township")
        VILLAGE = "village", gettext_lazy("Village")
        CAMP = "camp", gettext_lazy("Camp")
        PRISON = "prison", gettext_lazy("Prison")
        OTHER = "other", gettext_lazy("Other")

    name = models.CharField(max_length=300)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    gazetteer_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    if TYPE_CHECKING:
        testimonies: ManyRelatedManager[Testimony, Any]

    objects = PlaceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceAlias(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    script = models.CharField(max_length=6, choices=NameVariant.Script.choices, blank=True)
    language = models.CharField(max_length=8, blank=True)
    is_exonym = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["place", "id"]
        verbose_name_plural = "place aliases"
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="unique_alias_per_place")
        ]

    def __str__(self) -> str:
        return self.name


class Transcript(models.Model):
    class Task(models.TextChoices):
        TRANSCRIBE = "transcribe", gettext_lazy("Transcribe (original language)")
        TRANSLATE = "translate", gettext_lazy("Translate (English)")

    class LanguageSource(models.TextChoices):
        DECLARED = "declared", gettext_lazy("Declared")
        DETECTED = "detected", gettext_lazy("Detected")

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="transcripts")
    engine = models.CharField(max_length=50, help_text="faster-whisper, openai-whisper, import…")
    model = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    language_source = models.CharField(
        max_length=8, choices=LanguageSource.choices, default=LanguageSource.DECLARED
    )
    task = models.CharField(max_length=10, choices=Task.choices, default=Task.TRANSCRIBE)
    needs_review = models.BooleanField(default=False)
    review_reasons = models.JSONField(default=list, blank=True)
    reviewed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a newer machine pass replaced it. The previous machine transcript is "
        "kept (its machine segments only) so editors can compare and take either text; "
        "no page, API or search document shows it.",
    )

    objects = TranscriptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["testimony", "-id"]

    def __str__(self) -> str:
        return f"{self.testimony.external_id} {self.task} ({self.engine} {self.model})"


class Segment(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start = models.FloatField(help_text="Seconds.")
    end = models.FloatField(help_text="Seconds.")
    text = models.TextField()
    translation = models.TextField(blank=True, help_text="English.")
    words = models.JSONField(default=list, blank=True)
    avg_logprob = models.FloatField(null=True, blank=True)
    no_speech_prob = models.FloatField(null=True, blank=True)
    compression_ratio = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="Reasons to review.")
    edited = models.BooleanField(default=False, help_text="Edited by a person.")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last changed the words or times.",
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who listened and confirmed the segment (recorded apart from its editor).",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every save from the editor: a save on an older one is refused.",
    )
    redactions = models.JSONField(
        default=list,
        blank=True,
        help_text='Editor marks masked in public: [{"field": "text" or "translation", '
        '"start": 0, "end": 5}] (character offsets). They follow the words through '
        "a re-transcription.",
    )

    objects = SegmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["transcript", "index"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "index"], name="unique_segment_index"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="segment_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.start:.1f}–{self.end:.1f}] {self.text[:60]}"

    # The words and marks as loaded, so `save()` can tell what an edit changed.
    _stored: tuple[Any, Any, Any] | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every edit of the words, whatever makes it (admin, editor page, API, shell), moves
        the editor marks with them (`follow_edit`). Marks changed in the same save are taken
        as written for the new words. `QuerySet.update` bypasses this: masking then hides
        any field whose marks no longer fit."""
        stored = getattr(self, "_stored", None)
        if stored is not None and None not in stored[:2]:
            text, translation, redactions = stored
            words_changed = (text, translation) != (self.text, self.translation)
            if words_changed and self.redactions and self.redactions == redactions:
                self.follow_edit(old_text=text, old_translation=translation)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "redactions", "flags"}
        super().save(*args, **kwargs)
        self._stored = self._words()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Segment:
        segment = super().from_db(db, field_names, values, **kwargs)
        segment._stored = segment._words()
        return segment

    def _words(self) -> tuple[Any, Any, Any]:
        fields = self.__dict__
        marks = copy.deepcopy(fields.get("redactions"))
        return fields.get("text"), fields.get("translation"), marks

    def marks(self, field: str) -> list[tuple[int, int]]:
        return [
            (int(m["start"]), int(m["end"]))
            for m in self.redactions or []
            if m.get("field", "text") == field
        ]

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def by_a_person(self) -> bool:
        """Edited or verified by a person: a machine pass never changes it."""
        return self.edited or self.verified_at is not None

    @property
    def public_text(self) -> str:
        """The text as the public sees it: identity numbers and editor marks masked."""
        return _masked(self.text, self.marks("text"))

    @property
    def public_translation(self) -> str:
        return _masked(self.translation, self.marks("translation"))

    def follow_edit(self, *, old_text: str, old_translation: str) -> None:
        """Move editor marks with their words after a person edited the text or translation.

        Each mark is re-anchored by its words. A mark whose words cannot be found again
        masks its whole field (better hidden than leaked) and flags the segment for review.
        ``save()`` calls this; ``redactions`` and ``flags`` are updated in place.
        """
        kept: list[dict[str, Any]] = []
        for field, old in (("text", old_text), ("translation", old_translation)):
            new = getattr(self, field)
            marks = self.marks(field)
            if old == new or not marks:
                kept += [{"field": field, "start": s, "end": e} for s, e in marks]
                continue
            try:
                moved = relocate_marks_detailed(old, new, marks)
            except ValueError:  # a mark that did not fit the old text either
                moved = []
            if not moved or any(r.new is None for r in moved):
                kept.append({"field": field, "start": 0, "end": len(new)})
                if LOST_MARK not in self.flags:
                    self.flags = [*self.flags, LOST_MARK]
                continue
            kept += [{"field": field, "start": r.new[0], "end": r.new[1]} for r in moved if r.new]
        self.redactions = kept


# A segment flag: an editor mark lost its words in an edit, so the whole field is masked.
LOST_MARK = "redaction_lost"


def _masked(text: str, marks: list[tuple[int, int]]) -> str:
    # A mark that no longer fits the text (edited without moving it) hides the whole text.
    if any(not 0 <= start <= end <= len(text) for start, end in marks):
        marks = [(0, len(text))]
    return mask(text, marks)


class Event(models.Model):
    """A fact about a person: what happened, where and when, and the moment that says it."""

    class Kind(models.TextChoices):
        DETAINED = "detained", gettext_lazy("Detained")
        SENTENCED = "sentenced", gettext_lazy("Sentenced")
        SENT_TO_CAMP = "sent_to_camp", gettext_lazy("Sent to a camp")
        DISAPPEARED = "disappeared", gettext_lazy("Disappeared")
        RELEASED = "released", gettext_lazy("Released")
        DIED = "died", gettext_lazy("Died")
        OTHER = "other", gettext_lazy("Other")

    class Origin(models.TextChoices):
        MACHINE = "machine", gettext_lazy("Machine")
        EDITOR = "editor", gettext_lazy("Editor")
        IMPORT = "import", gettext_lazy("Import")

    class Review(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("Proposed")
        ACCEPTED = "accepted", gettext_lazy("Accepted")
        REJECTED = "rejected", gettext_lazy("Rejected")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=PRECISION_CHOICES, default=Precision.YEAR
    )
    testimony = models.ForeignKey(
        Testimony, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.EDITOR)
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["person", "date"]

    def __str__(self) -> str:
        when = format_partial(self.date, self.date_precision)
        return f"{self.person} {self.kind} {when}".strip()

    @property
    def date_display(self) -> str:
        return format_partial(self.date, self.date_precision)


def keep_reviewed(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """Deleting a segment (a re-transcription replaces them all) drops its machine
    proposals nobody reviewed, which extraction proposes again, and keeps the rest: an
    editor's verdict or proposal stays with its testimony, without a segment."""
    unreviewed = Q(origin=Event.Origin.MACHINE, review=Event.Review.PROPOSED)
    models.CASCADE(collector, field, sub_objs.filter(unreviewed), using)
    models.SET_NULL(collector, field, sub_objs.exclude(unreviewed), using)


keep_reviewed.lazy_sub_objs = True  # type: ignore[attr-defined]


class Mention(models.Model):
    """A proposal found in a segment: a person, place or date, reviewed by an editor."""

    class Kind(models.TextChoices):
        PERSON = "person", gettext_lazy("Person")
        PLACE = "place", gettext_lazy("Place")
        DATE = "date", gettext_lazy("Date")
        EVENT = "event", gettext_lazy("Event")

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="mentions")
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=keep_reviewed,
        related_name="mentions",
        help_text="Where it was found; empty when a new transcript replaced that segment and "
        "extraction has not found it again.",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the machine found, normalised (folded name, gazetteer id, date, event "
        "kind): a reviewed proposal is not proposed again under the same key.",
    )
    surface = models.CharField(max_length=300, help_text="The text it came from.")
    char_start = models.PositiveIntegerField(null=True, blank=True)
    char_end = models.PositiveIntegerField(null=True, blank=True)
    value = models.JSONField(default=dict, blank=True, help_text="Normalised proposal.")
    confidence = models.FloatField(default=0.0)
    origin = models.CharField(
        max_length=8, choices=Event.Origin.choices, default=Event.Origin.MACHINE
    )
    review = models.CharField(
        max_length=8, choices=Event.Review.choices, default=Event.Review.PROPOSED
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["testimony", "segment", "char_start"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.surface}"


class Claim(models.Model):
    """One fact about a person or a place and where it came from.

    A claim comes from a testimony (and is visible when that testimony is) or is an editor's
    decision carrying its own visibility. What an account sees of a person or place is
    computed from the claims it may see (`testimonies.facts`); imports add claims and never
    overwrite one, so a draft cannot change what the public reads.
    """

    class Field(models.TextChoices):
        NAME = "name", gettext_lazy("Name")
        STATUS = "status", gettext_lazy("Status")
        BIRTH_YEAR = "birth_year", gettext_lazy("Birth year")
        GENDER = "gender", gettext_lazy("Gender")
        ETHNICITY = "ethnicity", gettext_lazy("Ethnicity")
        TYPE = "type", gettext_lazy("Place type")
        COORDINATES = "coordinates", gettext_lazy("Coordinates")
        GAZETTEER = "gazetteer_id", gettext_lazy("Gazetteer id")
        # Case-file elements the testimonies may not hold, filled by editors with a source.
        PERPETRATOR = "perpetrator", gettext_lazy("Believed responsible")
        FAMILY_ACTION = "family_action", gettext_lazy("Action by the family")

    class Origin(models.TextChoices):
        IMPORT = "import", gettext_lazy("Import")
        REVIEW = "review", gettext_lazy("Accepted proposal")
        MERGE = "merge", gettext_lazy("Merge")
        EDITOR = "editor", gettext_lazy("Editor's decision")
        MIGRATED = "migrated", gettext_lazy("Recorded before claims existed")

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    field = models.CharField(max_length=16, choices=Field.choices)
    value = models.CharField(max_length=300)
    detail = models.JSONField(
        default=dict, blank=True, help_text="A name's script, language, form; primary or not."
    )
    testimony = models.ForeignKey(
        Testimony,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="claims",
        help_text="The source. Empty for an editor's decision.",
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        blank=True,
        help_text="Who may see an editor's decision; a testimony's claim follows the testimony.",
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.EDITOR)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["field", "value"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, place__isnull=True)
                | Q(person__isnull=True, place__isnull=False),
                name="claim_about_a_person_or_a_place",
            ),
            models.CheckConstraint(
                condition=Q(testimony__isnull=False, visibility="")
                | Q(testimony__isnull=True) & ~Q(visibility=""),
                name="claim_from_a_testimony_or_a_decision",
            ),
        ]

    def __str__(self) -> str:
        source = f"testimony {self.testimony_id}" if self.testimony_id else "editor"
        return f"{self.field} = {self.value} ({source})"


class PersonMerge(models.Model):
    """The record of a merge: a duplicate person folded into another, as they were before."""

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    merged_id = models.PositiveIntegerField(help_text="The merged person's former id.")
    merged_key = models.CharField(max_length=100, blank=True, db_index=True)
    merged_name = models.CharField(max_length=300)
    snapshot = models.JSONField(
        default=dict, help_text="The merged person's fields, names, testimonies and events."
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_name} (#{self.merged_id}) into {self.survivor}"


class SourceCheck(models.Model):
    """One look at a testimony's platform copy: is it still there, and if not, why."""

    class State(models.TextChoices):
        AVAILABLE = "available", gettext_lazy("Available")
        REMOVED = "removed", gettext_lazy("Removed")
        PRIVATE = "private", gettext_lazy("Private or access denied")
        GEO_BLOCKED = "geo_blocked", gettext_lazy("Blocked in a country")
        TERMINATED = "terminated", gettext_lazy("Account terminated")
        ERROR = "error", gettext_lazy("Error")

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="source_checks")
    url = models.URLField(max_length=1000)
    checked_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=12, choices=State.choices, db_index=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="The platform's own words.")

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.testimony.external_id} {self.state} {self.checked_at:%Y-%m-%d}"


class IndexChange(models.Model):
    """A testimony whose derived data (the search indexes) has yet to catch up: the outbox.

    `testimonies.changes.changed` writes one row per testimony in the transaction that
    changed it; whoever keeps the indexes deletes the row once they agree with the database.
    A plain id, not a foreign key: a deleted testimony must leave the indexes too.
    """

    testimony_id = models.BigIntegerField(unique=True)
    version = models.UUIDField(
        default=uuid.uuid4,
        help_text="New with every change: a drain deletes the row only if none came meanwhile.",
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="Waiting since.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]

    def __str__(self) -> str:
        return f"testimony {self.testimony_id} (attempts: {self.attempts})"


class CaseFileRecord(models.Model):
    """One generated case file: who made it, when, about whom, which elements it held.

    Kept for every generation (one file or a bulk ZIP) so that an organisation can answer for
    what left the archive; a refused request leaves none.
    """

    class Format(models.TextChoices):
        JSON = "json", gettext_lazy("JSON")
        PDF = "pdf", gettext_lazy("PDF")

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="case_files"
    )
    person_ref = models.PositiveIntegerField(help_text="The person's id, kept if they go.")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now, db_index=True)
    format = models.CharField(max_length=4, choices=Format.choices)
    elements = models.JSONField(default=list, help_text="The WGEID elements it filled.")
    missing = models.JSONField(default=list, help_text="What the completeness check named.")
    identity_numbers = models.BooleanField(
        default=False, help_text="Identity numbers shown unmasked (a role allowed to see them)."
    )
    levels = models.JSONField(default=list, help_text="The visibility levels it drew on.")
    batch = models.CharField(
        max_length=36, blank=True, db_index=True, help_text="The bulk ZIP it was part of."
    )

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"case file {self.format} of person {self.person_ref} ({self.made_at:%Y-%m-%d})"
