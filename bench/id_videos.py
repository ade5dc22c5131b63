"""Generate the identity-card test videos (issue 19): fictional cards held up to a camera.

Every card and number is made up here, from a seed: Chinese resident ID (the side with the
photo and the 18-character number, valid check character; and the emblem side, which carries
no number), a Kazakhstan ID card with a valid IIN, a passport data page with its
machine-readable zone. Each video holds one card at a size, angle, motion, blur, lighting
and cover of its own; control videos show numbers that are not identity numbers (a wall
calendar with a year, dates on a sheet) and one with a phone number (masked in transcripts,
so blurred too). Next to the videos, ``manifest.json`` records for every frame where the
number is (a quadrilateral in frame pixels) and whether it is in view and uncovered: the
ground truth the bench compares with.

    .venv/bin/python bench/id_videos.py OUT_DIR [--only NAME ...] [--seconds S] [--size 720]

Same seed, same videos (the encoder is deterministic with one thread). Fonts: Debian's
fonts-noto-cjk (``apt-get install fonts-noto-cjk``) and fonts-dejavu-core.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from redaction.identifiers import (  # noqa: E402  (needs the project on sys.path)
    cn_resident_id_check_char,
    kz_iin_check_digit,
)

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Kazakh letters (Қ, Ә, Ұ) too
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FPS = 25
CARD_W, CARD_H = 856, 540  # ID-1 format, 85.6 × 54 mm at 10 px/mm
PAGE_W, PAGE_H = 1250, 880  # passport data page, 125 × 88 mm


def _font(path: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


# --------------------------------------------------------------------------------------------
# Fictional numbers with valid check digits.
# --------------------------------------------------------------------------------------------


def cn_id(rng: random.Random) -> str:
    area = rng.choice(["654002", "650102", "652801", "654301", "653101"])  # Xinjiang codes
    born = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"{area}{born}{rng.randint(0, 999):03d}"
    return first17 + cn_resident_id_check_char(first17)


def kz_iin(rng: random.Random) -> str:
    while True:
        year, month, day = rng.randint(1950, 1999), rng.randint(1, 12), rng.randint(1, 28)
        first11 = (
            f"{year % 100:02d}{month:02d}{day:02d}{rng.choice('34')}{rng.randint(0, 9999):04d}"
        )
        check = kz_iin_check_digit(first11)
        if check is not None:
            return f"{first11}{check}"


def passport_no(rng: random.Random) -> str:
    return "E" + "".join(str(rng.randint(0, 9)) for _ in range(8))


def _mrz_check(value: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for i, char in enumerate(value):
        if char.isdigit():
            number = int(char)
        elif char.isalpha():
            number = ord(char) - 55
        else:
            number = 0
        total += number * weights[i % 3]
    return str(total % 10)


# --------------------------------------------------------------------------------------------
# Cards: an RGB image and the number's box on it (x0, y0, x1, y1 in card pixels).
# --------------------------------------------------------------------------------------------

Box = tuple[int, int, int, int]


def _photo(draw: ImageDraw.ImageDraw, box: Box, rng: random.Random) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=(205 + rng.randint(-10, 10), 215, 225))
    cx, w = (x0 + x1) // 2, x1 - x0
    draw.ellipse((cx - w // 4, y0 + w // 6, cx + w // 4, y0 + w // 6 + w // 2), fill=(160, 120, 95))
    draw.pieslice(
        (x0 + w // 10, y1 - w // 2, x1 - w // 10, y1 + w // 2), 180, 360, fill=(40, 40, 60)
    )


def _text_box(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
) -> Box:
    draw.text(xy, text, font=font, fill=fill)
    left, top, right, bottom = draw.textbbox(xy, text, font=font)
    return int(left), int(top), int(right), int(bottom)


def card_cn_front(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """The photo side: name, sex, ethnicity, birth date, address, the 18-character number."""
    number = cn_id(rng)
    image = Image.new("RGB", (CARD_W, CARD_H), (238, 240, 236))
    draw = ImageDraw.Draw(image)
    for y in range(CARD_H):  # the faint blue-green guilloche wash
        shade = int(12 * math.sin(y / 23.0))
        draw.line((0, y, CARD_W, y), fill=(226 + shade // 2, 236, 240 - shade // 3))
    label, value = _font(CJK, 26), _font(CJK, 30)
    ink, grey = (20, 20, 25), (70, 100, 140)
    born = number[6:14]
    lines = [
        ("姓名", rng.choice(["阿依古丽·买买提", "艾力·吐尔逊", "努尔兰·卡斯木"]), 40),
        ("性别", rng.choice(["女", "男"]) + "    民族  " + rng.choice(["维吾尔", "哈萨克"]), 100),
        ("出生", f"{born[:4]} 年 {int(born[4:6])} 月 {int(born[6:])} 日", 160),
        ("住址", "新疆伊宁市解放路" + str(rng.randint(10, 300)) + "号", 220),
    ]
    for name, text, y in lines:
        draw.text((50, y + 4), name, font=label, fill=grey)
        draw.text((150, y), text, font=value, fill=ink)
    draw.text((50, 430), "公民身份号码", font=label, fill=grey)
    box = _text_box(draw, (250, 424), number, _font(MONO, 38), ink)
    _photo(draw, (580, 60, 800, 330), rng)
    return image, box, number


def card_cn_back(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """The emblem side: issuing authority and validity dates, no number at all."""
    image = Image.new("RGB", (CARD_W, CARD_H), (236, 238, 232))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 50, 220, 210), fill=(200, 40, 40))
    draw.text((330, 90), "中华人民共和国", font=_font(CJK_BOLD, 46), fill=(20, 20, 25))
    draw.text((300, 170), "居民身份证", font=_font(CJK_BOLD, 72), fill=(20, 20, 25))
    draw.text((120, 370), "签发机关   伊宁市公安局", font=_font(CJK, 28), fill=(20, 20, 25))
    start = rng.randint(2010, 2020)
    draw.text(
        (120, 430),
        f"有效期限   {start}.03.01-{start + 20}.03.01",
        font=_font(CJK, 28),
        fill=(20, 20, 25),
    )
    return image, None, ""


def card_kz(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """A Kazakhstan ID card: names in Kazakh and Russian, the IIN under ЖСН/ИИН."""
    number = kz_iin(rng)
    image = Image.new("RGB", (CARD_W, CARD_H), (222, 236, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_W, 70), fill=(0, 140, 190))
    draw.text(
        (30, 14),
        "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ  РЕСПУБЛИКА КАЗАХСТАН",
        font=_font(SANS_BOLD, 28),
        fill=(255, 230, 120),
    )
    draw.text(
        (300, 90), "ЖЕКЕ КУӘЛІК / УДОСТОВЕРЕНИЕ ЛИЧНОСТИ", font=_font(SANS, 24), fill=(20, 40, 80)
    )
    small, big = _font(SANS, 20), _font(SANS, 30)
    fields = [
        ("ТЕГІ / ФАМИЛИЯ", rng.choice(["ҚАСЫМОВ", "НҰРЛАНОВА", "ЖАҚСЫБЕКОВ"]), 140),
        ("АТЫ / ИМЯ", rng.choice(["ЕРЛАН", "АЙГҮЛ", "СӘКЕН"]), 205),
        ("ТУҒАН КҮНІ / ДАТА РОЖДЕНИЯ", f"{number[4:6]}.{number[2:4]}.19{number[0:2]}", 270),
    ]
    for label, value, y in fields:
        draw.text((300, y), label, font=small, fill=(60, 80, 120))
        draw.text((300, y + 24), value, font=big, fill=(15, 15, 20))
    draw.text((300, 345), "ЖСН / ИИН", font=small, fill=(60, 80, 120))
    box = _text_box(draw, (300, 372), number, _font(MONO, 40), (15, 15, 20))
    _photo(draw, (40, 130, 260, 420), rng)
    draw.text(
        (40, 470), f"№ {rng.randint(10**8, 10**9 - 1)}", font=_font(SANS, 24), fill=(15, 15, 20)
    )
    return image, box, number


def card_passport(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """A passport data page: labels in Chinese and English, number top right, MRZ below."""
    number = passport_no(rng)
    image = Image.new("RGB", (PAGE_W, PAGE_H), (240, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.text(
        (40, 20),
        "中华人民共和国 护照  PEOPLE'S REPUBLIC OF CHINA  PASSPORT",
        font=_font(CJK, 30),
        fill=(90, 40, 40),
    )
    small, big = _font(CJK, 22), _font(CJK, 32)
    surname = rng.choice(["MAIMAITI", "TUERXUN", "KASIMU"])
    given = rng.choice(["AYGUL", "ALI", "NURLAN"])
    y0 = rng.randint(1955, 1995)
    rows = [
        ("类型/Type", "P", 330, 90), ("国家码/Country Code", "CHN", 560, 90),
        ("姓/Surname", surname, 330, 170), ("名/Given names", given, 330, 250),
        ("性别/Sex", "F", 330, 330), ("出生日期/Date of birth", f"12 MAR {y0}", 560, 330),
        ("签发日期/Date of issue", "05 JUN 2016", 330, 410),
        ("有效期至/Date of expiry", "04 JUN 2026", 700, 410),
    ]  # fmt: skip
    for label, value, x, y in rows:
        draw.text((x, y), label, font=small, fill=(110, 80, 80))
        draw.text((x, y + 28), value, font=big, fill=(15, 15, 20))
    draw.text((870, 90), "护照号/Passport No.", font=small, fill=(110, 80, 80))
    box = _text_box(draw, (870, 118), number, _font(MONO, 40), (15, 15, 20))
    _photo(draw, (40, 90, 300, 430), rng)
    line1 = f"POCHN{surname}<<{given}".ljust(44, "<")[:44]
    birth = f"{y0 % 100:02d}0312"
    line2 = f"{number}{_mrz_check(number)}CHN{birth}{_mrz_check(birth)}F2606044".ljust(42, "<")
    line2 = (line2 + _mrz_check(line2) + "0")[:44]
    mrz = _font(MONO, 40)
    draw.text((40, 720), line1, font=mrz, fill=(15, 15, 20))
    draw.text((40, 785), line2, font=mrz, fill=(15, 15, 20))
    return image, box, number


def sheet_calendar(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """A wall calendar: the year, a month and its dates; nothing to blur."""
    image = Image.new("RGB", (700, 820), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    year = rng.choice([2017, 2018, 2019])
    draw.rectangle((0, 0, 700, 300), fill=(70, 120, 90))
    draw.text((170, 40), str(year), font=_font(CJK_BOLD, 150), fill=(250, 250, 240))
    draw.text((60, 320), f"{rng.randint(1, 12)} 月  {year}", font=_font(CJK, 44), fill=(20, 20, 20))
    small = _font(CJK, 34)
    for i in range(1, 31):
        row, col = divmod(i - 1, 7)
        draw.text((40 + col * 92, 400 + row * 80), str(i), font=small, fill=(20, 20, 20))
    return image, None, ""


def sheet_dates(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """A handwritten-style sheet with dates and a count, nothing to blur."""
    image = Image.new("RGB", (800, 560), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    font = _font(CJK, 40)
    sans = _font(SANS, 40)
    draw.text((40, 40), "Взяли 12.05.2018", font=font, fill=(20, 30, 90))
    draw.text((40, 130), "2017年4月 被带走", font=font, fill=(20, 30, 90))
    draw.text((40, 220), "Соңғы хабар: 03.11.2019", font=sans, fill=(20, 30, 90))
    draw.text((40, 310), f"{rng.randint(2, 9)} жыл", font=sans, fill=(20, 30, 90))
    return image, None, ""


def sheet_phone(rng: random.Random) -> tuple[Image.Image, Box | None, str]:
    """A sheet with a Kazakh mobile number: phones are masked in text, so blurred here too."""
    number = f"+7 701 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    image = Image.new("RGB", (800, 400), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    draw.text((40, 60), "Хабарласыңыз / Звоните:", font=_font(CJK, 40), fill=(20, 30, 90))
    box = _text_box(draw, (40, 180), number, _font(MONO, 56), (20, 30, 90))
    return image, box, number


CARDS = {
    "cn_front": card_cn_front,
    "cn_back": card_cn_back,
    "kz": card_kz,
    "passport": card_passport,
    "calendar": sheet_calendar,
    "dates": sheet_dates,
    "phone": sheet_phone,
}


# --------------------------------------------------------------------------------------------
# Scenes: a card held in front of a room, moving, blurred, lit and covered as asked.
# --------------------------------------------------------------------------------------------


@dataclass
class Scene:
    name: str
    card: str
    width: float = 0.4  # the card's width as a share of the frame's
    angle: float = 0.0  # in-plane rotation, degrees
    tilt: float = 0.0  # perspective: how much the far edge shrinks (0..0.4)
    motion: str = "static"  # static | slide | shake | sweep
    motion_blur: int = 0  # kernel length in pixels along the motion
    defocus: float = 0.0  # Gaussian sigma, pixels
    light: float = 1.0  # gain; below 1 darker, above 1 brighter
    cover: float = 0.0  # share of the card's width a hand covers, from the left
    enter: float = 0.5  # seconds: when the card comes into view
    leave: float = -0.5  # seconds before the end when it leaves (negative: from the end)
    seconds: float | None = None  # this scene's length (default: --seconds)
    control: bool = False  # nothing on it should be blurred
    expect_blur: bool = True


SCENES = [
    Scene("cn_front_static", "cn_front", width=0.45),
    Scene("cn_front_small_tilted", "cn_front", width=0.26, angle=-12, tilt=0.15),
    Scene("cn_front_moving_blur", "cn_front", width=0.4, motion="slide", motion_blur=9),
    Scene("cn_front_dark_defocus", "cn_front", width=0.42, light=0.55, defocus=1.2),
    Scene("cn_front_half_second", "cn_front", width=0.42, enter=1.5, leave=-2.0),
    Scene("kz_static_bright", "kz", width=0.42, light=1.35, angle=6),
    Scene("kz_shaking_covered", "kz", width=0.4, motion="shake", cover=0.3),
    Scene("kz_large_angle", "kz", width=0.6, angle=20, tilt=0.2),
    Scene("passport_static", "passport", width=0.55),
    Scene("passport_sweep_blur", "passport", width=0.5, motion="sweep", motion_blur=7, angle=-5),
    Scene("cn_back_control", "cn_back", width=0.45, control=True, expect_blur=False),
    Scene("calendar_control", "calendar", width=0.32, control=True, expect_blur=False),
    Scene("dates_control", "dates", width=0.45, angle=4, control=True, expect_blur=False),
    Scene("phone_sheet", "phone", width=0.4, expect_blur=True),
]
# A minute of testimony with a card shown for 12 s in the middle: the speed figure.
LONG = Scene(
    "testimony_minute", "cn_front", width=0.4, motion="shake", enter=20, leave=32, seconds=60
)


@dataclass
class FrameTruth:
    visible: bool  # the card is in the frame at all
    number_quad: list[list[float]] | None  # 4 corners in frame pixels, None if no number
    number_readable: bool  # in view and no hand over the number
    card_quad: list[list[float]] | None


@dataclass
class VideoTruth:
    name: str
    file: str
    card: str
    number: str
    control: bool
    expect_blur: bool
    width: int
    height: int
    fps: int
    frames: list[FrameTruth] = field(default_factory=list)


def _background(width: int, height: int, rng: random.Random) -> np.ndarray:
    """A room: a wall with a gradient, a shelf, a poster, and a person in front of it."""
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = np.array(
        [rng.randint(150, 200), rng.randint(150, 190), rng.randint(130, 170)], np.float32
    )
    wall = base[None, None, :] * (0.8 + 0.25 * ys[..., None] - 0.1 * xs[..., None])
    image = np.clip(wall, 0, 255).astype(np.uint8)
    s = height / 720
    cv2.rectangle(image, (int(60 * s), int(80 * s)), (int(300 * s), int(110 * s)), (90, 70, 50), -1)
    cv2.rectangle(
        image,
        (width - int(330 * s), int(60 * s)),
        (width - int(120 * s), int(330 * s)),
        (120, 140, 170),
        -1,
    )
    cv2.ellipse(
        image, (width // 2, height), (int(300 * s), int(330 * s)), 0, 180, 360, (60, 50, 45), -1
    )
    return image


def _position(
    scene: Scene, t: float, span: float, width: int, height: int
) -> tuple[float, float, float]:
    """Centre (x, y) and extra rotation of the card at time t (seconds since it entered)."""
    cx, cy, rot = width * 0.5, height * 0.55, 0.0
    if scene.motion == "slide":
        cx = width * (0.3 + 0.4 * min(1.0, t / max(span, 0.1)))
    elif scene.motion == "shake":
        cx += width * 0.02 * math.sin(t * 9.0)
        cy += height * 0.015 * math.sin(t * 13.0 + 1)
        rot = 3.0 * math.sin(t * 7.0)
    elif scene.motion == "sweep":
        cx = width * (0.5 + 0.25 * math.sin(t * 2.2))
        cy = height * (0.55 + 0.08 * math.cos(t * 1.7))
    return cx, cy, rot


def _card_corners(
    scene: Scene, card_w: int, card_h: int, cx: float, cy: float, rot: float, width: int
) -> np.ndarray:
    w = width * scene.width
    h = w * card_h / card_w
    tilt = scene.tilt
    local = np.array(
        [
            [-w / 2, -h / 2 * (1 - tilt)],
            [w / 2, -h / 2],
            [w / 2, h / 2],
            [-w / 2, h / 2 * (1 - tilt)],
        ],
        np.float32,
    )
    theta = math.radians(scene.angle + rot)
    rotation = np.array(
        [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]], np.float32
    )
    return local @ rotation.T + np.array([cx, cy], np.float32)


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    matrix = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, matrix, (length, length))
    return kernel / max(kernel.sum(), 1e-6)


def render(scene: Scene, out_dir: Path, *, seconds: float, height: int, seed: int) -> VideoTruth:
    rng = random.Random(f"{seed}:{scene.name}")
    width = height * 16 // 9
    card, number_box, number = CARDS[scene.card](rng)
    card_rgb = np.asarray(card)[:, :, ::-1].copy()  # BGR, as OpenCV draws
    card_h, card_w = card_rgb.shape[:2]
    background = _background(width, height, rng)
    noise_rng = np.random.default_rng(rng.randint(0, 2**31))
    seconds = scene.seconds or seconds
    total = round(seconds * FPS)
    enter = scene.enter
    leave = seconds + scene.leave if scene.leave < 0 else scene.leave
    truth = VideoTruth(
        scene.name,
        f"{scene.name}.mp4",
        scene.card,
        number,
        scene.control,
        scene.expect_blur,
        width,
        height,
        FPS,
    )

    path = out_dir / truth.file
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"crf": "20", "preset": "veryfast", "threads": "1"}
        video.codec_context.time_base = Fraction(1, FPS)
        audio = container.add_stream("aac", rate=16000, layout="mono")
        for index in range(total):
            t = index / FPS
            frame = background.copy()
            head = (
                int(width / 2 + 6 * math.sin(t * 1.3)),
                int(height * 0.35 + 4 * math.sin(t * 2.1)),
            )
            cv2.circle(frame, head, int(height * 0.13), (120, 150, 190), -1)  # a face, talking
            in_view = enter <= t < leave
            frame_truth = FrameTruth(False, None, False, None)
            if in_view:
                cx, cy, rot = _position(scene, t - enter, leave - enter, width, height)
                corners = _card_corners(scene, card_w, card_h, cx, cy, rot, width)
                source = np.array([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]], np.float32)
                matrix = cv2.getPerspectiveTransform(source, corners)
                lit = np.clip(card_rgb.astype(np.float32) * scene.light, 0, 255).astype(np.uint8)
                warped = cv2.warpPerspective(lit, matrix, (width, height))
                mask = cv2.warpPerspective(
                    np.full((card_h, card_w), 255, np.uint8), matrix, (width, height)
                )
                frame[mask > 127] = warped[mask > 127]
                if scene.cover:  # a hand over the left part of the card
                    hand_w = card_w * scene.cover
                    hand = np.array(
                        [
                            [-40, -30],
                            [hand_w, -10],
                            [hand_w * 0.9, card_h + 30],
                            [-40, card_h + 40],
                        ],
                        np.float32,
                    )
                    hand_frame = cv2.perspectiveTransform(hand[None], matrix)[0].astype(np.int32)
                    cv2.fillPoly(frame, [hand_frame], (95, 140, 190))
                number_quad = None
                readable = False
                if number_box is not None:
                    x0, y0, x1, y1 = number_box
                    quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
                    number_quad = cv2.perspectiveTransform(quad[None], matrix)[0]
                    covered = scene.cover * card_w > x0
                    inside = bool(
                        (number_quad[:, 0] >= 0).all() and (number_quad[:, 0] < width).all()
                    )
                    readable = inside and not covered
                frame_truth = FrameTruth(
                    True,
                    number_quad.tolist() if number_quad is not None else None,
                    readable,
                    corners.tolist(),
                )
            if scene.motion_blur and in_view:
                frame = cv2.filter2D(frame, -1, _motion_kernel(scene.motion_blur, scene.angle))
            if scene.defocus:
                frame = cv2.GaussianBlur(frame, (0, 0), scene.defocus)
            grain = noise_rng.normal(0, 3.0, frame.shape).astype(np.int16)
            frame = np.clip(frame.astype(np.int16) + grain, 0, 255).astype(np.uint8)
            truth.frames.append(frame_truth)
            av_frame = av.VideoFrame.from_ndarray(frame, format="bgr24")
            av_frame.pts = index
            for packet in video.encode(av_frame):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        _write_audio(container, audio, seconds, rng)
    return truth


def _write_audio(
    container: av.container.OutputContainer,
    stream: av.AudioStream,
    seconds: float,
    rng: random.Random,
) -> None:
    """A voice-like hum: a tone whose pitch and loudness wander, so copying can be checked."""
    rate = 16000
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    pitch = 140 + 30 * np.sin(2 * math.pi * 0.7 * t + rng.random())
    phase = np.cumsum(2 * math.pi * pitch / rate)
    signal = (0.3 * np.sin(phase) * (0.6 + 0.4 * np.sin(2 * math.pi * 3 * t))).astype(np.float32)
    for start in range(0, len(signal), 1024):
        chunk = signal[start : start + 1024]
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", nargs="*", help="scene names (default: all)")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--size", type=int, default=720, help="frame height (16:9)")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    everything = [*SCENES, LONG]
    scenes = [s for s in everything if s.name in args.only] if args.only else SCENES
    unknown = set(args.only or ()) - {s.name for s in everything}
    if unknown:
        known = ", ".join(s.name for s in everything)
        parser.error(f"unknown scenes: {', '.join(sorted(unknown))}; known: {known}")
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for scene in scenes:
        truth = render(scene, args.out, seconds=args.seconds, height=args.size, seed=args.seed)
        manifest.append(asdict(truth))
        print(
            f"{truth.file}: {len(truth.frames)} frames, number {'yes' if truth.number else 'none'}"
        )
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
