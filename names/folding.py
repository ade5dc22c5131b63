"""Cross-script name folding: any spelling of a name in any script to Latin skeleton keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import Style, lazy_pinyin
from umsc import UgMultiScriptConverter

__all__ = [
    "CHINESE_NAME_DOTS",
    "CHINESE_NAME_PARTS",
    "CHINESE_ORDINARY_WORDS",
    "CHINESE_TRANSLITERATION_CHARS",
    "Script",
    "Word",
    "chinese_name_spans",
    "detect_script",
    "fold_query",
    "fold_text",
    "fold_token",
    "iter_chinese_names",
    "iter_words",
    "name_keys",
    "token_keys",
    "uyghur_arabic_to_latin",
    "word_spans",
]

Script = Literal["cyrl", "latn", "arab", "hani", "mixed"]

# --------------------------------------------------------------------------------------------
# Tables. Every table here is documented in docs/name-folding.md; keep the two in step.
# --------------------------------------------------------------------------------------------

# Cyrillic (Russian, Kazakh, Uyghur, Kyrgyz letters) to "broad Latin". The iotated vowels
# (е ё ю я) are handled in code because their value depends on what precedes them.
CYRILLIC: dict[str, str] = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "ж": "j",
    "җ": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "і": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ў": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ӯ": "u",
    "ҳ": "h",
    "ҷ": "j",
    "ӣ": "i",
}
CYRILLIC_IOTATED: dict[str, str] = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
CYRILLIC_CONSONANTS = frozenset("бвгғджҗзйкқлмнңпрстфхһцчшщҳҷ")

# Latin letters with diacritics from Kazakh Latin (2018 acute and 2021 umlaut alphabets),
# Uyghur Latin (ULY), Turkish, Uzbek and passport practice, to broad Latin.
LATIN: dict[str, str] = {
    "á": "a",
    "ä": "a",
    "à": "a",
    "â": "a",
    "ā": "a",
    "ə": "a",
    "ǝ": "a",
    "æ": "a",
    "ǵ": "g",
    "ğ": "g",
    "ǧ": "g",
    "ƣ": "g",
    "ń": "ng",
    "ñ": "ng",
    "ŋ": "ng",
    "ó": "o",
    "ö": "o",
    "ø": "o",
    "ô": "o",
    "ō": "o",
    "ɵ": "o",
    "ú": "u",
    "ü": "u",
    "ū": "u",
    "û": "u",
    "ù": "u",
    "ý": "u",
    "ů": "u",
    "é": "e",
    "ë": "e",
    "è": "e",
    "ê": "e",
    "ē": "e",
    "ı": "i",
    "í": "i",
    "ì": "i",
    "î": "i",
    "ī": "i",
    "ï": "i",
    "İ": "i",
    "ş": "sh",
    "š": "sh",
    "ș": "sh",
    "ç": "ch",
    "č": "ch",
    "ž": "j",
    "ⱬ": "j",
    "ⱪ": "k",
    "ⱨ": "h",
    "ß": "ss",
    "ł": "l",
}

# Arabic-script letters that Uyghur and Kazakh writers type in place of the Uyghur ones
# (Persian/Arabic keyboards, Kazakh Arabic script used in Xinjiang), mapped to the Uyghur
# letters that `umsc` knows.
ARABIC_NORMALISE: dict[str, str] = {
    "ی": "ي",
    "ې": "ې",
    "ك": "ك",
    "ک": "ك",
    "ه": "ە",
    "ة": "ە",
    "ع": "غ",
    "ح": "ھ",
    "ٴ": "",
    "ء": "",
    "ـ": "",
    "\u200c": "",
    "\u200d": "",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ڨ": "ق",
    "ں": "ن",
    "ۉ": "ۆ",
    "ۊ": "ۇ",
}
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")

# Chinese characters commonly used to transcribe Uyghur and Kazakh name parts, with the
# Latin form a relative would type. Matched longest-first inside a Chinese name.
CHINESE_NAME_PARTS: dict[str, str] = {
    "买买提": "memet",
    "麦麦提": "memet",
    "买买提明": "memetimin",
    "艾合买提": "ehmet",
    "阿合买提": "ahmet",
    "艾海提": "ehet",
    "穆罕默德": "muhemmed",
    "默罕默德": "muhemmed",
    "阿不都": "abdu",
    "阿卜杜": "abdu",
    "阿布都": "abdu",
    "阿布杜": "abdu",
    "阿都": "abdu",
    "阿不都拉": "abdulla",
    "阿卜杜拉": "abdulla",
    "阿布都拉": "abdulla",
    "阿不力孜": "abliz",
    "阿布力孜": "abliz",
    "阿不来提": "ablet",
    "阿布来提": "ablet",
    "阿不力米提": "ablimit",
    "阿布力米提": "ablimit",
    "阿布里米提": "ablimit",
    "艾力": "eli",
    "阿里": "ali",
    "阿力": "ali",
    "艾尔肯": "erkin",
    "艾克拜尔": "ekber",
    "艾尼瓦尔": "enwer",
    "安外尔": "enwer",
    "艾山": "hesen",
    "艾沙": "eysa",
    "艾则孜": "eziz",
    "吐尔逊": "tursun",
    "吐逊": "tursun",
    "吐尔洪": "turghun",
    "吐尔地": "turdi",
    "托合提": "tohti",
    "托乎提": "tohti",
    "土赫提": "tohti",
    "吐合提": "tohti",
    "古丽": "gul",
    "古力": "gul",
    "阿依": "ay",
    "热依拉": "rahile",
    "热依汗": "reyhan",
    "努尔": "nur",
    "迪丽": "dil",
    "迪力": "dil",
    "地里": "dil",
    "哈力克": "khalik",
    "叶尔兰": "erlan",
    "叶尔": "er",
    "别克": "bek",
    "江": "jan",
    "尼亚孜": "niyaz",
    "伊力哈木": "ilham",
    "玉素甫": "yusup",
    "玉苏普": "yusup",
    "优素福": "yusup",
    "库尔班": "kurban",
    "帕提": "pati",
    "米热": "mihri",
    "沙吾提": "sawut",
    "卡德尔": "kadir",
    "卡迪尔": "kadir",
    "热比娅": "rabiye",
    "肉孜": "rozi",
    "买合木提": "mahmut",
    "马合木提": "mahmut",
    "伊斯拉木": "islam",
    "伊斯马伊力": "ismail",
    "吾斯曼": "osman",
    "奥斯曼": "osman",
    "乌斯曼": "osman",
    "亚森": "yasin",
    "亚生": "yasin",
    "牙生": "yasin",
    "赛买提": "semet",
    "巴图尔": "batur",
    "阿力木": "alim",
    "阿里木": "alim",
    "阿力甫": "alip",
    "阿迪力": "adil",
    "阿地力": "adil",
    "加帕尔": "japar",
    "木拉提": "murat",
    "穆拉提": "murat",
    "塔依尔": "tahir",
    "塔伊尔": "tahir",
    "吾买尔": "omer",
    "乌买尔": "omer",
    "赛力克": "serik",
    "赛里克": "serik",
    "哈斯木": "kasim",
    "卡斯木": "kasim",
    "拜": "bay",
    "巴依": "bay",
    "阿斯卡尔": "askar",
    "阿斯哈尔": "askar",
    "娜尔": "nar",
    "帕尔哈提": "parhat",
    "地里夏提": "dilshat",
    "迪力夏提": "dilshat",
    "热合曼": "rahman",
    "热合买提": "rahmet",
    "热西提": "reshit",
    "居马": "juma",
    "朱马": "juma",
    "加米拉": "jamila",
    "阿米娜": "amina",
    "苏力坦": "sultan",
    "苏里坦": "sultan",
    "哈丽达": "halida",
    "祖力": "zul",
    "麦尔丹": "merdan",
    "买尔旦": "merdan",
    "阿巴斯": "abbas",
    "木沙": "musa",
    "穆萨": "musa",
    "伊敏": "imin",
    "依明": "imin",
    "伊明": "imin",
    "阿曼": "aman",
    "卡哈尔": "kahar",
    "哈吉": "haji",
    "阿吉": "haji",
    "木合塔尔": "mukhtar",
    "穆合塔尔": "mukhtar",
    "达吾提": "dawut",
    "达吾特": "dawut",
    "达吾列提": "dawlet",
    "巴合提": "bakit",
    "波拉提": "bolat",
    "哈那提": "kanat",
    "哈纳提": "kanat",
    "加娜尔": "janar",
    "巴哈尔": "bahar",
    "哈米提": "hamit",
    "克里木": "kerim",
    "米吉提": "mijit",
    "外力": "weli",
    "依沙": "eysa",
    "阿依古丽": "aygul",
    "扎依尔": "zahir",
    "阿孜古丽": "azigul",
    "萨迪尔": "sadir",
    "哈孜": "kazi",
    "阿扎提": "azat",
    "阿力甫江": "alipjan",
    "沙拉木": "salam",
    "热汗": "reyhan",
    "曼": "man",
}

# Chinese characters that stand for a bare consonant at the end of a transcribed syllable
# (尔 in 艾尔肯 "Erkin", 提 in 买买提 "Memet").
CHINESE_CODAS: dict[str, str] = {
    "尔": "r",
    "克": "k",
    "提": "t",
    "特": "t",
    "木": "m",
    "甫": "p",
    "夫": "f",
    "斯": "s",
    "孜": "z",
    "普": "p",
    "布": "b",
    "德": "d",
    "姆": "m",
    "勒": "l",
}

# Characters of Chinese phonetic transliteration: the syllable rows of the Xinhua
# English-Chinese transliteration table, the characters the Russian table adds, and those of
# Uyghur and Kazakh name and place transcriptions; with the characters of the two tables
# above, the characters a transcribed Turkic name is written with.
_TRANSLITERATION_ROWS = (
    "阿埃艾厄伊奥欧乌尤昂英翁安恩耶约亚延扬永尧",  # vowels, y
    "巴贝比博布拜班本宾邦鲍伯别彼",  # b
    "帕佩皮波普派潘彭平庞蓬保珀排",  # p
    "达代德迪蒂多杜戴丹登丁当东道旦",  # d
    "塔特泰提托图坦滕廷唐通陶铁吐土吞",  # t
    "加盖格吉戈古甘根金冈贡高嘎尕",  # g
    "卡凯克基科库坎肯康孔考喀",  # k, q
    "法费菲福富凡范芬方丰夫弗甫",  # f
    "瓦韦维沃武万文温旺威伍怀外吾",  # v, w
    "萨塞赛西索苏桑森辛松绍斯丝莎孙逊素",  # s
    "扎泽齐佐祖赞津藏宗兹孜则",  # z
    "沙谢希肖舒夏尚申欣雄什山舍",  # sh
    "贾杰乔朱简琼居",  # j
    "查切奇丘钱琴钦昌契恰",  # ch
    "哈赫黑霍胡海汉亨杭洪豪汗罕合乎",  # h, kh
    "马玛梅米莫穆迈曼门明芒蒙毛姆买麦木敏满",  # m
    "纳娜内尼妮诺努奈南嫩宁农瑙乃奴",  # n
    "拉莱利莉洛卢兰伦林琳朗隆劳勒罗列力",  # l
    "雷里鲁赖龙尔热日若茹让任容肉如",  # r, zh
    "察策措楚蔡灿岑仓聪曹茨",  # ts
    "丽黛露芙珊娅琪玉优牙依衣江卜",  # endings and Turkic practice
)

# Words of ordinary Chinese that frame a name in running text (kin, naming verbs, pronouns,
# particles, common adverbs). They are never part of a name span, so "我丈夫", "名叫" or a
# trailing "来了" is not glued to the name; a longer name part wins over them.
_ORDINARY_WORD_GROUPS = (
    # kin and people a witness names someone by
    "哥哥 弟弟 姐姐 妹妹 父亲 母亲 爸爸 妈妈 丈夫 妻子 儿子 女儿 爷爷 奶奶 外公 外婆 叔叔 舅舅 "
    "阿姨 姑姑 伯伯 孩子 亲戚 朋友 邻居 同事 同学 老师 学生 先生 女士 家人 亲人 兄弟 姐妹 "
    "大哥 大姐 老婆 老公 哥 弟 姐 妹",
    # naming
    "名叫 叫做 名字 姓名 叫",
    # pronouns, particles, prepositions, adverbs
    "我 你 他 她 我们 你们 他们 她们 自己 的 地 得 了 着 过 是 在 说 和 与 跟 同 被 把 给 让 "
    "对 从 到 去 来 也 都 就 还 又 才 只 已 曾 因 不 这 那 哪 什么 因为 所以 曾经 已经 后来 以后 "
    "以前 那里 这里 哪里 家里 村里 城里 地里 那个 这个 多次 很多 许多 马上 特别 一直",
)
CHINESE_ORDINARY_WORDS: frozenset[str] = frozenset(
    word for group in _ORDINARY_WORD_GROUPS for word in group.split()
)

CHINESE_TRANSLITERATION_CHARS: frozenset[str] = frozenset(
    "".join(_TRANSLITERATION_ROWS) + "".join(CHINESE_NAME_PARTS) + "".join(CHINESE_CODAS)
)

# Separators between the parts of a transcribed foreign name: 叶尔兰·加克斯勒克.
CHINESE_NAME_DOTS = "·•・‧∙"

# Pinyin initials and finals rewritten the way a transcription of a Turkic name sounds.
_PINYIN_TURKIC: tuple[tuple[str, str], ...] = (
    ("^x", "sh"),
    ("^q", "ch"),
    ("^zh", "j"),
    ("^c", "ts"),
    ("ai$", "e"),
    ("ei$", "e"),
    ("ao$", "o"),
    ("ou$", "o"),
    ("^yi", "i"),
    ("^wu", "u"),
    ("^w", "v"),
    ("iang$", "ang"),
    ("ian$", "an"),
    ("ie$", "e"),
    ("v", "u"),
)

# Patronymic and clan endings, on the skeleton (after vowel folding, before collapsing
# doubles). "strong" endings are stripped in the primary key, "weak" ones only add a key.
PATRONYMIC_STRONG: tuple[tuple[str, str], ...] = (
    ("aiavich", "ai"),
    ("aiavna", "ai"),
    ("aiava", "ai"),
    ("aiav", "ai"),
    ("aavich", "ai"),
    ("aavna", "ai"),
    ("aava", "ai"),
    ("aav", "ai"),
    ("ovich", ""),
    ("avich", ""),
    ("ovna", ""),
    ("avna", ""),
    ("ova", ""),
    ("ava", ""),
    ("ov", ""),
    ("av", ""),
    ("uli", ""),
    ("kizi", ""),
)
PATRONYMIC_WEAK: tuple[str, ...] = ("ina", "in")
_MIN_STEM = 3

# --------------------------------------------------------------------------------------------
# Scripts and words
# --------------------------------------------------------------------------------------------


def _char_script(ch: str) -> str | None:
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "hani"
    if 0x0400 <= o <= 0x052F:
        return "cyrl"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
        return "arab"
    if ch.isalpha() and (o < 0x0250 or 0x1E00 <= o <= 0x1EFF or ch in "ǝəɵƣŋⱬⱪⱨ"):
        return "latn"
    return None


def detect_script(text: str) -> Script:
    """Return the script of ``text``: 'cyrl', 'latn', 'arab', 'hani' or 'mixed'.

    Text without letters (digits, punctuation, empty) counts as 'latn'.
    """
    seen = {s for s in map(_char_script, text) if s is not None}
    if len(seen) > 1:
        return "mixed"
    return seen.pop() if seen else "latn"  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text, with its character offsets (``text[start:end] == surface``)."""

    surface: str
    start: int
    end: int


_HANI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RE = re.compile(
    rf"[{_HANI}]+"
    rf"|(?:[^\W\d_{_HANI}]|[\u0300-\u036f\u064b-\u065f\u0670\u200c\u200d])+"
    r"(?:['’‘ʼ`](?:[^\W\d_]|[\u0300-\u036f])+)*"
)


def iter_words(text: str) -> Iterator[Word]:
    """Yield the words of ``text`` in any script; a run of Chinese characters is one word."""
    for m in _WORD_RE.finditer(text):
        yield Word(m.group(), m.start(), m.end())


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """The words of ``text`` as (surface, start, end), the same words as ``iter_words``.

    Plain tuples for hot loops (spotting places in every segment at reindex time): building
    a frozen ``Word`` per word costs more than the regex that finds it.
    """
    return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


# --------------------------------------------------------------------------------------------
# Script-specific transliteration to broad Latin
# --------------------------------------------------------------------------------------------

_UAS_TO_ULS = UgMultiScriptConverter("UAS", "ULS")


@lru_cache(maxsize=65536)
def uyghur_arabic_to_latin(word: str) -> str:
    """Convert Uyghur (or Kazakh) Arabic script to Uyghur Latin (ULY) with ``umsc``.

    Presentation forms, Persian/Arabic look-alike letters and vowel marks are normalised
    first, because ``umsc`` only knows the Uyghur letters.
    """
    text = unicodedata.normalize("NFKC", word)
    text = _ARABIC_MARKS.sub("", text)
    text = "".join(ARABIC_NORMALISE.get(ch, ch) for ch in text)
    return str(_UAS_TO_ULS(text)).lower()


def _cyrillic_to_latin(word: str) -> str:
    out: list[str] = []
    prev = ""
    for ch in word.lower():
        if ch in CYRILLIC_IOTATED:
            vowel = CYRILLIC_IOTATED[ch]
            # After a consonant the iotated letters only palatalise it (Мамят ~ Mamat);
            # elsewhere they start with a y (Ясин, Юсуп, Ерлан ~ Yerlan/Erlan).
            out.append(vowel if prev in CYRILLIC_CONSONANTS else "y" + vowel)
        elif ch in CYRILLIC:
            out.append(CYRILLIC[ch])
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


def _latin_to_broad(word: str) -> str:
    text = "".join(LATIN.get(ch, ch) for ch in word.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if "a" <= ch <= "z")


# --------------------------------------------------------------------------------------------
# The skeleton: one Latin key for all transliterations of a word
# --------------------------------------------------------------------------------------------

_SKELETON_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"shch", "sh"),
        (r"dzh|dj|zh|dz(?=[aeiouy])", "j"),
        (r"kh|x|h", "h"),  # kh, Uyghur x and h all become h
        (r"gh", "g"),
        (r"q|ck|c(?!h)", "k"),
        (r"ph|f", "p"),  # Uyghur writes p for f: Yusup = Yusuf, Patigul = Fatigul
        (r"(?<=.)(?<![sc])h", "k"),  # Kazakh қ is х in Russian: Бақыт = Бахыт = Bakhyt
        (r"w", "v"),
        (r"ng", "n"),  # Kazakh ң, Uyghur ڭ: written n in Russian and in passports
        (r"^i(?=[aeou])", "y"),  # passport Iasin, Iusup = Yasin, Yusup
        (r"^y(?=e)", ""),  # Yerlan = Erlan, Yelena = Elena
        (r"(?<=.)y|y$", "i"),  # y inside a word is a vowel or a glide: Kairat = Kayrat
        (r"e", "a"),  # Uyghur e/ä is a or e in other scripts: Memet = Mamat, Ehmet = Ahmet
    )
)
_DOUBLES = re.compile(r"(.)\1+")


def _skeleton_raw(broad: str) -> str:
    text = broad
    for pattern, repl in _SKELETON_STEPS:
        text = pattern.sub(repl, text)
    return text


def _collapse(text: str) -> str:
    return _DOUBLES.sub(r"\1", text)


def _patronymic_variants(raw: str) -> tuple[str, set[str]]:
    """Return (primary key, alternative keys) for a raw skeleton."""
    full = _collapse(raw)
    for ending, repl in PATRONYMIC_STRONG:
        if raw.endswith(ending):
            stem = _collapse(raw[: -len(ending)] + repl)
            if len(stem) >= _MIN_STEM:
                return stem, {full}
    alternatives: set[str] = set()
    for ending in PATRONYMIC_WEAK:
        if raw.endswith(ending):
            stem = _collapse(raw[: -len(ending)])
            if len(stem) >= _MIN_STEM:
                alternatives.add(stem)
            break
    return full, alternatives


# --------------------------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------------------------

_MAX_PART = max(map(len, CHINESE_NAME_PARTS))


def _pinyin_turkic(syllable: str) -> str:
    for pattern, repl in _PINYIN_TURKIC:
        syllable = re.sub(pattern, repl, syllable)
    return syllable


@lru_cache(maxsize=16384)
def _hanzi_readings(word: str) -> tuple[str, str]:
    """Return (reading as a transcribed Turkic name, plain joined pinyin) for a hanzi word."""
    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    plain = "".join(syllables)
    parts: list[str] = []
    i = 0
    while i < len(word):
        for size in range(min(_MAX_PART, len(word) - i), 0, -1):
            chunk = word[i : i + size]
            if chunk in CHINESE_NAME_PARTS:
                parts.append(CHINESE_NAME_PARTS[chunk])
                i += size
                break
        else:
            ch = word[i]
            nxt = word[i + 1] if i + 1 < len(word) else ""
            next_reading = lazy_pinyin(nxt, style=Style.NORMAL)[0] if nxt else ""
            at_coda = not nxt or next_reading[:1] not in "aeiouy" or nxt in CHINESE_NAME_PARTS
            if ch in CHINESE_CODAS and at_coda and i > 0:
                parts.append(CHINESE_CODAS[ch])
            else:
                pys = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
                parts.append(_pinyin_turkic(pys[0]) if pys else "")
            i += 1
    return "".join(parts), plain


_MAX_ORDINARY = max(map(len, CHINESE_ORDINARY_WORDS))
_PART, _SOUND, _OTHER = 0, 1, 2


def _longest_at(run: str, i: int, table: Container[str], longest: int, *, shortest: int) -> int:
    """Length of the longest entry of ``table`` at ``run[i:]``, 0 if none."""
    for size in range(min(longest, len(run) - i), shortest - 1, -1):
        if run[i : i + size] in table:
            return size
    return 0


def _hanzi_pieces(run: str) -> list[tuple[int, int, int]]:
    """Split a hanzi run into (start, end, kind) pieces, left to right.

    At each position the longest name part of two or more characters and the longest
    ordinary word compete: the longer wins, an ordinary word on a tie (地里 "in the field"
    is not the name part Dil, 地里夏提 is Dilshat). Else one character, a sound if it is a
    transliteration character. One-character name parts (江, 拜, 曼) only end names, so
    they are sounds.
    """
    pieces: list[tuple[int, int, int]] = []
    i, n = 0, len(run)
    while i < n:
        part = _longest_at(run, i, CHINESE_NAME_PARTS, _MAX_PART, shortest=2)
        word = _longest_at(run, i, CHINESE_ORDINARY_WORDS, _MAX_ORDINARY, shortest=1)
        if part > word:
            pieces.append((i, i + part, _PART))
        elif word:
            pieces.append((i, i + word, _OTHER))
        else:
            kind = _SOUND if run[i] in CHINESE_TRANSLITERATION_CHARS else _OTHER
            pieces.append((i, i + 1, kind))
        i = pieces[-1][1]
    return pieces


def chinese_name_spans(
    run: str, *, dot_before: bool = False, dot_after: bool = False
) -> list[tuple[int, int]]:
    """Spans of a run of Chinese characters that are transcribed names, as (start, end).

    Chinese has no spaces, so in 我的哥哥艾力失踪了 the name is glued to the words around it.
    A name is a longest stretch of name parts and transliteration characters (no ordinary
    word) that either touches a name dot (``dot_before``: the run follows one,
    ``dot_after``: one follows the run) and has two characters or more, or starts with a
    name part of two characters or more. The whole run is never returned: it has its keys.
    """
    pieces = _hanzi_pieces(run)
    spans: set[tuple[int, int]] = set()
    group: list[tuple[int, int, int]] = []
    for piece in [*pieces, (len(run), len(run), _OTHER)]:
        if piece[2] != _OTHER:
            group.append(piece)
            continue
        if group:
            start, end = group[0][0], group[-1][1]
            if end - start >= 2 and (
                (dot_before and start == 0) or (dot_after and end == len(run))
            ):
                spans.add((start, end))
            if group[0][2] == _PART:
                spans.add((start, end))
            group = []
    spans.discard((0, len(run)))
    return sorted(spans)


@lru_cache(maxsize=16384)
def _chinese_name_keys(run: str, dot_before: bool, dot_after: bool) -> tuple[str, ...]:
    """Keys of the name spans of a hanzi run that the run itself does not already have."""
    own = set(_key_options(run))
    keys: list[str] = []
    for start, end in chinese_name_spans(run, dot_before=dot_before, dot_after=dot_after):
        for key in _key_options(run[start:end]):
            if key not in own:
                own.add(key)
                keys.append(key)
    return tuple(keys)


_DOTS = frozenset(CHINESE_NAME_DOTS)
_HANI_CHAR = re.compile(f"[{_HANI}]")
_HANI_RUN = re.compile(f"[{_HANI}]+")


def _dot_before(text: str, start: int) -> bool:
    return text[max(0, start - 3) : start].rstrip()[-1:] in _DOTS


def _dot_after(text: str, end: int) -> bool:
    return text[end : end + 3].lstrip()[:1] in _DOTS


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _broad_readings(word: str) -> list[str]:
    """Broad-Latin readings of one word, most likely first."""
    script = detect_script(word)
    if script == "hani":
        turkic, plain = _hanzi_readings(word)
        return [turkic, plain]
    if script == "arab":
        return [_latin_to_broad(uyghur_arabic_to_latin(word))]
    if script == "cyrl":
        return [_latin_to_broad(_cyrillic_to_latin(word))]
    if script == "latn":
        return [_latin_to_broad(word)]
    # Mixed scripts inside one word: fold each character by its own script.
    return [
        _latin_to_broad(
            "".join(_cyrillic_to_latin(ch) if _char_script(ch) == "cyrl" else ch for ch in word)
        )
    ]


@lru_cache(maxsize=262144)
def _token_keys(token: str) -> tuple[str, str, frozenset[str]]:
    """(primary key, full key without patronymic stripping, all keys) of one word."""
    primary = full = ""
    keys: set[str] = set()
    for reading in _broad_readings(token):
        if not reading:
            continue
        raw = _skeleton_raw(reading)
        main, alternatives = _patronymic_variants(raw)
        if not main:
            continue
        if not primary:
            primary, full = main, _collapse(raw)
        keys.add(main)
        keys |= alternatives
    return primary, full, frozenset(keys)


@lru_cache(maxsize=262144)
def _key_options(word: str) -> tuple[str, ...]:
    """Keys of one word, primary first then the alternatives sorted; () without letters.

    ``fold_text`` and ``name_keys`` need this ordered list for every word of every segment,
    and words repeat a lot across segments, so it is built once per distinct word.
    """
    primary, _, keys = _token_keys(word)
    if not primary:
        return ()
    return (primary, *sorted(keys - {primary}))


def fold_token(token: str, *, strip_patronymic: bool = True) -> str:
    """Fold one word in any script to its primary skeleton key (lowercase ASCII).

    With ``strip_patronymic`` (the default) a patronymic or Russian surname ending is
    removed (Nurlanuly, Nurlanov -> nurlan); place names are folded without it.
    Returns "" for a token with no letters.

    >>> fold_token("Қайрат") == fold_token("Kairat") == fold_token("قەيرات")
    True
    """
    primary, full, _ = _token_keys(token.strip())
    return primary if strip_patronymic else full


def token_keys(token: str) -> frozenset[str]:
    """All keys of one word: the primary key plus alternatives (other Chinese reading,
    the form with or without a patronymic ending)."""
    return _token_keys(token.strip())[2]


def fold_text(text: str, *, dedupe: bool = False, alternatives: bool = True) -> list[str]:
    """Fold every word of ``text`` (any script, mixed) to keys, in text order.

    For indexing keep ``alternatives=True`` so that every key a query may produce for the
    same word is present; ``dedupe`` drops repeated keys, keeping the first.
    """
    out: list[str] = []
    seen: set[str] = set()
    if alternatives and _HANI_CHAR.search(text):
        options = _options_with_chinese_names(text)
    else:
        # findall gives the same words as iter_words without building Word objects (hot path).
        options = [_key_options(word) for word in _WORD_RE.findall(text)]
    for candidates in options:
        if not candidates:
            continue
        if not alternatives:
            candidates = candidates[:1]
        for key in candidates:
            if dedupe:
                if key in seen:
                    continue
                seen.add(key)
            out.append(key)
    return out


def iter_chinese_names(text: str) -> Iterator[Word]:
    """Yield the transcribed names inside the runs of Chinese characters of ``text``
    (see ``chinese_name_spans``), with offsets into ``text``."""
    for match in _HANI_RUN.finditer(text):
        run, offset = match.group(), match.start()
        spans = chinese_name_spans(
            run, dot_before=_dot_before(text, offset), dot_after=_dot_after(text, match.end())
        )
        for start, end in spans:
            yield Word(run[start:end], offset + start, offset + end)


def _options_with_chinese_names(text: str) -> list[tuple[str, ...]]:
    """Keys of each word, a hanzi run's followed by the keys of the names inside it."""
    options: list[tuple[str, ...]] = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        keys = _key_options(word)
        if _HANI_CHAR.match(word):
            before, after = _dot_before(text, match.start()), _dot_after(text, match.end())
            keys = keys + _chinese_name_keys(word, before, after)
        options.append(keys)
    return options


def fold_query(query: str) -> str:
    """Fold a search query to the string to send against ``*_folded`` fields.

    Each word becomes its primary key (a key that ``fold_text`` always emits for the same
    word), in order, without repeats.
    """
    return " ".join(fold_text(query, dedupe=True, alternatives=False))


def name_keys(name: str, *, limit: int = 16) -> set[str]:
    """All keys for a whole name: one space-joined key per combination of word alternatives.

    The first word order is kept (NGO lists that put the surname first should also compare
    sorted keys). ``limit`` bounds the number of combinations.
    """
    combos: list[str] = [""]
    for word in _WORD_RE.findall(name):
        options = _key_options(word)
        if not options:
            continue
        combos = [f"{c} {k}".strip() for c in combos for k in options][:limit]
    return {c for c in combos if c}
