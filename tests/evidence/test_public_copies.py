"""Public copies as media assets: rendered from the original, which never changes; the public
gets a reviewed copy or nothing of the picture; editors' decisions recorded and re-rendered."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from evidence import public_copies
from evidence.public_copies import Drawn, ReviewError
from testimonies import roles
from testimonies.models import MediaAsset, RegionDecision, Testimony, VideoRedaction
from testimonies.storage import store_original

pytestmark = pytest.mark.django_db


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _editor() -> User:
    return User.objects.create_user("editor", password="x", is_staff=True)


def _render(original: MediaAsset, *, detect: bool = True) -> VideoRedaction:
    redaction_id = public_copies.prepare(original.pk)
    assert redaction_id is not None
    assert public_copies.render(redaction_id, detect=detect)
    return VideoRedaction.objects.select_related("copy").get(pk=redaction_id)


def test_a_sound_recording_gets_no_copy_job(settings: Any, tmp_path: Path):
    testimony = Testimony.objects.create(external_id="a-1", title="Sound")
    sound = MediaAsset.objects.create(
        testimony=testimony, file="x.wav", sha256="0" * 64, size=1, content_type="audio/wav"
    )
    assert public_copies.prepare(sound.pk) is None
    assert not VideoRedaction.objects.exists()


def test_the_copy_is_an_asset_of_its_own_traced_to_the_original_which_never_changes(
    original: MediaAsset,
):
    path = Path(original.file.path)
    sha_before, bytes_before = original.sha256, path.read_bytes()
    redaction = _render(original)
    copy = redaction.copy
    assert copy is not None and copy.kind == MediaAsset.Kind.PUBLIC_COPY
    assert copy.derived_from_id == original.pk and copy.testimony_id == original.testimony_id
    assert copy.sha256 == _sha(Path(copy.file.path)) != sha_before
    assert str(copy.file.name).startswith("copies/")
    assert redaction.detector == "identity-blur" and redaction.detector_version
    assert "rapidocr" in redaction.detector_settings["ocr"]
    assert [r["kind"] for r in redaction.regions] == ["cn_resident_id"]
    assert redaction.state == VideoRedaction.State.READY and redaction.progress == 1.0
    original.refresh_from_db()
    assert original.sha256 == sha_before == _sha(path) and path.read_bytes() == bytes_before
    # The public copy is never what Whisper reads or editors play.
    testimony = Testimony.objects.get(pk=original.testimony_id)
    assert testimony.media_to_transcribe() == original == testimony.playable_media()


PUBLIC_URLS = [
    "/t/v-1/",
    "/api/v1/testimonies",
    "/api/v1/testimonies/v-1",
    "/api/v1/export.jsonl",
    "/api/v1/export.csv",
    "/api/schema/",
]


def _public_pages(client: Client) -> str:
    bodies = []
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        streamed = response.streaming_content if response.streaming else [response.content]  # type: ignore[attr-defined]
        body = b"".join(streamed)
        bodies.append(body.decode())
    return "\n".join(bodies)


def test_no_public_route_serves_the_original_video(original: MediaAsset):
    anonymous = Client()
    original_url = f"/media/{original.pk}/"

    # No copy yet: no video at all, and the page says why.
    assert anonymous.get(original_url).status_code == 404
    assert anonymous.get(original_url, HTTP_RANGE="bytes=0-99").status_code == 404
    pages = _public_pages(anonymous)
    assert original_url not in pages and "<video" not in pages
    assert 'id="video-pending"' in anonymous.get("/t/v-1/").content.decode()

    # Rendered but not reviewed: still nothing.
    redaction = _render(original)
    assert redaction.copy is not None
    copy_url = f"/media/{redaction.copy.pk}/"
    assert anonymous.get(copy_url).status_code == 404
    assert "<video" not in _public_pages(anonymous)

    # Reviewed: the copy plays, and only the copy.
    public_copies.mark_reviewed(redaction, user=_editor())
    pages = _public_pages(anonymous)
    assert copy_url in pages and original_url not in pages
    assert 'id="blurred-copy"' in pages and 'id="video-pending"' not in pages
    served = anonymous.get(copy_url)
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
    assert body == Path(redaction.copy.file.path).read_bytes()
    assert anonymous.get(original_url).status_code == 404


def test_researchers_and_editors_still_get_the_original(original: MediaAsset):
    researcher = User.objects.create_user("researcher", password="x")
    roles.grant(researcher, roles.RESEARCHER)
    for account in (researcher, _editor()):
        client = Client()
        client.force_login(account)
        response = client.get(f"/media/{original.pk}/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert f"/media/{original.pk}/" in client.get("/t/v-1/").content.decode()


def test_a_setting_publishes_unreviewed_copies(original: MediaAsset, settings: Any):
    redaction = _render(original)
    assert redaction.copy is not None
    settings.VIDEO_BLUR_PUBLISH_UNREVIEWED = True
    assert Client().get(f"/media/{redaction.copy.pk}/").status_code == 200
    assert Client().get(f"/media/{original.pk}/").status_code == 404


def test_editors_decisions_are_recorded_and_a_new_rendering_applies_them(original: MediaAsset):
    editor = _editor()
    redaction = _render(original)
    first_copy = redaction.copy
    assert first_copy is not None
    (machine,) = redaction.regions
    public_copies.decide(redaction, user=editor, region_id=machine["id"], action="reject")
    public_copies.decide(
        redaction, user=editor, region_id="", action="add",
        drawn=Drawn(start=0.2, end=1.0, x0=0, y0=0, x1=100, y1=80),
    )  # fmt: skip
    decisions = list(redaction.decisions.all())
    assert [(d.action, d.decided_by) for d in decisions] == [("reject", editor), ("add", editor)]
    assert all(d.decided_at for d in decisions)
    with pytest.raises(ReviewError, match="render it again"):
        public_copies.mark_reviewed(redaction, user=editor)

    redaction = _render(original, detect=False)
    assert redaction.copy is not None and redaction.copy.pk != first_copy.pk
    regions = public_copies.effective_regions(redaction)
    assert [(r.id, r.source) for r in regions] == [("e1", "editor")]
    public_copies.mark_reviewed(redaction, user=editor)
    redaction.refresh_from_db()
    assert redaction.reviewed_by == editor and redaction.reviewed_at
    # The older rendering stays (traceable) but is never served.
    assert MediaAsset.objects.filter(pk=first_copy.pk).exists()
    assert Client().get(f"/media/{first_copy.pk}/").status_code == 404


def test_a_drawn_region_must_make_sense(original: MediaAsset):
    redaction = _render(original)
    for drawn, message in [
        (Drawn(start=2, end=1, x0=0, y0=0, x1=10, y1=10), "start before it ends"),
        (Drawn(start=0, end=1, x0=10, y0=0, x1=5, y1=10), "x0 < x1"),
        (Drawn(start=99, end=100, x0=0, y0=0, x1=10, y1=10), "long"),
    ]:
        with pytest.raises(ReviewError, match=message):
            public_copies.decide(redaction, user=None, region_id="", action="add", drawn=drawn)
    with pytest.raises(ReviewError, match="No region"):
        public_copies.decide(redaction, user=None, region_id="r99", action="reject")
    assert not RegionDecision.objects.exists()


def test_a_damaged_video_fails_its_job_with_a_message_and_stores_nothing(
    settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000)
    name, sha, size = store_original(broken)
    testimony = Testimony.objects.create(external_id="b-1", title="Broken", visibility="public")
    asset = MediaAsset.objects.create(
        testimony=testimony, file=name, sha256=sha, size=size, video_codec="h264",
        content_type="video/mp4",
    )  # fmt: skip
    redaction_id = public_copies.prepare(asset.pk)
    assert redaction_id is not None
    assert public_copies.render(redaction_id) is False
    redaction = VideoRedaction.objects.get(pk=redaction_id)
    assert redaction.state == VideoRedaction.State.FAILED
    assert "not a video FFmpeg can read" in redaction.error
    assert redaction.copy is None
    assert not MediaAsset.objects.filter(kind=MediaAsset.Kind.PUBLIC_COPY).exists()
    assert not list((tmp_path / "media").glob("copies/??/*"))


def test_a_job_is_taken_once(original: MediaAsset):
    redaction_id = public_copies.prepare(original.pk)
    assert redaction_id is not None
    VideoRedaction.objects.filter(pk=redaction_id).update(state=VideoRedaction.State.RENDERING)
    assert public_copies.render(redaction_id) is False  # another worker has it
    assert json.dumps(VideoRedaction.objects.get(pk=redaction_id).regions) == "[]"


def test_originals_stored_before_copies_existed_can_be_queued(
    django_capture_on_commit_callbacks: Any,
):
    testimony = Testimony.objects.create(external_id="old-1", title="Old")
    video = MediaAsset.objects.create(
        testimony=testimony, file="v.mp4", sha256="1" * 64, size=1, video_codec="h264",
        content_type="video/mp4",
    )  # fmt: skip
    MediaAsset.objects.create(
        testimony=testimony, file="a.wav", sha256="2" * 64, size=1, content_type="audio/wav"
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as sent:
        call_command("queue_public_copies", stdout=out)
    assert out.getvalue() == "1 public copy queued.\n"
    assert [c.__qualname__ for c in sent] == [
        f"evidence.tasks.render_public_copy({video.video_redaction.pk}, True)"
    ]
    with django_capture_on_commit_callbacks(execute=False) as again:
        call_command("queue_public_copies", stdout=io.StringIO())
    assert again == []  # queued once
