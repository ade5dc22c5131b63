"""Who changed what (audit trail), roles as groups, and login throttling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from testimonies.importing import import_file
from testimonies.models import Testimony
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_on_record_with_who_and_before_after(meili: Any, tmp_path: Path):
    import_file(write_jsonl(tmp_path / "a.jsonl", [record("t-001")]))
    testimony = Testimony.objects.get()
    editor = User.objects.create_superuser("editor", "e@example.org", "pw-for-tests-only")
    browser = Client()
    browser.force_login(editor)
    form = (
        browser.get(f"/admin/testimonies/testimony/{testimony.pk}/change/")
        .context["adminform"]
        .form
    )
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "title": "Corrected title",
            "people": [p.pk for p in testimony.people.all()],
            "places": [p.pk for p in testimony.places.all()],
            "languages": '["kk"]',
            "transcripts-TOTAL_FORMS": "0",
            "transcripts-INITIAL_FORMS": "0",
            "media-TOTAL_FORMS": "0",
            "media-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )
    response = browser.post(f"/admin/testimonies/testimony/{testimony.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]

    latest, previous = testimony.history.all()[:2]
    assert latest.history_user == editor
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["title"] == (record()["title"], "Corrected title")
    history = browser.get(f"/admin/testimonies/testimony/{testimony.pk}/history/")
    assert b"Corrected title" in history.content or b"editor" in history.content


def test_roles_are_groups_with_their_permissions():
    editor = Group.objects.get(name="editor").permissions.values_list("codename", flat=True)
    researcher = Group.objects.get(name="researcher").permissions.values_list("codename", flat=True)
    reviewer = Group.objects.get(name="reviewer").permissions.values_list("codename", flat=True)
    assert {"change_segment", "change_testimony", "add_person"} <= set(editor)
    assert "delete_testimony" not in editor
    assert set(researcher) >= {"view_testimony"} and not any(
        c.startswith(("change_", "add_", "delete_")) for c in researcher
    )
    assert "change_mention" in reviewer and "change_segment" not in reviewer


def test_repeated_failed_logins_lock_the_account_out():
    User.objects.create_superuser("admin", "a@example.org", "right-password-123")
    browser = Client()
    for _ in range(5):
        browser.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = browser.post(
        "/admin/login/", {"username": "admin", "password": "right-password-123"}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in browser.session
