"""The demo on one machine (`make run`): a testimony with a real recording for the worker to
transcribe, and an editor account to try the transcript editor with."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model

from testimonies import roles
from testimonies.demo import DEMO_RECORDING
from testimonies.models import Testimony
from testimonies.visibility import Visibility
from transcription.ingest import ingest_file

RECORDING_ID = "demo-ru-audio"
EDITOR = "demo-editor"


def load_recording() -> Testimony:
    """Store the demo recording as a public testimony and queue it for the worker (once)."""
    existing = Testimony.objects.filter(external_id=RECORDING_ID).first()
    if existing is not None:
        return existing
    item = ingest_file(DEMO_RECORDING, language="ru", visibility=Visibility.PUBLIC)
    Testimony.objects.filter(pk=item.testimony.pk).update(
        external_id=RECORDING_ID,
        title="Демо: настоящая запись речи (транскрибируется при первом запуске)",
        description=(
            "A real Russian speech clip (mozilla/DeepSpeech, MPL-2.0), not a testimony: the "
            "machine transcribes it on the first start; open it in the editor to correct it."
        ),
        witness_relation="demo",
    )
    item.testimony.refresh_from_db()
    return item.testimony


def editor_account(var_dir: Path) -> tuple[str, str]:
    """The demo editor's name and password: made on the first start with a random password,
    kept in `var_dir` (readable by this user only) so every start can print it."""
    keep = var_dir / "demo-editor-password"
    user_model = get_user_model()
    user = user_model.objects.filter(username=EDITOR).first()
    if user is not None and keep.is_file():
        return EDITOR, keep.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = user_model.objects.create_user(EDITOR, password=password, is_staff=True)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    roles.grant(user, roles.EDITOR)
    var_dir.mkdir(parents=True, exist_ok=True)
    keep.touch(mode=0o600)
    keep.write_text(password + "\n")
    return EDITOR, password
