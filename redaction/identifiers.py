"""Identity numbers and phone numbers in transcript text: detectors with their checks."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["cn_resident_id", "kz_iin", "passport", "phone"]
KINDS: tuple[Kind, ...] = ("cn_resident_id", "kz_iin", "passport", "phone")


@dataclass(frozen=True, slots=True)
class Span:
    """One identifier found in a text: character offsets into the text as given."""

    start: int
    end: int
    kind: Kind
    text: str


# --------------------------------------------------------------------------------------------
# Normalisation. Matching runs on a normalised copy in which every character is ASCII where
# it matters; each normalised character remembers its original offset, so spans point into
# the text exactly as it was given (a Uyghur sentence with ۰-۹ digits keeps its digits).
# --------------------------------------------------------------------------------------------

# Cyrillic letters that look like Latin ones: Russian-keyboard transcripts write the passport
# prefix "Е12345678" or the ID check character "…123Х" with Cyrillic letters. Only used on
# the matching copy; context words are looked up in the original text.
_HOMOGLYPHS = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c",
    "х": "x",
}  # fmt: skip


def _fold_char(char: str) -> str | None:
    """The matching form of one character; None drops it (invisible format characters)."""
    if char.isascii():
        return char
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII: ０-９, Ｘ, ＋, （ ）, －
        return chr(code - 0xFEE0)
    digit = unicodedata.decimal(char, None)
    if digit is not None:  # ٠-٩, ۰-۹, and every other script's decimal digits
        return str(digit)
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    category = unicodedata.category(char)
    if category == "Zs":  # no-break, thin, ideographic spaces typed between digit groups
        return " "
    if category == "Pd" or char == "\u2212":  # dashes and the minus sign
        return "-"
    if category == "Cf":  # LRM/RLM, bidi isolates, zero-width: Uyghur text puts them in numbers
        return None
    return char


def _normalise(text: str) -> tuple[str, list[int]]:
    """Matching copy of text, and for each of its characters the offset in text."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded is not None:
            chars.append(folded)
            origin.append(index)
    origin.append(len(text))
    return "".join(chars), origin


def normalise_digits(text: str) -> str:
    """Text with every decimal digit (full-width, Arabic-Indic, ...) as an ASCII digit."""
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


# --------------------------------------------------------------------------------------------
# Check digits and dates.
# --------------------------------------------------------------------------------------------

# GB 11643-1999: ISO 7064 MOD 11-2, weight of position i (0-based, from the left) = 2^(17-i)
# mod 11; the check character makes the weighted sum of all 18 (X = 10) congruent to 1.
_CN_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CN_CHECK = "10X98765432"  # indexed by (sum of weighted first 17 digits) mod 11
# First two digits: province-level divisions (GB/T 2260) plus 71 Taiwan, 81/82 Hong Kong and
# Macau, 83 Taiwan residents' mainland permits. Cuts random 18-digit runs by about 3/4.
_CN_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_EARLIEST_BIRTH_YEAR = 1890


def cn_resident_id_check_char(first17: str) -> str:
    """Check character (0-9 or X) of a Chinese resident ID from its first 17 ASCII digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 ASCII digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11]


# Kazakhstan IIN (Order of the Ministry of Justice on the national registers): the check digit
# is the sum of digit_i * i (i = 1..11) mod 11; if that is 10, a second pass with weights
# 3,4,5,6,7,8,9,10,11,1,2; if that is 10 as well, the number is never issued.
_KZ_WEIGHTS_1 = tuple(range(1, 12))
_KZ_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# Seventh digit: century of birth and sex (odd = male, even = female).
_KZ_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def kz_iin_check_digit(first11: str) -> int | None:
    """Check digit of a Kazakhstan IIN from its first 11 ASCII digits; None: never issued."""
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError(f"need 11 ASCII digits, got {first11!r}")
    for weights in (_KZ_WEIGHTS_1, _KZ_WEIGHTS_2):
        check = sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11
        if check != 10:
            return check
    return None


def _real_date(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return year >= _EARLIEST_BIRTH_YEAR and born <= today


def is_valid_cn_resident_id(value: str, *, today: dt.date | None = None) -> bool:
    """18 characters (any digit script, no separators): province, birth date and check char."""
    value = normalise_digits(value).upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    if int(value[:2]) not in _CN_PROVINCES:
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not _real_date(year, month, day, today or dt.date.today()):
        return False
    return cn_resident_id_check_char(value[:17]) == value[17]


def is_valid_kz_iin(value: str, *, today: dt.date | None = None) -> bool:
    """12 digits (any digit script, no separators): YYMMDD, century/sex digit, check digit."""
    value = normalise_digits(value)
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    century = _KZ_CENTURY.get(int(value[6]))
    if century is None:
        return False
    year, month, day = century + int(value[0:2]), int(value[2:4]), int(value[4:6])
    if not _real_date(year, month, day, today or dt.date.today()):
        return False
    return kz_iin_check_digit(value[:11]) == int(value[11])


# --------------------------------------------------------------------------------------------
# Patterns. All run on the normalised copy. "Overlapping" patterns are wrapped in a lookahead
# so that every start position is tried: a candidate that fails its check digit must not hide
# a valid number starting two characters later.
# --------------------------------------------------------------------------------------------

# One optional space or hyphen between any two characters: people type "6540 0219 8503 1523 1X"
# or "650102-19850315-123X". Never two: "2019 - 650102…" stays two numbers.
_SEP = r"[ \-]?"
_CN_ID_RE = re.compile(rf"(?=((?<![0-9])[1-8](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx])(?![0-9]))")
_KZ_IIN_RE = re.compile(rf"(?=((?<![0-9])[0-9](?:{_SEP}[0-9]){{11}})(?![0-9]))")

# Passport numbers that are distinctive on their own: Chinese ordinary passports E + 8 digits
# (2012 on) or E + letter (no I, O) + 7 digits, G + 8 digits (before 2012), Kazakhstan N + 8.
_PASSPORT_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[EeGgNn] ?[0-9]{8}|[Ee][A-HJ-NP-Za-hj-np-z][0-9]{7})(?![A-Za-z0-9])"
)
# Ambiguous alone, so only near a context word: Russian internal "45 06 123456" (series +
# number), 9-digit Russian foreign passports and Kazakhstan ID cards, and other countries'
# letters + digits.
_PASSPORT_CONTEXT_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"[0-9]{2} ?[0-9]{2}[ \-]?(?:№ ?)?[0-9]{6}"
    r"|(?:№ ?)?[0-9]{2} ?[0-9]{7}"
    r"|[A-Za-z]{1,2} ?[0-9]{6,9}"
    r")(?![A-Za-z0-9])"
)
_PASSPORT_WORDS = re.compile(
    r"passport|pasport|pasaport|passeport|паспорт|удостоверени|куәлі|kuälik|kuelik"
    r"|id card|identity card|kimlik|护照|護照|پاسپورت|پاسپورٹ|كىملىك",
    re.IGNORECASE,
)
_CONTEXT_BEFORE = 48
_CONTEXT_AFTER = 24

# Phones. International: "+" or "00", then digit groups separated by one space, hyphen or dot,
# or wrapped in parentheses: "+7 (701) 123-45-67", "+86 138 0013 8000", "0090 532 123 45 67".
_INTL_RE = re.compile(
    r"(?<![0-9A-Za-z+])(\+ ?|00)(?=[1-9])([0-9]+(?:(?: ?\( ?| ?\) ?|[ \-.])[0-9]+)*)"
)
_NATIONAL_PHONE_RES = (
    # Chinese mobile, 11 digits 1[3-9]x, grouped 3-4-4 or not at all.
    re.compile(r"(?<![0-9])1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])"),
    # Kazakh / Russian trunk prefix 8: "8 701 123 45 67", "8 (701) 123-45-67", "8 701 1234567".
    re.compile(
        r"(?<![0-9])8[ \-]?(?:\([3-9][0-9]{2}\)|[3-9][0-9]{2})[ \-]?[0-9]{3}"
        r"(?:[ \-]?[0-9]{2}[ \-]?[0-9]{2}|[ \-]?[0-9]{4})(?![0-9])"
    ),
    # Kazakh landlines with four-digit city codes: "8 7172 12 34 56".
    re.compile(r"(?<![0-9])8[ \-]?(?:\(7[0-9]{3}\)|7[0-9]{3})(?:[ \-]?[0-9]{2}){3}(?![0-9])"),
    # Kazakh mobile without prefix (700-708, 747, 771, 775-778): "701 123 45 67".
    re.compile(
        r"(?<![0-9])\(?7(?:0[0-8]|47|7[1578])\)?[ \-]?[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}"
        r"(?![0-9])"
    ),
    # Chinese landline with area code and a visible separator: "0991-4567890", "(0991) 4567890".
    re.compile(
        r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[ \-])[2-9][0-9]{6,7}(?![0-9])"
    ),
)
# Country code -> total digit counts (code included) of a full number; unknown codes accept
# 8-15 digits (E.164 caps numbers at 15). Knowing the length lets "+7 701 123 45 67 2019" end
# before the year instead of swallowing it or being rejected as too long.
_COUNTRY_LENGTHS: dict[str, frozenset[int]] = {
    code: frozenset(lengths)
    for code, lengths in {
        "7": (11,), "86": (12, 13), "90": (12,), "998": (12,), "996": (12,), "992": (12,),
        "993": (11,), "994": (12,), "995": (12,), "976": (11,), "92": (12,), "93": (11,),
        "1": (11,), "44": (12,), "49": (11, 12, 13), "33": (11,), "31": (11,), "32": (10, 11),
        "46": (10, 11, 12), "47": (10,), "45": (10,), "61": (11,), "81": (11, 12),
        "82": (11, 12), "852": (11,), "853": (11,), "886": (11, 12), "971": (11, 12),
        "966": (12,), "380": (12,), "48": (11,), "41": (11,), "39": (11, 12), "34": (11,),
    }.items()
}  # fmt: skip
_GENERIC_PHONE_LENGTHS = frozenset(range(8, 16))

# A number right after a currency sign or before a currency/magnitude word is an amount.
_AMOUNT_AFTER = re.compile(
    r"\s?(?:тенге|теңге|тг\b|руб|юан|доллар|сом|сум|лир|евро|тысяч|мың|млн|млрд|миллион"
    r"|tenge|yuan|rmb|usd|dollar|euro|lira|som|thousand|million|元|块|万|₸|₽|¥|\$|€|£)",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = re.compile(r"(?:[₸₽¥$€£]|RMB|USD|KZT)\s?$", re.IGNORECASE)

# When candidates overlap, the one with the stronger evidence wins: check digits first.
_PRIORITY: dict[Kind, int] = {"cn_resident_id": 0, "kz_iin": 1, "passport": 2, "phone": 3}


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _looks_like_amount(original: str, start: int, end: int) -> bool:
    return bool(
        _AMOUNT_AFTER.match(original, end)
        or _AMOUNT_BEFORE.search(original, max(0, start - 5), start)
    )


def _same_line_window(original: str, start: int, end: int) -> tuple[str, str]:
    before = original[max(0, start - _CONTEXT_BEFORE) : start].rsplit("\n", 1)[-1]
    after = original[end : end + _CONTEXT_AFTER].split("\n", 1)[0]
    return before, after


def _has_passport_context(original: str, start: int, end: int) -> bool:
    before, after = _same_line_window(original, start, end)
    return bool(_PASSPORT_WORDS.search(before) or _PASSPORT_WORDS.search(after))


def _intl_phone_end(match: re.Match[str]) -> int | None:
    """End (normalised offset) of the phone number in an international candidate, or None."""
    body_start = match.start(2)
    groups = [(m.end(), m.group()) for m in re.finditer(r"[0-9]+", match.group(2))]
    all_digits = "".join(g for _, g in groups)
    allowed = _GENERIC_PHONE_LENGTHS
    for size in (3, 2, 1):
        if all_digits[:size] in _COUNTRY_LENGTHS:
            allowed = _COUNTRY_LENGTHS[all_digits[:size]]
            break
    else:
        if match.group(1) == "00":  # "00" + unknown code is too weak: "00 12 34 56 78"
            return None
    count = 0
    best: int | None = None
    for group_end, group in groups:  # only between groups: never cut a typed group in two
        count += len(group)
        if count in allowed:
            best = body_start + group_end
    return best


def find_identifiers(text: str, *, today: dt.date | None = None) -> list[Span]:
    """Every identity-document number and phone number in text, in order, not overlapping.

    ``today`` bounds birth dates (a date of birth in the future is not a real ID); tests pin it.
    """
    norm, origin = _normalise(text)
    today = today or dt.date.today()
    candidates: list[tuple[int, int, Kind]] = []  # normalised offsets

    for match in _CN_ID_RE.finditer(norm):
        if is_valid_cn_resident_id(re.sub(r"[ \-]", "", match.group(1)), today=today):
            candidates.append((match.start(1), match.end(1), "cn_resident_id"))
    for match in _KZ_IIN_RE.finditer(norm):
        if is_valid_kz_iin(_digits(match.group(1)), today=today):
            candidates.append((match.start(1), match.end(1), "kz_iin"))
    for match in _PASSPORT_RE.finditer(norm):
        candidates.append((match.start(), match.end(), "passport"))
    for match in _PASSPORT_CONTEXT_RE.finditer(norm):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if _has_passport_context(text, start, end) and not _looks_like_amount(text, start, end):
            candidates.append((match.start(), match.end(), "passport"))
    for match in _INTL_RE.finditer(norm):
        intl_end = _intl_phone_end(match)
        if intl_end is not None:
            candidates.append((match.start(), intl_end, "phone"))
    for pattern in _NATIONAL_PHONE_RES:
        for match in pattern.finditer(norm):
            candidates.append((match.start(), match.end(), "phone"))

    # Strongest first, then longest; a candidate overlapping one already chosen is dropped.
    # chosen stays sorted and disjoint, so only the neighbours need checking (bisect).
    chosen: list[tuple[int, int, Kind]] = []
    for start, end, kind in sorted(candidates, key=lambda c: (_PRIORITY[c[2]], c[0] - c[1], c[0])):
        at = bisect.bisect_left(chosen, (start, end, kind))
        if (at > 0 and chosen[at - 1][1] > start) or (at < len(chosen) and chosen[at][0] < end):
            continue
        o_start, o_end = origin[start], origin[end - 1] + 1
        if kind == "phone" and _looks_like_amount(text, o_start, o_end):
            continue
        chosen.insert(at, (start, end, kind))

    spans = []
    for start, end, kind in chosen:
        o_start, o_end = origin[start], origin[end - 1] + 1
        spans.append(Span(o_start, o_end, kind, text[o_start:o_end]))
    return spans
