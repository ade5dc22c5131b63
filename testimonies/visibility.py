"""Who may see what: the one visibility policy that every page, API view, export, match,
media file, subtitle track and search document starts from.

A testimony is a draft (editors), restricted (vetted researchers) or public. What an account
may see follows from its roles (`testimonies.roles`); everything else about a row (its
segments, media, events, the people and places it names) is visible when a testimony it
belongs to is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q

from testimonies import roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    # For the querysets' model parameters below (strings: models.py imports this module).
    from testimonies.models import (  # noqa: F401
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
    DRAFT = "draft", "Draft (editors only)"
    RESTRICTED = "restricted", "Restricted (vetted researchers)"
    PUBLIC = "public", "Public"


# What anyone may see, signed in or not.
PUBLIC_LEVELS: tuple[str, ...] = (Visibility.PUBLIC,)
# The one level search indexes hold: public search serves anyone, so nothing else goes in.
INDEXED_LEVEL: str = Visibility.PUBLIC
_RESEARCHER_LEVELS: tuple[str, ...] = (Visibility.PUBLIC, Visibility.RESTRICTED)
_ALL_LEVELS: tuple[str, ...] = (Visibility.PUBLIC, Visibility.RESTRICTED, Visibility.DRAFT)


def levels_for(user: Account) -> tuple[str, ...]:
    """Public for everyone; restricted too for vetted researchers; drafts for staff."""
    if roles.may_see_drafts(user):
        return _ALL_LEVELS
    if roles.may_see_restricted(user):
        return _RESEARCHER_LEVELS
    return PUBLIC_LEVELS


def is_public(visibility: str) -> bool:
    return visibility == Visibility.PUBLIC


M = TypeVar("M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[M]):
    """A queryset that knows the path from its rows to their testimonies' visibility."""

    # The lookup from this model to Testimony.visibility; "" for Testimony itself.
    testimony_path = ""
    # Rows that are visible whatever their testimonies (none unless a model says so).
    always_visible: Q | None = None
    # Through a many-to-many (a person in several testimonies), joins repeat rows.
    through_many = False

    def _field(self) -> str:
        return f"{self.testimony_path}__visibility" if self.testimony_path else "visibility"

    def at_levels(self, levels: tuple[str, ...] | list[str]) -> VisibleQuerySet[M]:
        condition = Q(**{f"{self._field()}__in": list(levels)})
        if self.always_visible is not None:
            condition |= self.always_visible
        visible = self.filter(condition)
        return visible.distinct() if self.through_many else visible

    def visible_to(self, user: Account) -> VisibleQuerySet[M]:
        return self.at_levels(levels_for(user))

    def public(self) -> VisibleQuerySet[M]:
        """What anonymous visitors, public pages and search indexes see."""
        return self.at_levels(PUBLIC_LEVELS)


class TestimonyQuerySet(VisibleQuerySet["Testimony"]):
    """Testimonies carry the visibility themselves (the default, empty path)."""


class TranscriptQuerySet(VisibleQuerySet["Transcript"]):
    testimony_path = "testimony"


class SegmentQuerySet(VisibleQuerySet["Segment"]):
    testimony_path = "transcript__testimony"


class MediaQuerySet(VisibleQuerySet["MediaAsset"]):
    testimony_path = "testimony"


class EventQuerySet(VisibleQuerySet["Event"]):
    testimony_path = "testimony"


class PersonQuerySet(VisibleQuerySet["Person"]):
    testimony_path = "testimonies"
    through_many = True


class PlaceQuerySet(VisibleQuerySet["Place"]):
    """Gazetteer places are public knowledge; others are visible through their testimonies."""

    testimony_path = "testimonies"
    always_visible = Q(gazetteer_id__isnull=False)
    through_many = True
