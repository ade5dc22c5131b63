"""The transcript editor in a real browser (Debian's Chromium, Playwright): the keyboard flow,
two sessions on one segment, a lost connection, right-to-left Uyghur, a 360 px phone.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from testimonies import roles
from testimonies.models import Segment, Testimony
from tests.web.conftest import PLAYED
from tests.web.test_browser import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, browser  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
PASSWORD = "pw-for-tests-only"


def _editor(name: str) -> User:
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    roles.grant(user, roles.EDITOR)
    return user


def _open(chromium: Any, live_server: Any, user: str, external_id: str, viewport: Any) -> Any:
    page = chromium.new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/edit/t/{external_id}/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#segments .segment")
    return page


def _until(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll from Python (the site's Content-Security-Policy forbids wait_for_function)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def _rows(external_id: str) -> list[Segment]:
    transcript = Testimony.objects.get(external_id=external_id).current_transcript()
    assert transcript is not None
    return list(transcript.segments.order_by("index"))


def _player(page: Any, what: str) -> Any:
    return page.evaluate(f"() => document.getElementById('player').{what}")


def test_the_keyboard_flow_plays_moves_edits_splits_merges_and_verifies(
    browser: Any,  # noqa: F811
    live_server: Any,
):
    _editor("ed")
    page = _open(browser, live_server, "ed", PLAYED, DESKTOP)
    before = _rows(PLAYED)
    shortcuts = page.locator(".shortcuts").inner_text()
    for key in ("Esc", "Alt", "R", "S", "M", "V"):
        assert key in shortcuts
    page.locator("#segments textarea.text").first.focus()

    page.keyboard.press("Escape")  # play
    _until(lambda: not _player(page, "paused"))
    page.keyboard.press("Escape")  # pause
    _until(lambda: _player(page, "paused"))

    page.keyboard.press("Alt+ArrowDown")  # next segment: the player follows
    second = page.locator(f"#seg-{before[1].pk}")
    assert "focused" in second.get_attribute("class")
    assert abs(_player(page, "currentTime") - before[1].start) < 0.05
    assert page.evaluate("() => document.activeElement.closest('li').id") == f"seg-{before[1].pk}"

    page.keyboard.press("End")
    page.keyboard.type(" Түзетілді.")  # typed, saved without a key or a click
    _until(lambda: Segment.objects.get(pk=before[1].pk).text.endswith("Түзетілді."))
    _until(lambda: "saved" in page.locator("#save-state").inner_text().lower())

    # The playhead inside the segment, then split there.
    middle = round((before[1].start + before[1].end) / 2, 1)
    page.evaluate(f"() => {{ document.getElementById('player').currentTime = {middle}; }}")
    page.keyboard.press("Alt+s")
    _until(lambda: len(_rows(PLAYED)) == len(before) + 1)
    rows = _rows(PLAYED)
    assert rows[1].end == pytest.approx(middle, abs=0.01) and rows[2].start == rows[1].end
    _until(lambda: page.locator("#segments .segment").count() == len(before) + 1)
    page.screenshot(path=str(ARTIFACTS / "editor-split-desktop.png"), full_page=True)

    # Back to the first half, merge it with the second: the words are whole again.
    page.keyboard.press("Alt+ArrowUp")
    _until(lambda: "focused" in page.locator(f"#seg-{rows[1].pk}").get_attribute("class"))
    page.keyboard.press("Alt+m")
    _until(lambda: len(_rows(PLAYED)) == len(before))
    merged = Segment.objects.get(pk=rows[1].pk)
    assert merged.text.endswith("Түзетілді.") and merged.end == pytest.approx(before[1].end)

    # Nudge the start 0.1 s later, then verify: the focus moves on to the next segment.
    _until(lambda: "focused" in page.locator(f"#seg-{merged.pk}").get_attribute("class"))
    page.keyboard.press("Alt+2")
    _until(lambda: Segment.objects.get(pk=merged.pk).start == pytest.approx(before[1].start + 0.1))
    page.keyboard.press("Alt+v")
    _until(lambda: Segment.objects.get(pk=merged.pk).verified_by is not None)
    _until(lambda: "focused" in page.locator(f"#seg-{before[2].pk}").get_attribute("class"))
    assert "1 of" in page.locator("#progress").inner_text()
    # Replay: 3 s back from where the player is.
    page.evaluate("() => { document.getElementById('player').currentTime = 10; }")
    page.keyboard.press("Alt+r")
    _until(lambda: 6.5 < _player(page, "currentTime") < 9.5)
    page.screenshot(path=str(ARTIFACTS / "editor-desktop.png"), full_page=True)


def test_two_sessions_on_one_segment_settle_without_losing_either_text(
    browser: Any,  # noqa: F811
    live_server: Any,
):
    _editor("alma")
    _editor("berik")
    alma = _open(browser, live_server, "alma", PLAYED, DESKTOP)
    berik = _open(browser, live_server, "berik", PLAYED, DESKTOP)
    first = _rows(PLAYED)[0]

    alma.locator(f"#seg-{first.pk} textarea.text").fill("Алманың түзетуі.")
    _until(lambda: Segment.objects.get(pk=first.pk).version == 2)
    berik.locator(f"#seg-{first.pk} textarea.text").fill("Беріктің түзетуі.")

    conflict = berik.locator(f"#seg-{first.pk} .conflict")
    _until(lambda: conflict.is_visible())
    assert "Алманың түзетуі." in conflict.locator(".theirs").inner_text()
    assert "Беріктің түзетуі." in conflict.locator(".yours").inner_text()
    berik.screenshot(path=str(ARTIFACTS / "editor-conflict.png"), full_page=True)
    assert Segment.objects.get(pk=first.pk).text == "Алманың түзетуі."

    conflict.locator(".keep-mine").click()
    _until(lambda: Segment.objects.get(pk=first.pk).text == "Беріктің түзетуі.")
    texts = [h.text for h in Segment.objects.get(pk=first.pk).history.all()]
    assert "Алманың түзетуі." in texts and "Беріктің түзетуі." in texts


def test_typing_without_a_connection_is_kept_and_saved_when_it_returns(
    browser: Any,  # noqa: F811
    live_server: Any,
):
    _editor("ed")
    page = _open(browser, live_server, "ed", PLAYED, PHONE)
    first = _rows(PLAYED)[0]
    page.context.set_offline(True)
    page.locator(f"#seg-{first.pk} textarea.text").fill("Байланыссыз жазылды.")
    _until(lambda: "no connection" in page.locator("#save-state").inner_text())
    assert "Байланыссыз" in page.evaluate("() => localStorage.getItem('editor:demo-kk-001')")

    page.context.set_offline(False)
    _until(lambda: Segment.objects.get(pk=first.pk).text == "Байланыссыз жазылды.")


def test_uyghur_is_edited_right_to_left_on_a_360_px_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
):
    _editor("ed")
    page = _open(browser, live_server, "ed", "demo-ug-001", PHONE)
    text = page.locator("#segments textarea.text").first
    assert text.get_attribute("dir") == "rtl" and text.get_attribute("lang") == "ug"
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('#segments textarea.text')).direction"
        )
        == "rtl"
    )
    english = page.locator("#segments textarea.translation").first
    assert english.get_attribute("dir") == "ltr"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "editor-phone-ug.png"), full_page=True)
    # The Kazakh editor on the same phone, with its player.
    kazakh = _open(browser, live_server, "ed", PLAYED, PHONE)
    assert kazakh.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert kazakh.locator("#player").is_visible()
    kazakh.screenshot(path=str(ARTIFACTS / "editor-phone-kk.png"), full_page=False)
