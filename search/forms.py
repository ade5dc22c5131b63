"""Validation of search parameters, shared by the page, the API and the command."""

from typing import Any

from django import forms

from names import gazetteer
from search.query import SearchParams
from testimonies.importing import EXTERNAL_ID
from testimonies.languages import LANGUAGE_CHOICES
from testimonies.models import Person
from testimonies.places import places_within

MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY, strip=True)
    language = forms.ChoiceField(required=False, choices=[("", "any"), *LANGUAGE_CHOICES])
    place = forms.CharField(
        required=False,
        max_length=100,
        help_text=(
            "A place id, a gazetteer id or a place name in any script (Ghulja, Құлжа, 伊宁…); "
            "the places inside it count too (a county's townships, a prefecture's counties)."
        ),
    )
    person = forms.IntegerField(required=False, min_value=1)
    year_from = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    testimony = forms.RegexField(required=False, regex=EXTERNAL_ID)
    status = forms.ChoiceField(required=False, choices=[("", "any"), *Person.Status.choices])
    limit = forms.IntegerField(required=False, min_value=1, max_value=100)
    offset = forms.IntegerField(required=False, min_value=0, max_value=99_900)

    def clean_q(self) -> str:
        value: str = self.cleaned_data.get("q") or ""
        # Control characters have no place in a query and could confuse highlighting.
        return "".join(ch for ch in value if ch.isprintable())

    def clean_place(self) -> int | tuple[str, ...] | None:
        """A place id, or the gazetteer places a name (or a gazetteer id) denotes; either
        with every place inside it, so a county finds its townships' testimonies too."""
        value = (self.cleaned_data.get("place") or "").strip()
        if not value:
            return None
        if value.isdigit():
            return int(value)
        try:
            named = [gazetteer.get(value).id]
        except KeyError:
            named = gazetteer.expand_query_places(value)
        if not named:
            raise forms.ValidationError(
                f"{value!r} is not a place in the gazetteer; try another spelling or a place id."
            )
        return tuple(
            dict.fromkeys(i for place_id in named for i in gazetteer.descendants(place_id))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            raise forms.ValidationError("year_from must not be after year_to.")
        return data

    def params(self) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=data.get("q") or "",
            language=data.get("language") or None,
            place=place if isinstance(place := data.get("place"), int) else None,
            place_within=places_within(place) if isinstance(place, int) else (),
            place_ids=place if isinstance(place, tuple) else (),
            person=data.get("person"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            testimony=data.get("testimony") or None,
            status=data.get("status") or None,
            limit=data.get("limit") or 20,
            offset=data.get("offset") or 0,
        )
