"""Migrations upgrade a database from the last release without losing a row or a value.

A SQLite file is migrated to the release's last migration with the current migration
graph, filled through the historical models of that state (every table of the app, the
role groups, users), then migrated to the latest state of every app, as `migrate` does on
an upgrade. Every row must still be there, with the same value in every column it had.

Each step runs in its own process with DATABASE_URL pointing at the file, so the project's
data migrations (which write to the default database) and Django's caches never meet the
test database of this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]

# The last release is commit 2b81ad8; `git ls-tree 2b81ad8 testimonies/migrations/` ends with
# this migration. A database in production is at (at least) this state.
RELEASE_MIGRATION = ("testimonies", "0008_mention_kept_through_retranscription")

# Tables whose every row must survive, by "app_label.model_name" at the release: all of the
# app (its history tables and many-to-many tables too) and the accounts of auth.
# Permissions and content types are left out: migrations and post_migrate maintain them.
CHECKED_APPS = {"testimonies"}
CHECKED_MODELS = {"auth.group", "auth.user", "auth.user_groups", "auth.user_user_permissions"}

# A later migration that drops or renames a column on purpose says so here, and why:
# DROPPED = {"testimonies.segment": {"edited"}}, RENAMED = {"testimonies.segment": {"a": "b"}}.
DROPPED: dict[str, set[str]] = {}
RENAMED: dict[str, dict[str, str]] = {}
# Rows later migrations add on purpose: the groups of the transcriber role (0011) and the
# ngo role (0013).
ADDED: dict[str, int] = {"auth.group": 2}

WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PASSWORD = "pbkdf2_sha256$870000$cmVsZWFzZQ$0123456789abcdefghijklmnopqrstuvwxyzABCDE="


# --- In the child processes: Django is set up, the default database is the file. ---


def _dump(models: list[Any]) -> dict[str, Any]:
    """Every row of each model, by primary key, as JSON values (dates as ISO text)."""
    from django.core.serializers.json import DjangoJSONEncoder

    tables = {}
    for label, model in models:
        rows = {str(row["pk"]): row for row in model._base_manager.values("pk", *_columns(model))}
        for row in rows.values():
            del row["pk"]
        tables[label] = {"table": model._meta.db_table, "rows": rows}
    return json.loads(json.dumps(tables, cls=DjangoJSONEncoder))


def _columns(model: Any) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _checked(apps: Any) -> list[tuple[str, Any]]:
    return [
        (model._meta.label_lower, model)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CHECKED_APPS or model._meta.label_lower in CHECKED_MODELS
    ]


def build_release_database(out: str) -> None:
    """Migrate the file to the release, fill every table through its models, dump it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([RELEASE_MIGRATION])
    apps = executor.loader.project_state([RELEASE_MIGRATION]).apps
    _fill(apps)
    Path(out).write_text(json.dumps(_dump(_checked(apps))))


def _fill(apps: Any) -> None:
    def model(name: str) -> Any:
        app, _, name = name.rpartition(".")
        return apps.get_model(app or "testimonies", name)

    Group, User, Permission = (model(f"auth.{n}") for n in ("Group", "User", "Permission"))
    volunteers = Group.objects.create(name="volunteers")
    editor = User.objects.create(
        username="editor-ana",
        password=PASSWORD,
        email="ana@example.org",
        first_name="Ana",
        is_staff=True,
        date_joined=WHEN,
    )
    editor.groups.add(Group.objects.get(name="editor"))
    reviewer = User.objects.create(username="reviewer-bek", password=PASSWORD, date_joined=WHEN)
    reviewer.groups.add(Group.objects.get(name="reviewer"), volunteers)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_testimony"))

    person = model("Person").objects.create(
        key="ayshe-example",
        primary_name="Ayshe Example",
        status="missing",
        birth_year=1980,
        gender="female",
        ethnicity="Uyghur",
        identifiers={"passport": "E00000000"},
        notes="Last seen in 2018.",
    )
    brother = model("Person").objects.create(primary_name="Erlan Example", status="detained")
    model("NameVariant").objects.create(
        person=person, name="Айше Пример", script="cyrl", language="ru", form="as_written"
    )
    model("NameVariant").objects.create(
        person=person, name="ئايشە مىسال", script="arab", language="ug", form="as_written"
    )
    city = model("Place").objects.create(name="Ürümqi", type="city", gazetteer_id="gn:1529102")
    camp = model("Place").objects.create(
        name="Example camp", type="camp", parent=city, latitude=43.825, longitude=87.616
    )
    model("PlaceAlias").objects.create(place=city, name="Урумчи", script="cyrl", language="ru")
    model("PlaceAlias").objects.create(
        place=city, name="乌鲁木齐", script="hani", language="zh", is_exonym=True
    )

    testimony = model("Testimony").objects.create(
        external_id="REL-0001",
        title="Свидетельство о сестре",
        description="Recorded in Almaty.",
        language="ru",
        languages=["ru", "kk"],
        visibility="public",
        witness_name="Witness A",
        witness_relation="brother",
        recorded_on=date(2019, 3, 4),
        recorded_precision="month",
        published_on=date(2019, 4, 1),
        source_platform="youtube",
        source_url="https://www.youtube.com/watch?v=example0001",
        consent_notes="Public video.",
        status="transcribed",
    )
    model("Testimony").objects.create(external_id="REL-0002", title="Draft", status="failed")
    testimony.people.add(person, brother)
    testimony.places.add(city, camp)
    original = model("MediaAsset").objects.create(
        testimony=testimony,
        kind="original",
        file="testimonies/REL-0001/original.mp4",
        original_filename="original.mp4",
        sha256="a" * 64,
        size=123_456_789,
        duration=61.5,
        container="mp4",
        audio_codec="aac",
        video_codec="h264",
        content_type="video/mp4",
        captured_at=WHEN,
        captured_from="https://www.youtube.com/watch?v=example0001",
        platform="youtube",
        platform_id="example0001",
        platform_metadata={"uploader": "Example channel", "tags": ["testimony"]},
    )
    model("MediaAsset").objects.create(
        testimony=testimony,
        kind="derived",
        derived_from=original,
        file="testimonies/REL-0001/audio.wav",
        sha256="b" * 64,
        size=1_000,
    )
    transcript = model("Transcript").objects.create(
        testimony=testimony,
        engine="faster-whisper",
        model="base",
        language="ru",
        language_source="detected",
        needs_review=True,
        review_reasons=["low confidence"],
    )
    first = model("Segment").objects.create(
        transcript=transcript,
        index=0,
        start=0.0,
        end=4.25,
        text="Мою сестру зовут Айше.",
        translation="My sister's name is Ayshe.",
        words=[{"word": "Мою", "start": 0.0, "end": 0.4, "probability": 0.98}],
        avg_logprob=-0.21,
        no_speech_prob=0.01,
        compression_ratio=1.3,
        flags=["edited"],
        edited=True,
        redactions=[{"field": "text", "start": 17, "end": 21}],
    )
    second = model("Segment").objects.create(
        transcript=transcript, index=1, start=4.25, end=9.0, text="Её забрали в лагерь."
    )
    event = model("Event").objects.create(
        person=person,
        place=camp,
        segment=second,
        testimony=testimony,
        kind="sent_to_camp",
        date=date(2018, 3, 1),
        date_precision="month",
        origin="machine",
        review="accepted",
    )
    model("Mention").objects.create(
        testimony=testimony,
        segment=first,
        kind="person",
        surface="Айше",
        char_start=17,
        char_end=21,
        value={"name": "Айше"},
        confidence=0.93,
        person=person,
        key="айше",
        review="accepted",
        reviewed_by=reviewer,
        reviewed_at=WHEN,
    )
    model("Mention").objects.create(
        testimony=testimony, segment=second, kind="event", surface="забрали", event=event
    )
    model("Mention").objects.create(
        testimony=testimony, segment=second, kind="place", surface="лагерь", place=camp
    )
    model("PersonMerge").objects.create(
        survivor=person,
        merged_id=999,
        merged_key="ayshe-ex",
        merged_name="Aishe Example",
        snapshot={"names": ["Aishe Example"], "testimonies": ["REL-0001"]},
        merged_by=editor,
        reason="Same person, other spelling.",
    )
    model("SourceCheck").objects.create(
        testimony=testimony,
        url="https://www.youtube.com/watch?v=example0001",
        checked_at=WHEN,
        state="removed",
        http_status=404,
        message="Video unavailable",
    )

    # django-simple-history's tables: one record per tracked row, as the admin writes them.
    for name, row in {
        "testimony": testimony,
        "person": person,
        "namevariant": model("NameVariant").objects.first(),
        "place": camp,
        "placealias": model("PlaceAlias").objects.first(),
        "transcript": transcript,
        "segment": first,
    }.items():
        history = model(f"historical{name}")
        values = {
            field.attname: getattr(row, field.attname)
            for field in history._meta.concrete_fields
            if not field.name.startswith("history_")
        }
        history.objects.create(
            **values,
            history_date=WHEN,
            history_type="~",
            history_user=editor,
            history_change_reason="release data",
        )


def upgrade_database(before: str, out: str) -> None:
    """Migrate the file to the latest state of every app, as `migrate` does; dump it."""
    from django.apps import apps as current
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    state = executor.migrate(targets, plan=plan)
    state.clear_delayed_apps_cache()
    emit_post_migrate_signal(0, False, connection.alias, apps=state.apps, plan=plan)
    executor.loader.build_graph()
    assert not executor.migration_plan(targets), "migrations left unapplied"

    # The current code reads every row of every table (a column its models expect exists).
    for model in current.get_models(include_auto_created=True):
        list(model._base_manager.all())

    models = []
    for label in json.loads(Path(before).read_text()):
        models.append((label, _resolve(state.apps, label)))
    Path(out).write_text(json.dumps(_dump(models)))


def _resolve(apps: Any, label: str) -> Any:
    """The model that holds a release model's rows now: same name, same app or a new one."""
    app_label, name = label.split(".")
    found = [m for m in apps.get_models(include_auto_created=True) if m._meta.model_name == name]
    same_app = [m for m in found if m._meta.app_label == app_label]
    assert len(same_app or found) == 1, f"{label}: no single model holds it now: {found}"
    return (same_app or found)[0]


# --- In the test process. ---


def _child(call: str, db: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    code = (
        "import django; django.setup(); "
        "from tests.testimonies import test_migrations_keep_rows as steps; steps." + call
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _rows(tables: dict[str, Any], label: str) -> list[dict[str, Any]]:
    return list(tables[label]["rows"].values())


def test_migrating_a_release_database_keeps_every_row_and_value(tmp_path: Path):
    db, before_file, after_file = (
        tmp_path / "release.sqlite3",
        tmp_path / "before.json",
        tmp_path / "after.json",
    )
    _child(f"build_release_database({str(before_file)!r})", db)
    _child(f"upgrade_database({str(before_file)!r}, {str(after_file)!r})", db)
    before = json.loads(before_file.read_text())
    after = json.loads(after_file.read_text())

    # The release's data is in every table of the app, history and many-to-many included.
    empty = [label for label, table in before.items() if not table["rows"]]
    assert not empty, f"no release rows written to {empty}"
    assert {"testimonies.mention", "testimonies.testimony_people", "auth.user_groups"} <= set(
        before
    )

    lost = []
    for label, old in before.items():
        new = after[label]["rows"]
        if len(new) != len(old["rows"]) + ADDED.get(label, 0):
            lost.append(f"{label}: {len(old['rows'])} rows before, {len(new)} after")
        for pk, row in old["rows"].items():
            if pk not in new:
                lost.append(f"{label} #{pk}: gone")
                continue
            for column, value in row.items():
                if column in DROPPED.get(label, set()):
                    continue
                now = RENAMED.get(label, {}).get(column, column)
                if now not in new[pk]:
                    lost.append(f"{label}.{column}: column gone")
                elif new[pk][now] != value:
                    lost.append(f"{label} #{pk}.{column}: {value!r} became {new[pk][now]!r}")
    assert not lost, "\n".join(dict.fromkeys(lost))

    # A few values read back as they were written, by name.
    (testimony,) = [
        t for t in _rows(after, "testimonies.testimony") if t["external_id"] == "REL-0001"
    ]
    assert testimony["title"] == "Свидетельство о сестре"
    assert testimony["languages"] == ["ru", "kk"]
    assert (testimony["visibility"], testimony["status"]) == ("public", "transcribed")
    assert testimony["recorded_on"] == "2019-03-04"
    people = {
        p["person_id"]
        for p in _rows(after, "testimonies.testimony_people")
        if p["testimony_id"] == testimony["id"]
    }
    assert len(people) == 2
    (person,) = [p for p in _rows(after, "testimonies.person") if p["key"] == "ayshe-example"]
    assert person["identifiers"] == {"passport": "E00000000"} and person["id"] in people
    names = {n["name"] for n in _rows(after, "testimonies.namevariant")}
    assert names == {"Айше Пример", "ئايشە مىسال"}
    (first,) = [s for s in _rows(after, "testimonies.segment") if s["index"] == 0]
    assert first["redactions"] == [{"field": "text", "start": 17, "end": 21}]
    assert first["words"][0]["word"] == "Мою" and first["end"] == 4.25
    (mention,) = [m for m in _rows(after, "testimonies.mention") if m["kind"] == "person"]
    users = {u["username"]: u for u in _rows(after, "auth.user")}
    assert mention["key"] == "айше" and mention["reviewed_by_id"] == users["reviewer-bek"]["id"]
    (merge,) = _rows(after, "testimonies.personmerge")
    assert merge["snapshot"] == {"names": ["Aishe Example"], "testimonies": ["REL-0001"]}
    (check,) = _rows(after, "testimonies.sourcecheck")
    assert (check["state"], check["http_status"]) == ("removed", 404)
    assert users["editor-ana"]["password"] == PASSWORD
    groups = {g["id"]: g["name"] for g in _rows(after, "auth.group")}
    assert {"admin", "editor", "reviewer", "researcher", "volunteers", "transcriber"} <= set(
        groups.values()
    )
    memberships = {(u["user_id"], groups[u["group_id"]]) for u in _rows(after, "auth.user_groups")}
    assert (users["editor-ana"]["id"], "editor") in memberships
    assert (users["reviewer-bek"]["id"], "volunteers") in memberships
