"""Places inside a place: the database's children and the gazetteer's, at any depth."""

from __future__ import annotations

from django.db.models import QuerySet

from names import gazetteer
from testimonies.models import Place


def places_within(place_id: int, *, among: QuerySet[Place] | None = None) -> tuple[int, ...]:
    """Ids of the places inside a place (its children in the database at any depth, and the
    places of the gazetteer places inside its own: a county's townships), chosen ``among``
    the given places (all of them by default)."""
    places = Place.objects.all() if among is None else among
    gazetteer_id = Place.objects.filter(pk=place_id).values_list("gazetteer_id", flat=True).first()
    within: set[int] = set()
    if gazetteer_id:
        inside = gazetteer.descendants(gazetteer_id)[1:]
        within |= set(places.filter(gazetteer_id__in=inside).values_list("pk", flat=True))
    frontier = {place_id}
    while frontier:
        frontier = set(places.filter(parent__in=frontier).values_list("pk", flat=True))
        frontier -= within | {place_id}
        within |= frontier
    return tuple(sorted(within))
