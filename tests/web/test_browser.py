"""The site in a real browser: Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from testimonies.models import Testimony
from tests.web.conftest import PLAYED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def browser(demo: Testimony, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async guard does not apply here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield chromium
        chromium.close()


def _wait_for_time(page: Any, seconds: float, timeout: float = 15.0) -> None:
    """Poll from Python: the site's Content-Security-Policy forbids the eval that
    Playwright's wait_for_function needs, and the policy stays on in these tests."""
    deadline = time.monotonic() + timeout
    current = None
    while time.monotonic() < deadline:
        current = page.evaluate("() => document.getElementById('player').currentTime")
        if current is not None and abs(current - seconds) < 1:
            return
        time.sleep(0.1)
    raise AssertionError(f"the player is at {current}, not within 1 s of {seconds}")


def test_a_name_in_another_script_leads_to_the_moment_it_is_said(browser: Any, live_server: Any):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/")
    page.fill("#id_q", "Erlan Kabyl")  # typed in Latin; the Kazakh transcript says Ерлан
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".hit")
    page.screenshot(path=str(ARTIFACTS / "search-desktop.png"), full_page=True)
    hit = page.locator(".hit").filter(has=page.locator(f'a[href^="/t/{PLAYED}/"]')).first
    link = hit.locator("h2 a")
    start = float(parse_qs(urlparse(link.get_attribute("href")).query)["t"][0])
    assert "Ерлан" in hit.inner_text()

    link.click()
    _wait_for_time(page, start)
    current = page.locator(".segment.current")
    assert current.count() == 1
    assert abs(float(current.get_attribute("data-start")) - start) < 1
    page.screenshot(path=str(ARTIFACTS / "testimony-desktop.png"), full_page=True)

    # Clicking another segment seeks the player there and moves the highlight.
    other = page.locator(".segment").nth(4)
    other.locator(".seek").click()
    target = float(other.get_attribute("data-start"))
    _wait_for_time(page, target)
    assert "current" in other.get_attribute("class")


def test_results_appear_while_typing(browser: Any, live_server: Any):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/")
    page.type("#id_q", "Құлжа", delay=40)
    page.wait_for_selector(".hit")
    assert "q=" in page.url
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"


def test_switching_to_uyghur_lays_the_page_out_right_to_left(browser: Any, live_server: Any):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/t/{PLAYED}/")
    page.select_option("#language-select", "ug")
    page.click(".languages button")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ug"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.screenshot(path=str(ARTIFACTS / "testimony-phone-ug.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_the_testimony_page_works_without_javascript(browser: Any, live_server: Any):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    testimony = Testimony.objects.get(external_id=PLAYED)
    segment = testimony.current_transcript().segments.all()[3]  # type: ignore[union-attr, misc]
    page.goto(f"{live_server.url}/t/{PLAYED}/?t={segment.start:g}")
    assert page.locator(".segment").count() == testimony.current_transcript().segments.count()  # type: ignore[union-attr]
    assert page.locator(".segment.current").get_attribute("id") == f"s{segment.index}"
    assert f"#t={segment.start:.3f}" in page.locator("#player").get_attribute("src")
    assert page.locator("a[download]").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "testimony-phone-nojs.png"), full_page=True)
    # The search form works without JavaScript too.
    page.goto(f"{live_server.url}/?q=Kabyl")
    assert page.locator(".hit").count() > 0
    context.close()
