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
