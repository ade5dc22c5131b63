"""Name matching across scripts, without Django: an index of people by every spelling of their
name, and ranked matches for a queried name with birth year, place and father's name."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from names.folding import fold_text, fold_token, iter_words, token_keys
from names.gazetteer import expand_query_places

__all__ = [
    "Candidate",
    "Match",
    "MatchIndex",
    "QueryRow",
    "match_many",
    "name_similarity",
]

# --------------------------------------------------------------------------------------------
# Tuning. Every number here is a general rule, not fitted to one data set; see the bench
# (bench/matching.py) for what they give.
# --------------------------------------------------------------------------------------------

# Vocabulary keys within a few edits of a query key share its block: enough for cross-script
# drift and typos (kabl ~ kabil, tursin ~ tursun, galim ~ halim); scoring sorts out the rest.
# Edit distance rather than Jaro-Winkler, whose prefix bonus would put every longer word
# starting alike (arlan ~ arlanomar, an unsegmented Chinese name) in the block.


def _max_edits(key: str) -> int:
    return 1 if len(key) <= 5 else 2 if len(key) <= 9 else 3


# At most this many fuzzy neighbours per query key, so that a short key cannot pull in half
# the vocabulary.
MAX_NEIGHBOURS = 12
# A single-word query this long may be a whole name written without spaces (Chinese without
# the middle dot: 赛力克波拉提), so it is also compared with joined names.
MIN_JOINED_LENGTH = 6

# Token pairs below this similarity are different words, not variants of one.
MIN_PAIR_SIMILARITY = 0.6
# Weight of a word one side has and the other lacks, relative to a matched word: extra words
# (a patronymic, a second surname) are common, so they cost less than a mismatch.
UNMATCHED_WEIGHT = 0.35
UNMATCHED_PATRONYMIC_WEIGHT = 0.15
# Father's names agree at this similarity.
FATHER_SIMILARITY = 0.85

BIRTH_YEAR_SAME = 0.04
BIRTH_YEAR_CLOSE = 0.02  # one year apart: age given instead of year, lunar/solar calendars
BIRTH_YEAR_NEAR = -0.06  # two to four years apart
BIRTH_YEAR_FAR = -0.15  # five or more: most likely a different person with the same name
PLACE_SAME = 0.03
PLACE_DIFFERENT = -0.02  # weak: places are home, arrest, camp or prison, and lists mix them
FATHER_SAME = 0.06
FATHER_DIFFERENT = -0.06
MAX_ADJUSTMENT = (BIRTH_YEAR_SAME + PLACE_SAME + FATHER_SAME) - (
    BIRTH_YEAR_FAR + PLACE_DIFFERENT + FATHER_DIFFERENT
)


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One person of the archive: every known spelling of their name, and what else is known.

    ``father_names`` are explicit father's names (a list's father's-name column, a
    testimony's "son of"); patronymics inside ``names`` (Kabyluly, Kabylovich) count too.
    """

    id: int
    names: list[str]
    birth_year: int | None = None
    places: list[str] = field(default_factory=list)
    father_names: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QueryRow:
    """One row of an NGO list."""

    name: str
    birth_year: int | None = None
    place: str | None = None
    father_name: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One archive person proposed for a row: score 0..1, which of their spellings matched
    best, and the reasons in words (for a reviewer, who decides)."""

    candidate_id: int
    score: float
    matched_name: str
    name_score: float
    reasons: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Names as folded words
# --------------------------------------------------------------------------------------------

# One word of a name: its keys (primary first, then alternatives), and whether it is a
# patronymic (Kabyluly, Kabylovich, Kabylqyzy: the stem is the father's given name). A Russian
# surname ending (Kabylov) is not: it comes from a grandfather as often as from the father.
_Token = tuple[tuple[str, ...], bool]
# Folded patronymic endings (see PATRONYMIC_STRONG in names/folding.py).
_PATRONYMIC_ENDINGS = ("uli", "kizi", "ovich", "avich", "ovna", "avna")


@lru_cache(maxsize=262144)
def _fold_word(word: str) -> _Token | None:
    primary = fold_token(word)
    if not primary:
        return None
    keys = (primary, *sorted(token_keys(word) - {primary}))
    full = fold_token(word, strip_patronymic=False)
    return keys, full != primary and full.endswith(_PATRONYMIC_ENDINGS)


@lru_cache(maxsize=262144)
def _fold_name(name: str) -> tuple[_Token, ...]:
    out: list[_Token] = []
    for word in iter_words(name):
        token = _fold_word(word.surface)
        if token is not None:
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=1 << 20)
def _key_similarity(a: str, b: str) -> float:
    """Similarity of two folded keys, 0..1.

    Jaro-Winkler alone rates names with a shared start too high (Nurlan ~ Nurbek 0.84), the
    Indel ratio alone punishes cross-script drift in short names (Kabl ~ Kabil); the mean of
    the two keeps both apart.
    """
    if a == b:
        return 1.0
    return (JaroWinkler.normalized_similarity(a, b) + Indel.normalized_similarity(a, b)) / 2


def _token_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    return max(_key_similarity(x, y) for x in a for y in b)


def _sharpen(similarity: float) -> float:
    """Map a raw similarity to a word score: identical keys 1, different names near 0.

    Raw similarities of unrelated names of the same shape sit around 0.5-0.7, so the useful
    range is stretched.
    """
    return max(0.0, (similarity - 0.5) / 0.5)


@dataclass(frozen=True, slots=True)
class _NameMatch:
    score: float
    # (query word index, candidate word index) of the aligned words.
    pairs: tuple[tuple[int, int], ...]


def _align(query: Sequence[_Token], other: Sequence[_Token]) -> _NameMatch:
    """Order-insensitive word alignment (greedy on similarity; names have a few words)."""
    scored = sorted(
        (
            (-_token_similarity(q[0], o[0]), i, j)
            for i, q in enumerate(query)
            for j, o in enumerate(other)
        ),
    )
    used_q: set[int] = set()
    used_o: set[int] = set()
    total = 0.0
    pairs: list[tuple[int, int]] = []
    for neg, i, j in scored:
        if -neg < MIN_PAIR_SIMILARITY:
            break
        if i in used_q or j in used_o:
            continue
        used_q.add(i)
        used_o.add(j)
        pairs.append((i, j))
        total += _sharpen(-neg)
    unmatched = sum(
        UNMATCHED_PATRONYMIC_WEIGHT if tok[1] else UNMATCHED_WEIGHT
        for side, used in ((query, used_q), (other, used_o))
        for k, tok in enumerate(side)
        if k not in used
    )
    denominator = len(pairs) + unmatched
    return _NameMatch(total / denominator if denominator else 0.0, tuple(sorted(pairs)))


def _joined_forms(tokens: Sequence[_Token]) -> list[str]:
    """The primary keys joined without spaces, in every word order (a name has few words)."""
    if len(tokens) > 3:
        return ["".join(t[0][0] for t in tokens)]
    return ["".join(p) for p in itertools.permutations([t[0][0] for t in tokens])]


@lru_cache(maxsize=1 << 18)
def _match_names(query: tuple[_Token, ...], other: tuple[_Token, ...]) -> _NameMatch:
    best = _align(query, other)
    # One side written as a single word and the other as several: Chinese without the
    # middle dot, or a name typed without spaces. Compare the single word with the joined.
    if (len(query) == 1) != (len(other) == 1):
        single, multi = (query, other) if len(query) == 1 else (other, query)
        joined = max(
            (_key_similarity(k, j) for k in single[0][0] for j in _joined_forms(multi)),
            default=0.0,
        )
        score = _sharpen(joined)
        if score > best.score:
            if len(query) == 1:
                pairs = tuple((0, j) for j in range(len(other)))
            else:
                pairs = tuple((i, 0) for i in range(len(query)))
            best = _NameMatch(score, pairs)
    return best


def name_similarity(a: str, b: str) -> float:
    """Score 0..1 of two names in any scripts, order-insensitive (for tests and reports)."""
    return _match_names(_fold_name(a), _fold_name(b)).score


# --------------------------------------------------------------------------------------------
# Places and fathers
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _place_keys(place: str) -> frozenset[str]:
    """Gazetteer ids of a place named in any script; its folded words when it is unknown
    (a village the gazetteer lacks still matches the same village in another spelling)."""
    ids = expand_query_places(place)
    if ids:
        return frozenset(f"id:{i}" for i in ids)
    return frozenset(f"w:{k}" for k in fold_text(place, alternatives=False))


def _family_keys(tokens: Iterable[_Token]) -> set[str]:
    """Father's-name keys carried by patronymic words (Kabyluly, Kabylovich -> kabil)."""
    return {tok[0][0] for tok in tokens if tok[1]}


def _best_key_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    b = tuple(b)
    return max((_key_similarity(x, y) for x in a for y in b), default=0.0)


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _IndexedPerson:
    id: int
    birth_year: int | None
    places: frozenset[str]
    fathers: frozenset[str]  # explicit father's names, folded
    family: frozenset[str]  # father's-name keys from patronymic words of the names


class MatchIndex:
    """Candidates blocked by folded name keys; build once, then ``match`` rows."""

    def __init__(self) -> None:
        self._candidates: list[_IndexedPerson] = []
        # One entry per (candidate, spelling): parallel lists indexed by entry number.
        self._entry_candidate: list[int] = []
        self._entry_name: list[str] = []
        # Distinct folded forms of names: many people share a name written the same way, so
        # blocking and name scoring work on forms, and only good forms reach the entries.
        self._form_ids: dict[tuple[_Token, ...], int] = {}
        self._form_tokens: list[tuple[_Token, ...]] = []
        self._form_entries: list[list[int]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        # Forms of one word: found by one shared word.
        self._single_word: set[int] = set()
        # Folded explicit father's name -> forms of the candidates with that father.
        self._father_forms: dict[str, set[int]] = defaultdict(set)
        self._joined: dict[str, list[int]] = defaultdict(list)
        self._vocabulary: list[str] = []
        self._joined_vocabulary: list[str] = []
        self._neighbour_cache: dict[tuple[str, bool], tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._candidates)

    @classmethod
    def build(cls, candidates: Iterable[Candidate]) -> MatchIndex:
        """Fold every spelling of every candidate and block them by word keys.

        Raises ValueError for a candidate without a usable name or a repeated id.
        """
        index = cls()
        seen: set[int] = set()
        for cand in candidates:
            if cand.id in seen:
                raise ValueError(f"candidate id {cand.id} appears twice")
            seen.add(cand.id)
            index._add(cand)
        index._freeze()
        return index

    def _add(self, cand: Candidate) -> None:
        number = len(self._candidates)
        spellings: dict[tuple[_Token, ...], str] = {}
        for name in cand.names:
            tokens = _fold_name(name)
            # The first spelling of a repeated folded form is kept: the one the archive lists
            # first is the one shown.
            if tokens and tokens not in spellings:
                spellings[tokens] = name.strip()
        if not spellings:
            raise ValueError(
                f"candidate {cand.id}: no name with letters in {cand.names!r} (names are required)"
            )
        family: set[str] = set()
        for tokens, name in spellings.items():
            entry = len(self._entry_candidate)
            self._entry_candidate.append(number)
            self._entry_name.append(name)
            form = self._form_ids.get(tokens)
            if form is None:
                form = self._form_ids[tokens] = len(self._form_tokens)
                self._form_tokens.append(tokens)
                self._form_entries.append([])
                for key in {k for tok in tokens for k in tok[0]}:
                    self._postings[key].append(form)
                if len(tokens) == 1:
                    self._single_word.add(form)
                else:
                    for joined in _joined_forms(tokens):
                        self._joined[joined].append(form)
            self._form_entries[form].append(entry)
            family |= _family_keys(tokens)
        fathers = {fold_token(w.surface) for f in cand.father_names for w in iter_words(f)}
        fathers.discard("")
        for key in fathers:
            self._father_forms[key].update(self._form_ids[t] for t in spellings)
        places = frozenset().union(*(_place_keys(p) for p in cand.places if p.strip()))
        self._candidates.append(
            _IndexedPerson(cand.id, cand.birth_year, places, frozenset(fathers), frozenset(family))
        )

    def _freeze(self) -> None:
        self._postings = dict(self._postings)
        self._joined = dict(self._joined)
        # Sorted, so that neighbour searches (and their ties) do not depend on input order.
        self._vocabulary = sorted(self._postings)
        self._joined_vocabulary = sorted(self._joined)

    # ---------------------------------------------------------------------------- blocking

    def _neighbours(self, key: str, joined: bool = False) -> tuple[str, ...]:
        """Indexed keys similar to ``key`` (itself first when indexed); cached, as list rows
        repeat the same names."""
        cache_key = (key, joined)
        hit = self._neighbour_cache.get(cache_key)
        if hit is not None:
            return hit
        found = process.extract(
            key,
            self._joined_vocabulary if joined else self._vocabulary,
            scorer=Levenshtein.distance,
            score_cutoff=_max_edits(key),
            limit=MAX_NEIGHBOURS,
        )
        result = tuple(k for k, _, _ in sorted(found, key=lambda f: (f[1], f[0])))
        self._neighbour_cache[cache_key] = result
        return result

    def _word_block(self, token: _Token) -> set[int]:
        forms: set[int] = set()
        for key in token[0]:
            for near in self._neighbours(key):
                forms.update(self._postings[near])
        return forms

    def _block(self, tokens: tuple[_Token, ...], fathers: set[str]) -> set[int]:
        """Forms worth scoring: sharing (fuzzily) two words with the query, or its only
        name word, or the whole name written as one word on either side.

        A given name with a patronymic ("Erlan Serikuly") also finds the holders of that
        given name whose record names that father.
        """
        blocks = [self._word_block(tok) for tok in tokens]
        core = [block for block, tok in zip(blocks, tokens, strict=True) if not tok[1]]
        pool: set[int] = set()
        if len(blocks) == 1:
            pool |= blocks[0]
        elif len(core) == 1 and fathers:
            # Given name + father's name: every holder of the given name is too many, those
            # whose record names that father are the ones that count.
            pool |= core[0] & set().union(*(self._father_forms.get(k, ()) for k in fathers))
        if len(blocks) > 1:
            for a, b in itertools.combinations(blocks, 2):
                pool |= a & b
            for block in blocks:
                pool |= block & self._single_word
            # The candidate's name is one unsegmented word (赛力克波拉提): look the joined
            # query up among the indexed words.
            for joined in _joined_forms(tokens):
                for near in self._neighbours(joined):
                    pool.update(self._postings[near])
        if len(tokens) == 1 and len(tokens[0][0][0]) >= MIN_JOINED_LENGTH:
            for key in tokens[0][0]:
                for near in self._neighbours(key, joined=True):
                    pool.update(self._joined[near])
        if not pool and len(blocks) > 1:
            # No candidate shares two words: one word was mistyped beyond the fuzzy block.
            # Score those sharing one word; they can still come out near the top.
            pool = set().union(*blocks)
        return pool

    # ---------------------------------------------------------------------------- scoring

    def match(self, row: QueryRow, limit: int = 5) -> list[Match]:
        """The ``limit`` best candidates for ``row``, best first (ties by candidate id).

        Raises ValueError when the row's name has no letters.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        tokens = _fold_name(row.name or "")
        if not tokens:
            raise ValueError(f"query name {row.name!r} is empty (it has no letters)")
        query_fathers = set(_family_keys(tokens))
        if row.father_name:
            query_fathers |= {fold_token(w.surface) for w in iter_words(row.father_name)}
            query_fathers.discard("")
        query_places = _place_keys(row.place) if row.place and row.place.strip() else frozenset()

        named_forms: list[tuple[float, int, _NameMatch]] = []
        for form in self._block(tokens, query_fathers):
            named = _match_names(tokens, self._form_tokens[form])
            if named.score > 0.0:
                named_forms.append((named.score, form, named))
        if not named_forms:
            return []
        # Birth year, place and father move a score by at most MAX_ADJUSTMENT, so a form
        # further than that below the best name cannot overtake anyone through them.
        floor = max(f[0] for f in named_forms) - MAX_ADJUSTMENT
        best: dict[int, tuple[float, float, int, tuple[str, ...]]] = {}
        for name_score, form, named in sorted(named_forms, key=lambda f: (-f[0], f[1])):
            if name_score < floor:
                break
            other = self._form_tokens[form]
            for entry in self._form_entries[form]:
                number = self._entry_candidate[entry]
                cand = self._candidates[number]
                score, reasons = self._adjust(
                    named, other, cand, row.birth_year, query_places, query_fathers
                )
                current = best.get(number)
                if current is not None and (current[0], current[1]) >= (score, name_score):
                    continue
                reasons = (f"name {name_score:.2f}: {self._entry_name[entry]}", *reasons)
                best[number] = (score, name_score, entry, reasons)
        ranked = sorted(
            best.items(),
            key=lambda item: (-item[1][0], -item[1][1], self._candidates[item[0]].id),
        )
        return [
            Match(
                candidate_id=self._candidates[number].id,
                score=round(score, 4),
                matched_name=self._entry_name[entry],
                name_score=round(name_score, 4),
                reasons=reasons,
            )
            for number, (score, name_score, entry, reasons) in ranked[:limit]
        ]

    def _adjust(
        self,
        named: _NameMatch,
        other: tuple[_Token, ...],
        cand: _IndexedPerson,
        birth_year: int | None,
        query_places: frozenset[str],
        query_fathers: set[str],
    ) -> tuple[float, tuple[str, ...]]:
        score = named.score
        reasons: list[str] = []
        if birth_year is not None and cand.birth_year is not None:
            gap = abs(birth_year - cand.birth_year)
            if gap == 0:
                score += BIRTH_YEAR_SAME
                reasons.append(f"birth year {cand.birth_year} agrees")
            elif gap == 1:
                score += BIRTH_YEAR_CLOSE
                reasons.append(f"birth year {cand.birth_year} within one year")
            else:
                score += BIRTH_YEAR_NEAR if gap < 5 else BIRTH_YEAR_FAR
                reasons.append(f"birth year {cand.birth_year} differs by {gap}")
        if query_places and cand.places:
            if query_places & cand.places:
                score += PLACE_SAME
                reasons.append("place agrees")
            else:
                score += PLACE_DIFFERENT
                reasons.append("place differs")
        if query_fathers:
            # The candidate's own name words not aligned with the query's given name can be
            # the father's name too: Uyghur and Kazakh surnames are a father's given name.
            first_partner = {j for i, j in named.pairs if i == 0}
            surnames = (
                {tok[0][0] for j, tok in enumerate(other) if j not in first_partner}
                if len(other) > 1
                else set()
            )
            explicit = cand.fathers | cand.family
            if explicit:
                if _best_key_similarity(query_fathers, explicit) >= FATHER_SIMILARITY:
                    score += FATHER_SAME
                    reasons.append("father's name agrees")
                elif _best_key_similarity(query_fathers, surnames) >= FATHER_SIMILARITY:
                    score += FATHER_SAME / 2
                    reasons.append("father's name agrees with the surname")
                else:
                    score += FATHER_DIFFERENT
                    reasons.append("father's name differs")
            elif _best_key_similarity(query_fathers, surnames) >= FATHER_SIMILARITY:
                score += FATHER_SAME / 2
                reasons.append("father's name agrees with the surname")
        return min(1.0, max(0.0, score)), tuple(reasons)


def match_many(index: MatchIndex, rows: Iterable[QueryRow], limit: int = 5) -> list[list[Match]]:
    """``index.match`` for every row, in order. A row without a name raises ValueError
    naming its (0-based) position, so a CSV upload can point at the line."""
    out: list[list[Match]] = []
    for number, row in enumerate(rows):
        try:
            out.append(index.match(row, limit=limit))
        except ValueError as exc:
            raise ValueError(f"row {number}: {exc}") from exc
    return out
