"""Validation of the staff pages' query parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    """?since=YYYY-MM-DD&until=YYYY-MM-DD, both optional, until on or after since."""

    since = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("From"))
    until = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("Until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The period ends before it starts: swap the dates."))
        return data


class DrawnRegionForm(forms.Form):
    """A region drawn by an editor on the review page: a time span and a rectangle in the
    video's pixels (the page fills the rectangle from a drag on the frame)."""

    start = forms.FloatField(label=_("From (s)"), min_value=0)
    end = forms.FloatField(label=_("To (s)"), min_value=0)
    x0 = forms.FloatField(label="x0", min_value=0)
    y0 = forms.FloatField(label="y0", min_value=0)
    x1 = forms.FloatField(label="x1", min_value=0)
    y1 = forms.FloatField(label="y1", min_value=0)
