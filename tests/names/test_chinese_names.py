"""Names written in Chinese characters inside Chinese running text are found from any script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from names.folding import chinese_name_spans, fold_query, fold_text, fold_token, iter_words
from search.documents import segment_documents
from search.query import SearchParams, search_segments
from testimonies.models import Segment, Testimony, Transcript, Visibility
from tests.factories import record, write_jsonl

# Fictional people: the name as a Chinese text writes it, then Latin, Cyrillic and Arabic
# script spellings. Every given name here starts with a part of CHINESE_NAME_PARTS.
PEOPLE = [
    ("努尔兰·库尔曼", "Nurlan Kurman", "Нұрлан Құрман", "نۇرلان قۇرمان"),
    ("阿依古丽·吐尔逊", "Aygul Tursun", "Айгуль Турсун", "ئايگۈل تۇرسۇن"),
    ("买买提江·卡德尔", "Memetjan Kadir", "Мамятжан Кадыр", "مەمەتجان قادىر"),
    ("古丽娜尔·艾山", "Gulnar Hesen", "Гульнар Хасан", "گۈلنار ھەسەن"),
    ("阿力木·托合提", "Alim Tohti", "Алим Тохти", "ئالىم توختى"),
    ("热依汗·玉素甫", "Reyhan Yusup", "Рейхан Юсуп", "رەيھان يۇسۇپ"),
    ("赛力克·达尼亚尔", "Serik Daniyar", "Серік Данияр", "سەرىك دانىيار"),
    ("哈那提·巴合提", "Kanat Bakhyt", "Қанат Бақыт", "قانات باقىت"),
    ("加娜尔·杜曼", "Janar Duman", "Жанар Думан", "جانار دۇمان"),
    ("阿迪力·吾买尔", "Adil Omer", "Адил Омер", "ئادىل ئۆمەر"),
    ("帕尔哈提·伊力哈木", "Parhat Ilham", "Пархат Ильхам", "پەرھات ئىلھام"),
    ("地里夏提·沙吾提", "Dilshat Sawut", "Дильшат Савут", "دىلشات ساۋۇت"),
    ("阿斯卡尔·哈斯木", "Askar Kasim", "Асқар Қасым", "ئاسقار قاسىم"),
    ("达吾列提·木拉提", "Dawlet Murat", "Давлет Мурат", "داۋلەت مۇرات"),
    ("加米拉·热合曼", "Jamila Rahman", "Жамила Рахман", "جامىلە رەھمان"),
    ("米吉提·阿巴斯", "Mijit Abbas", "Мижит Аббас", "مىجىت ئابباس"),
    ("阿扎提·哈米提", "Azat Hamit", "Азат Хамит", "ئازات ھامىت"),
    ("苏力坦·克里木", "Sultan Kerim", "Сұлтан Керім", "سۇلتان كېرىم"),
    ("居马·伊敏", "Juma Imin", "Жума Имин", "جۇما ئىمىن"),
    ("穆萨·达吾提", "Musa Dawut", "Муса Давут", "مۇسا داۋۇت"),
    ("努尔别克·赛里克", "Nurbek Serik", "Нұрбек Серік", "نۇربەك سەرىك"),
    ("叶尔波拉提·阿曼", "Erbolat Aman", "Ерболат Аман", "ئەربولات ئامان"),
    ("巴哈尔古丽·肉孜", "Bahargul Rozi", "Бахаргуль Розы", "باھارگۈل روزى"),
    ("阿孜古丽·木沙", "Azigul Musa", "Азигуль Муса", "ئازىگۈل مۇسا"),
    ("哈丽达·库尔曼", "Halida Kurman", "Халида Курман", "ھالىدا قۇرمان"),
    ("伊斯马伊力·加帕尔", "Ismail Japar", "Исмаил Жапар", "ئىسمائىل جاپار"),
    ("艾则孜·塔依尔", "Eziz Tahir", "Азиз Тахир", "ئەزىز تاھىر"),
    ("阿布都热合曼·米吉提", "Abdurahman Mijit", "Абдурахман Мижит", "ئابدۇرەھمان مىجىت"),
    ("托乎提·麦麦提", "Tohti Memet", "Тохти Мамят", "توختى مەمەت"),
    ("卡哈尔·亚森", "Kahar Yasin", "Кахар Ясин", "قاھار ياسىن"),
    ("波拉提别克·哈纳提", "Bolatbek Kanat", "Болатбек Қанат", "بولاتبەك قانات"),
    ("阿依努尔·外力", "Aynur Weli", "Айнур Вели", "ئاينۇر ۋەلى"),
    ("吐尔洪·阿不力孜", "Turghun Abliz", "Тургун Аблиз", "تۇرغۇن ئابلىز"),
    ("依沙·尼亚孜", "Eysa Niyaz", "Эйса Нияз", "ئەيسا نىياز"),
    ("迪丽努尔·哈力克", "Dilnur Khalik", "Дильнур Халик", "دىلنۇر خالىق"),
    ("祖力皮亚·热西提", "Zulpiya Reshit", "Зульпия Рашит", "زۇلپىيە رېشىت"),
    ("叶尔江·萨肯", "Erjan Saken", "Ержан Сәкен", "ئەرجان ساكەن"),
    ("阿米娜·苏里坦", "Amina Sultan", "Амина Султан", "ئامىنە سۇلتان"),
    ("依明江·卡迪尔", "Iminjan Kadir", "Иминжан Кадир", "ئىمىنجان قادىر"),
    ("热合买提·塔拉普", "Rahmet Talap", "Рахмет Талап", "رەھمەت تالاپ"),
]
# Given names made of transliteration characters only (no known part): found by the dot.
DOT_ONLY = [
    ("萨肯·塔拉普", "Saken Talap", "Сәкен Талап", "ساكەن تالاپ"),
    ("达尼亚尔·杜曼", "Daniyar Duman", "Данияр Думан", "دانىيار دۇمان"),
    ("卡米勒·萨肯", "Kamil Saken", "Камил Сәкен", "كامىل ساكەن"),
]

# Sentence frames for the full name (with the dot) and for the given name alone.
FULL_NAME_FRAMES = [
    "我的哥哥{}在2017年被带走了。",
    "请帮我找我的丈夫{}，他已经失踪三年了。",
    "{}是我母亲，她今年六十岁。",
    "邻居告诉我们{}被送到了学习班。",
    "我父亲名叫{}。",
    "从那以后我们再也没有见过{}",
]
GIVEN_NAME_FRAMES = [
    "我的妹妹{}和她的孩子都被抓走了。",
    "他们把{}关进了拘留所",
    "2018年我们在乌鲁木齐找了{}很多次",
]


def _cases() -> list[Any]:
    cases = []
    for i, (chinese, *spellings) in enumerate(PEOPLE):
        for frame in (FULL_NAME_FRAMES[i % 6], FULL_NAME_FRAMES[(i + 3) % 6]):
            cases.append(pytest.param(frame.format(chinese), spellings, id=f"{chinese}-{frame}"))
        given = chinese.split("·")[0]
        frame = GIVEN_NAME_FRAMES[i % 3]
        firsts = [s.split()[0] for s in spellings]
        cases.append(pytest.param(frame.format(given), firsts, id=f"{given}-{frame}"))
    for i, (chinese, *spellings) in enumerate(DOT_ONLY):
        for frame in FULL_NAME_FRAMES[i::3]:
            cases.append(pytest.param(frame.format(chinese), spellings, id=f"{chinese}-{frame}"))
    return cases


# Ordinary sentences of testimonies, without names: detention, places, dates.
ORDINARY_SENTENCES = [
    "2017年4月他在乌鲁木齐被警察带走了。",
    "他们说他被送到了学习班，后来再也没有消息。",
    "我们家在伊宁市，离霍尔果斯口岸不远。",
    "派出所的人晚上来到我们家，把所有的书都拿走了。",
    "她在喀什的一个工厂里工作，每个月只能打一次电话。",
    "那时候我在阿拉木图上大学，没办法回去。",
    "我们去公安局问了很多次，他们什么都不告诉我们。",
    "听说他被判了十五年，但是我们没有看到判决书。",
    "村里有很多人在2018年被抓走，大部分是男人。",
    "她的护照被收走了，不能出国看病。",
    "我最后一次和他说话是在2019年的春节。",
    "拘留所在城外，家属不能进去探视。",
    "他以前是中学老师，教哈萨克语和数学。",
    "我们在阿勒泰有一片草场，现在都没人管了。",
    "有人说他在监狱里生病了，我们非常担心。",
    "警察说他参加了非法宗教活动，这不是真的。",
    "我们全家都搬到了哈萨克斯坦，只有他留在新疆。",
    "每天早上他们要唱红歌，学习汉语，晚上写思想汇报。",
    "他在地里干活的时候被带走了。",
    "我们在塔城的亲戚也被关进了集中营，邻居马上就报了警。",
]
COMMON_NAMES = [
    name
    for line in (
        "Ali Eli Erlan Nurlan Aigul Gulnar Askar Kairat Bakhyt Serik Murat Kanat Bolat Aman",
        "Azat Adil Alim Omer Osman Musa Yusup Yasin Memet Ahmet Tursun Tohti Ilham Abdulla Juma",
        "Kasim Dil Gul Nur Rozi Bay Man Jan Marat Arman Daulet Saule Dana Aliya Madina Zhanna",
        "Алия Ерлан Нұрлан Айгүл Асқар Қайрат Мурат Канат Болат Аман Азат Омар Муса Жума Арман",
    )
    for name in line.split()
]

pytestmark = pytest.mark.django_db


def _segment_document(text: str) -> dict[str, Any]:
    """The index document the archive builds for one Chinese segment of a public testimony."""
    testimony = Testimony.objects.create(
        external_id="zh-names", title="t", language="zh", visibility=Visibility.PUBLIC
    )
    transcript = Transcript.objects.create(testimony=testimony, engine="import", language="zh")
    Segment.objects.create(transcript=transcript, index=0, start=0.0, end=5.0, text=text)
    (document,) = segment_documents(testimony)
    return document


@pytest.mark.parametrize(("text", "spellings"), _cases())
def test_a_name_in_chinese_running_text_is_found_from_every_script(
    text: str, spellings: list[str]
) -> None:
    indexed = set(_segment_document(text)["text_folded"].split())
    for spelling in spellings:
        assert set(fold_query(spelling).split()) <= indexed, (spelling, fold_query(spelling))


@pytest.mark.parametrize("name", [p[0] for p in PEOPLE + DOT_ONLY])
def test_the_chinese_name_typed_alone_finds_it_in_running_text(name: str) -> None:
    indexed = set(fold_text(f"我说的是{name}。听说{name.split('·')[0]}被带走了"))
    assert set(fold_query(name).split()) <= indexed


@pytest.mark.parametrize("text", ORDINARY_SENTENCES)
def test_ordinary_chinese_sentences_give_no_key_of_a_common_name(text: str) -> None:
    names = {key for name in COMMON_NAMES for key in fold_query(name).split()}
    assert set(_segment_document(text)["text_folded"].split()) & names == set()


def test_ordinary_sentences_have_no_name_spans() -> None:
    # 地里 "in the field" is also the name part Dil; the ordinary word wins a tie.
    found = [
        word.surface[start:end]
        for text in ORDINARY_SENTENCES
        for word in iter_words(text)
        for start, end in chinese_name_spans(word.surface)
    ]
    assert found == []
    assert chinese_name_spans("我的哥哥地里夏提失踪了") == [(4, 8)]


def test_the_whole_run_keeps_its_own_key() -> None:
    text = "我的哥哥买买提江失踪了"
    keys = fold_text(text)
    assert keys[0] == fold_token(text)
    assert fold_token("Memetjan") in keys


def test_ordinary_words_are_stripped_before_and_after_the_name() -> None:
    def spans(run: str, **dots: bool) -> list[str]:
        return [run[a:b] for a, b in chinese_name_spans(run, **dots)]

    # 丈夫 and 邻居 end with transliteration characters (夫, 居) yet are not name.
    assert spans("我丈夫萨肯", dot_after=True) == ["萨肯"]
    assert spans("我们的邻居卡米勒", dot_after=True) == ["卡米勒"]
    # After the dot the name stops at the first ordinary word, even one that is a
    # transliteration character elsewhere (来).
    assert spans("塔拉普来了以后", dot_before=True) == ["塔拉普"]
    # Without a dot only a known name part starts a name; sounds alone do not.
    assert spans("我的哥哥阿力木失踪了") == ["阿力木"]
    assert spans("我的哥哥萨肯失踪了") == []


def test_a_name_typed_alone_gets_no_partial_keys() -> None:
    # 买买提江 is Memetjan: a search for Memet must not find it, in Chinese or in Latin.
    assert fold_text("买买提江") == fold_text("买买提江", dedupe=True)
    assert fold_token("Memet") not in fold_text("买买提江")
    assert chinese_name_spans("买买提江") == []


def test_all_three_name_dots_separate_a_name() -> None:
    for dot in "·•・":
        assert fold_token("Kamil") in fold_text(f"我父亲名叫卡米勒{dot}萨肯。")
    assert fold_token("Kamil") in fold_text("我父亲名叫卡米勒 · 萨肯。")


def test_a_latin_query_finds_and_marks_the_name_in_a_chinese_segment(
    meili: Any, tmp_path: Path
) -> None:
    chinese = {"start": 0.0, "end": 4.0, "text": "我的哥哥买买提江·卡德尔在2017年被带走了。"}
    ordinary = {"start": 0.0, "end": 4.0, "text": "他们说他被送到了学习班，后来再也没有消息。"}
    records = [
        record("zh-1", language="zh", segments=[chinese], people=[], places=[]),
        record("zh-2", language="zh", segments=[ordinary], people=[], places=[]),
    ]
    call_command(
        "import_testimonies", str(write_jsonl(tmp_path / "zh.jsonl", records)), "--no-progress"
    )
    for query in ["Memetjan Kadir", "Мамятжан", "مەمەتجان قادىر"]:
        hits = search_segments(SearchParams(q=query)).hits
        assert [h.testimony for h in hits] == ["zh-1"], query
    (hit,) = search_segments(SearchParams(q="Memetjan")).hits
    assert "<mark>买买提江</mark>" in hit.highlight
