"""Every choice a reader sees has a label in each shipped interface language."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from testimonies import labels
from testimonies.languages import LANGUAGES
from testimonies.models import Event, Person

OUR_APPS = {"testimonies", "transcription", "evidence", "review", "search", "web"}
SHIPPED = [code for code, _ in settings.LANGUAGES if code != "en"]


def _choice_labels() -> list[tuple[str, Any]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "flatchoices", None) or []:
                found.append((f"{model.__name__}.{field.name}", label))
    found += [("LANGUAGES", label) for label in LANGUAGES.values()]
    found += [("RELATIONS", label) for label in labels.RELATIONS.values()]
    return found


def test_the_shipped_languages_are_the_five_the_site_offers():
    assert sorted(SHIPPED) == ["kk", "ru", "ug", "zh-hans"]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_choice_label_has_a_translation(language: str):
    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    missing = []
    for where, label in _choice_labels():
        with translation.override("en"):
            msgid = str(label)
        with translation.override(language):
            shown = str(label)
        if catalog.get(msgid) is None or shown != catalog.get(msgid):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"untranslated in {language}: " + ", ".join(sorted(set(missing)))


def test_labels_follow_the_interface_language():
    with translation.override("zh-hans"):
        assert labels.status_label(Person.Status.SENTENCED) == "被判刑"
        assert labels.kind_label(Event.Kind.SENT_TO_CAMP) == "被送入营地"
        assert labels.language_label("kk") == "哈萨克语"
    with translation.override("ug"):
        assert labels.relation_label("Sister") == "ھەدىسى"
    with translation.override("ru"):
        assert Person(status="missing").get_status_display() == "Пропал без вести"
    # Free text and unknown codes are shown as stored.
    assert labels.relation_label("godmother") == "godmother"
    assert labels.status_label("arrested") == "arrested"
