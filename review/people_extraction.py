"""Names of people in transcript text, with the witness's kinship to each.

Russian goes through Natasha's NER (slovnet + navec, models inside the PyPI packages) and
pymorphy3 to put inflected names back in the nominative ("брата Ерлана" -> "Ерлан").
Kazakh, Uyghur and English use patterns: a kinship word followed by a name ("інім Ерлан
Қабылұлы", "ئاكام ئەركىن تۇرسۇن", "my brother Erlan Kabyl"), the witness naming themselves
("менің атым ...", "меня зовут ...", "my name is ...", "مېنىڭ ئىسمىم ..."), patronymic
endings (-ұлы, -қызы, -ович, ئوغلى) and runs of capitalised words that are not places,
months or common words. Proposals only: an editor confirms each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from names import gazetteer
from names.folding import fold_token

# Kinship words, per kinship, in kk / ru / ug / en. A text word matches a stem when it starts
# with it and carries at most a short ending (інім, інімді, інімнің; брата, братом). Two-word
# stems (нағашы ағам) are tried on word pairs first. In-laws, and "his/her" forms (інісі,
# ئاكىسى: his brother), are relatives of the witness, not brothers.
KINSHIP_STEMS: dict[str, tuple[str, ...]] = {
    "uncle": ("нағашы ағам", "нағашы ағамыз", "көкем", "ағайым", "дяд", "تاغام", "uncle"),
    "cousin": ("немере ағам", "немере інім", "немере әпкем", "немере қарындасым",
               "двоюродн", "cousin"),
    "niece": ("жиен қызым", "племянниц", "niece"),
    "brother": ("ағам", "ағамыз", "інім", "бауырым", "брат", "ئاكام", "ئىنىم", "brother"),
    "sister": ("әпкем", "апайым", "қарындасым", "сіңлім", "сестр", "сестёр",
               "ھەدەم", "ئاچام", "سىڭلىم", "sister"),
    "father": ("әкем", "отец", "отц", "папа", "دادام", "ئاتام", "father"),
    "mother": ("анам", "мать", "матер", "мама", "мамы", "ئانام", "ئاپام", "mother"),
    "son": ("ұлым", "баламыз", "сын", "ئوغلۇم", "son"),
    "daughter": ("қызым", "дочь", "дочер", "дочк", "قىزىم", "daughter"),
    "husband": ("күйеуім", "муж", "ئېرىم", "يولدىشىم", "husband"),
    "wife": ("әйелім", "жұбайым", "жена", "жену", "жены", "женой", "ئايالىم", "wife"),
    "aunt": ("тәтем", "апам", "тёт", "тет", "ھاممام", "aunt"),
    "grandfather": ("атам", "дедушк", "деда", "дед ", "بوۋام", "grandfather"),
    "grandmother": ("әжем", "бабушк", "مومام", "grandmother"),
    "nephew": ("жиенім", "немерем", "племянник", "جىيەنىم", "nephew"),
    "relative": (
        "туысым", "туысқаным", "туыстарым", "келінім", "келініміз", "күйеу балам", "жездем",
        "қайын", "інісі", "ағасы", "сіңлісі", "әпкесі", "әкесі", "анасы", "күйеуі", "әйелі",
        "родственник", "родственниц", "невестк", "зят", "свекров", "свекр", "свёкр", "тёщ",
        "тещ", "золовк", "шурин", "деверь",
        "تۇغقىنىم", "تۇغقانلىرىم", "كۈيئوغلۇم", "كېلىنىم", "قېيىن", "ئاكىسى", "ئىنىسى",
        "ھەدىسى", "سىڭلىسى", "دادىسى", "ئانىسى", "ئايالى", "ئېرى",
        "relative", "mother-in-law", "father-in-law", "brother-in-law", "sister-in-law",
        "son-in-law", "daughter-in-law", "in-law", "in-laws",
    ),
    "neighbour": ("көршім", "көршіміз", "сосед", "قوشنام", "قوشنىمىز", "neighbour", "neighbor"),
}  # fmt: skip
# "his brother", "её муж", "оның інісі": someone else's relative.
_THIRD_PERSON = frozenset(
    ["his", "her", "their", "its", "его", "её", "ее", "их", "оның", "олардың", "ئۇنىڭ", "ئۇلارنىڭ"]
)
# "I am the daughter of X", "я дочь X", "мен X-тың қызымын": X is the witness's parent.
_I_AM = frozenset(["i", "я", "мен", "مەن"])
_MASC = {"brother", "father", "son", "husband", "uncle", "grandfather", "nephew"}
_FEM = {"sister", "mother", "daughter", "wife", "aunt", "grandmother", "niece"}

# The witness names themselves.
_SELF = re.compile(
    r"(?:\bmy name is|\bI am|\bI'm|меня зовут|моё имя|мое имя|менің атым|менің есімім|"
    r"атым|есімім|مېنىڭ ئىسمىم|ئىسمىم)\s+",
    re.IGNORECASE,
)
# Patronymic and surname endings (Kazakh, Russian, Latin transliterations, Uyghur).
_PATRONYMIC = re.compile(
    r"(?:ұлы|улы|қызы|кызы|uly|ulu|kyzy|qyzy|ovich|evich|ovna|evna|ович|евич|овна|евна|"
    r"ов|ова|ев|ева|ин|ина|ov|ova|ev|eva)$",
    re.IGNORECASE,
)
_UG_PATRONYMIC = ("ئوغلى", "قىزى")

_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁӘҒҚҢӨҰҮҺІ][a-zà-öø-ÿā-žа-яёәғқңөұүһі'’]+"
_CAP_WORD = re.compile(rf"^{_CAP}(?:-{_CAP})?$")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are not names: sentence openers, pronouns, countries, nations,
# places outside the gazetteer that testimonies name often, institutions.
_NOT_NAMES = _wordset(
    """
    i my we our he she they his her their the a an in on at since then when after before
    this that there it and but so because of from to for with without he's she's mr mrs
    ms god allah islam muslim muslims quran ramadan china chinese kazakhstan kazakh
    kazakhs uyghur uyghurs russia russian kyrgyzstan turkey almaty astana nur-sultan
    taldykorgan zharkent shymkent karaganda semey oskemen bishkek xinjiang beijing
    police court camp prison government party communist менің мен біз біздің ол олар
    оның олардың бұл сол содан кейін қытай қазақ қазақстан ұйғыр алматы астана
    талдықорған жаркент шымкент қарағанды семей алла құдай мой моя мои моего моей мы наш
    наша наши он она они его её ее их это там тогда когда после до потом и но а в на из
    с у к по за от китай китайский казахстан казах казахи уйгур уйгуры алматы астана
    талдыкорган жаркент шымкент караганда семей бог аллах суд лагерь полиция партия
    """
)
_MONTHS = re.compile(
    r"^(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|winter|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|"
    r"қараша|желтоқсан|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|"
    r"декабр)",
    re.IGNORECASE,
)
# Uyghur words that end a name after a kinship word: verbs, postpositions, time words.
_UG_STOP = _wordset(
    """
    بىلەن ۋە ئىككىسى ھەممىسى بىللە
    ھەم يىلى يىل ئاي كۈنى كۈن تۇتۇلدى تۇتۇپ كەتتى ئېلىپ لاگېرغا لاگېردا يوق بار
    ئىدى بولدى بولۇپ قويۇپ ھېچقانداق دېرەك خەۋەر كېيىن بۇرۇن ھازىر مەن بىز ئۇ ئۇلار بۇ
    شۇ ئەمما لېكىن چۈنكى ئۈچۈن دەپ كېسىلدى يىللىق قاماق ۋاپات ئۆلدى ئەتىياز ياز كۈز قىش
    يانۋار فېۋرال مارت ئاپرېل ماي ئىيۇن ئىيۇل ئاۋغۇست سېنتەبىر ئۆكتەبىر نويابىر دېكابىر
    ساقچى ساقچىلار تەربىيەلەش
    """
)
# Case endings stripped from the last word of a name (not the locative: Перидە, Айгүлде).
_UG_CASE = ("نىڭ", "نى", "غا", "قا", "گە", "كە", "دىن", "تىن")
_KK_CASE = (
    "ның", "нің", "дың", "дің", "тың", "тің", "ны", "ні", "ды", "ді", "ты", "ті",
    "ға", "ге", "қа", "ке", "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен",
)  # fmt: skip


@dataclass
class PersonMention:
    name: str  # the name in its base form, as the proposal for a Person
    surface: str  # the words in the text
    start: int
    end: int
    kinship: str | None  # the person's relation to the witness; "self" for the witness
    confidence: float
    method: str  # ner, kinship, self, patronymic, capitalised

    @property
    def key(self) -> str:
        """The name folded word by word: one key for every script and spelling."""
        return name_key(self.name)


def name_key(name: str) -> str:
    """A name folded word by word: one key for every script and spelling."""
    return " ".join(fold_token(w) for w in name.split())


def _kinship_stem(words: str) -> tuple[str, str] | None:
    """(kinship, stem) that a word, or a pair of words space-joined, starts with."""
    lowered = words.lower().replace("’", "'")
    lowered = (lowered[:-2] if lowered.endswith("'s") else lowered) + " "
    for kinship, stems in KINSHIP_STEMS.items():
        for stem in stems:
            if lowered.startswith(stem) and len(lowered) <= len(stem) + 5:
                return kinship, stem
    return None


def kinship_at(word: str) -> str | None:
    """The kinship a word (or a pair of words, space-joined) names, if any."""
    found = _kinship_stem(word)
    return found[0] if found else None


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_place(text: str, language: str | None) -> bool:
    return bool(gazetteer.find_places_in_text(text, language))


def _not_name(word: str, language: str | None) -> bool:
    lowered = word.lower()
    return (
        lowered in _NOT_NAMES
        or bool(_MONTHS.match(lowered))
        or kinship_at(word) is not None
        or _is_place(word, language)
    )


def _strip_case(word: str, language: str) -> str:
    endings = _KK_CASE if language == "kk" else _UG_CASE if language == "ug" else ()
    lowered = word.lower()
    for patronymic in ("ұлы", "қызы", "улы", "кызы", "ئوغلى", "قىزى"):
        at = lowered.rfind(patronymic)
        if at > 0:
            return word[: at + len(patronymic)]
    for ending in sorted(endings, key=len, reverse=True):
        if lowered.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _kinship_before(words: list[tuple[str, int, int]], index: int) -> str | None:
    """The kinship word just before words[index] (skipping my/younger/мой/младший)."""
    skippable = {
        "my", "our", "younger", "elder", "older", "little", "big", "late", "own",
        "мой", "моя", "моего", "мою", "моей", "моему", "моим", "наш", "нашего", "нашу",
        "младший", "младшего", "младшую", "старший", "старшего", "старшую", "родной",
        "родного", "свою", "своего", "своей", "менің", "кіші", "үлкен", "мېنىڭ", "كىچىك",
        "چوڭ",
    }  # fmt: skip
    for back in range(index - 1, max(index - 4, -1), -1):
        word = words[back][0]
        # A two-word kinship (нағашы ағам: uncle) before the single word (ағам: brother).
        matched = _kinship_stem(f"{words[back - 1][0]} {word}") if back > 0 else None
        pair = matched[0] if matched and " " in matched[1].strip() else None
        kinship = pair or kinship_at(word)
        if kinship:
            before = words[back - 1][0].lower() if back > 0 else ""
            if before in _THIRD_PERSON or (before and kinship_at(before) and not pair):
                return "relative"  # his brother; my sister's husband; сестра мужа
            if before in _I_AM and kinship in ("son", "daughter"):
                return "parent"  # я дочь Нуртая: the witness's father or mother
            return kinship
        if word.lower() not in skippable:
            return None
    return None


def _kinship_after(text: str, end: int) -> str | None:
    """Apposition: "Erlan Kabyl, my brother", "Ерлан — мой брат"."""
    tail = text[end : end + 40]
    match = re.match(r"\s*[,—–-]\s*(?:my|our|мой|моя|наш|наша|менің)?\s*(\w+)", tail)
    if match:
        return kinship_at(match.group(1))
    return None


# ---- Russian: Natasha ----


@cache
def _natasha() -> tuple[Any, Any, Any]:
    # Lazy: loading Natasha's models takes seconds and memory; only Russian text needs them.
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(embedding), NewsNERTagger(embedding)


@cache
def _morph() -> Any:
    # Lazy: the dictionaries load on import; only Russian text needs them.
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_CASES = {"Gen": "gent", "Acc": "accs", "Dat": "datv", "Ins": "ablt", "Loc": "loct"}
_RU_SUFFIX = {  # fallback when pymorphy3 does not know the word: (gender, case) -> endings
    ("masc", "gent"): ("а", "я"),
    ("masc", "accs"): ("а", "я"),
    ("masc", "datv"): ("у", "ю"),
    ("masc", "ablt"): ("ом", "ем", "ым"),
    ("masc", "loct"): ("е",),
}


def _ru_gender(first: str, kinship: str | None) -> str | None:
    if kinship in _MASC:
        return "masc"
    if kinship in _FEM:
        return "femn"
    genders = {p.tag.gender for p in _morph().parse(first) if "Name" in p.tag and p.tag.gender}
    return genders.pop() if len(genders) == 1 else None


def _ru_nominative(word: str, case: str | None, gender: str | None) -> str:
    lowered = word.lower()
    if case is None or lowered.endswith(("улы", "ұлы", "кызы", "қызы")):
        return word
    morph = _morph()
    parses = [
        p
        for p in morph.parse(word)
        if p.tag.case == case and (gender is None or p.tag.gender == gender)
    ]
    named = [p for p in parses if {"Name", "Surn", "Patr"} & p.tag.grammemes]
    for parse in named or (parses if morph.word_is_known(word) else []):
        inflected = parse.inflect({"nomn", "sing"})
        if inflected:
            return word[0] + inflected.word[1:] if word[0].isupper() else inflected.word
    for ending in _RU_SUFFIX.get((gender or "masc", case), ()):
        if lowered.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            return base + ("й" if ending == "я" and base[-1] in "аеиоу" else "")
    return word


def _ru_people(text: str) -> list[PersonMention]:
    from natasha import Doc  # lazy, with _natasha() above

    segmenter, morph_tagger, ner_tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    words = _words(text)
    found: list[PersonMention] = []
    spans: list[list[int]] = []  # PER spans, neighbours merged (Мурата | Касеновича ...)
    for span in doc.spans:
        if span.type != "PER" or _is_place(span.text, "ru"):
            continue
        if spans and not text[spans[-1][1] : span.start].strip():
            spans[-1][1] = span.stop
        else:
            spans.append([span.start, span.stop])
    for start, stop in spans:
        index = next((i for i, w in enumerate(words) if w[1] >= start), len(words))
        kinship = _kinship_before(words, index) or _kinship_after(text, stop)
        if _self_before(text, start):
            kinship = "self"
        tokens = [t for t in doc.tokens if start <= t.start and t.stop <= stop]
        gender = _ru_gender(tokens[0].text, kinship) if tokens else None
        if kinship == "parent":
            kinship = {"masc": "father", "femn": "mother"}.get(gender or "", "relative")
        name = " ".join(
            _ru_nominative(t.text, _CASES.get(t.feats.get("Case", "")), gender) for t in tokens
        )
        found.append(PersonMention(name, text[start:stop], start, stop, kinship, 0.85, "ner"))
    return found


def _self_before(text: str, start: int) -> bool:
    head = text[max(0, start - 20) : start]
    return any(m.end() == len(head) for m in _SELF.finditer(head))


# ---- Kazakh, English (capitalised scripts) and Uyghur: patterns ----


def _cap_runs(
    words: list[tuple[str, int, int]], text: str, language: str | None
) -> list[list[int]]:
    """Runs of consecutive capitalised words (indexes), split at punctuation."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, (word, start, _) in enumerate(words):
        joined = bool(current) and text[words[current[-1]][2] : start].strip() == ""
        if _CAP_WORD.match(word) and not _not_name(word, language) and len(current) < 4:
            if current and not joined:
                runs.append(current)
                current = []
            current.append(i)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _latin_cyrillic_people(text: str, language: str | None) -> list[PersonMention]:
    words = _words(text)
    found: list[PersonMention] = []
    for run in _cap_runs(words, text, language):
        start, end = words[run[0]][1], words[run[-1]][2]
        surface = text[start:end]
        kinship = _kinship_before(words, run[0]) or _kinship_after(text, end)
        if _self_before(text, start):
            kinship, method, confidence = "self", "self", 0.85
        elif kinship:
            method, confidence = "kinship", 0.8
        elif any(_PATRONYMIC.search(words[i][0].lower()) for i in run) and len(run) >= 2:
            method, confidence = "patronymic", 0.65
        elif len(run) >= 2:
            method, confidence = "capitalised", 0.5
        else:
            continue
        parts = [words[i][0] for i in run]
        if language in ("kk", "ug"):
            parts[-1] = _strip_case(parts[-1], language)
        if language == "en":
            parts[-1] = re.sub(r"['’]s$", "", parts[-1])
        found.append(
            PersonMention(" ".join(parts), surface, start, end, kinship, confidence, method)
        )
    return found


def _uyghur_people(text: str) -> list[PersonMention]:
    words = _words(text)
    found: list[PersonMention] = []
    i = 0
    while i < len(words):
        word, start, _ = words[i]
        kinship = kinship_at(word)
        if kinship and word.endswith((*_UG_CASE, "دا", "دە", "تا", "تە")):
            kinship = None  # ئانامنىڭ يېنىدا: "by my mother", no name follows
        is_self = _self_before(text, start)
        if not (kinship or is_self) or (kinship and is_self):
            i += 1
            continue
        first = i if is_self else i + 1
        taken: list[int] = []
        for j in range(first, min(first + 3, len(words))):
            candidate = words[j][0]
            gap = text[words[j - 1][2] : words[j][1]] if j > first else ""
            if gap.strip() or candidate in _UG_STOP or kinship_at(candidate):
                break
            if _is_place(candidate, "ug") or re.search(r"\d", candidate):
                break
            taken.append(j)
            if candidate.endswith(_UG_PATRONYMIC) or _strip_case(candidate, "ug") != candidate:
                break
            if candidate.endswith(("دى", "تى", "غان", "قان", "گەن", "كەن", "ماقتا", "ىدى")):
                taken.pop()
                break
        if taken:
            parts = [words[j][0] for j in taken]
            parts[-1] = _strip_case(parts[-1], "ug")
            s, e = words[taken[0]][1], words[taken[-1]][2]
            found.append(
                PersonMention(
                    " ".join(parts),
                    text[s:e],
                    s,
                    e,
                    "self" if is_self else kinship,
                    0.8 if len(taken) >= 2 else 0.6,
                    "self" if is_self else "kinship",
                )
            )
            i = taken[-1] + 1
        else:
            i += 1
    return found


def find_people(text: str, language: str | None = None) -> list[PersonMention]:
    """People named in ``text``; ``language`` picks the method (ru: NER; others: patterns)."""
    if language == "ru":
        found = _ru_people(text)
    elif language == "ug":
        found = _uyghur_people(text)
    else:
        found = _latin_cyrillic_people(text, language)
    unique: dict[str, PersonMention] = {}
    for mention in found:
        key = mention.key
        if key and key not in unique:
            unique[key] = mention
        elif key and mention.kinship and not unique[key].kinship:
            unique[key].kinship = mention.kinship
    return sorted(unique.values(), key=lambda m: m.start)
