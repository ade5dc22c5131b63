"""Randomized privacy check (hypothesis): random sequences of imports with random visibility,
visibility changes, re-imports with new spellings and merges. After every step the anonymous
API's people and places equal those of the same archive with every non-public source taken
out, and search finds no spelling that only non-public records hold.

`EXAMPLES` sequences of up to `STEPS` steps run in `make test` (each example in a
transaction rolled back at its end).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from review import decisions
from testimonies.changes import changed
from testimonies.importing import import_file
from testimonies.models import Claim, Person, Testimony
from tests.factories import record, write_jsonl

pytestmark = pytest.mark.django_db

EXAMPLES = 25
STEPS = 6
KEYS = ("erlan", "aigul", "nurlan")
NAMES = {"erlan": "Erlan Kabyl", "aigul": "Aigul Nurlan", "nurlan": "Nurlan Sadyk"}
PLACES = {"erlan": "Ghulja", "aigul": "Tekes", "nurlan": "Zhaosu"}
LEVELS = ("public", "restricted", "draft")
STATUSES = ("missing", "detained", "released", "unknown")
# Spellings only one record holds; far apart, so search's typo tolerance never takes one for
# another (a public "…qwxv…" must not be what a search for a hidden "…jkmp…" finds).
SLOTS = ("qwxv", "jkmp", "bdfh", "tyrn")
_run = itertools.count()

imports = st.tuples(
    st.just("import"),
    st.integers(0, 3),  # which testimony
    st.sampled_from(LEVELS),
    st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True),
    st.booleans(),  # an extra spelling only this record holds
    st.sampled_from(STATUSES),
)
visibility_changes = st.tuples(st.just("visibility"), st.integers(0, 3), st.sampled_from(LEVELS))
merges = st.tuples(st.just("merge"), st.sampled_from(KEYS), st.sampled_from(KEYS))
sequences = st.lists(st.one_of(imports, visibility_changes, merges), min_size=2, max_size=STEPS)


class _Rollback(Exception):
    pass


def _people_and_places(browser: Client) -> str:
    out = {}
    for endpoint in ("people", "places"):
        items = browser.get(f"/api/v1/{endpoint}?page_size=500").json()["results"]
        out[endpoint] = [{k: v for k, v in i.items() if k != "page"} for i in items]
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def _without_hidden_sources(browser: Client) -> str:
    """The same outputs with every non-public source deleted (then rolled back)."""
    sid = transaction.savepoint()
    hidden = Q(testimony__isnull=False) & ~Q(testimony__visibility="public")
    Claim.objects.filter(hidden | Q(testimony__isnull=True) & ~Q(visibility="public")).delete()
    Testimony.objects.exclude(visibility="public").delete()
    view = _people_and_places(browser)
    transaction.savepoint_rollback(sid)
    return view


def _hidden_only_spellings() -> set[str]:
    public = Q(testimony__visibility="public") | Q(testimony__isnull=True, visibility="public")
    seen = set(Claim.objects.filter(public, field="name").values_list("value", flat=True))
    every = set(Claim.objects.filter(field="name").values_list("value", flat=True))
    return every - seen


def _step(step: tuple[Any, ...], run: int, tmp_path: Path) -> None:
    # Letters only: search splits words at digits, and "Zzq 23" would match every run's.
    tag = "".join(chr(ord("a") + int(d)) for d in str(run))
    if step[0] == "import":
        _, slot, visibility, keys, extra, status = step
        people = [
            {
                "key": key,
                "names": [NAMES[key], *([f"Zzq{tag}{SLOTS[slot]}{key}"] if extra else [])],
                "status": status,
            }
            for key in keys
        ]
        places = [
            {"names": [PLACES[key], *([f"Zzq{tag}{SLOTS[slot]}{key}place"] if extra else [])]}
            for key in keys
        ]
        text = " ".join(n for p in people + places for n in p["names"])
        line = record(
            f"r{run}-{slot}",
            visibility=visibility,
            segments=[{"start": 0.0, "end": 3.0, "text": text, "translation": text}],
            people=people,
            places=places,
        )
        import_file(write_jsonl(tmp_path / f"{run}-{slot}.jsonl", [line]))
    elif step[0] == "visibility":
        _, slot, visibility = step
        testimony = Testimony.objects.filter(external_id=f"r{run}-{slot}").first()
        if testimony is not None:
            testimony.visibility = visibility
            testimony.save()
            changed([testimony.pk], now=True)
    else:
        _, survivor_key, other_key = step
        survivor = Person.objects.filter(key=survivor_key).first()
        other = Person.objects.filter(key=other_key).first()
        if survivor and other and survivor != other:
            decisions.merge_people(survivor, [other])


@pytest.fixture
def browser(meili: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    rates = {"anon": "100000/minute", "user": "100000/minute"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    return Client()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    # No shrinking in `make test`: a failure prints its sequence as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=sequences)
def test_public_people_and_places_follow_public_sources_only(
    browser: Client, tmp_path: Path, steps: list[tuple[Any, ...]]
) -> None:
    run = next(_run)
    try:
        with transaction.atomic():
            for step in steps:
                _step(step, run, tmp_path)
                assert _people_and_places(browser) == _without_hidden_sources(browser), step
                # Every document rebuilt from what the database holds now, so a hidden fact
                # in any public document would be found.
                changed(Testimony.objects.values_list("pk", flat=True), now=True)
                for spelling in _hidden_only_spellings():
                    found = browser.get(f"/api/v1/search?q={spelling}").json()
                    assert not found["hits"], f"{spelling} found after {step}"
            raise _Rollback
    except _Rollback:
        pass
