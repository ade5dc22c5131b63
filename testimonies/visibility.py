"""Who may see what: the one visibility policy that every page, API view, export, match,
media file, subtitle track and search document starts from.

A testimony is a draft (editors), restricted (vetted researchers) or public. What an account
may see follows from its roles (`testimonies.roles`); everything else about a row (its
segments, media, events, the people and places it names) is visible when a testimony it
belongs to is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from testimonies import roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    # For the querysets' model parameters below (strings: models.py imports this module).
    from testimonies.models import (  # noqa: F401
        Claim,
        Event,
        MediaAsset,
        Person,
        Place,
        Segment,
        Testimony,
        Transcript,
    )

    Account = AbstractBaseUser | AnonymousUser | None
else:
    Account = Any


class Visibility(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft (editors only)")
    RESTRICTED = "restricted", gettext_lazy("Restricted (vetted researchers)")
    PUBLIC = "public", gettext_lazy("Public")


# MediaAsset.Kind.PUBLIC_COPY: a video with identity documents blurred, the only video the
# public gets (the model imports this module, so the value lives here).
PUBLIC_COPY_KIND = "blurred"

# What anyone may see, signed in or not.
PUBLIC_LEVELS: tuple[str, ...] = (Visibility.PUBLIC,)
# The levels search indexes hold, each level in indexes of its own: public search serves
# anyone and reads only the public ones (INDEXED_LEVEL); researchers search the restricted
# ones too. Drafts are never indexed.
INDEXED_LEVEL: str = Visibility.PUBLIC
INDEXED_LEVELS: tuple[str, ...] = (Visibility.PUBLIC, Visibility.RESTRICTED)
_RESEARCHER_LEVELS: tuple[str, ...] = (Visibility.PUBLIC, Visibility.RESTRICTED)
_ALL_LEVELS: tuple[str, ...] = (Visibility.PUBLIC, Visibility.RESTRICTED, Visibility.DRAFT)


def levels_for(user: Account) -> tuple[str, ...]:
    """Public for everyone; restricted too for vetted researchers; drafts for staff."""
    if roles.may_see_drafts(user):
        return _ALL_LEVELS
    if roles.may_see_restricted(user):
        return _RESEARCHER_LEVELS
    return PUBLIC_LEVELS


def readers_of(level: str) -> tuple[str, ...]:
    """The levels of the accounts that may read a record at ``level`` (a restricted
    record's readers see public and restricted records)."""
    for levels in (PUBLIC_LEVELS, _RESEARCHER_LEVELS, _ALL_LEVELS):
        if level in levels:
            return levels
    raise ValueError(f"unknown visibility {level!r}")


def is_public(visibility: str) -> bool:
    return visibility == Visibility.PUBLIC


M = TypeVar("M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[M]):
    """A queryset that knows the path from its rows to their testimonies' visibility."""

    # The lookup from this model to Testimony.visibility; "" for Testimony itself.
    testimony_path = ""

    def _field(self) -> str:
        return f"{self.testimony_path}__visibility" if self.testimony_path else "visibility"

    def at_levels(self, levels: tuple[str, ...] | list[str]) -> Self:
        return self.filter(**{f"{self._field()}__in": list(levels)})

    def visible_to(self, user: Account) -> Self:
        return self.at_levels(levels_for(user))

    def public(self) -> Self:
        """What anonymous visitors, public pages and search indexes see."""
        return self.at_levels(PUBLIC_LEVELS)


class TestimonyQuerySet(VisibleQuerySet["Testimony"]):
    """Testimonies carry the visibility themselves (the default, empty path)."""

    def correctable_by(self, user: Account) -> Self:
        """The testimonies whose transcript this account may correct in the editor: editors
        every one they may see; a transcriber those given to them, public or draft, and
        restricted ones only when vetted for them (a researcher too)."""
        if roles.may_correct_every_transcript(user):
            return self.visible_to(user)
        if not roles.is_transcriber(user):
            return self.none()
        levels: list[str] = [Visibility.PUBLIC, Visibility.DRAFT]
        if roles.has_role(user, roles.RESEARCHER):
            levels.append(Visibility.RESTRICTED)
        return self.filter(transcribers=user).at_levels(levels)


class TranscriptQuerySet(VisibleQuerySet["Transcript"]):
    testimony_path = "testimony"


class SegmentQuerySet(VisibleQuerySet["Segment"]):
    testimony_path = "transcript__testimony"


class MediaQuerySet(VisibleQuerySet["MediaAsset"]):
    testimony_path = "testimony"

    def without_identity_documents(self) -> Self:
        """Files that cannot show an identity document in the picture: public copies whose
        regions an editor reviewed (or any rendered copy, with
        VIDEO_BLUR_PUBLISH_UNREVIEWED), and sound without a picture. Never an original
        video, and never an older rendering of a copy (no longer linked to its job)."""
        copies = Q(kind=PUBLIC_COPY_KIND, redaction__state="ready")
        if not settings.VIDEO_BLUR_PUBLISH_UNREVIEWED:
            copies &= Q(redaction__reviewed_at__isnull=False)
        sound = Q(video_codec="", content_type__startswith="audio/")
        return self.filter(copies | sound)

    def servable_to(self, user: Account) -> Self:
        """Media files an account may fetch or play: a public testimony's only (an original
        is evidence, not publication); of those, researchers and editors get every file, the
        public only files without identity documents."""
        files = self.public()
        return files if roles.may_see_restricted(user) else files.without_identity_documents()


def player_media(testimony: Testimony, user: Account) -> tuple[MediaAsset | None, str]:
    """The file a testimony's page plays for an account, and why there is none or only sound.

    Reasons: "" (the file plays as it is), "not_public" (media only for public testimonies),
    "no_media", "video_pending" (the public gets sound or nothing until a reviewed copy with
    identity documents blurred exists).
    """
    if not is_public(testimony.visibility):
        return None, "not_public"
    assets = sorted(testimony.media.all(), key=lambda a: a.pk)
    if not assets:
        return None, "no_media"
    if roles.may_see_restricted(user):
        return testimony.playable_media(), ""
    allowed = set(
        type(assets[0])
        .objects.filter(pk__in=[a.pk for a in assets])
        .without_identity_documents()
        .values_list("pk", flat=True)
    )
    copies = [a for a in assets if a.pk in allowed and a.kind == PUBLIC_COPY_KIND]
    if copies:
        return copies[-1], ""
    sound = [a for a in assets if a.pk in allowed]
    original_video = any(a.has_video for a in assets if a.kind == "original")
    if sound:
        return sound[0], "video_pending" if original_video else ""
    return None, "video_pending" if original_video else "no_media"


def editor_recording(testimony: Testimony, user: Account) -> MediaAsset | None:
    """The file the transcript editor plays for an account. Editors and vetted researchers
    hear the original. A volunteer transcriber never gets a picture of an identity document:
    a file without a picture (a sound original, or the sound working copy), else the rendered
    public copy (reviewed or not, its numbers are blurred), else nothing."""
    original = testimony.playable_media()
    if (
        original is None
        or roles.may_correct_every_transcript(user)
        or roles.may_see_restricted(user)
    ):
        return original
    assets = sorted(testimony.media.all(), key=lambda a: a.pk)
    sound = [a for a in assets if a.kind != PUBLIC_COPY_KIND and not a.has_video]
    if sound:
        return sound[0]
    return (
        type(original)
        .objects.filter(testimony=testimony, kind=PUBLIC_COPY_KIND, redaction__state="ready")
        .order_by("-pk")
        .first()
    )


class EventQuerySet(VisibleQuerySet["Event"]):
    testimony_path = "testimony"


class ClaimQuerySet(VisibleQuerySet["Claim"]):
    """A testimony's claim is visible when its testimony is; an editor's decision carries
    its own visibility."""

    testimony_path = "testimony"

    def at_levels(self, levels: tuple[str, ...] | list[str]) -> Self:
        return self.filter(
            Q(testimony__visibility__in=list(levels))
            | Q(testimony__isnull=True, visibility__in=list(levels))
        )


def claim_visible(claim: Claim, levels: tuple[str, ...] | list[str]) -> bool:
    """The same rule in Python, for claims already loaded with their testimony."""
    testimony = claim.testimony if claim.testimony_id is not None else None
    if testimony is not None:
        return testimony.visibility in levels
    return claim.visibility in levels


def _named_at(queryset: Any, subject: str, levels: tuple[str, ...] | list[str]) -> Any:
    """People and places exist for an account when a claim it may see names them: one named
    only in draft or restricted testimonies does not exist in public."""
    claims: Any = cast(Any, queryset.model._meta.get_field("claims").related_model)
    named = claims.objects.at_levels(levels).filter(field="name", **{subject: OuterRef("pk")})
    return queryset.filter(Exists(named))


class PersonQuerySet(VisibleQuerySet["Person"]):
    def at_levels(self, levels: tuple[str, ...] | list[str]) -> Self:
        return cast(Self, _named_at(self, "person", levels))


class PlaceQuerySet(VisibleQuerySet["Place"]):
    """Gazetteer places too: being in the gazetteer is public knowledge, being named in the
    archive is not, so a place exists in public through public claims only."""

    def at_levels(self, levels: tuple[str, ...] | list[str]) -> Self:
        return cast(Self, _named_at(self, "place", levels))
