"""Editors' changes made through the admin, as an editor makes them."""

from __future__ import annotations

from django.test import Client

from testimonies.models import Testimony


def make_restricted(browser: Client, testimony: Testimony) -> None:
    """The testimony's change form, saved with visibility "restricted" and nothing else changed."""
    url = f"/admin/testimonies/testimony/{testimony.pk}/change/"
    form = browser.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "visibility": "restricted",
            "people": [p.pk for p in testimony.people.all()],
            "places": [p.pk for p in testimony.places.all()],
            "languages": '["kk"]',
            **{
                f"{inline}-{n}_FORMS": "0"
                for inline in ("transcripts", "media", "events")
                for n in ("TOTAL", "INITIAL")
            },
        }
    )
    response = browser.post(url, data)
    assert response.status_code == 302, response.content[:3000]
