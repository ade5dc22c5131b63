"""NGO list matching (search/matching.py): quality on the labelled set, speed at 100k x 10k."""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from names.gazetteer import places as gazetteer_places
from names.matching import Candidate, MatchIndex, QueryRow, match_many

LABELLED = Path(__file__).resolve().parent / "data" / "matching-labelled.json"

# --------------------------------------------------------------------------------------------
# Name parts in every script. Common Kazakh and Uyghur given names (nobody in particular);
# the people built from them are fictional. Columns: Kazakh Cyrillic, Russian passport
# Cyrillic, Latin spellings (|-separated), Uyghur Arabic, Chinese state transcription.
# Male names double as family names: Kazakh and Uyghur surnames are a father's or
# grandfather's given name.
# --------------------------------------------------------------------------------------------

MALE = """
Ерлан|Ерлан|Erlan/Yerlan|ئەرلان|叶尔兰
Нұрлан|Нурлан|Nurlan|نۇرلان|努尔兰
Нұрбек|Нурбек|Nurbek|نۇربەك|努尔别克
Нұржан|Нуржан|Nurzhan/Nurjan|نۇرجان|努尔江
Серік|Серик|Serik|سېرىك|赛力克
Болат|Болат|Bolat/Bulat|بولات|波拉提
Қанат|Канат|Kanat/Qanat|قانات|哈纳提
Қайрат|Кайрат|Kairat/Qairat/Kayrat|قايرات|海拉提
Бақыт|Бахыт|Bakhyt/Baqyt|باقىت|巴合提
Асқар|Аскар|Askar/Asqar|ئاسقار|阿斯卡尔
Мұрат|Мурат|Murat|مۇرات|木拉提
Ерболат|Ерболат|Yerbolat/Erbolat|ئەربولات|叶尔波拉提
Дәулет|Даулет|Daulet/Dawlet|داۋلەت|达吾列提
Талғат|Талгат|Talgat/Talghat|تالغات|塔力哈提
Ғалым|Галым|Galym/Ghalym|غالىم|哈力木
Қабыл|Кабыл|Kabyl/Qabyl|قابىل|卡布勒
Ақылбек|Акылбек|Akylbek/Aqylbek|ئاقىلبەك|阿克勒别克
Бауыржан|Бауыржан|Bauyrzhan/Baurzhan|باۋىرجان|包尔江
Ержан|Ержан|Yerzhan/Erzhan|ئەرجان|叶尔江
Мақсат|Максат|Maksat/Maqsat|ماقسات|马合萨提
Қуаныш|Куаныш|Kuanysh/Quanysh|قۇانىش|夸尼什
Арман|Арман|Arman|ئارمان|阿尔曼
Айдос|Айдос|Aidos/Aydos|ئايدوس|艾多斯
Жандос|Жандос|Zhandos/Jandos|جاندوس|江多斯
Ғабит|Габит|Gabit/Ghabit|غابىت|哈比提
Самат|Самат|Samat|سامات|萨马提
Қасым|Касым|Kasym/Qasym|قاسىم|哈斯木
Әділ|Адиль|Adil|ئادىل|阿迪力
Мәмет|Мамет|Memet/Mamet|مەمەت|买买提
Тұрсын|Турсун|Tursun|تۇرسۇن|吐尔逊
Абдулла|Абдулла|Abdulla/Abdullah|ئابدۇللا|阿不都拉
Ахмет|Ахмет|Ehmet/Akhmet|ئەخمەت|艾合买提
Әблімит|Аблимит|Ablimit|ئابلىمىت|阿不力米提
Ясин|Ясин|Yasin/Yassin|ياسىن|亚森
Құрбан|Курбан|Kurban/Qurban|قۇربان|库尔班
Осман|Осман|Osman|ئوسمان|吾斯曼
Өмер|Омер|Omer/Ömer|ئۆمەر|吾买尔
Тохти|Тохти|Tohti/Tokhti|توختى|托合提
Әлім|Алим|Alim|ئالىم|阿力木
Юсуп|Юсуп|Yusup/Yusuf|يۇسۇپ|玉素甫
Пархат|Пархат|Parhat/Perhat|پەرھات|帕尔哈提
Ділшат|Дильшат|Dilshat|دىلشات|地里夏提
Рози|Рози|Rozi|روزى|肉孜
Ілхам|Ильхам|Ilham|ئىلھام|伊力哈木
Мердан|Мердан|Merdan|مەردان|麦尔丹
Қадыр|Кадыр|Kadir/Qadir|قادىر|卡迪尔
Нияз|Нияз|Niyaz|نىياز|尼亚孜
Еркін|Эркин|Erkin|ئەركىن|艾尔肯
Сәмет|Самет|Semet|سەمەت|赛买提
Мұса|Муса|Musa|مۇسا|穆萨
Хамит|Хамит|Hamit/Khamit|ھامىت|哈米提
Тахир|Тахир|Tahir|تاھىر|塔依尔
Махмұт|Махмут|Mahmut|ماھمۇت|买合木提
Жұма|Джума|Juma/Zhuma|جۇما|居马
Батұр|Батур|Batur|باتۇر|巴图尔
Сұлтан|Султан|Sultan|سۇلتان|苏力坦
Мұхтар|Мухтар|Mukhtar/Mukhtar|مۇختار|木合塔尔
Жапар|Жапар|Japar/Zhapar|جاپار|加帕尔
Серікбай|Серикбай|Serikbai/Serikbay|سېرىكباي|赛力克拜
Қазыбек|Казыбек|Kazybek/Qazybek|قازىبەك|哈孜别克
"""

FEMALE = """
Айгүл|Айгуль|Aigul/Aygul|ئايگۈل|阿依古丽
Жанар|Жанар|Zhanar/Janar|جانار|加娜尔
Гүлнар|Гульнар|Gulnar|گۈلنار|古丽娜尔
Әсел|Асель|Assel/Asel|ئەسەل|阿赛丽
Динара|Динара|Dinara|دىنارا|迪娜拉
Гүлмира|Гульмира|Gulmira|گۈلمىرا|古丽米拉
Салтанат|Салтанат|Saltanat|سالتانات|萨力塔娜提
Айжан|Айжан|Aizhan/Ayjan|ئايجان|阿依江
Назгүл|Назгуль|Nazgul|نازگۈل|娜孜古丽
Рейхан|Рейхан|Reyhan/Raikhan|رەيھان|热依汗
Әмина|Амина|Amina|ئامىنە|阿米娜
Жәмила|Джамиля|Jamila/Zhamila|جامىلە|加米拉
Халида|Халида|Halida/Khalida|ھالىدە|哈丽达
Міхрігүл|Михригуль|Mihrigul|مىھرىگۈل|米热古丽
Пәтима|Патима|Patime/Fatima|پاتىمە|帕提曼
Ділнұр|Дильнур|Dilnur|دىلنۇر|迪丽努尔
Зұлпия|Зульфия|Zulpiye/Zulfiya|زۇلپىيە|祖力皮亚
Гүлшат|Гульшат|Gulshat|گۈلشات|古丽夏提
Мейрамгүл|Мейрамгуль|Meyramgul/Meiramgul|مەيرامگۈل|美拉姆古丽
Ақмарал|Акмарал|Akmaral/Aqmaral|ئاقمارال|阿克玛拉力
"""


@dataclass(frozen=True)
class Part:
    kk: str
    ru: str
    latin: tuple[str, ...]
    ug: str
    zh: str


def _parts(table: str) -> list[Part]:
    out = []
    for line in table.strip().splitlines():
        kk, ru, latin, ug, zh = line.split("|")
        out.append(Part(kk, ru, tuple(latin.split("/")), ug, zh))
    return out


MALE_PARTS = _parts(MALE)
FEMALE_PARTS = _parts(FEMALE)
SCRIPTS = ("kk", "ru", "latin", "ug", "zh")


def _ru_surname(stem: str, female: bool) -> str:
    """Russian passport surname from a father's name: Кабыл -> Кабылов, Абдулла -> Абдуллаев."""
    if stem.endswith("ь"):
        stem, suffix = stem[:-1], "ев"
    elif stem[-1] in "аийу" or stem.endswith("ай"):
        suffix = "ев"
    else:
        suffix = "ов"
    return stem + suffix + ("а" if female else "")


def render(given: Part, family: Part, script: str, female: bool, rng: random.Random) -> str:
    """One spelling of a person's name in one script, in a form people actually write."""
    if script == "kk":
        form = rng.randrange(3)
        if form == 0:
            return f"{given.kk} {family.kk}{'қызы' if female else 'ұлы'}"
        if form == 1:
            return f"{given.kk} {family.kk}"
        return f"{_ru_surname(family.kk, female)} {given.kk}"
    if script == "ru":
        text = f"{_ru_surname(family.ru, female)} {given.ru}"
        return text.upper() if rng.random() < 0.3 else text
    if script == "latin":
        first = rng.choice(given.latin)
        last = rng.choice(family.latin)
        form = rng.randrange(4)
        if form == 1:
            last += "kyzy" if female else "uly"
        elif form == 2:
            last += "ova" if female else "ov"
        return f"{last.upper()} {first}" if form == 3 else f"{first} {last}"
    if script == "ug":
        return f"{given.ug} {family.ug}"
    # Chinese: usually with the middle dot, sometimes without (typed lists, old records).
    return f"{given.zh}·{family.zh}" if rng.random() < 0.85 else f"{given.zh}{family.zh}"


def place_aliases() -> list[list[str]]:
    """For each gazetteer place, its names in several scripts (to write it in another)."""
    out = []
    for p in gazetteer_places():
        names = [n for n in (*p.kk[:1], *p.ru[:1], *p.zh[:1], *p.ug[:1], *p.en[:1]) if n]
        if len(names) >= 4:
            out.append(names)
    return out


# --------------------------------------------------------------------------------------------
# The labelled set (written once with --write-labelled, then fixed in bench/data/)
# --------------------------------------------------------------------------------------------

# Given names confused with each other (shared start or ending, one letter apart).
CONFUSABLE = [
    ("Нұрлан", "Нұрбек", "Нұржан"),
    ("Ерлан", "Ержан", "Ерболат"),
    ("Қанат", "Қайрат"),
    ("Серік", "Серікбай"),
    ("Мәмет", "Махмұт", "Сәмет"),
    ("Айгүл", "Айжан", "Назгүл"),
    ("Гүлнар", "Гүлмира", "Гүлшат"),
    ("Жанар", "Динара"),
    ("Әлім", "Ғалым"),
    ("Айдос", "Жандос"),
]


def _confusable(part: Part, pool: list[Part], rng: random.Random) -> Part:
    for group in CONFUSABLE:
        if part.kk in group:
            options = [p for p in pool if p.kk in group and p != part]
            if options:
                return rng.choice(options)
    same_start = [p for p in pool if p != part and p.latin[0][:2] == part.latin[0][:2]]
    return rng.choice(same_start or [p for p in pool if p != part])


def write_labelled(path: Path, *, persons: int = 160, absent: int = 30, seed: int = 4) -> None:
    rng = random.Random(seed)
    aliases = place_aliases()
    used: set[tuple[str, str]] = set()
    index: list[dict[str, Any]] = []
    queries: list[dict[str, Any]] = []

    def person(pid: str) -> dict[str, Any]:
        while True:
            female = rng.random() < 0.35
            given = rng.choice(FEMALE_PARTS if female else MALE_PARTS)
            family = rng.choice([p for p in MALE_PARTS if p != given])
            if (given.kk, family.kk) not in used:
                used.add((given.kk, family.kk))
                break
        father = family if rng.random() < 0.5 else rng.choice(MALE_PARTS)
        return {
            "id": pid,
            "given": given,
            "family": family,
            "female": female,
            "father": father,
            "birth_year": rng.randrange(1950, 2001),
            "place": rng.choice(aliases),
        }

    def record(p: dict[str, Any], name: str, *, full: bool = True) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": p["id"], "names": [name]}
        rec["birth_year"] = p["birth_year"] if rng.random() < 0.9 else None
        rec["places"] = [rng.choice(p["place"])] if rng.random() < 0.7 else []
        rec["father_names"] = (
            [rng.choice([p["father"].kk, p["father"].latin[0], p["father"].ug])]
            if full and rng.random() < 0.4
            else []
        )
        return rec

    def query(p: dict[str, Any], name: str, script: str, expected: str | None) -> dict[str, Any]:
        roll = rng.random()
        year = p["birth_year"] if roll < 0.7 else p["birth_year"] + rng.choice((-1, 1))
        father = p["father"]
        return {
            "name": name,
            "script": script,
            "birth_year": None if roll > 0.85 else year,
            "place": rng.choice(p["place"]) if rng.random() < 0.5 else None,
            "father_name": (
                rng.choice([father.kk, father.ru, father.latin[0], father.ug])
                if rng.random() < 0.3
                else None
            ),
            "expected": expected,
        }

    people = []
    for n in range(persons):
        p = person(f"p{n + 1:03d}")
        scripts = list(SCRIPTS) + (["latin"] if rng.random() < 0.3 else [])
        rng.shuffle(scripts)
        scripts = scripts[: rng.randint(3, min(6, len(scripts)))]
        spellings: list[tuple[str, str]] = []
        for script in scripts:
            for _ in range(5):  # a second Latin spelling must differ from the first
                name = render(p["given"], p["family"], script, p["female"], rng)
                if name not in {s for _, s in spellings}:
                    spellings.append((script, name))
                    break
        indexed = rng.randrange(len(spellings))
        index.append(record(p, spellings[indexed][1]) | {"script": spellings[indexed][0]})
        for k, (script, name) in enumerate(spellings):
            if k != indexed:
                queries.append(query(p, name, script, p["id"]))
        people.append(p)

    # Near-miss different people, indexed beside the real ones.
    kinds = ("confusable-given-same-family", "same-name-other-year", "same-given-other-family")
    for n, p in enumerate(rng.sample(people, k=int(len(people) * 0.6))):
        for kind in rng.sample(kinds, k=rng.randint(1, 2)):
            pool = FEMALE_PARTS if p["female"] else MALE_PARTS
            d = dict(p, id=f"d{n + 1:03d}-{kinds.index(kind)}")
            if kind == kinds[0]:
                d["given"] = _confusable(p["given"], pool, rng)
                d["birth_year"] = rng.randrange(1950, 2001)
            elif kind == kinds[1]:
                d["birth_year"] = p["birth_year"] + rng.choice((-1, 1)) * rng.randint(8, 30)
                d["father"] = rng.choice([m for m in MALE_PARTS if m != p["father"]])
                d["place"] = rng.choice(aliases)
            else:
                d["family"] = _confusable(p["family"], MALE_PARTS, rng)
                d["birth_year"] = rng.randrange(1950, 2001)
            # A near miss is someone else: only the same-name kind repeats a name on purpose.
            if kind != kinds[1] and (d["given"].kk, d["family"].kk) in used:
                continue
            used.add((d["given"].kk, d["family"].kk))
            script = rng.choice(SCRIPTS)
            name = render(d["given"], d["family"], script, d["female"], rng)
            index.append(record(d, name) | {"script": script, "near_miss_of": p["id"]})

    # People on the NGO list who are not in the archive (the right answer is "nobody").
    for n in range(absent):
        p = person(f"a{n + 1:03d}")
        script = rng.choice(SCRIPTS)
        queries.append(
            query(p, render(p["given"], p["family"], script, p["female"], rng), script, None)
        )

    data = {
        "description": (
            "Fictional people (no real persons) for bench/matching.py, written by "
            "`bench/matching.py --write-labelled`. `index`: one spelling per person plus "
            "near-miss different people (`near_miss_of`); `queries`: the person's other "
            "spellings (`expected` = id) and people not in the index (`expected` = null)."
        ),
        "index": index,
        "queries": queries,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Quality
# --------------------------------------------------------------------------------------------


def quality(
    path: Path, *, limit_queries: int | None = None, verbose: bool = False
) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = {rec["id"]: n for n, rec in enumerate(data["index"])}
    names = {n: rec["id"] for rec, n in ((r, ids[r["id"]]) for r in data["index"])}
    index = MatchIndex.build(
        Candidate(
            id=ids[rec["id"]],
            names=rec["names"],
            birth_year=rec["birth_year"],
            places=rec["places"],
            father_names=rec["father_names"],
        )
        for rec in data["index"]
    )
    queries = data["queries"][:limit_queries] if limit_queries else data["queries"]
    rows = [QueryRow(q["name"], q["birth_year"], q["place"], q["father_name"]) for q in queries]
    results = match_many(index, rows, limit=5)
    top1 = top5 = positives = 0
    absent_top: list[float] = []
    positive_top: list[float] = []
    misses: list[dict[str, Any]] = []
    for q, found in zip(queries, results, strict=True):
        got = [names[m.candidate_id] for m in found]
        if q["expected"] is None:
            absent_top.append(found[0].score if found else 0.0)
            continue
        positives += 1
        top1 += bool(got) and got[0] == q["expected"]
        top5 += q["expected"] in got
        positive_top.append(found[0].score if found else 0.0)
        if not got or got[0] != q["expected"]:
            misses.append(
                {
                    "query": q["name"],
                    "expected": q["expected"],
                    "got": [(names[m.candidate_id], m.matched_name, m.score) for m in found[:3]],
                }
            )
    if verbose:
        for miss in misses:
            print("  miss:", json.dumps(miss, ensure_ascii=False))
    return {
        "indexed_people": len(data["index"]),
        "queries": positives,
        "absent_queries": len(absent_top),
        "top1_precision": round(top1 / positives, 4),
        "top5_recall": round(top5 / positives, 4),
        "median_top_score_present": round(statistics.median(positive_top), 4),
        "median_top_score_absent": round(statistics.median(absent_top), 4) if absent_top else None,
        "absent_with_top_score_over_0_9": sum(s > 0.9 for s in absent_top),
        "top1_misses": len(misses),
    }


# --------------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------------


def speed(n_candidates: int, n_rows: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    aliases = place_aliases()
    people = []
    candidates = []
    for cid in range(n_candidates):
        female = rng.random() < 0.4
        given = rng.choice(FEMALE_PARTS if female else MALE_PARTS)
        family = rng.choice(MALE_PARTS)
        year = rng.randrange(1940, 2005)
        place = rng.choice(aliases)
        names = [
            render(given, family, s, female, rng)
            for s in rng.sample(SCRIPTS, k=rng.choice((1, 1, 2, 3)))
        ]
        people.append((given, family, female, year, place))
        candidates.append(
            Candidate(
                cid,
                names,
                year if rng.random() < 0.8 else None,
                [rng.choice(place)] if rng.random() < 0.7 else [],
                [rng.choice(MALE_PARTS).kk] if rng.random() < 0.2 else [],
            )
        )
    rows = []
    for _ in range(n_rows):
        if rng.random() < 0.8:
            given, family, female, year, place = rng.choice(people)
        else:
            female = rng.random() < 0.4
            given = rng.choice(FEMALE_PARTS if female else MALE_PARTS)
            family = rng.choice(MALE_PARTS)
            year, place = rng.randrange(1940, 2005), rng.choice(aliases)
        rows.append(
            QueryRow(
                render(given, family, rng.choice(SCRIPTS), female, rng),
                year if rng.random() < 0.7 else None,
                rng.choice(place) if rng.random() < 0.5 else None,
                rng.choice(MALE_PARTS).ru if rng.random() < 0.2 else None,
            )
        )
    start = time.perf_counter()
    index = MatchIndex.build(candidates)
    built = time.perf_counter()
    results = match_many(index, rows, limit=5)
    done = time.perf_counter()
    return {
        "candidates": n_candidates,
        "rows": n_rows,
        "build_s": round(built - start, 2),
        "match_many_s": round(done - built, 2),
        "total_s": round(done - start, 2),
        "ms_per_row": round((done - built) * 1000 / n_rows, 3),
        "rows_with_a_match": sum(bool(r) for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small smoke run (< 20 s)")
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--dataset", type=Path, default=LABELLED)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--verbose", action="store_true", help="print every top-1 miss")
    parser.add_argument(
        "--write-labelled", action="store_true", help="regenerate the labelled set and stop"
    )
    args = parser.parse_args()
    if args.write_labelled:
        write_labelled(args.dataset)
        print(f"wrote {args.dataset}")
        return
    n_candidates, n_rows = (2_000, 200) if args.quick else (args.candidates, args.rows)
    results = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
        "quality": quality(
            args.dataset, limit_queries=150 if args.quick else None, verbose=args.verbose
        ),
        "speed": speed(n_candidates, n_rows),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
