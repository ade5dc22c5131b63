"""The review page of a public copy: editors see the regions on frames, decide, draw, render
again and mark it reviewed; everyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from evidence import public_copies
from testimonies import roles
from testimonies.models import MediaAsset, RegionDecision, VideoRedaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(original: MediaAsset) -> VideoRedaction:
    redaction_id = public_copies.prepare(original.pk)
    assert redaction_id is not None and public_copies.render(redaction_id)
    return VideoRedaction.objects.get(pk=redaction_id)


def _editor_client() -> tuple[Client, User]:
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    client = Client()
    client.force_login(editor)
    return client, editor


def test_only_editors_reach_the_review_page(rendered: VideoRedaction):
    researcher = User.objects.create_user("researcher", password="x")
    roles.grant(researcher, roles.RESEARCHER)
    reader = Client()
    reader.force_login(researcher)
    for url in (f"/staff/copies/{rendered.pk}/", f"/staff/copies/{rendered.pk}/frame.jpg?t=1"):
        assert Client().get(url).status_code == 302  # to the login page
        assert reader.get(url).status_code == 403
    assert (
        reader.post(f"/staff/copies/{rendered.pk}/decide", {"action": "reviewed"}).status_code
        == 403
    )
    assert VideoRedaction.objects.get(pk=rendered.pk).reviewed_at is None


def test_the_page_shows_each_region_on_a_frame_and_records_decisions(
    rendered: VideoRedaction, django_capture_on_commit_callbacks: Any
):
    client, editor = _editor_client()
    page = client.get(f"/staff/copies/{rendered.pk}/").content.decode()
    (region,) = rendered.regions
    assert f'id="region-{region["id"]}"' in page and rendered.original.sha256 in page
    frame = client.get(f"/staff/copies/{rendered.pk}/frame.jpg?t=2")
    assert frame.status_code == 200 and frame["Content-Type"] == "image/jpeg"
    assert frame.content[:2] == b"\xff\xd8"

    decide = f"/staff/copies/{rendered.pk}/decide"
    client.post(decide, {"action": "accept", "region": region["id"]})
    client.post(
        decide, {"action": "add", "start": 0, "end": 1, "x0": 0, "y0": 0, "x1": 50, "y1": 40}
    )
    decisions = list(RegionDecision.objects.values_list("action", "region_id", "decided_by"))
    assert decisions == [("accept", region["id"], editor.pk), ("add", "e1", editor.pk)]

    # A decision after the rendering: reviewing waits for a new one.
    refused = client.post(decide, {"action": "reviewed"}, follow=True).content.decode()
    assert "render it again" in refused
    with django_capture_on_commit_callbacks(execute=False) as sent:
        client.post(decide, {"action": "render"})
    assert [c.__qualname__ for c in sent] == [
        f"evidence.tasks.render_public_copy({rendered.pk}, False)"
    ]
    assert public_copies.render(rendered.pk, detect=False)
    client.post(decide, {"action": "reviewed"})
    rendered.refresh_from_db()
    assert rendered.reviewed_by == editor and rendered.reviewed_at is not None


def test_a_bad_drawn_region_is_refused_with_a_message(rendered: VideoRedaction):
    client, _ = _editor_client()
    page = client.post(
        f"/staff/copies/{rendered.pk}/decide",
        {"action": "add", "start": 1, "end": 0.5, "x0": 0, "y0": 0, "x1": 5, "y1": 5},
        follow=True,
    ).content.decode()
    assert "start before it ends" in page
    assert not RegionDecision.objects.exists()
