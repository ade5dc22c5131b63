#!/usr/bin/env python
"""Held-out evaluation of `manage.py blur_identity`.

Run:  .venv/bin/python bench/heldout_blur/evaluate.py [--stride 5] [--only NAME ...]
For each video in truth.json: run the command (timed), OCR every `stride`-th frame of the
original and of the output with rapidocr_onnxruntime, apply our own validators, measure
changed pixels. Writes results.json and results.md (updated after every video).
"""

import argparse
import json
import os
import re
import subprocess
import time

import av
import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# The archive checkout whose blur_identity is measured (this repository by default).
WT = os.environ.get("ARCHIVE_CHECKOUT", os.path.dirname(os.path.dirname(HERE)))
OUT = os.path.join(HERE, "out")

# ---------------------------------------------------------------- validators
CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_valid(s):
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], CN_W)) % 11] == s[17]


def iin_valid(s):
    if not re.fullmatch(r"\d{12}", s):
        return False
    d = [int(c) for c in s]
    r = sum(x * w for x, w in zip(d[:11], range(1, 12))) % 11
    if r == 10:
        r = sum(x * w for x, w in zip(d[:11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if r == 10:
            return False
    mm, dd = int(s[2:4]), int(s[4:6])
    return r == d[11] and 1 <= mm <= 12 and 1 <= dd <= 31


def mrz_cd(s):
    v = lambda c: int(c) if c.isdigit() else (0 if c == "<" else ord(c) - 55)
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)


def find_valid(text):
    """Return list of (type, value) of valid identity numbers in one OCR line."""
    found = []
    up = text.upper().replace(" ", "").replace("«", "<").replace("‹", "<")
    # MRZ line 2: doc number + check digit + nationality + DOB + cd + sex + expiry + cd
    for m in re.finditer(r"([A-Z0-9<]{9})(\d)([A-Z<]{3})(\d{6})(\d)([MF<])(\d{6})(\d)", up):
        if mrz_cd(m.group(1)) == m.group(2) or mrz_cd(m.group(4)) == m.group(5):
            found.append(("mrz2", m.group(0)))
    # MRZ line 1 shape: P + type char + 3-letter state + names with << and '<' filler
    for m in re.finditer(r"P[A-Z<][A-Z]{3}[A-Z<]{15,}", up):
        seg = m.group(0)
        if "<<" in seg[5:] and seg.count("<") >= 5:
            found.append(("mrz1", seg))
    # Passport number in the visual zone: 1-2 letters + 7-8 digits (standalone)
    for m in re.finditer(r"(?<![A-Z0-9])([A-Z]{1,2}\d{7,8})(?![A-Z0-9<])", up):
        found.append(("passport", m.group(1)))
    digits = re.sub(r"[\s\-\(\)\.]", "", text.upper())
    for m in re.finditer(r"(?<!\d)(\d{17}[\dX])(?![\dX])", digits):
        if cn_valid(m.group(1)):
            found.append(("cn_id", m.group(1)))
    for m in re.finditer(r"(?<!\d)(\d{12})(?!\d)", digits):
        if iin_valid(m.group(1)):
            found.append(("kz_iin", m.group(1)))
    for m in re.finditer(r"(?<![\d])((?:\+?7|8)7\d{9}|(?:\+?86)?1[3-9]\d{9})(?!\d)", digits):
        found.append(("phone", m.group(1)))
    return found


# ---------------------------------------------------------------- helpers
def read_frames(path):
    out = []
    with av.open(path) as c:
        for f in c.decode(video=0):
            out.append(f.to_ndarray(format="bgr24"))
    return out


_ocr = None


def ocr(img):
    global _ocr
    if _ocr is None:
        from rapidocr_onnxruntime import RapidOCR

        _ocr = RapidOCR(text_score=0.5)
    res, _ = _ocr(img)
    return [(r[1], float(r[2])) for r in (res or [])]


def poly_mask(quad, shape):
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(np.array(quad)).astype(np.int32)], 1)
    return m.astype(bool)


def changed_mask(a, b, thr=30):
    a = cv2.GaussianBlur(a, (5, 5), 0).astype(np.int16)
    b = cv2.GaussianBlur(b, (5, 5), 0).astype(np.int16)
    return np.abs(a - b).max(axis=2) > thr


def run_command(name):
    src = os.path.join(HERE, "videos", name + ".mp4")
    dst = os.path.join(OUT, name + ".mp4")
    rep = os.path.join(OUT, name + ".json")
    cmd = (
        "cd %s && DJANGO_DEBUG=1 ARCHIVE_VAR_DIR=/tmp/var-heldout19 .venv/bin/python manage.py "
        "blur_identity %s --out %s --report %s" % (WT, src, dst, rep)
    )
    t0 = time.monotonic()
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    dt = time.monotonic() - t0
    return (
        {
            "cmd": cmd,
            "rc": p.returncode,
            "wall_s": round(dt, 2),
            "stderr_tail": p.stderr[-1500:],
            "stdout_tail": p.stdout[-500:],
        },
        dst,
        rep,
    )


def evaluate(name, tv, stride):
    r = {"shows": tv.get("shows"), "control": tv["control"], "duration_s": tv["duration_s"]}
    run, dst, rep = run_command(name)
    r["command"] = run
    r["speed_x_realtime"] = round(tv["duration_s"] / run["wall_s"], 3) if run["wall_s"] else None
    if run["rc"] != 0 or not os.path.exists(dst):
        r["error"] = (run["stderr_tail"] or run["stdout_tail"]).strip().splitlines()[-1:]
        return r
    try:
        with open(rep) as f:
            regs = json.load(f)
        r["report_summary"] = {
            "type": type(regs).__name__,
            "len": len(regs) if hasattr(regs, "__len__") else None,
        }
    except Exception as e:  # noqa
        r["report_summary"] = {"error": str(e)}
    orig = read_frames(os.path.join(HERE, "videos", name + ".mp4"))
    outf = read_frames(dst)
    r["frames_orig"], r["frames_out"] = len(orig), len(outf)
    with av.open(dst) as c:
        r["out_streams"] = [s.type + ":" + (s.codec_context.name or "") for s in c.streams]
        vs = c.streams.video[0]
        r["out_size"] = [vs.codec_context.width, vs.codec_context.height]
    n = min(len(orig), len(outf))
    # (c) changed area, every frame
    fr_changed, number_cov, outside_card = [], [], []
    for i in range(n):
        if orig[i].shape != outf[i].shape:
            outfi = cv2.resize(outf[i], (orig[i].shape[1], orig[i].shape[0]))
        else:
            outfi = outf[i]
        cm = changed_mask(orig[i], outfi)
        fr_changed.append(float(cm.mean()))
        for num in tv["numbers"]:
            b = num["boxes"][i] if i < len(num["boxes"]) else None
            if b:
                x0, y0, x1, y1 = [int(round(v)) for v in b]
                sub = cm[y0 : y1 + 1, x0 : x1 + 1]
                if sub.size:
                    number_cov.append(float(sub.mean()))
        if tv["cards"]:
            inside = np.zeros(cm.shape, bool)
            for card in tv["cards"]:
                inside |= poly_mask(card["quads"][i], cm.shape)
            # allow a 40px margin around the card
            inside = cv2.dilate(inside.astype(np.uint8), np.ones((81, 81), np.uint8)).astype(bool)
            outside_card.append(float(cm[~inside].sum()) / cm.size)
    r["changed_area_share"] = round(float(np.mean(fr_changed)), 5) if fr_changed else None
    r["frames_with_change_gt_1pct"] = int(sum(1 for v in fr_changed if v > 0.01))
    if number_cov:
        r["truth_number_box_changed_mean"] = round(float(np.mean(number_cov)), 4)
        r["truth_number_box_frames_covered_ge_50pct"] = round(
            float(np.mean([v >= 0.5 for v in number_cov])), 4
        )
    if outside_card:
        r["changed_share_outside_card_margin"] = round(float(np.mean(outside_card)), 5)
    # (a)/(b) OCR every stride-th frame
    per = []
    for i in range(0, n, stride):
        lo = ocr(orig[i])
        lv = sorted({v for t, _ in lo for v in find_valid(t)})
        truth_vis = [
            num["value"] for num in tv["numbers"] if i < len(num["boxes"]) and num["boxes"][i]
        ]
        row = {"frame": i, "orig_valid": lv, "truth_visible": truth_vis}
        if lv or tv["control"]:
            ro = ocr(outf[i])
            row["out_valid"] = sorted({v for t, _ in ro for v in find_valid(t)})
            if tv["control"]:
                row["orig_text"] = [t for t, _ in lo]
            if row["out_valid"]:
                row["out_text"] = [t for t, _ in ro]
        else:
            row["orig_text"] = [t for t, _ in lo]
        per.append(row)
    readable = [p for p in per if p["orig_valid"]]
    leaks = [p for p in readable if p.get("out_valid")]
    r["ocr_frames"] = len(per)
    r["readable_frames"] = len(readable)
    r["leak_frames"] = len(leaks)
    r["recall"] = round(1 - len(leaks) / len(readable), 4) if readable else None
    r["truth_visible_frames"] = sum(1 for p in per if p["truth_visible"])
    r["leaked_values"] = sorted({tuple(v) for p in leaks for v in p["out_valid"]})
    r["per_frame"] = per
    return r


def write_reports(results, meta):
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump({"meta": meta, "videos": results}, f, ensure_ascii=False, indent=1)
    lines = [
        "# blur_identity held-out results",
        "",
        "Machine: 2 shared CPU cores under heavy load from other jobs; times are indicative only.",
        "",
        "| video | dur s | cmd s | speed ×RT | OCR frames | readable (orig) | leaks (out) | recall | changed area | number box changed | outside-card change | note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    tot_read = tot_leak = 0
    for name, r in results.items():
        note = "CONTROL" if r.get("control") else ""
        if r.get("error"):
            note += " ERROR rc=%s: %s" % (r["command"]["rc"], " ".join(r["error"]))[:200]
        if r.get("leaked_values"):
            note += " leaked: " + ", ".join("%s=%s" % tuple(v) for v in r["leaked_values"])
        if not r.get("control") and r.get("readable_frames") is not None:
            tot_read += r["readable_frames"]
            tot_leak += r["leak_frames"]
        g = lambda k: "" if r.get(k) is None else r.get(k)
        pct = lambda k: "" if r.get(k) is None else "%.2f%%" % (100 * r[k])
        lines.append(
            "| %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
            % (
                name,
                r["duration_s"],
                r["command"]["wall_s"],
                g("speed_x_realtime"),
                g("ocr_frames"),
                g("readable_frames"),
                g("leak_frames"),
                g("recall"),
                pct("changed_area_share"),
                pct("truth_number_box_changed_mean"),
                pct("changed_share_outside_card_margin"),
                note.strip(),
            )
        )
    lines += [
        "",
        "Positive videos overall: readable %d, leaks %d, recall %s"
        % (tot_read, tot_leak, round(1 - tot_leak / tot_read, 4) if tot_read else None),
    ]
    ctrl = [
        r for r in results.values() if r.get("control") and r.get("changed_area_share") is not None
    ]
    if ctrl:
        lines.append(
            "Controls: mean changed area share %.3f%%"
            % (100 * np.mean([r["changed_area_share"] for r in ctrl]))
        )
    tdur = sum(r["duration_s"] for r in results.values())
    twall = sum(r["command"]["wall_s"] for r in results.values())
    lines.append(
        "Speed: %.1f s of video in %.1f s of command time (%.3f× real time)"
        % (tdur, twall, tdur / twall if twall else 0)
    )
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    meta["overall"] = lines[-3:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stride", type=int, default=5)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(HERE, "truth.json")) as f:
        truth = json.load(f)["videos"]
    results = {}
    meta = {
        "stride": a.stride,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_avg_at_start": os.getloadavg(),
    }
    for name in a.only or list(truth):
        tv = truth[name]
        print(time.strftime("%H:%M:%S"), "evaluating", name, flush=True)
        results[name] = evaluate(name, tv, a.stride)
        r = results[name]
        print(
            "  rc=%s wall=%ss readable=%s leaks=%s recall=%s changed=%s"
            % (
                r["command"]["rc"],
                r["command"]["wall_s"],
                r.get("readable_frames"),
                r.get("leak_frames"),
                r.get("recall"),
                r.get("changed_area_share"),
            ),
            flush=True,
        )
        meta["load_avg_now"] = os.getloadavg()
        write_reports(results, meta)
    meta["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_reports(results, meta)


if __name__ == "__main__":
    main()
