"""Blurring identity documents in video (issue 19): recall, false blur, speed.

    .venv/bin/python bench/blur_identity.py [--set DIR] [--out FILE] [--quick] [--stride N]

Generates the test set with ``bench/id_videos.py`` if DIR has none, blurs every video with
the engine's defaults (``evidence.blurring``), then measures on every ``stride``-th frame:

- readable: the original's number is found by OCR (RapidOCR with its own default settings,
  full resolution, on the card's area plus a margin: a slower, more thorough reader than the
  engine's) and the archive's detectors accept it, with the digits of the card's number;
- recall: of those frames, the share where the same reader finds no valid identity number
  in the derived copy's frame (the issue's goal: 0.99);
- covered: of the frames where the number is in view and uncovered (ground truth from the
  generator), the share whose number box lies inside the blurred regions;
- leaks: frames of the derived copies where full-frame OCR finds any valid identity number;
- false blur: on control videos, the blurred share of frame-time (goal: at most 2 %);
- speed: video seconds per second of processing for the 720p minute (goal: 1× or more),
  samples read per second, and the share of time in OCR, tracking, decoding, blur, encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import av
import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

import id_videos  # noqa: E402
from rapidocr_onnxruntime import RapidOCR  # noqa: E402

from evidence.blurring import Region, TextReader, blur_video  # noqa: E402
from redaction.identifiers import find_identifiers  # noqa: E402

ID_KINDS = {"cn_resident_id", "kz_iin", "passport"}


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def _numbers(ocr: RapidOCR, image: np.ndarray, kinds: set[str] = ID_KINDS) -> set[str]:
    """Valid numbers of these kinds that OCR reads on the image, letters and digits only."""
    result, _ = ocr(image)
    found = set()
    for _, text, _ in result or []:
        for span in find_identifiers(text):
            if span.kind in kinds:
                found.add("".join(c for c in span.text if c.isalnum()).upper())
    return found


def _crop(image: np.ndarray, quad: list[list[float]], pad: float = 0.15) -> np.ndarray:
    points = np.array(quad)
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    px, py = (x1 - x0) * pad, (y1 - y0) * pad
    h, w = image.shape[:2]
    x0, y0 = int(max(0, x0 - px)), int(max(0, y0 - py))
    x1, y1 = int(min(w, x1 + px)), int(min(h, y1 + py))
    return image[y0:y1, x0:x1]


def _blurred_mask(regions: list[Region], t: float, width: int, height: int) -> np.ndarray:
    mask = np.zeros((height, width), np.uint8)
    for region in regions:
        box = region.box_at(t)
        if box is not None:
            box = box.clipped(width, height)
            mask[int(box.y0) : int(np.ceil(box.y1)), int(box.x0) : int(np.ceil(box.x1))] = 1
    return mask


def evaluate(
    video: dict, original: Path, derived: Path, regions: list[Region], ocr: RapidOCR, stride: int
) -> dict:
    truth = video["frames"]
    number = "".join(c for c in video["number"] if c.isalnum()).upper()
    kinds = ID_KINDS | ({"phone"} if video["card"] == "phone" else set())
    before, after = _frames(original), _frames(derived)
    fps = video["fps"]
    readable = still_readable = in_view = covered = leaks = 0
    blurred_share = 0.0
    counted = 0
    for index in range(0, min(len(before), len(after), len(truth)), stride):
        frame_truth = truth[index]
        t = index / fps
        mask = _blurred_mask(regions, t, video["width"], video["height"])
        blurred_share += float(mask.mean())
        counted += 1
        if index % (stride * 5) == 0:  # full-frame check of the copy, a fifth of the frames
            leaks += int(bool(_numbers(ocr, after[index])))
        if not number or frame_truth["number_quad"] is None or not frame_truth["number_readable"]:
            continue
        in_view += 1
        quad = np.array(frame_truth["number_quad"])
        x0, y0 = quad.min(axis=0).astype(int)
        x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
        x0, y0 = max(0, x0), max(0, y0)
        box_pixels = mask[y0:y1, x0:x1]
        covered += int(box_pixels.size > 0 and box_pixels.mean() >= 0.95)
        if video["control"]:
            continue
        area = frame_truth["card_quad"]
        if number in _numbers(ocr, _crop(before[index], area), kinds):
            readable += 1
            if _numbers(ocr, _crop(after[index], area), kinds):
                still_readable += 1
    return {
        "frames_checked": counted,
        "number_in_view": in_view,
        "covered": covered,
        "readable_in_original": readable,
        "readable_in_copy": still_readable,
        "copy_frames_with_an_identity_number": leaks,
        "blurred_share_of_frame_time": round(blurred_share / max(counted, 1), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=Path("/tmp/archive-id-videos"))
    parser.add_argument(
        "--out", type=Path, default=PROJECT_DIR / "bench/results/blur-identity.json"
    )
    parser.add_argument("--quick", action="store_true", help="two short scenes, no minute")
    parser.add_argument("--stride", type=int, default=1, help="check every Nth frame")
    parser.add_argument("--no-minute", action="store_true", help="skip the 60 s speed video")
    args = parser.parse_args(argv)

    if args.quick:
        scenes, seconds, minute = ["cn_front_static", "calendar_control"], 2.0, False
    else:
        scenes, seconds, minute = [s.name for s in id_videos.SCENES], 4.0, not args.no_minute
    manifest_path = args.set / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else []
    have = {v["name"] for v in manifest}
    wanted = scenes + (["testimony_minute"] if minute else [])
    missing = [s for s in wanted if s not in have]
    if missing:
        id_videos.main([str(args.set), "--seconds", str(seconds), "--only", *missing])
        fresh = json.loads(manifest_path.read_text())
        manifest = [v for v in manifest if v["name"] not in missing] + fresh
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False))
    videos = {v["name"]: v for v in manifest}

    reader = TextReader()
    ocr = RapidOCR()
    out_dir = args.set / "blurred"
    out_dir.mkdir(exist_ok=True)
    rows = []
    for name in wanted:
        video = videos[name]
        source = args.set / video["file"]
        derived = out_dir / video["file"]
        started = time.perf_counter()
        report = blur_video(source, derived, reader=reader)
        elapsed = time.perf_counter() - started
        row = {
            "name": name,
            "control": video["control"],
            "expect_blur": video["expect_blur"],
            "seconds": report.video.duration,
            "regions": len(report.regions),
            "samples": report.samples,
            "samples_reused": report.reused,
            "processing_seconds": round(elapsed, 2),
            "speed_x_real_time": round(report.video.duration / elapsed, 2),
            "timing": {k: round(v, 2) for k, v in report.to_json()["timing"].items()},
        }
        if name != "testimony_minute":
            row.update(evaluate(video, source, derived, report.regions, ocr, args.stride))
        rows.append(row)
        print(json.dumps(row), flush=True)

    cards = [r for r in rows if not r["control"] and r["name"] != "testimony_minute"]
    controls = [r for r in rows if r["control"]]
    readable = sum(r["readable_in_original"] for r in cards)
    summary = {
        "recall_blurred_of_readable": round(
            1 - sum(r["readable_in_copy"] for r in cards) / readable, 4
        )
        if readable
        else None,
        "readable_frames": readable,
        "covered_of_in_view": round(
            sum(r["covered"] for r in cards) / max(1, sum(r["number_in_view"] for r in cards)), 4
        ),
        "copy_frames_with_an_identity_number": sum(
            r["copy_frames_with_an_identity_number"] for r in rows if "frames_checked" in r
        ),
        "control_blurred_share_max": max(
            (r["blurred_share_of_frame_time"] for r in controls), default=None
        ),
    }
    long_rows = [r for r in rows if r["name"] == "testimony_minute"]
    if long_rows:
        long = long_rows[0]
        busy = {k: v for k, v in long["timing"].items() if k != "total"}
        summary["speed_720p_x_real_time"] = long["speed_x_real_time"]
        summary["samples_read_per_second"] = round(
            (long["samples"] - long["samples_reused"]) / long["processing_seconds"], 2
        )
        summary["time_share"] = {
            k: round(v / max(sum(busy.values()), 1e-9), 3) for k, v in busy.items()
        }
    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} CPU, {platform.python_version()}",
        "load_average_at_end": os.getloadavg(),
        "stride": args.stride,
        "summary": summary,
        "videos": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
