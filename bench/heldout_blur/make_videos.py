#!/usr/bin/env python
"""Generate the held-out video set for blur_identity (seeded, deterministic).

Run:  .venv/bin/python bench/heldout_blur/make_videos.py
Writes videos/*.mp4 (1280x720, 25 fps, H.264 + AAC tone) and truth.json.
"""

import json
import math
import os
from fractions import Fraction

import av
import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
VID = os.path.join(HERE, "videos")
W, H, FPS = 1280, 720, 25

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJKB = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
DV = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DVB = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
MONOB = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SERIFB = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"


def font(path, size):
    return ImageFont.truetype(path, size)


# ---------------------------------------------------------------- numbers
def cn_check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(first17, w)) % 11
    return "10X98765432"[s]


def iin_check(first11):
    d = [int(c) for c in first11]
    s = sum(x * k for x, k in zip(d, range(1, 12))) % 11
    if s == 10:
        w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        s = sum(x * k for x, k in zip(d, w2)) % 11
        if s == 10:
            return None
    return str(s)


def mrz_check(s):
    def val(c):
        if c.isdigit():
            return int(c)
        if c == "<":
            return 0
        return ord(c) - 55

    w = [7, 3, 1]
    return str(sum(val(c) * w[i % 3] for i, c in enumerate(s)) % 10)


CN_IDS = {
    "cn_moving": "44030519880612" + "213",
    "cn_rotated": "32010619750921" + "402",
    "cn_small": "51010719930305" + "118",
    "cn_occluded": "11010819820117" + "356",
}
CN_IDS = {k: v + cn_check(v) for k, v in CN_IDS.items()}


def make_iin():
    # born 1990-03-07, male of 20th century (3), serial 0123..
    for serial in range(123, 200):
        base = "900307" + "3" + "%04d" % serial
        c = iin_check(base)
        if c is not None:
            return base + c
    raise RuntimeError


IIN = make_iin()
KZ_PHONE = "+7 701 555 1234"

PASS_NO = "N12407398"
MRZ1 = ("P<KAZ" + "SEITKALI<<AIGERIM").ljust(44, "<")


def make_mrz2():
    doc = PASS_NO
    dob, exp = "900307", "310214"
    pers = "900307300123".ljust(14, "<")  # not the IIN of the other video
    p1 = doc + mrz_check(doc)
    line = p1 + "KAZ" + dob + mrz_check(dob) + "F" + exp + mrz_check(exp) + pers + mrz_check(pers)
    comp = (
        doc + mrz_check(doc) + dob + mrz_check(dob) + exp + mrz_check(exp) + pers + mrz_check(pers)
    )
    line += mrz_check(comp)
    assert len(line) == 44, len(line)
    return line


MRZ2 = make_mrz2()


# ---------------------------------------------------------------- drawing
def textured_background(rng, kind="desk"):
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    if kind == "desk":  # wood-like grain
        base = np.array([70, 105, 140], np.float32)  # BGR brownish
        grain = np.sin((x * 0.02 + 8 * np.sin(y * 0.013)) * 3.0) * 14
        noise = cv2.GaussianBlur(rng.normal(0, 18, (H, W)).astype(np.float32), (0, 0), 2.5)
        img = base[None, None, :] + (grain + noise)[..., None]
    elif kind == "cloth":
        base = np.array([95, 80, 60], np.float32)
        weave = (np.sin(x * 0.9) + np.sin(y * 0.9)) * 9
        noise = cv2.GaussianBlur(rng.normal(0, 14, (H, W)).astype(np.float32), (0, 0), 1.2)
        img = base[None, None, :] + (weave + noise)[..., None]
    else:  # wall plaster
        base = np.array([200, 208, 214], np.float32)
        noise = cv2.GaussianBlur(rng.normal(0, 22, (H, W)).astype(np.float32), (0, 0), 4)
        img = base[None, None, :] + noise[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def guilloche(draw, w, h, color, rng, n=14):
    cx, cy = w * 0.62, h * 0.48
    for i in range(n):
        r = 40 + i * 22
        pts = []
        for t in np.linspace(0, 2 * math.pi, 240):
            rr = r + 6 * math.sin(7 * t + i)
            pts.append((cx + rr * math.cos(t) * 1.4, cy + rr * math.sin(t)))
        draw.line(pts, fill=color, width=1)


def text_box(draw, xy, text, fnt, fill):
    draw.text(xy, text, font=fnt, fill=fill)
    return list(draw.textbbox(xy, text, font=fnt))


def cn_card(number, rng):
    """Returns (RGBA card image, bbox of number in card coords)."""
    w, h = 856, 540
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    bg = Image.new("RGBA", (w, h), (232, 238, 242, 255))
    d = ImageDraw.Draw(bg)
    for yy in range(h):  # soft vertical gradient
        c = int(226 + 18 * yy / h)
        d.line([(0, yy), (w, yy)], fill=(c - 6, c, min(255, c + 6), 255))
    guilloche(d, w, h, (180, 200, 222, 255), rng)
    lab = font(CJK, 26)
    val = font(CJKB, 30)
    d.text((40, 40), "姓名", font=lab, fill=(60, 90, 140))
    d.text((120, 36), "李 晓 明", font=val, fill=(20, 20, 20))
    d.text((40, 100), "性别", font=lab, fill=(60, 90, 140))
    d.text((120, 96), "男", font=val, fill=(20, 20, 20))
    d.text((210, 100), "民族", font=lab, fill=(60, 90, 140))
    d.text((290, 96), "汉", font=val, fill=(20, 20, 20))
    d.text((40, 160), "出生", font=lab, fill=(60, 90, 140))
    d.text((120, 156), "1988 年 6 月 12 日", font=val, fill=(20, 20, 20))
    d.text((40, 220), "住址", font=lab, fill=(60, 90, 140))
    d.text((120, 216), "广东省深圳市南山区", font=val, fill=(20, 20, 20))
    d.text((120, 262), "科技园路 18 号", font=val, fill=(20, 20, 20))
    # photo placeholder
    d.rounded_rectangle((600, 60, 810, 330), 8, fill=(205, 212, 220, 255))
    d.ellipse((655, 95, 755, 205), fill=(150, 160, 172, 255))
    d.pieslice((620, 200, 790, 400), 180, 360, fill=(150, 160, 172, 255))
    d.text((40, 430), "公民身份号码", font=lab, fill=(60, 90, 140))
    nb = text_box(d, (230, 420), number, font(MONOB, 42), (15, 15, 15))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), 28, fill=255)
    img.paste(bg, (0, 0), mask)
    return img, nb


def kz_card(iin, rng):
    w, h = 856, 540
    bg = Image.new("RGBA", (w, h), (214, 236, 240, 255))
    d = ImageDraw.Draw(bg)
    guilloche(d, w, h, (170, 210, 205, 255), rng, n=16)
    d.rectangle((0, 0, w, 70), fill=(0, 150, 180, 255))
    d.text((30, 8), "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ", font=font(DVB, 24), fill=(255, 230, 120))
    d.text((30, 38), "РЕСПУБЛИКА КАЗАХСТАН", font=font(DV, 20), fill=(255, 255, 255))
    d.text((520, 20), "ЖЕКЕ КУӘЛІК", font=font(DVB, 24), fill=(255, 255, 255))
    d.rounded_rectangle((40, 100, 270, 400), 8, fill=(190, 205, 210, 255))
    d.ellipse((105, 140, 205, 250), fill=(140, 155, 165, 255))
    d.pieslice((65, 240, 245, 440), 180, 360, fill=(140, 155, 165, 255))
    lab, val = font(DV, 18), font(DVB, 28)
    y = 100
    for a, b in [
        ("ТЕГІ / ФАМИЛИЯ", "САТПАЕВ"),
        ("АТЫ / ИМЯ", "ЕРЛАН"),
        ("ТУҒАН КҮНІ / ДАТА РОЖДЕНИЯ", "07.03.1990"),
    ]:
        d.text((300, y), a, font=lab, fill=(60, 90, 100))
        d.text((300, y + 24), b, font=val, fill=(15, 15, 15))
        y += 80
    d.text((40, 430), "ЖСН / ИИН", font=font(DVB, 22), fill=(60, 90, 100))
    nb = text_box(d, (200, 420), iin, font(MONOB, 44), (10, 10, 10))
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), 26, fill=255)
    img.paste(bg, (0, 0), mask)
    return img, nb


def sticky_note(phone):
    w, h = 420, 200
    img = Image.new("RGBA", (w, h), (250, 236, 120, 255))
    d = ImageDraw.Draw(img)
    d.text((24, 22), "Тел. / Phone:", font=font(DV, 28), fill=(40, 40, 120))
    nb = text_box(d, (24, 92), phone, font(DVB, 40), (30, 30, 110))
    return img, nb


def passport_page(rng):
    w, h = 1160, 780
    img = Image.new("RGBA", (w, h), (238, 230, 212, 255))
    d = ImageDraw.Draw(img)
    guilloche(d, w, h, (215, 200, 178, 255), rng, n=20)
    d.text((40, 24), "ПАСПОРТ / PASSPORT", font=font(DVB, 32), fill=(90, 40, 40))
    d.text((700, 30), "KAZAKHSTAN", font=font(DVB, 28), fill=(90, 40, 40))
    d.rounded_rectangle((40, 100, 330, 470), 8, fill=(200, 195, 185, 255))
    d.ellipse((130, 150, 240, 270), fill=(150, 145, 140, 255))
    d.pieslice((80, 260, 290, 520), 180, 360, fill=(150, 145, 140, 255))
    lab, val = font(DV, 18), font(DVB, 28)
    rows = [
        ("Type / Түрі", "P"),
        ("Code", "KAZ"),
        ("Surname", "SEITKALI"),
        ("Given names", "AIGERIM"),
        ("Date of birth", "07 MAR 1990"),
        ("Date of expiry", "14 FEB 2031"),
    ]
    y = 100
    for a, b in rows:
        d.text((370, y), a, font=lab, fill=(110, 80, 70))
        d.text((370, y + 22), b, font=val, fill=(20, 20, 20))
        y += 62
    d.text((800, 100), "Passport No.", font=lab, fill=(110, 80, 70))
    pb = text_box(d, (800, 124), PASS_NO, font(MONOB, 34), (150, 20, 20))
    d.rectangle((0, 560, w, h), fill=(246, 242, 232, 255))
    mf = font(MONOB, 38)
    b1 = text_box(d, (40, 590), MRZ1, mf, (10, 10, 10))
    b2 = text_box(d, (40, 670), MRZ2, mf, (10, 10, 10))
    return img, {"passport": pb, "mrz1": b1, "mrz2": b2}


def calendar_sheet():
    w, h = 640, 860
    img = Image.new("RGBA", (w, h), (252, 252, 248, 255))
    d = ImageDraw.Draw(img)
    # picture: sky + mountains
    for yy in range(330):
        c = int(150 + 90 * yy / 330)
        d.line([(0, yy), (w, yy)], fill=(c - 60, c - 20, 255, 255))
    d.polygon([(0, 330), (160, 150), (300, 330)], fill=(70, 100, 80, 255))
    d.polygon([(180, 330), (420, 110), (640, 330)], fill=(60, 85, 70, 255))
    d.polygon([(380, 150), (420, 110), (460, 150)], fill=(245, 245, 250, 255))
    d.ellipse((20, 0, 52, 24), fill=(60, 60, 60, 255))
    d.ellipse((588, 0, 620, 24), fill=(60, 60, 60, 255))
    d.text((40, 345), "2019", font=font(DVB, 64), fill=(190, 30, 30))
    d.text((260, 362), "MARCH · 三月", font=font(CJKB, 40), fill=(40, 40, 40))
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    cw = (w - 40) / 7
    for i, s in enumerate(days):
        d.text((28 + i * cw, 450), s, font=font(DVB, 22), fill=(120, 120, 120))
    f = font(DV, 34)
    start = 4  # 2019-03-01 was a Friday
    for day in range(1, 32):
        k = start + day - 1
        r, c = divmod(k, 7)
        col = (190, 30, 30) if c >= 5 else (30, 30, 30)
        d.text((28 + c * cw, 495 + r * 70), str(day), font=f, fill=col)
    return img


def shop_sign():
    w, h = 1000, 600
    img = Image.new("RGBA", (w, h), (30, 45, 38, 255))  # chalkboard
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, w - 1, h - 1), outline=(140, 100, 60, 255), width=18)
    d.text((60, 40), "FRESH MARKET  鲜果店", font=font(CJKB, 50), fill=(250, 240, 200))
    items = [
        ("Apples / 苹果", "¥12.80 /kg"),
        ("Milk 1L", "6.50"),
        ("Bread", "8.00"),
        ("Eggs x12", "15.90"),
        ("Coffee beans 500g", "1299.00 ₸"),
    ]
    f1, f2 = font(CJK, 36), font(DVB, 38)
    y = 140
    for a, b in items:
        d.text((70, y), a, font=f1, fill=(235, 235, 235))
        d.text((680, y), b, font=f2, fill=(255, 220, 120))
        y += 66
    d.text(
        (70, 490), "SALE 2018-03-15  ·  Open 08:00–22:00", font=font(DVB, 34), fill=(255, 160, 160)
    )
    return img


def hand_image():
    w, h = 420, 360
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    skin = (224, 172, 140, 255)
    d.rounded_rectangle((60, 150, 400, 360), 60, fill=skin)  # palm
    for i, x in enumerate([70, 150, 230, 310]):
        d.rounded_rectangle((x, 20 + 15 * abs(i - 1.5), x + 70, 220), 34, fill=skin)
    d.rounded_rectangle((0, 170, 120, 250), 38, fill=skin)  # thumb
    return img.filter(ImageFilter.GaussianBlur(1.5))


# ---------------------------------------------------------------- compositing
def affine(cx, cy, angle_deg, scale, w, h):
    """Matrix mapping object coords -> frame coords (object centre at cx, cy)."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a) * scale, math.sin(a) * scale
    # rotate counter-clockwise visually for positive angle (y down)
    M = np.array([[ca, sa, 0], [-sa, ca, 0]], np.float64)
    M[:, 2] = [cx, cy] - M[:, :2] @ np.array([w / 2, h / 2])
    return M


def paste(frame, obj_rgba, M, shadow=True):
    arr = np.asarray(obj_rgba).astype(np.float32)
    bgr = arr[..., [2, 1, 0]]
    alpha = arr[..., 3] / 255.0
    wb = cv2.warpAffine(bgr, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
    wa = cv2.warpAffine(alpha, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
    f = frame.astype(np.float32)
    if shadow:
        Ms = M.copy()
        Ms[:, 2] += [8, 10]
        sa = cv2.warpAffine(alpha, Ms, (W, H), borderValue=0)
        sa = cv2.GaussianBlur(sa, (0, 0), 6) * 0.45
        f = f * (1 - sa[..., None])
    f = f * (1 - wa[..., None]) + wb * wa[..., None]
    return f


def box_in_frame(M, b):
    pts = np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]], np.float64)
    q = pts @ M[:, :2].T + M[:, 2]
    x0, y0 = q.min(0)
    x1, y1 = q.max(0)
    x0, y0 = max(0.0, x0), max(0.0, y0)
    x1, y1 = min(W - 1.0, x1), min(H - 1.0, y1)
    if x1 <= x0 or y1 <= y0:
        return None
    return [round(float(v), 1) for v in (x0, y0, x1, y1)]


def quad_in_frame(M, w, h):
    pts = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    q = pts @ M[:, :2].T + M[:, 2]
    return [[round(float(x), 1), round(float(y), 1)] for x, y in q]


# ---------------------------------------------------------------- writer
def write_video(path, frames_iter, n, rng, tone_hz=330.0):
    c = av.open(path, "w")
    vs = c.add_stream("libx264", rate=FPS)
    vs.width, vs.height, vs.pix_fmt = W, H, "yuv420p"
    vs.options = {"crf": "20", "preset": "veryfast"}
    ast = c.add_stream("aac", rate=44100)
    try:
        ast.layout = "mono"
    except Exception:
        pass
    for i, fr in enumerate(frames_iter):
        vf = av.VideoFrame.from_ndarray(fr, format="bgr24")
        vf.pts = i
        vf.time_base = Fraction(1, FPS)
        for p in vs.encode(vf):
            c.mux(p)
    for p in vs.encode():
        c.mux(p)
    total = int(44100 * n / FPS)
    t = np.arange(total) / 44100.0
    snd = (0.05 * np.sin(2 * math.pi * tone_hz * t)).astype(np.float32)
    pts = 0
    for s in range(0, total, 1024):
        chunk = snd[s : s + 1024][None, :]
        af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        af.sample_rate = 44100
        af.pts = pts
        af.time_base = Fraction(1, 44100)
        pts += chunk.shape[1]
        for p in ast.encode(af):
            c.mux(p)
    for p in ast.encode():
        c.mux(p)
    c.close()


def finish(frame, rng):
    f = frame + rng.normal(0, 2.0, frame.shape).astype(np.float32)
    return np.clip(f, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- scenes
def scene(name, seed, n, bgkind, objects):
    """objects: list of dicts {img, boxes:{label:(type,value,bbox)}, motion(i)->(cx,cy,ang,scale),
    visible(i)->bool per label (optional), card:bool}"""
    rng = np.random.default_rng(seed)
    bg = textured_background(rng, bgkind)
    truth = {"frames": n, "fps": FPS, "duration_s": n / FPS, "numbers": [], "cards": []}
    recs = {}
    card_recs = []
    for oi, ob in enumerate(objects):
        for lab, (typ, value, _b) in ob.get("boxes", {}).items():
            recs[(oi, lab)] = {"type": typ, "value": value, "boxes": []}
        if ob.get("card"):
            card_recs.append((oi, {"name": ob.get("name", "card%d" % oi), "quads": []}))

    def frames():
        for i in range(n):
            f = bg.astype(np.float32)
            for oi, ob in enumerate(objects):
                w, h = ob["img"].size
                cx, cy, ang, sc = ob["motion"](i)
                M = affine(cx, cy, ang, sc, w, h)
                f = paste(f, ob["img"], M, shadow=ob.get("shadow", True))
                for lab, (typ, value, b) in ob.get("boxes", {}).items():
                    vis = ob.get("visible", lambda i, lab: True)(i, lab)
                    recs[(oi, lab)]["boxes"].append(box_in_frame(M, b) if vis else None)
                for coi, cr in card_recs:
                    if coi == oi:
                        cr["quads"].append(quad_in_frame(M, w, h))
            yield finish(f, rng)

    write_video(os.path.join(VID, name + ".mp4"), frames(), n, rng)
    truth["numbers"] = list(recs.values())
    truth["cards"] = [cr for _, cr in card_recs]
    return truth


def main():
    os.makedirs(VID, exist_ok=True)
    truth = {}
    rng0 = np.random.default_rng(19)

    # 1. card slides across a wooden desk, left to right, slight wobble
    card, nb = cn_card(CN_IDS["cn_moving"], rng0)
    n = 150
    truth["cn_moving"] = scene(
        "cn_moving",
        101,
        n,
        "desk",
        [
            {
                "img": card,
                "card": True,
                "name": "cn_id_card",
                "boxes": {"id": ("cn_id", CN_IDS["cn_moving"], nb)},
                "motion": lambda i: (
                    300 + 680 * i / (n - 1),
                    360 + 25 * math.sin(i / 12),
                    2 * math.sin(i / 20),
                    0.95,
                ),
            }
        ],
    )
    truth["cn_moving"]["shows"] = (
        "Chinese ID card (own design) sliding left→right over a wood-grain desk"
    )

    # 2. rotated card (~12..18 degrees), slowly zooming
    card, nb = cn_card(CN_IDS["cn_rotated"], rng0)
    n = 125
    truth["cn_rotated"] = scene(
        "cn_rotated",
        102,
        n,
        "cloth",
        [
            {
                "img": card,
                "card": True,
                "name": "cn_id_card",
                "boxes": {"id": ("cn_id", CN_IDS["cn_rotated"], nb)},
                "motion": lambda i: (640, 370, 12 + 6 * i / (n - 1), 1.0 + 0.08 * i / (n - 1)),
            }
        ],
    )
    truth["cn_rotated"]["shows"] = (
        "Chinese ID card rotated 12°→18° on a woven-cloth background, slow zoom"
    )

    # 3. small card: number text ~14 px tall
    card, nb = cn_card(CN_IDS["cn_small"], rng0)
    text_h = nb[3] - nb[1]
    sc = 14.0 / text_h
    n = 125
    truth["cn_small"] = scene(
        "cn_small",
        103,
        n,
        "desk",
        [
            {
                "img": card,
                "card": True,
                "name": "cn_id_card",
                "boxes": {"id": ("cn_id", CN_IDS["cn_small"], nb)},
                "motion": lambda i: (
                    860 + 30 * math.sin(i / 15),
                    250 + 10 * math.cos(i / 11),
                    -4,
                    sc,
                ),
            }
        ],
    )
    truth["cn_small"]["shows"] = (
        "small Chinese ID card (number ~14 px high) in the upper right of a desk, drifting"
    )
    truth["cn_small"]["number_text_px"] = 14

    # 4. card with a hand covering the number for 1 s (frames 50..74)
    card, nb = cn_card(CN_IDS["cn_occluded"], rng0)
    hand = hand_image()
    n = 150
    cm = lambda i: (640, 360, -3, 1.05)
    M = affine(*cm(0), *card.size)
    nbx = box_in_frame(M, nb)
    hx = (nbx[0] + nbx[2]) / 2

    def hand_motion(i):
        if 50 <= i < 75:
            return (hx, nbx[1] + 120, 8, 1.6)
        return (-2000, -2000, 0, 1.0)  # off screen

    truth["cn_occluded"] = scene(
        "cn_occluded",
        104,
        n,
        "cloth",
        [
            {
                "img": card,
                "card": True,
                "name": "cn_id_card",
                "boxes": {"id": ("cn_id", CN_IDS["cn_occluded"], nb)},
                "motion": cm,
                "visible": lambda i, lab: not (50 <= i < 75),
            },
            {"img": hand, "motion": hand_motion, "shadow": True},
        ],
    )
    truth["cn_occluded"]["shows"] = (
        "static Chinese ID card; a hand-like shape covers the number during frames 50–74 (1 s)"
    )
    truth["cn_occluded"]["occluded_frames"] = [50, 74]

    # 5. Kazakhstan ID card + sticky note with a phone number
    card, nb = kz_card(IIN, rng0)
    note, pb = sticky_note(KZ_PHONE)
    n = 125
    truth["kz_iin_phone"] = scene(
        "kz_iin_phone",
        105,
        n,
        "desk",
        [
            {
                "img": card,
                "card": True,
                "name": "kz_id_card",
                "boxes": {"iin": ("kz_iin", IIN, nb)},
                "motion": lambda i: (470 + 40 * i / (n - 1), 330, 5, 0.9),
            },
            {
                "img": note,
                "boxes": {"phone": ("phone", KZ_PHONE, pb)},
                "motion": lambda i: (1040, 560 - 20 * i / (n - 1), -7, 0.95),
            },
        ],
    )
    truth["kz_iin_phone"]["shows"] = (
        "Kazakhstan ID-like card with a valid IIN, plus a yellow note with a +7 phone number"
    )

    # 6. passport data page with MRZ
    page, boxes = passport_page(rng0)
    n = 150
    truth["passport_mrz"] = scene(
        "passport_mrz",
        106,
        n,
        "cloth",
        [
            {
                "img": page,
                "card": True,
                "name": "passport_page",
                "boxes": {
                    "passport": ("passport", PASS_NO, boxes["passport"]),
                    "mrz1": ("mrz", MRZ1, boxes["mrz1"]),
                    "mrz2": ("mrz", MRZ2, boxes["mrz2"]),
                },
                "motion": lambda i: (640, 365, 3 - 2 * i / (n - 1), 1.0 + 0.06 * math.sin(i / 25)),
            }
        ],
    )
    truth["passport_mrz"]["shows"] = (
        "passport-like data page (KAZ) with number N12407398 and a 2×44 MRZ, slight tilt and zoom"
    )

    # 7. control: wall calendar 2019
    cal = calendar_sheet()
    n = 125
    truth["control_calendar"] = scene(
        "control_calendar",
        107,
        n,
        "wall",
        [
            {
                "img": cal,
                "shadow": True,
                "motion": lambda i: (
                    640 + 6 * math.sin(i / 9),
                    360 + 4 * math.cos(i / 7),
                    0.5 * math.sin(i / 13),
                    0.8,
                ),
            }
        ],
    )
    truth["control_calendar"]["shows"] = (
        "CONTROL: wall calendar, '2019', MARCH, days 1–31 (hand-held camera shake)"
    )
    truth["control_calendar"]["control"] = True

    # 8. control: shop chalkboard with prices and a date
    sign = shop_sign()
    n = 125
    truth["control_shop"] = scene(
        "control_shop",
        108,
        n,
        "wall",
        [
            {
                "img": sign,
                "shadow": True,
                "motion": lambda i: (640 - 60 * i / (n - 1), 360, -1.5, 1.1),
            }
        ],
    )
    truth["control_shop"]["shows"] = (
        "CONTROL: shop chalkboard with prices (¥12.80, 1299.00 ₸), 'SALE 2018-03-15', opening hours; slow pan"
    )
    truth["control_shop"]["control"] = True

    for k, v in truth.items():
        v.setdefault("control", False)
    with open(os.path.join(HERE, "truth.json"), "w") as f:
        json.dump(
            {
                "W": W,
                "H": H,
                "fps": FPS,
                "videos": truth,
                "values": {
                    "cn_ids": CN_IDS,
                    "iin": IIN,
                    "phone": KZ_PHONE,
                    "passport": PASS_NO,
                    "mrz": [MRZ1, MRZ2],
                },
            },
            f,
            ensure_ascii=False,
            indent=1,
        )
    print("cn ids", CN_IDS)
    print("iin", IIN, "mrz", MRZ1, MRZ2, sep="\n")


if __name__ == "__main__":
    main()
