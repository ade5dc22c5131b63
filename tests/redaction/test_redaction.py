"""Redaction: valid synthetic numbers are found and masked in every script, look-alikes are not."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from redaction import (
    Span,
    cn_resident_id_check_char,
    find_identifiers,
    is_valid_cn_resident_id,
    is_valid_kz_iin,
    kz_iin_check_digit,
    mask,
    relocate_marks,
    relocate_marks_detailed,
)
from tests.factories import make_cn_resident_id, make_kz_iin

SEED = 20240611
TODAY = dt.date(2025, 6, 1)

# Digit scripts seen in transcripts: Latin, full-width (Chinese input methods), Arabic-Indic,
# Extended Arabic-Indic (Uyghur and Persian keyboards).
DIGIT_BASES = {"latin": 0x30, "fullwidth": 0xFF10, "arabic": 0x0660, "extended": 0x06F0}
XINJIANG_REGIONS = ["650102", "650104", "654002", "653101", "652801", "650203", "654301"]

SENTENCES = {
    "kk": "Менің ағамның нөмірі {} болатын, оны 2017 жылы алып кетті.",
    "ru": "Его номер — {}. Последний раз мы говорили в 2018 году, 60 тысяч тенге.",
    "ug": "ئاكامنىڭ نومۇرى {} ئىدى، ئۇ ٢٠١٧-يىلى تۇتۇلدى.",
    "zh": "我哥哥的号码是{}，他在2017年被带走。",
    "en": "My brother's number was {}; he was taken in March 2017 at 10:30.",
}


def render(value: str, script: str) -> str:
    """value with its ASCII digits (and X) written in another script."""
    base = DIGIT_BASES[script]
    out = "".join(chr(base + int(c)) if c.isdigit() else c for c in value)
    return out.replace("X", "Ｘ") if script == "fullwidth" else out


def group(value: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    parts, position = [], 0
    for size in sizes:
        parts.append(value[position : position + size])
        position += size
    assert position == len(value)
    return sep.join(parts)


def random_birth(rng: random.Random, first: int = 1930, last: int = 2015) -> dt.date:
    start, end = dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def random_cn_id(rng: random.Random) -> str:
    birth = random_birth(rng).strftime("%Y%m%d")
    return make_cn_resident_id(rng.choice(XINJIANG_REGIONS), birth, f"{rng.randint(0, 999):03d}")


def random_kz_iin(rng: random.Random) -> str:
    while True:
        birth = random_birth(rng).strftime("%Y%m%d")
        try:
            return make_kz_iin(
                birth, female=rng.random() < 0.5, serial=f"{rng.randint(0, 9999):04d}"
            )
        except ValueError:  # about 1 serial in 121 has no check digit; draw again
            continue


def assert_masked_once(sentence: str, number: str, kind: str, label: str) -> None:
    text = sentence.format(number)
    spans = find_identifiers(text, today=TODAY)
    start = text.index(number)
    assert spans == [Span(start, start + len(number), kind, number)], text  # type: ignore[arg-type]
    masked = mask(text, today=TODAY)
    # Everything around the number is returned exactly as it was.
    assert masked == text[:start] + label + text[start + len(number) :]
    assert masked.encode() == (sentence.format(label)).encode()


# --------------------------------------------------------------------------------------------
# Check digits against independent formulas and published examples.
# --------------------------------------------------------------------------------------------


def test_cn_check_character_matches_the_published_gb11643_examples():
    # The examples printed in GB 11643-1999 itself.
    assert cn_resident_id_check_char("11010519491231002") == "X"
    assert cn_resident_id_check_char("44052418800101001") == "4"
    assert is_valid_cn_resident_id("11010519491231002X", today=TODAY)
    assert is_valid_cn_resident_id("11010519491231002x", today=TODAY)


def test_cn_check_character_is_mod_11_2_for_many_numbers():
    rng = random.Random(SEED)
    for _ in range(500):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        check = cn_resident_id_check_char(first17)
        value = 10 if check == "X" else int(check)
        # ISO 7064 MOD 11-2: weights 2^(17-i) over all 18 characters, sum = 1 (mod 11).
        total = sum(int(d) * 2 ** (17 - i) for i, d in enumerate(first17)) + value
        assert total % 11 == 1


def test_kz_check_digit_uses_the_second_pass_when_the_first_gives_10():
    rng = random.Random(SEED)
    second_pass_seen = never_issued_seen = 0
    for _ in range(3000):
        first11 = "".join(rng.choice("0123456789") for _ in range(11))
        first = sum(int(d) * w for d, w in zip(first11, range(1, 12), strict=True)) % 11
        second = (
            sum(
                int(d) * w
                for d, w in zip(first11, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)
            )
            % 11
        )
        expected = first if first != 10 else (second if second != 10 else None)
        assert kz_iin_check_digit(first11) == expected
        second_pass_seen += first == 10 and second != 10
        never_issued_seen += first == 10 and second == 10
    assert second_pass_seen > 100 and never_issued_seen > 0


def test_generated_numbers_are_valid_and_carry_their_parts():
    assert make_cn_resident_id("650102", "19850315", "123") == "650102198503151237"
    iin = make_kz_iin("19850315", female=True, serial="0001")
    assert iin[:7] == "8503154" and is_valid_kz_iin(iin, today=TODAY)
    assert make_kz_iin("20010203")[6] == "5"
    with pytest.raises(ValueError):
        make_cn_resident_id("6501", "19850315", "123")
    with pytest.raises(ValueError):
        make_kz_iin("1985-03-15")


# --------------------------------------------------------------------------------------------
# Found and masked: many generated numbers, every digit script, every language, typed groups.
# --------------------------------------------------------------------------------------------

CN_GROUPINGS: list[tuple[tuple[int, ...], str]] = [
    ((18,), ""),
    ((6, 8, 4), " "),
    ((6, 8, 4), "-"),
    ((4, 4, 4, 4, 2), " "),
    ((6, 8, 4), "\u00a0"),
]
IIN_GROUPINGS: list[tuple[tuple[int, ...], str]] = [((12,), ""), ((6, 6), " "), ((6, 3, 3), " ")]


@pytest.mark.parametrize("script", sorted(DIGIT_BASES))
def test_valid_cn_resident_ids_are_found_in_every_script_and_language(script: str):
    rng = random.Random(f"{SEED}-cn-{script}")
    for _ in range(150):
        sizes, sep = rng.choice(CN_GROUPINGS)
        number = render(group(random_cn_id(rng), sizes, sep), script)
        sentence = SENTENCES[rng.choice(sorted(SENTENCES))]
        assert_masked_once(sentence, number, "cn_resident_id", "[ID number redacted]")


@pytest.mark.parametrize("script", sorted(DIGIT_BASES))
def test_valid_kz_iins_are_found_in_every_script_and_language(script: str):
    rng = random.Random(f"{SEED}-kz-{script}")
    for _ in range(150):
        sizes, sep = rng.choice(IIN_GROUPINGS)
        number = render(group(random_kz_iin(rng), sizes, sep), script)
        sentence = SENTENCES[rng.choice(sorted(SENTENCES))]
        assert_masked_once(sentence, number, "kz_iin", "[IIN redacted]")


def test_x_check_character_typed_in_cyrillic_or_lowercase_is_accepted():
    rng = random.Random(SEED)
    ids = [n for n in (random_cn_id(rng) for _ in range(400)) if n.endswith("X")]
    assert len(ids) > 10
    for number in ids:
        for typed in (number, number[:-1] + "x", number[:-1] + "Х", render(number, "fullwidth")):
            assert_masked_once(SENTENCES["ru"], typed, "cn_resident_id", "[ID number redacted]")


def test_invisible_bidi_marks_inside_a_number_do_not_hide_it():
    number = render(make_kz_iin("19900101", serial="0042"), "extended")
    typed = "\u200e" + number[:6] + "\u200f" + number[6:] + "\u200e"
    text = f"كىملىك نومۇرى {typed} ئىدى"
    [span] = find_identifiers(text, today=TODAY)
    assert span.kind == "kz_iin" and span.text == typed.strip("\u200e")
    assert mask(text, today=TODAY) == "كىملىك نومۇرى \u200e[IIN redacted]\u200e ئىدى"


PHONES = [
    "+7 701 123 45 67",
    "+7 (701) 123-45-67",
    "+77011234567",
    "8 701 123 45 67",
    "8 (701) 123-45-67",
    "87011234567",
    "8 7172 12 34 56",
    "701 123 45 67",
    "+86 138 0013 8000",
    "+86-138-0013-8000",
    "0086 138 0013 8000",
    "13800138000",
    "138 0013 8000",
    "0991-4567890",
    "(0991) 4567890",
    "+90 532 123 45 67",
    "+998 90 123 45 67",
    "+996 555 123 456",
    "+1 (212) 555-0143",
    "+49 30 12345678",
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_found_in_every_script(phone: str):
    for script in DIGIT_BASES:
        number = render(phone, script)
        if script == "fullwidth":
            number = number.replace("+", "＋")
        for sentence in SENTENCES.values():
            assert_masked_once(sentence, number, "phone", "[phone redacted]")


def test_a_phone_followed_by_a_year_ends_where_the_country_says():
    text = "Звонил с +7 701 123 45 67 2019 году"
    assert mask(text, today=TODAY) == "Звонил с [phone redacted] 2019 году"


@pytest.mark.parametrize(
    "text, number",
    [
        ("Паспорт серии 45 06 123456 выдан в Москве", "45 06 123456"),
        ("паспорт: 4506 № 123456", "4506 № 123456"),
        ("Passport No. 751234567, issued 2015", "751234567"),
        ("паспорт нөмірі 751234567 болатын", "751234567"),
        ("他的护照号码是 P1234567。", "P1234567"),
        ("پاسپورت نومۇرى ۷۵۱۲۳۴۵۶۷ ئىدى", "۷۵۱۲۳۴۵۶۷"),
        ("Türk pasaport U12345678 idi", "U12345678"),
        ("жеке куәлік № 045123987", "№ 045123987"),
    ],
)
def test_ambiguous_passport_numbers_are_found_next_to_a_context_word(text: str, number: str):
    spans = find_identifiers(text, today=TODAY)
    assert [(s.kind, s.text) for s in spans] == [("passport", number)]
    # The same number without the context word is left alone.
    for word in ("Паспорт", "паспорт", "Passport", "护照", "پاسپورت", "pasaport", "жеке куәлік"):
        text = text.replace(word, "")
    assert find_identifiers(text, today=TODAY) == []


@pytest.mark.parametrize(
    "number",
    ["E12345678", "EA1234567", "G12345678", "N12345678", "Е12345678", "Ｅ１２３４５６７８"],
)
def test_distinctive_passport_numbers_need_no_context(number: str):
    assert_masked_once(SENTENCES["en"], number, "passport", "[passport number redacted]")
    assert_masked_once(SENTENCES["zh"], number, "passport", "[passport number redacted]")


# --------------------------------------------------------------------------------------------
# Look-alikes.
# --------------------------------------------------------------------------------------------


def test_18_digit_numbers_with_a_wrong_check_character_are_not_flagged():
    rng = random.Random(f"{SEED}-wrong-cn")
    for _ in range(200):
        valid = random_cn_id(rng)
        for wrong in "0123456789X":
            if wrong == valid[-1]:
                continue
            number = valid[:-1] + wrong
            for script in ("latin", "extended"):
                text = SENTENCES["zh"].format(render(number, script))
                assert find_identifiers(text, today=TODAY) == [], number


def test_18_digit_numbers_with_an_impossible_birth_date_or_region_are_not_flagged():
    for first17 in (
        "65010219851315123",  # month 13
        "65010219850230123",  # 30 February
        "65010218000101123",  # born 1800
        "65010220990101123",  # born in the future
        "99010219850315123",  # no province 99
        "90010219850315123",  # no province 90
    ):
        number = first17 + cn_resident_id_check_char(first17)
        assert find_identifiers(f"ID {number}.", today=TODAY) == [], number


def test_12_digit_numbers_with_a_wrong_check_digit_are_not_flagged():
    rng = random.Random(f"{SEED}-wrong-kz")
    for _ in range(200):
        valid = random_kz_iin(rng)
        for wrong in "0123456789":
            if wrong != valid[-1]:
                number = valid[:-1] + wrong
                assert find_identifiers(SENTENCES["kk"].format(number), today=TODAY) == []


def test_12_digit_numbers_with_an_impossible_date_or_century_are_not_flagged():
    for first11 in (
        "85131530001",  # month 13
        "85023030001",  # 30 February
        "85031500001",  # century digit 0
        "85031570001",  # century digit 7
        "30010150001",  # 2030: in the future
        "85031510001",  # 1885: nobody testifies about them
    ):
        check = kz_iin_check_digit(first11)
        if check is None:
            continue
        assert find_identifiers(f"ИИН {first11}{check}", today=TODAY) == [], first11


@pytest.mark.parametrize(
    "text",
    [
        "Ол 2017 жылы, 2018-03-14 күні ұсталды.",
        "Ол 60 тысяч тенге төледі, кейін 1 500 000 теңге.",
        "Заплатили 87 000 000 000 тенге и 150 000 000 000 ₸.",
        "Штраф $ 13800138000 и 87011234567 тенге.",
        "我们付了 13800138000 元。",
        "Запись 00:12:34.567 --> 00:12:38.120, 1:02:03, 45 минут.",
        "It lasted 3 h 25 min, 12 people, room 305, year 1998, 2019-2020.",
        "Unix time 1712345678, build 20240315, phone ext. 1234.",
        "Нөмірі 12 34 56 78 90 емес, 123-45-67 ғана.",
        "ئۇ ٢٠١٧-يىلى ۋە ۱۹۹۸-يىلى ٦٠ مىڭ يۈەن بەردى",
        "２０１７年３月１４日，５０００元。",
        "G7 poezd, E-1234, N123, EA12345, passport issued 2015.",
        "паспорт выдан 14.03.2015, код 450-006.",
    ],
)
def test_look_alikes_are_not_flagged(text: str):
    assert find_identifiers(text, today=TODAY) == []
    assert mask(text, today=TODAY) == text


def test_random_short_numbers_are_never_flagged():
    rng = random.Random(f"{SEED}-short")
    for _ in range(2000):
        number = str(rng.randint(0, 10**7 - 1))
        script = rng.choice(sorted(DIGIT_BASES))
        text = SENTENCES[rng.choice(sorted(SENTENCES))].format(render(number, script))
        assert find_identifiers(text, today=TODAY) == [], text


# --------------------------------------------------------------------------------------------
# mask(): extra spans, merging, keep_last, everything else byte-for-byte.
# --------------------------------------------------------------------------------------------


def test_extra_spans_are_masked_and_the_rest_is_kept_byte_for_byte():
    text = "Ерлан Қабылұлы, 1982 жылы туған, Құлжада тұрды."
    start = text.index("Ерлан")
    masked = mask(text, [(start, start + len("Ерлан Қабылұлы"))])
    assert masked == "[redacted], 1982 жылы туған, Құлжада тұрды."
    place = text.index("Құлжада")
    masked = mask(text, [(0, 5), (place, place + len("Құлжада"))])
    assert masked == "[redacted] Қабылұлы, 1982 жылы туған, [redacted] тұрды."


def test_overlapping_and_touching_spans_are_merged_into_one_mask():
    iin = make_kz_iin("19850315", serial="0007")
    text = f"Ерлан ИИН {iin} ғой"
    start = text.index(iin)
    # An editor span overlapping a detected number: one mask, no kind claimed.
    assert mask(text, [(text.index("ИИН"), start + 3)], today=TODAY) == "Ерлан [redacted] ғой"
    # Touching editor spans become one mask; duplicated spans too.
    assert mask(text, [(0, 3), (3, 5), (0, 5)], today=TODAY) == "[redacted] ИИН [IIN redacted] ғой"
    # Two detected numbers of different kinds touching through an editor span.
    phone = "+7 701 123 45 67"
    text = f"{iin}, {phone}"
    assert mask(text, [(len(iin), len(iin) + 2)], today=TODAY) == "[redacted]"


def test_keep_last_shows_a_few_trailing_characters_of_numbers_only():
    cn = make_cn_resident_id("654002", "19790102", "045")
    text = f"Ерлан: {cn}, тел. 8 701 123 45 67"
    assert (
        mask(text, [(0, 5)], keep_last=4, today=TODAY)
        == f"[redacted]: [ID number redacted, ends {cn[-4:]}], тел. [phone redacted, ends 4567]"
    )
    # Never more than half of a number, whatever is asked.
    assert mask("ИИН " + make_kz_iin(), keep_last=50, today=TODAY).endswith(
        f"ends {make_kz_iin()[-6:]}]"
    )
    with pytest.raises(ValueError):
        mask(text, keep_last=-1)


def test_extra_spans_outside_the_text_are_refused_and_empty_ones_ignored():
    with pytest.raises(ValueError):
        mask("short", [(2, 10)])
    with pytest.raises(ValueError):
        mask("short", [(3, 2)])
    assert mask("short", [(2, 2)]) == "short"


def test_masking_many_numbers_in_one_text_keeps_everything_between_them():
    rng = random.Random(f"{SEED}-many")
    for _ in range(50):
        numbers = [
            (render(random_cn_id(rng), rng.choice(sorted(DIGIT_BASES))), "[ID number redacted]"),
            (render(random_kz_iin(rng), rng.choice(sorted(DIGIT_BASES))), "[IIN redacted]"),
            (rng.choice(PHONES), "[phone redacted]"),
        ]
        rng.shuffle(numbers)
        fillers = [rng.choice(list(SENTENCES.values())).format("…") for _ in range(4)]
        text = fillers[0] + "".join(
            f" {n} {f}" for (n, _), f in zip(numbers, fillers[1:], strict=True)
        )
        expected = fillers[0] + "".join(
            f" {label} {f}" for (_, label), f in zip(numbers, fillers[1:], strict=True)
        )
        assert mask(text, today=TODAY) == expected


# --------------------------------------------------------------------------------------------
# relocate_marks(): editor marks survive re-transcription.
# --------------------------------------------------------------------------------------------


def span_of(text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def test_a_mark_is_found_again_after_small_edits_elsewhere():
    old = "Менің ағам Ерлан 2017 жылы Құлжада ұсталды"
    new = "Ну, менің ағам Ерлан, 2017-жылы Құлжа қаласында ұсталды."
    [relocated] = relocate_marks(old, new, [span_of(old, "Ерлан")])
    assert new[relocated[0] : relocated[1]] == "Ерлан"
    [result] = relocate_marks_detailed(old, new, [span_of(old, "Ерлан")])
    assert result.method == "exact"


def test_the_right_occurrence_of_a_repeated_name_is_chosen_by_its_context():
    old = "Ерлан сказал, что брат Ерлан пропал в Урумчи"
    new = "Ерлан сказал: брат Ерлан пропал в Урумчи."
    second = span_of(old, "Ерлан", 1)
    assert relocate_marks(old, new, [second]) == [span_of(new, "Ерлан", 1)]
    assert relocate_marks(old, new, [span_of(old, "Ерлан")]) == [span_of(new, "Ерлан")]


def test_a_respelled_name_is_found_fuzzily_near_its_old_place():
    old = "Менің ағам Ерлан Қабылұлы 2017 жылы ұсталды"
    new = "Менің ағам Эрлан Кабылулы 2017 жылы ұсталды"
    [result] = relocate_marks_detailed(old, new, [span_of(old, "Ерлан Қабылұлы")])
    assert result.method == "fuzzy" and result.new == span_of(new, "Эрлан Кабылулы")


def test_a_changed_case_is_still_an_exact_match():
    old = "ағам ерлан ұсталды"
    new = "Ағам Ерлан ұсталды."
    assert relocate_marks(old, new, [span_of(old, "ерлан")]) == [span_of(new, "Ерлан")]


def test_a_mark_whose_words_are_gone_falls_back_to_the_aligned_place_or_is_lost():
    old = "ағам Ерлан ұсталды"
    new = "ағам Xyz ұсталды"
    [result] = relocate_marks_detailed(old, new, [span_of(old, "Ерлан")])
    assert result.method == "aligned" and new[result.new[0] : result.new[1]] == "Xyz"  # type: ignore[index]
    [lost] = relocate_marks_detailed(old, "", [span_of(old, "Ерлан")])
    assert lost.method == "lost" and lost.new is None
    assert relocate_marks(old, "", [span_of(old, "Ерлан")]) == []
    with pytest.raises(ValueError):
        relocate_marks(old, new, [(0, 100)])


def test_marks_survive_many_random_small_edits():
    rng = random.Random(f"{SEED}-relocate")
    words = [
        "менің",
        "ағам",
        "інім",
        "әкем",
        "сол",
        "күні",
        "үйде",
        "болды",
        "бізге",
        "ешкім",
        "ештеңе",
        "айтпады",
        "кейін",
    ]
    names = ["Ерлан", "Қайрат", "Мәмет", "Гүлнар", "Серікжан"]
    fillers = ["ну", "эм", "яғни", "иә", "—", ","]
    for _ in range(300):
        sentence = rng.sample(words, 8)
        name = rng.choice(names)
        sentence.insert(rng.randint(0, 8), name)
        old = " ".join(sentence)
        mark = span_of(old, name)
        edited = list(sentence)
        for _ in range(rng.randint(1, 3)):
            choice = rng.random()
            others = [i for i, w in enumerate(edited) if w != name]
            if choice < 0.4:
                edited.insert(rng.randint(0, len(edited)), rng.choice(fillers))
            elif choice < 0.7 and others:
                del edited[rng.choice(others)]
            elif others:
                i = rng.choice(others)
                edited[i] = edited[i].capitalize() + rng.choice([",", ".", ""])
        new = " ".join(edited)
        [relocated] = relocate_marks(old, new, [mark])
        assert new[relocated[0] : relocated[1]] == name, (old, new)
