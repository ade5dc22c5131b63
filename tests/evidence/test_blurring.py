"""The blurring engine on generated videos: a card's number is unreadable in the copy, a
calendar is left alone, the copy keeps the original's timing and sound, bad files fail
clearly. No database: the engine and `manage.py blur_identity` work on files alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rapidocr_onnxruntime import RapidOCR

from evidence.blurring import NotVideoError, NoVideoStreamError, Region, blur_video, render_copy
from evidence.blurring.video import probe
from redaction.identifiers import find_identifiers


@pytest.fixture(scope="module")
def videos(id_videos: tuple[Path, dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    return id_videos


@pytest.fixture(scope="module")
def ocr() -> RapidOCR:
    return RapidOCR()  # the package's own settings: a slower, more thorough reader than ours


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def _identity_numbers(ocr: RapidOCR, image: np.ndarray) -> set[str]:
    result, _ = ocr(image)
    return {
        "".join(c for c in span.text if c.isalnum())
        for _, text, _ in result or []
        for span in find_identifiers(text)
        if span.kind != "phone"
    }


def _around(quad: list[list[float]]) -> tuple[slice, slice]:
    """The card's area and a margin: OCR on it is faster than on the whole frame."""
    points = np.array(quad)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    pad_x, pad_y = (x1 - x0) * 0.15, (y1 - y0) * 0.15
    return slice(int(max(0, y0 - pad_y)), int(y1 + pad_y)), slice(
        int(max(0, x0 - pad_x)), int(x1 + pad_x)
    )


def _audio_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(audio=0) if p.size]


@pytest.mark.parametrize("scene", ["cn_front_static", "kz_shaking_covered"])
def test_a_cards_number_read_in_the_original_is_read_in_no_frame_of_the_copy(
    videos: tuple[Path, dict[str, Any]], ocr: RapidOCR, tmp_path: Path, scene: str
):
    folder, truth = videos
    video = truth[scene]
    copy = tmp_path / "copy.mp4"
    report = blur_video(folder / video["file"], copy)
    assert report.regions and all(r.kind in ("cn_resident_id", "kz_iin") for r in report.regions)
    before, after = _frames(folder / video["file"]), _frames(copy)
    read_before = 0
    for index in range(0, len(before), 3):
        frame = video["frames"][index]
        if not frame["number_readable"]:
            continue
        card = _around(frame["card_quad"])
        if video["number"] in _identity_numbers(ocr, before[index][card]):
            read_before += 1
        assert not _identity_numbers(ocr, after[index][card]), f"frame {index} shows a number"
    assert read_before >= 5  # the original really shows it: the test could fail


def test_a_wall_calendar_and_its_year_are_not_blurred(
    videos: tuple[Path, dict[str, Any]], tmp_path: Path
):
    folder, truth = videos
    source = folder / truth["calendar_control"]["file"]
    copy = tmp_path / "copy.mp4"
    report = blur_video(source, copy)
    assert report.regions == []
    before, after = _frames(source), _frames(copy)
    difference = np.abs(before[40].astype(int) - after[40].astype(int)).mean()
    assert difference < 3  # only the re-encoding's noise


def test_the_copy_keeps_frames_rate_duration_and_the_sound_as_it_was(
    videos: tuple[Path, dict[str, Any]], tmp_path: Path
):
    folder, truth = videos
    source = folder / truth["cn_front_static"]["file"]
    copy = tmp_path / "copy.mp4"
    regions = [
        Region.from_json(
            {"id": "e1", "kind": "editor", "start": 0.5, "end": 1.5,
             "keyframes": [{"t": 0.5, "box": [10, 10, 200, 120]}]}
        )
    ]  # fmt: skip
    original_bytes = source.read_bytes()
    render_copy(source, copy, regions)
    before, after = probe(source), probe(copy)
    assert (after.width, after.height, after.fps, after.frames) == (
        before.width, before.height, before.fps, before.frames,
    )  # fmt: skip
    assert abs(after.duration - before.duration) <= 1 / before.fps + 0.05
    assert after.audio_codec == "aac"
    assert _audio_packets(copy) == _audio_packets(source)  # copied, not re-encoded
    assert source.read_bytes() == original_bytes
    frames = _frames(copy)
    blurred, plain = frames[25][10:120, 10:200], _frames(source)[25][10:120, 10:200]
    assert not np.array_equal(blurred, plain)  # inside the span: pixelated
    untouched = np.abs(frames[60][10:120, 10:200].astype(int) - _frames(source)[60][10:120, 10:200])
    assert untouched.mean() < 3  # after it: as it was


def test_command_writes_the_copy_and_a_report_without_a_database(
    videos: tuple[Path, dict[str, Any]], tmp_path: Path
):
    folder, truth = videos
    out, report = tmp_path / "out.mp4", tmp_path / "regions.json"
    call_command(
        "blur_identity", str(folder / truth["cn_front_static"]["file"]),
        out=str(out), report=str(report), no_progress=True,
    )  # fmt: skip
    data = json.loads(report.read_text())
    assert out.is_file() and data["regions"]
    assert data["detector"]["name"] == "identity-blur" and data["detector"]["ocr"]
    assert truth["cn_front_static"]["number"] not in report.read_text()  # never the number


def test_command_renders_regions_edited_by_hand(
    videos: tuple[Path, dict[str, Any]], tmp_path: Path
):
    folder, truth = videos
    regions = tmp_path / "regions.json"
    regions.write_text(
        json.dumps({"regions": [{"id": "e1", "kind": "editor", "start": 0, "end": 3,
                                 "keyframes": [{"t": 0, "box": [0, 0, 640, 360]}]}]})
    )  # fmt: skip
    out = tmp_path / "out.mp4"
    call_command(
        "blur_identity", str(folder / truth["calendar_control"]["file"]),
        out=str(out), regions=str(regions), no_progress=True,
    )  # fmt: skip
    frame = _frames(out)[30]
    assert (
        frame[:360, :640].std()
        < _frames(folder / truth["calendar_control"]["file"])[30][:360, :640].std()
    )


def test_a_file_that_is_not_video_gets_a_clear_message_and_nothing_is_written(tmp_path: Path):
    junk = tmp_path / "clip.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    out = tmp_path / "out.mp4"
    with pytest.raises(CommandError, match=r"not a video FFmpeg can read.*Nothing was written"):
        call_command("blur_identity", str(junk), out=str(out), no_progress=True)
    assert not out.exists() and list(tmp_path.iterdir()) == [junk]
    with pytest.raises(NotVideoError):
        blur_video(junk, out)


def test_a_sound_recording_has_no_picture_to_blur(tmp_path: Path):
    sound = tmp_path / "voice.m4a"
    with av.open(str(sound), "w") as container:
        stream = container.add_stream("aac", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 16000), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts = 16000, 0
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    out = tmp_path / "out.mp4"
    with pytest.raises(CommandError, match="no video stream"):
        call_command("blur_identity", str(sound), out=str(out), no_progress=True)
    assert not out.exists()
    with pytest.raises(NoVideoStreamError):
        blur_video(sound, out)


def test_command_refuses_to_overwrite_the_original(
    videos: tuple[Path, dict[str, Any]],
):
    folder, truth = videos
    source = folder / truth["calendar_control"]["file"]
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("blur_identity", str(source), out=str(source), no_progress=True)
