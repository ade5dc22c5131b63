"""REST API query filters (django-filter): validated values only, never pasted into a query."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from testimonies.models import Claim, Event, Person, Place, Segment, Testimony
from testimonies.visibility import levels_for


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A year filter that answers any number: a year the database cannot hold (65248)
    finds nothing instead of failing inside the date lookup."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value in (None, ""):
            return qs
        if not 1 <= value <= 9999:
            return qs.none()
        return qs.filter(**{self.field_name: int(value)})


def year_filter(lookup: str) -> YearFilter:
    return YearFilter(field_name=lookup)


class TestimonyFilter(django_filters.FilterSet):
    year_from = year_filter("recorded_on__year__gte")
    year_to = year_filter("recorded_on__year__lte")
    person: django_filters.NumberFilter = django_filters.NumberFilter(field_name="people")
    place: django_filters.NumberFilter = django_filters.NumberFilter(field_name="places")

    class Meta:
        model = Testimony
        fields = ["language", "source_platform", "status"]


class SegmentFilter(django_filters.FilterSet):
    testimony = django_filters.CharFilter(field_name="transcript__testimony__external_id")
    language = django_filters.CharFilter(field_name="transcript__language")
    start_from = django_filters.NumberFilter(field_name="start", lookup_expr="gte")
    start_to = django_filters.NumberFilter(field_name="start", lookup_expr="lte")

    class Meta:
        model = Segment
        fields = ["edited"]


class EventFilter(django_filters.FilterSet):
    year = year_filter("date__year")
    # Plain numbers, not choices: an unknown id finds nothing rather than being an error.
    person: django_filters.NumberFilter = django_filters.NumberFilter(field_name="person")
    place: django_filters.NumberFilter = django_filters.NumberFilter(field_name="place")

    class Meta:
        model = Event
        fields = ["kind", "review"]


class _ClaimedFilterSet(django_filters.FilterSet):
    """Filters on facts match the claims the account may see (`testimonies.facts`), never
    a column another source may have written."""

    subject = ""

    def claimed(self, queryset: Any, name: str, value: Any) -> Any:
        if value in (None, ""):
            return queryset
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else value
        user = getattr(self.request, "user", None)
        claims = Claim.objects.at_levels(levels_for(user)).filter(
            field=name, value=str(value), **{self.subject: OuterRef("pk")}
        )
        return queryset.filter(Exists(claims))


@extend_schema_field(OpenApiTypes.INT)
class ClaimedYearFilter(django_filters.NumberFilter):
    pass


class PersonFilter(_ClaimedFilterSet):
    subject = "person"
    status = django_filters.ChoiceFilter(choices=Person.Status.choices, method="claimed")
    gender = django_filters.ChoiceFilter(choices=Person.Gender.choices, method="claimed")
    ethnicity = django_filters.CharFilter(method="claimed")
    birth_year = ClaimedYearFilter(method="claimed")

    class Meta:
        model = Person
        fields: list[str] = []


class PlaceFilter(_ClaimedFilterSet):
    subject = "place"
    type = django_filters.ChoiceFilter(choices=Place.Type.choices, method="claimed")
    gazetteer_id = django_filters.CharFilter(method="claimed")
    parent: django_filters.NumberFilter = django_filters.NumberFilter(field_name="parent")

    class Meta:
        model = Place
        fields: list[str] = []
