"""NGO list matching: cross-script names, near misses, birth year, father, errors."""

from __future__ import annotations

import pytest

from names.matching import Candidate, MatchIndex, QueryRow, match_many, name_similarity

# Fictional people.
PEOPLE = [
    Candidate(1, ["Ерлан Қабыл", "叶尔兰·卡布勒"], 1985, ["Құлжа"]),
    Candidate(2, ["Нурбек Кабылов"], 1985, ["Кульджа"]),
    Candidate(3, ["Erlan Kabyl"], 1958, ["Kashgar"], ["Serik"]),
    Candidate(4, ["Айгүл Тұрсын", "ئايگۈل تۇرسۇن"], 1990),
    Candidate(5, ["Nurlan Tursunov"], 1977),
    Candidate(6, ["赛力克波拉提"], 1969),
    Candidate(7, ["Мәмет Ясин"], 1971, [], ["Ясин"]),
    Candidate(8, ["Мәмет Ясин"], 1972, [], ["Осман"]),
]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(PEOPLE)


def ids(index: MatchIndex, row: QueryRow) -> list[int]:
    return [m.candidate_id for m in index.match(row)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ERLAN QABYL", 1),  # passport Latin with Q for Kazakh қ
        ("ئەرلان قابىل", 1),  # Uyghur Arabic
        ("Айгуль Турсун", 4),  # Russian spelling of Kazakh Cyrillic
        ("阿依古丽·吐尔逊", 4),  # Chinese state transcription
        ("Serik Bolat", 6),  # Chinese written without the middle dot
        ("Nurlan Tursun", 5),  # Russian surname ending folded away
    ],
)
def test_cross_script_spelling_ranks_first(index: MatchIndex, name: str, expected: int):
    found = index.match(QueryRow(name, birth_year=PEOPLE[expected - 1].birth_year))
    assert found[0].candidate_id == expected
    assert found[0].score >= 0.9


def test_near_miss_different_person_ranks_below(index: MatchIndex):
    found = index.match(QueryRow("Nurbek Kabyl"))
    assert found[0].candidate_id == 2
    # Erlan Kabyl shares the surname but is someone else: well below the real match.
    others = {m.candidate_id: m.score for m in found[1:]}
    assert all(score < found[0].score - 0.2 for score in others.values())
    assert name_similarity("Nurlan Kabyl", "Nurbek Kabyl") < name_similarity(
        "Nurlan Kabyl", "Нұрлан Қабылов"
    )


def test_birth_year_decides_between_namesakes(index: MatchIndex):
    assert ids(index, QueryRow("Erlan Kabyl", birth_year=1985))[:2] == [1, 3]
    assert ids(index, QueryRow("Erlan Kabyl", birth_year=1958))[:2] == [3, 1]
    same = index.match(QueryRow("Erlan Kabyl", birth_year=1985))[0]
    off_by_one = index.match(QueryRow("Erlan Kabyl", birth_year=1986))[0]
    far = {m.candidate_id: m for m in index.match(QueryRow("Erlan Kabyl", birth_year=1985))}[3]
    assert same.score >= off_by_one.score > far.score
    assert any("differs by 27" in r for r in far.reasons)


def test_place_across_scripts_helps(index: MatchIndex):
    # Ghulja = Құлжа = 伊宁 through the gazetteer.
    found = index.match(QueryRow("Erlan Kabyl", place="伊宁"))
    assert found[0].candidate_id == 1
    assert "place agrees" in found[0].reasons


def test_father_name_helps(index: MatchIndex):
    by_father = ids(index, QueryRow("Мамет Ясин", father_name="Osman"))
    assert by_father[0] == 8
    by_father = ids(index, QueryRow("Мамет Ясин", father_name="Yasin"))
    assert by_father[0] == 7
    # A patronymic in the query name is a father's name too: Kabyluly -> father Kabyl.
    found = index.match(QueryRow("Erlan Serikuly"))
    assert found[0].candidate_id == 3
    assert "father's name agrees" in found[0].reasons


def test_order_insensitive(index: MatchIndex):
    a = index.match(QueryRow("Kabyl Erlan", birth_year=1985))
    b = index.match(QueryRow("Erlan Kabyl", birth_year=1985))
    assert [(m.candidate_id, m.score) for m in a] == [(m.candidate_id, m.score) for m in b]
    assert name_similarity("Kabyl Erlan", "Erlan Kabyl") == 1.0


def test_result_says_which_spelling_matched(index: MatchIndex):
    found = index.match(QueryRow("叶尔兰·卡布勒", birth_year=1985))[0]
    assert found.candidate_id == 1
    assert found.matched_name == "叶尔兰·卡布勒"
    assert found.reasons[0].startswith("name 1.00: 叶尔兰·卡布勒")
    found = index.match(QueryRow("Ерлан Кабылов", birth_year=1985))[0]
    assert found.matched_name == "Ерлан Қабыл"


@pytest.mark.parametrize("name", ["", "   ", "123 -- !"])
def test_empty_name_raises(index: MatchIndex, name: str):
    with pytest.raises(ValueError, match="empty"):
        index.match(QueryRow(name))
    with pytest.raises(ValueError, match=r"row 1: .*empty"):
        match_many(index, [QueryRow("Erlan Kabyl"), QueryRow(name)])


def test_bad_candidates_raise():
    with pytest.raises(ValueError, match="candidate 9: no name"):
        MatchIndex.build([Candidate(9, ["", "  "])])
    with pytest.raises(ValueError, match="appears twice"):
        MatchIndex.build([Candidate(1, ["Erlan"]), Candidate(1, ["Nurlan"])])


def test_ranking_is_deterministic_and_limited(index: MatchIndex):
    rows = [QueryRow("Мәмет Ясин"), QueryRow("Erlan Kabyl")]
    first = match_many(index, rows, limit=2)
    again = match_many(MatchIndex.build(reversed(PEOPLE)), rows, limit=2)
    assert first == again
    assert all(len(r) <= 2 for r in first)
    # Namesakes with nothing to tell them apart: ties go to the lower id.
    assert [m.candidate_id for m in first[0]] == [7, 8]
    assert all(0.0 <= m.score <= 1.0 for r in first for m in r)
