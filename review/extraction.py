"""Proposals from transcript text: places, dates with precision, kinship, what happened.

Proposals, never facts: editors confirm them. Places come from the gazetteer (inflected
forms included); dates, kinship words and event words from per-language tables below.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from names import gazetteer
from review.people_extraction import PersonMention, find_people, kinship_at, name_key
from testimonies.models import Event, Mention, Place, Testimony
from testimonies.people import archive_index, best_person, testimony_levels

_MONTH_NAMES = [
    "қаңтар январ january ianuary يانۋار",
    "ақпан феврал february فېۋرال",
    "наурыз март march مارت",
    "сәуір апрел april ئاپرېل",
    "мамыр мая май may ماي",
    "маусым июн june ئىيۇن",
    "шілде июл july ئىيۇل",
    "тамыз август august ئاۋغۇست",
    "қыркүйек сентябр september سېنتەبىر",
    "қазан октябр october ئۆكتەبىر",
    "қараша ноябр november نويابىر",
    "желтоқсан декабр december دېكابىر",
]
# Kazakh, Russian (stems: марте, марта), English and Uyghur month names -> month number.
MONTHS = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
SEASONS = {
    "spring": 4,
    "summer": 7,
    "autumn": 10,
    "fall": 10,
    "winter": 1,
    "көктем": 4,
    "жаз": 7,
    "күз": 10,
    "қыс": 1,
    "весн": 4,
    "лет": 7,
    "осен": 10,
    "зим": 1,
    "ئەتىياز": 4,
    "ياز": 7,
    "كۈز": 10,
    "قىش": 1,
}
_YEAR = r"(19[5-9]\d|20[0-4]\d)"
_WORD = r"[^\W\d_]+"
# A month or season word next to a year: "наурыз 2018", "в марте 2018", "March 2018",
# "2018 жылы наурызда", "spring 2018", "2018-يىلى مارتتا".
_MONTH_THEN_YEAR = re.compile(rf"({_WORD})\s+{_YEAR}", re.IGNORECASE)
_YEAR_THEN_MONTH = re.compile(
    rf"{_YEAR}\s*(?:-?\s*(?:жылы|жылдың|года|году|г\.|يىلى|يىل)\s+)({_WORD})", re.IGNORECASE
)
_DAY_DATE = re.compile(
    r"\b(\d{1,2})[./](\d{1,2})[./]" + _YEAR + r"\b|\b" + _YEAR + r"-(\d{2})-(\d{2})\b"
)
_YEAR_ONLY = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_DAY = r"(\d{1,2})"
# Day and month words: "15 июня 2019 года", "on 2 April 2018", "April 2, 2018",
# "2018 жылғы 21 ақпанда", and the Uyghur numbered month "2019-يىلى 9-ئاينىڭ 2-كۈنى".
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d){_DAY}(?:st|nd|rd|th)?\s+({_WORD})\s+{_YEAR}")
_MONTH_DAY_YEAR = re.compile(rf"({_WORD})\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}")
_YEAR_DAY_MONTH = re.compile(
    rf"{_YEAR}\s*(?:жылғы|жылы|жылдың)\s+{_DAY}\s+({_WORD})", re.IGNORECASE
)
_UG_NUMBERED = re.compile(
    rf"{_YEAR}\s*-?\s*يىلى\s+(\d{{1,2}})\s*-?\s*ئاي\w*(?:\s+(\d{{1,2}})\s*-?\s*كۈنى)?"
)
# "in the spring of 2017", "the winter of 2018"
_SEASON_OF_YEAR = re.compile(rf"({_WORD})\s+of\s+{_YEAR}", re.IGNORECASE)
# "around 2018", "примерно в 2019 году", "шамамен 2018 жылы", "2018 жылдар шамасында",
# "2018-يىللار ئەتراپىدا".
_APPROXIMATE = re.compile(
    rf"(?:\b(?:around|about|circa|approximately|roughly|c\.)\s+(?:in\s+)?{_YEAR}"
    rf"|(?:примерно|около|приблизительно|где-то)\s+(?:в\s+)?{_YEAR}"
    rf"|шамамен\s+{_YEAR}"
    rf"|{_YEAR}\s*(?:жылдар|жылы)?\s*шамасында"
    rf"|{_YEAR}\s*-?\s*يىل(?:لار|ى)?\s+ئەتراپىدا)",
    re.IGNORECASE,
)

# Event words: a text word starting with one of these (stems: ұстал- for ұсталды and
# ұсталып, задерж- for задержали and задерживали) proposes the event.
EVENTS = {
    "detained": (
        "ұстал", "ұстады", "тұтқындал", "қамауға", "алып кетті", "алып кеткен", "әкетті",
        "задерж", "арест", "забрал", "забра", "увезли", "увели", "взяли",
        "تۇتۇل", "تۇتۇپ", "تۇتقۇن", "ئېلىپ كەت", "ئەكەت",
        "detained", "arrested", "taken", "picked up", "was seized", "were seized",
    ),
    "sentenced": (
        "сотталд", "сотталып", "үкім", "жылға кесіл", "жылға сотт",
        "приговор", "осуди", "осужд", "срок", "лишения свободы",
        "كېسىل", "ھۆكۈم", "قاماق جازا",
        "sentenced", "years in prison", "prison term", "convicted",
    ),
    "sent_to_camp": (
        "лагер", "оқыту орталығ", "оқуға", "саяси оқу",
        "перевоспит", "на учёбу", "на учебу", "на обучение",
        "لاگېر", "تەربىيەل", "ئوقۇشقا",
        "camp", "re-education", "reeducation", "training centre", "training center",
    ),
    "disappeared": (
        "жоғал", "хабар жоқ", "хабарсыз", "ешқандай хабар", "еш хабар", "білмейміз",
        "пропал", "исчез", "без вести", "ничего не знаем", "ничего не известно",
        "нет никаких известий", "нет известий", "нет вестей", "не знаем, где",
        "دېرەك يوق", "خەۋەر يوق", "يوقاپ", "يوقال", "ھېچنېمە بىلمەي", "بىلمەيمىز",
        "disappeared", "no news", "missing", "know nothing", "nothing more",
        "where he is", "where she is", "where they are", "not heard", "no word",
    ),
    "released": (
        "босатыл", "босады", "босатт", "лагерьден шық", "лагерден шық", "лагерьден шығ",
        "освобод", "отпуст", "выпуст",
        "قويۇپ بېر", "بوشىتىل", "لاگېردىن چىق",
        "released", "freed", "let out", "let go",
    ),
    "died": (
        "қайтыс бол", "қаза тап", "көз жұмды", "өлді", "опат",
        "умер", "скончал", "погиб", "смерт",
        "ۋاپات", "ئۆلدى", "ئۆلۈپ", "جان ئۈز",
        "died", "passed away", "death", "killed",
    ),
}  # fmt: skip


@dataclass
class DateMention:
    surface: str
    start: int
    end: int
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # year, month, day, season, approximate


@dataclass
class Proposals:
    places: list[dict[str, Any]] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    kinship: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _month(word: str) -> tuple[int, str] | None:
    lowered = word.lower()
    for stem, number in MONTHS.items():
        if lowered.startswith(stem[: max(4, len(stem) - 2)]) and len(lowered) < len(stem) + 5:
            return number, "month"
    for stem, number in SEASONS.items():
        if lowered.startswith(stem) and len(lowered) < len(stem) + 6:
            return number, "season"
    return None


def find_dates(text: str) -> list[DateMention]:
    """Dates with their precision; each year is reported once, at its most precise."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: str, precision: str) -> None:
        span = match.span()
        if any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append(DateMention(match.group(0), span[0], span[1], value, precision))

    for match in _DAY_DATE.finditer(text):
        if match.group(3):
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        else:
            year, month, day = match.group(4), int(match.group(5)), int(match.group(6))
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(match, f"{year}-{month:02d}-{day:02d}", "day")
    for pattern, groups in (
        (_DAY_MONTH_YEAR, (1, 2, 3)),
        (_MONTH_DAY_YEAR, (2, 1, 3)),
        (_YEAR_DAY_MONTH, (2, 3, 1)),
    ):
        for match in pattern.finditer(text):
            day_text, word, year = (match.group(g) for g in groups)
            named = _month(word)
            if named and named[1] == "month" and 1 <= int(day_text) <= 31:
                add(match, f"{year}-{named[0]:02d}-{int(day_text):02d}", "day")
    for match in _UG_NUMBERED.finditer(text):
        year, month_text, day_text = match.groups()
        if 1 <= int(month_text) <= 12:
            if day_text and 1 <= int(day_text) <= 31:
                add(match, f"{year}-{int(month_text):02d}-{int(day_text):02d}", "day")
            else:
                add(match, f"{year}-{int(month_text):02d}", "month")
    for match in _SEASON_OF_YEAR.finditer(text):
        named = _month(match.group(1))
        if named and named[1] == "season":
            add(match, f"{match.group(2)}-{named[0]:02d}", "season")
    for match in _APPROXIMATE.finditer(text):
        add(match, next(g for g in match.groups() if g), "approximate")
    for pattern, word_group, year_group in ((_YEAR_THEN_MONTH, 2, 1), (_MONTH_THEN_YEAR, 1, 2)):
        for match in pattern.finditer(text):
            named = _month(match.group(word_group))
            if named:
                number, precision = named
                add(match, f"{match.group(year_group)}-{number:02d}", precision)
    for match in _YEAR_ONLY.finditer(text):
        add(match, match.group(1), "year")
    return sorted(found, key=lambda d: d.start)


def _keywords(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    lowered = text.lower()
    return [
        kind
        for kind, words in table.items()
        if any(re.search(rf"(?<!\w){re.escape(w)}", lowered) for w in words)
    ]


def _kinship_words(text: str) -> list[str]:
    found: list[str] = []
    for match in re.finditer(r"\w+", text):
        kinship = kinship_at(match.group(0))
        if kinship and kinship not in found:
            found.append(kinship)
    return found


def extract(text: str, *, language: str | None = None) -> Proposals:
    """Every proposal a piece of text supports, without touching the database."""
    places = [
        {
            "gazetteer_id": place_id,
            "surface": surface,
            "start": start,
            "end": end,
            "name": gazetteer.get(place_id).name,
        }
        for place_id, start, end, surface in gazetteer.find_places_in_text(text, language)
    ]
    return Proposals(
        places=places,
        dates=find_dates(text),
        people=find_people(text, language),
        kinship=_kinship_words(text),
        events=_keywords(text, EVENTS),
    )


def _texts(testimony: Any, transcript: Any) -> list[tuple[Any, str, str | None]]:
    """(segment, text, language) pairs: each segment's words and its English translation."""
    pairs: list[tuple[Any, str, str | None]] = []
    for segment in transcript.segments.all():
        pairs.append((segment, segment.text, transcript.language))
        if segment.translation and transcript.language != "en":
            pairs.append((segment, segment.translation, "en"))
    return pairs


def proposal_key(kind: str, value: dict[str, Any]) -> str:
    """The key of a stored proposal that has none of its own (an editor's, or one older
    than keys): what propose() keys it by (folded name, gazetteer id, date, event kind)."""
    if kind == "person":
        return name_key(str(value.get("name") or ""))
    field = {"place": "gazetteer_id", "date": "date", "event": "kind"}.get(kind)
    return str(value.get(field) or "") if field else ""


Find = tuple[Any, str, str, dict[str, Any]]  # segment, kind, key, the Mention's fields


def _settle(
    finds: list[Find], reviewed: list[Mention], *, testimony_id: int
) -> tuple[list[Mention], list[Mention]]:
    """(new Mentions, reviewed Mentions moved to a new segment) for what was found.

    A find that an editor already reviewed in the same segment is not proposed again. One
    whose reviewed mention lost its segment to a new transcript takes that mention back to
    where it is now, verdict and links unchanged; several such are paired in text order.
    """
    here = {(m.segment_id, m.kind, m.key or proposal_key(m.kind, m.value)) for m in reviewed}
    loose: dict[tuple[str, str], list[Mention]] = {}
    for mention in reviewed:  # in pk order: the order extraction found them in
        if mention.segment_id is None:
            key = mention.key or proposal_key(mention.kind, mention.value)
            loose.setdefault((mention.kind, key), []).append(mention)
    new: list[Mention] = []
    moved: list[Mention] = []
    for segment, kind, key, fields in finds:
        if (segment.pk, kind, key) in here:
            continue
        if loose.get((kind, key)):
            mention = loose[(kind, key)].pop(0)
            mention.segment = segment
            mention.surface = fields["surface"]
            mention.char_start = fields.get("char_start")
            mention.char_end = fields.get("char_end")
            mention.value = {**mention.value, "field": fields["value"]["field"]}
            mention.key = mention.key or key
            moved.append(mention)
            continue
        new.append(
            Mention(
                segment=segment,
                testimony_id=testimony_id,
                kind=kind,
                key=key,
                **fields,
            )
        )
    return new, moved


def propose(testimony_id: int) -> int:
    """Store the machine's proposals for a testimony's current transcript as Mentions.

    Segments are read in the spoken language and in their English translation; a proposal
    found in both is stored once. Earlier machine proposals that no editor reviewed are
    replaced; reviewed ones stay, and are not proposed again (see ``_settle``). Returns how
    many proposals were stored.
    """
    testimony = Testimony.objects.get(pk=testimony_id)
    transcript = testimony.current_transcript()
    if transcript is None:
        return 0
    finds: list[Find] = []
    seen: set[tuple[int, str, str]] = set()
    # Proposals link only to people and places the testimony's own readers may already see.
    levels = testimony_levels(testimony)
    known = Place.objects.at_levels(levels).exclude(gazetteer_id=None)
    places = dict(known.values_list("gazetteer_id", "pk"))
    people = archive_index(levels=levels)  # checked for staleness once, not per name

    def add(segment: Any, kind: str, key: str, **fields: Any) -> None:
        if (segment.pk, kind, key) in seen:
            return
        seen.add((segment.pk, kind, key))
        fields["surface"] = fields["surface"][:300]
        finds.append((segment, kind, key, fields))

    for segment, text, language in _texts(testimony, transcript):
        found = extract(text, language=language)
        source = {"field": "text" if text is segment.text else "translation"}
        for person in found.people:
            match = best_person(person.name, index=people)
            add(
                segment,
                Mention.Kind.PERSON,
                person.key,
                surface=person.surface,
                char_start=person.start,
                char_end=person.end,
                value={
                    "name": person.name,
                    "kinship": person.kinship,
                    "method": person.method,
                    "language": language,
                    **source,
                    **({"match_score": round(match[1], 3)} if match else {}),
                },
                confidence=person.confidence,
                person_id=match[0] if match else None,
            )
        for place in found.places:
            add(
                segment,
                Mention.Kind.PLACE,
                place["gazetteer_id"],
                surface=place["surface"],
                char_start=place["start"],
                char_end=place["end"],
                value={"gazetteer_id": place["gazetteer_id"], "name": place["name"], **source},
                confidence=0.9,
                place_id=places.get(place["gazetteer_id"]),
            )
        for date in found.dates:
            add(
                segment,
                Mention.Kind.DATE,
                date.value,
                surface=date.surface,
                char_start=date.start,
                char_end=date.end,
                value={"date": date.value, "precision": date.precision, **source},
                confidence=0.8 if date.precision in ("day", "month", "season") else 0.7,
            )
        for kind in found.events:
            named = found.people[0] if found.people else None
            add(
                segment,
                Mention.Kind.EVENT,
                kind,
                surface=text,
                value={
                    "kind": kind,
                    "person": named.name if named else None,
                    "kinship": named.kinship if named else None,
                    "place": found.places[0]["gazetteer_id"] if found.places else None,
                    "date": found.dates[0].value if found.dates else None,
                    "precision": found.dates[0].precision if found.dates else None,
                    **source,
                },
                confidence=0.6 if named else 0.4,
            )
    with transaction.atomic():
        # Locked, so an editor's verdict given meanwhile is either seen here or waits.
        reviewed = list(
            Mention.objects.select_for_update()
            .filter(testimony=testimony)
            .exclude(review=Event.Review.PROPOSED)
            .order_by("pk")
        )
        Mention.objects.filter(
            testimony=testimony, origin=Event.Origin.MACHINE, review=Event.Review.PROPOSED
        ).delete()
        mentions, moved = _settle(finds, reviewed, testimony_id=testimony.pk)
        Mention.objects.bulk_create(mentions)
        Mention.objects.bulk_update(
            moved, ["segment", "surface", "char_start", "char_end", "value", "key"]
        )
        # An event accepted from a moved mention lost the same segment: it follows too.
        for mention in moved:
            if mention.event_id:
                Event.objects.filter(pk=mention.event_id, segment=None).update(
                    segment=mention.segment
                )
    return len(mentions)
