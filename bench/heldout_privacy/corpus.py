"""Fictional held-out corpus for the black-box privacy probe.

Every name, place and story here is invented for this probe.  Public records come first;
hidden (draft / restricted) records reuse the same keys, unkeyed spellings and place
aliases, and add secret tokens.  Every secret Latin token contains "Zqv" or "Zqw"; the
other secret tokens are listed in SECRET_TOKENS.
"""

from __future__ import annotations

import copy

# --------------------------------------------------------------------------- places
SHYBAR = {
    "names": ["Шыбарбұлақ", "Shybarbulaq", "شىباربۇلاق"],
    "type": "village",
    "latitude": 44.1234,
    "longitude": 80.5678,
}
QARASU = {"names": ["Қарасу лагері", "Qarasu camp", "قاراسۇ لاگېرى"], "type": "camp"}
TASHTOPE = {"names": ["تاشتۆپە", "Tashtöpe", "Таштөбе", "塔什托别"], "type": "township"}
ZHANASAI = {"names": ["Жанасай", "Zhanasai", "Жаңасай"], "type": "county"}  # only in PUB-3
OSKEN = {
    "names": ["Өскенбұлақ", "Oskenbulaq"],
    "type": "village",
    "latitude": 43.9,
    "longitude": 81.2,
}
BORKOL = {"names": ["Боркөл", "Borkol", "بورکۆل"]}  # no type, no coordinates

# --------------------------------------------------------------------------- people
NURBOL = {
    "key": "p-nurbol",
    "names": ["Нұрбол Сәрсенбайұлы", "Nurbol Sarsenbaiuly"],
    "status": "detained",
    "birth_year": 1968,
    "gender": "male",
    "ethnicity": "Kazakh",
}
NURBOL_UG = {
    "key": "p-nurbol",
    "names": ["نۇربول سارسەنبايۇلى", "Nurbol Sarsenbaiuly"],
    "status": "detained",
}
NURBOL_ZH = {"key": "p-nurbol", "names": ["努尔波力·萨尔森巴依"]}
NURBOL_BARE = {"key": "p-nurbol", "names": ["Nurbol Sarsenbaiuly"]}
TURSYN = {
    "names": ["Тұрсынжан Маманов", "Tursynzhan Mamanov"],
    "status": "sentenced",
    "birth_year": 1959,
    "gender": "male",
}
TURSYN_BARE = {"names": ["Тұрсынжан Маманов"]}
ABDUKERIM = {
    "names": ["ئابدۇكېرىم ياقۇپ", "Abdukerim Yaqup"],
    "status": "missing",
    "birth_year": 1971,
    "gender": "male",
    "ethnicity": "Uyghur",
}
GULNAR = {
    "key": "p-gulnar",
    "names": ["Гульнар Абдрахманова", "Gulnar Abdrakhmanova"],
    "status": "missing",
    "birth_year": 1975,
    "gender": "female",
}
SERIKBOL = {
    "names": ["Серикбол Жумагалиев", "Serikbol Zhumagaliev"],
    "status": "released",
    "birth_year": 1980,
}  # only in PUB-3 (the testimony that is unpublished later)
ZHENIS = {
    "key": "p-zhenis",
    "names": ["Zhenis Orazalin", "Жеңіс Оразалин"],
    "status": "released",
    "birth_year": 1982,
    "gender": "male",
}
MERUERT = {"names": ["Meruert Zhaksylykova", "Меруерт Жақсылықова"]}  # no status/year
AKHMET = {
    "names": ["Ахметжан Құрбанов", "Akhmetzhan Kurbanov", "艾合买提江·库尔班"],
    "status": "deceased",
    "birth_year": 1948,
    "gender": "male",
}


def _seg(start, end, text, translation=""):
    return {"start": start, "end": end, "text": text, "translation": translation}


PUBLIC = [
    {
        "external_id": "hp-pub-kk-001",
        "title": "Нұрбол Сәрсенбайұлы туралы әпкесінің сөзі",
        "language": "kk",
        "visibility": "public",
        "recorded_on": "2019-03",
        "source_platform": "youtube",
        "source_url": "https://example.org/watch/hp001",
        "description": "Әпкесі інісінің Шыбарбұлақтан алып кетілгенін айтады.",
        "witness": {"name": "Ләззат Сәрсенбайқызы", "relation": "sister"},
        "segments": [
            _seg(
                0.0,
                4.0,
                "Менің інім Нұрбол Сәрсенбайұлы Шыбарбұлақ ауылында тұрды.",
                "My brother Nurbol Sarsenbaiuly lived in Shybarbulaq village.",
            ),
            _seg(
                4.0,
                9.5,
                "Оны 2018 жылы сәуірде алып кетті, содан бері хабар жоқ.",
                "They took him in April 2018, no news since.",
            ),
            _seg(
                9.5,
                15.0,
                "Көршіміз Тұрсынжан Маманов Қарасу лагеріне жіберілді.",
                "Our neighbour Tursynzhan Mamanov was sent to the Qarasu camp.",
            ),
        ],
        "people": [copy.deepcopy(NURBOL), copy.deepcopy(TURSYN)],
        "places": [copy.deepcopy(SHYBAR), copy.deepcopy(QARASU)],
        "events": [
            {"person": "p-nurbol", "place": 0, "kind": "detained", "date": "2018-04", "segment": 1},
            {"person": 1, "place": 1, "kind": "sent_to_camp", "date": "2018", "segment": 2},
        ],
    },
    {
        "external_id": "hp-pub-ug-002",
        "title": "ئابدۇكېرىم ياقۇپنىڭ ئايالى سۆزلەيدۇ",
        "language": "ug",
        "visibility": "public",
        "recorded_on": "2020-01-15",
        "witness": {"name": "مەرىيەمگۈل", "relation": "wife"},
        "segments": [
            _seg(
                0.0,
                5.0,
                "ئېرىم ئابدۇكېرىم ياقۇپ تاشتۆپە يېزىسىدىن يوقاپ كەتتى.",
                "My husband Abdukerim Yaqup disappeared from Tashtöpe township.",
            ),
            _seg(
                5.0,
                10.0,
                "قوشنىمىز نۇربول سارسەنبايۇلى شىباربۇلاقتا تۇتۇلدى.",
                "Our neighbour Nurbol Sarsenbaiuly was detained in Shybarbulaq.",
            ),
            _seg(
                10.0,
                14.0,
                "تېلېفون نومۇرىم +7 701 555 23 41 ، خەۋەر بېرىڭلار.",
                "My phone is +7 701 555 23 41, please send news.",
            ),
        ],
        "people": [copy.deepcopy(ABDUKERIM), copy.deepcopy(NURBOL_UG)],
        "places": [copy.deepcopy(TASHTOPE), {"names": ["شىباربۇلاق"]}],
        "events": [
            {"person": 0, "place": 0, "kind": "disappeared", "date": "2017-11", "segment": 0},
        ],
    },
    {
        "external_id": "hp-pub-ru-003",
        "title": "Рассказ о Гульнар Абдрахмановой и Серикболе",
        "language": "ru",
        "visibility": "public",
        "recorded_on": "2021",
        "source_platform": "odysee",
        "source_url": "https://example.org/v/hp003",
        "segments": [
            _seg(
                0.0,
                6.0,
                "Моя дочь Гульнар Абдрахманова пропала в Жанасае в двадцатом году.",
                "My daughter Gulnar Abdrakhmanova went missing in Zhanasai in 2020.",
            ),
            _seg(
                6.0,
                12.0,
                "Её мужа Серикбола Жумагалиева отпустили из лагеря Карасу.",
                "Her husband Serikbol Zhumagaliev was released from the Qarasu camp.",
            ),
            _seg(
                12.0,
                16.0,
                "Нурбол Сарсенбайулы тоже был там, говорил сосед.",
                "Nurbol Sarsenbaiuly was there too, said a neighbour.",
            ),
        ],
        "people": [copy.deepcopy(GULNAR), copy.deepcopy(SERIKBOL), copy.deepcopy(NURBOL_BARE)],
        "places": [copy.deepcopy(ZHANASAI), {"names": ["Qarasu camp"]}],
        "events": [
            {"person": "p-gulnar", "place": 0, "kind": "disappeared", "date": "2020", "segment": 0},
            {"person": 1, "place": 1, "kind": "released", "date": "2021-02-03", "segment": 1},
        ],
    },
    {
        "external_id": "hp-pub-en-004",
        "title": "A cousin remembers Zhenis Orazalin",
        "language": "en",
        "visibility": "public",
        "recorded_on": "2022-06",
        "segments": [
            _seg(
                0.0,
                5.0,
                "My cousin Zhenis Orazalin was held at Qarasu camp for two years.",
                "My cousin Zhenis Orazalin was held at Qarasu camp for two years.",
            ),
            _seg(
                5.0,
                9.0,
                "He came home to Oskenbulaq thin and silent.",
                "He came home to Oskenbulaq thin and silent.",
            ),
            _seg(
                9.0,
                13.0,
                "Tursynzhan Mamanov and Meruert Zhaksylykova were never heard of again.",
                "Tursynzhan Mamanov and Meruert Zhaksylykova were never heard of again.",
            ),
        ],
        "people": [copy.deepcopy(ZHENIS), copy.deepcopy(TURSYN_BARE), copy.deepcopy(MERUERT)],
        "places": [{"names": ["Qarasu camp"]}, copy.deepcopy(OSKEN)],
        "events": [
            {"person": "p-zhenis", "place": 0, "kind": "detained", "date": "2018-09", "segment": 0},
            {"person": "p-zhenis", "place": 1, "kind": "released", "date": "2020-10", "segment": 1},
        ],
    },
    {
        "external_id": "hp-pub-zh-005",
        "title": "努尔波力的同学讲述",
        "language": "zh",
        "visibility": "public",
        "recorded_on": "2019",
        "segments": [
            _seg(
                0.0,
                4.0,
                "我的同学努尔波力·萨尔森巴依在塔什托别被带走。",
                "My classmate Nurbol Sarsenbaiuly was taken away in Tashtöpe.",
            ),
            _seg(
                4.0,
                8.0,
                "艾合买提江·库尔班老人去年去世了。",
                "The old man Akhmetzhan Kurbanov died last year.",
            ),
        ],
        "people": [copy.deepcopy(NURBOL_ZH), {"names": ["艾合买提江·库尔班"]}],
        "places": [{"names": ["塔什托别"]}],
    },
    {
        "external_id": "hp-pub-kk-006",
        "title": "Ахметжан Құрбанов қайтыс болды",
        "language": "kk",
        "visibility": "public",
        "recorded_on": "2020-12-01",
        "languages": ["kk", "ru"],
        "segments": [
            _seg(
                0.0,
                5.0,
                "Әкем Ахметжан Құрбанов Боркөлде түрмеде қайтыс болды.",
                "My father Akhmetzhan Kurbanov died in prison in Borkol.",
            ),
            _seg(
                5.0,
                9.0,
                "Гульнар Абдрахманова біздің туысымыз.",
                "Gulnar Abdrakhmanova is our relative.",
            ),
        ],
        "people": [copy.deepcopy(AKHMET), {"key": "p-gulnar", "names": ["Gulnar Abdrakhmanova"]}],
        "places": [copy.deepcopy(BORKOL)],
        "events": [{"person": 0, "place": 0, "kind": "died", "date": "2020-08", "segment": 0}],
    },
]

# Tokens only the toggled public testimony (PUB-3) carries: while it is restricted they
# must vanish from public output.
PUB3_ONLY_TOKENS = [
    "Серикбол",
    "Serikbol",
    "Zhumagaliev",
    "Жанасай",
    "Zhanasai",
    "Жаңасай",
    "hp-pub-ru-003",
    "Абдрахмановой",
]

# --------------------------------------------------------------------------- hidden
HIDDEN_1 = [
    {
        "external_id": "hp-hid-r-101",
        "title": "Zqvtitle Нұрболат Zqvorin туралы құпия",
        "language": "kk",
        "visibility": "restricted",
        "recorded_on": "1999-02",
        "source_platform": "zqvplatform",
        "source_url": "https://example.org/zqvsource",
        "description": "Zqvdesc secret description",
        "consent_notes": "Zqvconsent",
        "witness": {"name": "Zqvwitness Жақын", "relation": "zqvrelation"},
        "segments": [
            _seg(
                0.0,
                3.0,
                "Нұрбол Сәрсенбайұлы Zqvword1 Шыбарбұлақта қайтыс болды.",
                "Nurbol Sarsenbaiuly Zqvtrans1 died in Shybarbulaq.",
            ),
            _seg(
                3.0,
                6.0,
                "Zqvkerim Zqvbekov Zqvtau лагерінде, Зқвтау.",
                "Zqvkerim Zqvbekov is in the Zqvtau camp.",
            ),
            _seg(
                6.0,
                9.0,
                "Тұрсынжан Маманов босатылды Zqvword2.",
                "Tursynzhan Mamanov was released Zqvtrans2.",
            ),
        ],
        "people": [
            {
                "key": "p-nurbol",
                "names": ["Нұрболат Zqvorin", "Nurbolat Zqvorin", "نۇربولات زقۋورىن"],
                "status": "deceased",
                "birth_year": 1901,
                "gender": "female",
                "ethnicity": "Zqvethnic",
                "notes": "Zqvnotes",
            },
            {
                "names": ["Тұрсынжан Маманов", "Tursunjan Zqvmamanov"],
                "status": "released",
                "birth_year": 1903,
                "gender": "female",
            },
            {
                "key": "p-zqv-secret",
                "names": ["Zqvkerim Zqvbekov", "Зқвкерім Зқвбеков"],
                "status": "detained",
                "birth_year": 1905,
                "gender": "male",
            },
        ],
        "places": [
            {
                "names": ["Shybarbulaq", "Zqvbulaq", "Зқвбұлақ"],
                "type": "camp",
                "latitude": 12.3456,
                "longitude": 65.4321,
            },
            {"names": ["Zqvtau", "Зқвтау"], "type": "prison", "latitude": 1.5, "longitude": 2.5},
        ],
        "events": [
            {"person": "p-nurbol", "place": 0, "kind": "died", "date": "1907-05", "segment": 0},
            {
                "person": "p-zqv-secret",
                "place": 1,
                "kind": "detained",
                "date": "1908",
                "segment": 1,
            },
            {"person": 1, "place": 0, "kind": "released", "date": "1909-09-09", "segment": 2},
        ],
    },
    {
        "external_id": "hp-hid-d-102",
        "title": "Zqvdraft ئابدۇكېرىم يوشۇرۇن",
        "language": "ug",
        "visibility": "draft",
        "recorded_on": "1998",
        "segments": [
            _seg(
                0.0,
                4.0,
                "ئابدۇكېرىم ياقۇپ Zqvword3 تاشتۆپەدە ئۆلدى.",
                "Abdukerim Yaqup Zqvtrans3 died in Tashtöpe.",
            ),
            _seg(
                4.0,
                8.0,
                "Гульнар Абдрахманова Zqvgulnar табылды.",
                "Gulnar Abdrakhmanova Zqvgulnar was found.",
            ),
        ],
        "people": [
            {
                "names": ["ئابدۇكېرىم ياقۇپ", "Zqvabdukerim"],
                "status": "deceased",
                "birth_year": 1911,
                "gender": "female",
                "ethnicity": "Zqvethnic2",
            },
            {
                "key": "p-gulnar",
                "names": ["Zqvgulnar Abdrakhmanova"],
                "status": "detained",
                "birth_year": 1909,
                "gender": "male",
            },
            {
                "names": ["Meruert Zhaksylykova"],
                "status": "deceased",
                "birth_year": 1913,
                "gender": "female",
            },
        ],
        "places": [
            {
                "names": ["Tashtöpe", "Zqvtashtope"],
                "type": "prison",
                "latitude": 3.25,
                "longitude": 4.75,
            },
            {
                "names": ["Qarasu camp", "Zqvqarasu"],
                "latitude": 5.5,
                "longitude": 6.5,
                "type": "city",
            },
            {"names": ["Oskenbulaq"], "type": "region"},
        ],
        "events": [
            {"person": 0, "place": 0, "kind": "died", "date": "1910", "segment": 0},
            {"person": 2, "place": 2, "kind": "died", "date": "1912-12"},
        ],
    },
    {
        "external_id": "hp-hid-r-103",
        "title": "Zqvky Kyrgyz restricted",
        "language": "ky",
        "languages": ["ky", "tr"],
        "visibility": "restricted",
        "recorded_on": "1997-07-07",
        "segments": [
            _seg(
                0.0,
                5.0,
                "Zhenis Orazalin Zqvword4 Zhanasai Zqvmirzat Zqvov.",
                "Zhenis Orazalin Zqvtrans4 Zhanasai.",
            ),
        ],
        "people": [
            {
                "key": "p-zhenis",
                "names": ["Zhenis Orazalin", "Zqvzhenis"],
                "status": "sentenced",
                "birth_year": 1915,
            },
            {"names": ["Zqvmirzat Zqvov"], "status": "missing", "birth_year": 1917},
            {"names": ["Akhmetzhan Kurbanov"], "status": "released", "birth_year": 1919},
        ],
        "places": [
            {"names": ["Zhanasai", "Zqvzhanasai"], "type": "camp"},
            {"names": ["Borkol"], "type": "prison", "latitude": 7.5, "longitude": 8.5},
        ],
        "events": [
            {"person": "p-zhenis", "place": 0, "kind": "sentenced", "date": "1914", "segment": 0},
            {"person": 2, "place": 1, "kind": "released", "date": "1916"},
        ],
    },
]


def hidden_round_2():
    """Re-import of the hidden records with new tokens and swapped visibilities, plus one
    new draft testimony naming only public people and places."""
    recs = copy.deepcopy(HIDDEN_1)
    r1, r2, r3 = recs
    r1["visibility"] = "draft"
    r1["title"] = "Zqwrevised Нұрболат"
    r1["segments"][0]["text"] = "Нұрбол Сәрсенбайұлы Zqwword5 Шыбарбұлақта."
    r1["people"][0]["names"].append("Nurbol Zqwsarsen")
    r1["people"][0]["status"] = "released"
    r1["people"][0]["birth_year"] = 1921
    r2["visibility"] = "restricted"
    r2["people"][1]["status"] = "deceased"
    r2["people"][1]["birth_year"] = 1923
    r3["visibility"] = "draft"
    r4 = {
        "external_id": "hp-hid-d-104",
        "title": "Zqwnew draft only public names",
        "language": "uz",
        "visibility": "draft",
        "recorded_on": "1996-01",
        "segments": [
            _seg(
                0.0,
                2.0,
                "Nurbol Sarsenbaiuly Gulnar Abdrakhmanova Shybarbulaq Qarasu camp.",
                "Zqwtrans6",
            )
        ],
        "people": [
            {
                "key": "p-nurbol",
                "names": ["Nurbol Sarsenbaiuly"],
                "status": "unknown",
                "birth_year": 1925,
            },
            {"key": "p-gulnar", "names": ["Gulnar Abdrakhmanova"], "status": "released"},
            {"names": ["Tursynzhan Mamanov"], "status": "deceased", "birth_year": 1927},
            {"names": ["Serikbol Zhumagaliev"], "status": "deceased", "birth_year": 1929},
        ],
        "places": [
            {"names": ["Shybarbulaq"], "type": "region", "latitude": 9.0, "longitude": 9.0},
            {"names": ["Qarasu camp"]},
            {"names": ["Жанасай"], "type": "prison"},
        ],
        "events": [
            {"person": "p-nurbol", "place": 0, "kind": "other", "date": "1926"},
            {"person": 3, "place": 2, "kind": "died", "date": "1928"},
        ],
    }
    return [r1, r2, r3, r4]


SECRET_TOKENS = [
    "zqv",
    "zqw",
    "Зқв",
    "زقۋ",
    "Нұрболат",
    "Nurbolat",
    "نۇربولات",
    "Tursunjan",
    "zqvplatform",
    "example.org/zqvsource",
    "Жақын",
    "hp-hid-",
]
# birth years / event years only hidden records state
SECRET_YEARS = [
    1901,
    1931,
    1995,
    1903,
    1905,
    1907,
    1908,
    1909,
    1910,
    1911,
    1912,
    1913,
    1914,
    1915,
    1916,
    1917,
    1919,
    1921,
    1923,
    1925,
    1926,
    1927,
    1928,
    1929,
    1996,
    1997,
    1998,
    1999,
]
SECRET_COORDS = ["12.3456", "65.4321", "3.25", "4.75", "6.5", "7.5", "8.5"]
HIDDEN_EXT_IDS = ["hp-hid-r-101", "hp-hid-d-102", "hp-hid-r-103", "hp-hid-d-104"]

# --------------------------------------------------------------------------- phase 5
# A hidden record that names a person *before* any public record does (main archive only),
# then a public testimony naming that person and one other, imported in both archives.
HIDDEN_FIRST = {
    "external_id": "hp-hid-r-105",
    "title": "Zqvorder restricted first",
    "language": "ru",
    "visibility": "restricted",
    "recorded_on": "1995",
    "segments": [_seg(0.0, 2.0, "Aaqv Zqvorder Zqvword7.", "Zqvtrans7")],
    "people": [
        {"key": "p-ord-a", "names": ["Aaqv Zqvorder"], "status": "deceased", "birth_year": 1931}
    ],
}
PUBLIC_LATER = {
    "external_id": "hp-pub-ru-007",
    "title": "Борис и Ярослав",
    "language": "ru",
    "visibility": "public",
    "recorded_on": "2023",
    "segments": [
        _seg(
            0.0,
            3.0,
            "Борис Вторников и Ярослав Пунктов пропали.",
            "Boris Vtornikov and Yaroslav Punktov disappeared.",
        )
    ],
    "people": [
        {"key": "p-ord-b", "names": ["Борис Вторников"], "status": "missing"},
        {"key": "p-ord-a", "names": ["Ярослав Пунктов"], "status": "missing"},
    ],
}
