"""The person page in Chinese and Uyghur in Chromium: labels translated, glyphs drawn by a
font that has them (Noto CJK, Noto Arabic), not as empty boxes. Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from testimonies.models import Event, Person, Testimony
from tests.web.test_browser import ARTIFACTS, CHROMIUM, DESKTOP, browser  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

ENGLISH_CHOICES = {str(label) for _, label in [*Person.Status.choices, *Event.Kind.choices]}


def _fonts(page: Any, selector: str) -> dict[str, int]:
    """Family → glyphs drawn with it, for the text under ``selector`` (Chromium's own report:
    a glyph no installed font has is drawn with a fallback that is not a script's font)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    used: dict[str, int] = {}
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            used[font["familyName"]] = used.get(font["familyName"], 0) + font["glyphCount"]
    return used


@pytest.mark.parametrize(
    ("language", "script_font", "sentenced"),
    [("zh-hans", "CJK", "被判刑"), ("ug", "Arabic", "كېسىلگەن")],
)
def test_the_person_page_is_translated_and_drawn_in_its_script(
    browser: Any,  # noqa: F811
    live_server: Any,
    language: str,
    script_font: str,
    sentenced: str,
):
    person = Person.objects.get(key="p-erlan-kabyl")
    context = browser.new_context(viewport=DESKTOP, locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/people/{person.pk}/")
    kinds = page.locator(".timeline .kind").all_inner_texts()
    status = page.locator("article.person p.meta").inner_text()
    assert len(kinds) == 4 and sentenced in kinds
    assert not ENGLISH_CHOICES & {*kinds, status.split("·")[0].strip()}
    page.screenshot(path=str(ARTIFACTS / f"person-{language}.png"), full_page=True)
    fonts = _fonts(page, ".timeline .kind, article.person p.meta")
    assert fonts, "Chromium reported no font for the labels"
    scripts = {family: n for family, n in fonts.items() if script_font in family}
    assert scripts, f"labels drawn without a {script_font} font: {fonts}"
    # Every glyph of the labels comes from a font made for the script (or Latin digits).
    assert all("Noto" in family or "DejaVu" in family for family in fonts), fonts
    context.close()


def test_the_demo_testimony_in_chinese_is_drawn_with_a_cjk_font(
    browser: Any,  # noqa: F811
    live_server: Any,
    demo: Testimony,
):
    person = Person.objects.get(key="p-erlan-kabyl")
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    fonts = _fonts(page, "ul.spellings li[lang], ul.spellings li")
    assert any("CJK" in f for f in fonts), fonts  # 叶尔兰·卡布勒 among the spellings
    assert any("Arabic" in f for f in fonts), fonts  # ئېرلان قابىل
