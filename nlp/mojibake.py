"""Undo byte-level pinyin insertion and lenient-GBK mojibake (the corruption of seed report 003).

The corruption chain, re-derived here from the encodings: a traditional text was GBK-encoded;
`(pinyin)` was inserted after the *bytes* of listed characters, sometimes across two characters;
the byte stream was cut at byte matches of ，；？。 and each piece decoded leniently (lead byte +
ASCII byte → one `?` that swallows the ASCII byte, lead byte at a piece end → `?`, user-defined-area
pairs → nothing, lone 0x80 → €); full-width forms then became ASCII.

`repair` inverts this line by line in byte space. Every observed character stands for its GBK
bytes (an ASCII character may stand for its full-width pair), an annotation stands for no bytes,
and `?` stands for a lost lead byte, alone or with a swallowed ASCII byte. A beam search re-pairs
the bytes into characters, choosing lost bytes and dropped user-defined pairs among the byte-legal
candidates with a character bigram model, under the constraints the annotations put on their
characters. A character's readings are the ones the document itself annotates it with; a character
the document does not annotate has every tone-marked reading a general dictionary (pypinyin) gives
it, or gives its OpenCC t2s form where it has none of its own. A chosen byte is pinned only when no
other character with that reading fits the bytes; characters that rest on a chosen byte no
constraint pinned go to `warnings`.
"""

from __future__ import annotations

import gzip
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from nlp.settings import RESOURCES_DIR

LM_PATH = RESOURCES_DIR / "mojibake_lm.tsv.gz"
#: Line-boundary symbol of the bigram model (never occurs in report text).
BOUNDARY = "\x02"

FIXES = ("pinyin", "mojibake")

TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = f"[a-zü]{{0,5}}[{TONE_VOWELS}][a-zü]{{0,5}}"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "。、，；：！？（）“”《》—…"
_ANNOTATION = f"(?<=\\S)\\(({_SYLLABLE})\\)"
_ANCHOR = f"\\?({_SYLLABLE})\\)"
#: Anything `repair` acts on: a pinyin annotation, an anchor whose `(` was swallowed, `?` in CJK text.
#: (A stray byte before an annotation, an unbalanced `)`, € or kana inside Han all come with one of these.)
_SIGNAL = re.compile(f"{_ANNOTATION}|{_ANCHOR}|[{_HAN}{_CJK_PUNCT}]\\?|\\?[{_HAN}{_CJK_PUNCT}]")
_PINYIN_SIGNAL = re.compile(f"{_ANNOTATION}|{_ANCHOR}")
_ANNOTATION_RE = re.compile(_ANNOTATION)
_READING = re.compile(f"([{_HAN}])\\(({_SYLLABLE})\\)")
_TOKEN = re.compile(f"{_ANNOTATION}|{_ANCHOR}|.", re.S)

#: Search limits and costs (costs in nats, against the bigram log-probabilities).
BEAM = 24
BEAM_WIDTH = 30.0  # a state this far behind the best one is dropped
MAX_PASSES = 4
#: A line with more `?` than MAX_QUESTIONS plus one per QUESTION_SPAN characters is not searched
#: (one corrupted spot leaves one or two; seed 003 has at most two in 14 characters).
MAX_QUESTIONS = 4
QUESTION_SPAN = 40
#: About 15% of the byte pairs that straddle two report characters fall in a user-defined area.
HIDDEN_PAIR_COST = math.log(0.85 / 0.15)
MAX_HIDDEN = 3  # dropped pairs tried in one misaligned run
HIDDEN_FIRSTS = 6  # likeliest characters tried before two consecutive dropped pairs
HIDDEN_KEEP = 6  # dropped-pair readings kept per state and position
HIDDEN_MIDDLES = 40  # characters tried between two consecutive dropped pairs
SWALLOW_TOP = 16  # candidate lost bytes tried with each swallowed ASCII byte
UNKNOWN_READING_COST = 6.0  # an annotation on a character with no known reading
MISSING_ANNOTATION_COST = 6.0  # a character the document annotates, left without its annotation
STRAY_COST = 12.0  # an annotation after something that is no character (the text left as it is)
CONTRADICTION_COST = 30.0  # an annotation whose reading is not the character's
UNBALANCED_COST = 6.0  # a parenthesis left open in a line, or a closing one without an opening one

LEADS = range(0x81, 0xFF)
SWALLOWABLE = range(0x20, 0x40)  # ASCII bytes that cannot be a GBK trail byte
#: Full-width bytes of the punctuation the corrupter cut at.
_CUT_BYTES = {",": b"\xa3\xac", ";": b"\xa3\xbb", "?": b"\xa3\xbf", "。": b"\xa1\xa3"}
_FULLWIDTH_QUESTION = b"\xa3\xbf"
_HIGH_AREA_FIRSTS = (*range(0xAA, 0xB0), *range(0xF8, 0xFF))  # user-defined AAA1–AFFE, F8A1–FEFE
_LOW_AREA_FIRSTS = tuple(range(0xA1, 0xA8))  # user-defined A140–A7A0
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_CJK_PUNCT_OF = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})

CHAR, QUESTION, ANNOTATION, ANCHOR = range(4)
#: How a byte of the output is known: read from the text, chosen (a matching annotation can pin it),
#: or chosen at an anchor whose straddling character has no known reading (stays a guess).
READ, CHOSEN, UNVERIFIED = range(3)


@dataclass(frozen=True)
class Repair:
    """Repaired text (still traditional, annotations removed), what was done, what is uncertain."""

    text: str
    fixes: tuple[str, ...]
    warnings: tuple[str, ...]


def fold_width(text: str) -> str:
    """Full-width ASCII forms (U+FF01–FF5E) to ASCII, as the corrupter's last step did."""
    return text.translate(_FOLD)


def model_text(text: str) -> str:
    """Text as the bigram model sees it: sentence punctuation full-width, digits and letters as written."""
    return text.translate(_CJK_PUNCT_OF)


def annotation_pairs(text: str) -> set[tuple[str, str]]:
    """The (character, pinyin) pairs of the `Han(pinyin)` annotations in `text`."""
    return {(m[1], m[2]) for m in _READING.finditer(text)}


def repair(text: str) -> Repair:
    """Strip pinyin annotations and repair GBK mojibake; text without any sign of them is returned as is."""
    if not _SIGNAL.search(text):
        return Repair(text, (), ())
    current, fixes, warnings = text, set(), []
    for n_pass in range(MAX_PASSES):
        out, pass_fixes, pass_warnings = _repair_pass(current)
        if out == current:
            if n_pass == 0:
                warnings = pass_warnings
            return Repair(current, tuple(f for f in FIXES if f in fixes), tuple(warnings))
        fixes.update(pass_fixes)
        warnings.extend(pass_warnings)
        current = out
    return Repair(text, (), (f"mojibake: repair did not settle in {MAX_PASSES} passes; text left as it was",))


# --- byte tables -----------------------------------------------------------------------------------
@cache
def _pairs() -> dict[int, str]:
    """Every valid two-byte GBK sequence (lead << 8 | trail) and its character.

    None of these characters is ASCII, so each is its own `model_text` form.
    """
    table = {}
    for lead in LEADS:
        for trail in range(0x40, 0xFF):
            try:
                table[lead << 8 | trail] = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
    return table


@cache
def _char_bytes(ch: str) -> tuple[bytes, ...]:
    """The byte sequences an observed character can stand for (none if it is not GBK)."""
    if ch == "€":
        return (b"\x80",)
    if "!" <= ch <= "~":
        return (ch.encode("ascii"), chr(ord(ch) + 0xFEE0).encode("gbk"))
    try:
        return (ch.encode("gbk"),)
    except UnicodeEncodeError:
        return ()


def _is_hidden_pair(first: int, second: int) -> bool:
    """Whether GBK bytes (first, second) fall in a user-defined area (the decoder dropped those)."""
    if first in _LOW_AREA_FIRSTS:
        return 0x40 <= second <= 0xA0 and second != 0x7F
    return first in _HIGH_AREA_FIRSTS and 0xA1 <= second <= 0xFE


@cache
def _hidden_firsts(pending: int) -> tuple[tuple[int, str], ...]:
    """Bytes u that open a user-defined pair and make (pending, u) a character."""
    pairs = _pairs()
    firsts = (*_LOW_AREA_FIRSTS, *_HIGH_AREA_FIRSTS)
    return tuple((u, pairs[pending << 8 | u]) for u in firsts if pending << 8 | u in pairs)


@cache
def _hidden_seconds(trail: int, low_area: bool) -> tuple[tuple[int, str], ...]:
    """Bytes v that close a user-defined pair and make (v, trail) a character."""
    pairs = _pairs()
    seconds = range(0x81, 0xA1) if low_area else range(0xA1, 0xFF)
    return tuple((v, pairs[v << 8 | trail]) for v in seconds if v << 8 | trail in pairs)


@cache
def _hidden_middles(low_target: bool) -> tuple[tuple[int, int, str], ...]:
    """The most frequent characters (v, u) that can stand between two dropped pairs, the second ending low/high."""
    pairs, unigram = _pairs(), _model().unigram
    opening = _LOW_AREA_FIRSTS if low_target else _HIGH_AREA_FIRSTS
    found = [(v, u, pairs[v << 8 | u]) for v in LEADS for u in opening if v << 8 | u in pairs]
    return tuple(sorted(found, key=lambda vuc: -unigram.get(vuc[2], 0))[:HIDDEN_MIDDLES])


@cache
def _hidden_pairs(pending: int, trail: int) -> tuple[tuple[int, str, int, str], ...]:
    """The likeliest dropped pairs (u, v) between `pending` and `trail`, with the characters (pending, u), (v, trail).

    Tries every first character with the second characters seen after it in the corpus and with
    the most frequent possible second character.
    """
    model = _model()
    candidates = []
    for low_area in (True, False):
        seconds = {c: v for v, c in _hidden_seconds(trail, low_area)}
        if not seconds:
            continue
        commonest = max(seconds, key=lambda c: model.unigram.get(c, 0))
        for u, first in _hidden_firsts(pending):
            if (u in _LOW_AREA_FIRSTS) == low_area:
                prior = math.log((model.unigram.get(first, 0) + 0.1) / model.denominator)
                for second in model.seen_after.get(first, set()) & seconds.keys() | {commonest}:
                    candidates.append((prior + model.logp(first, second), u, first, seconds[second], second))
    candidates.sort(reverse=True)
    return tuple(candidate[1:] for candidate in candidates[:HIDDEN_KEEP])


# --- bigram model and readings -----------------------------------------------------------------------
class _BigramModel:
    """Witten-Bell interpolated character bigrams over traditional report text (see `model_text`)."""

    def __init__(self, rows: list[str]) -> None:
        self.unigram: dict[str, int] = {}
        self.followers: dict[str, int] = {}
        self.bigram: dict[str, int] = {}
        self.seen_after: defaultdict[str, set[str]] = defaultdict(set)
        total = 1
        for row in rows:
            fields = row.split("\t")
            if fields[0] == "#total":
                total = int(fields[1])
            elif len(fields) == 3:
                self.unigram[fields[0]] = int(fields[1])
                self.followers[fields[0]] = int(fields[2])
            elif len(fields) == 2:
                self.bigram[fields[0]] = int(fields[1])
                self.seen_after[fields[0][0]].add(fields[0][1:])
        self.denominator = total + 0.1 * 30000  # add-0.1 over about the number of GBK characters
        self.cache: dict[tuple[str, str], float] = {}

    def logp(self, a: str, b: str) -> float:
        """Natural log of P(b | a), both already in `model_text` form."""
        key = (a, b)
        found = self.cache.get(key)
        if found is None:
            p_uni = (self.unigram.get(b, 0) + 0.1) / self.denominator
            n_a, t_a = self.unigram.get(a, 0), self.followers.get(a, 0)
            p = (self.bigram.get(a + b, 0) + t_a * p_uni) / (n_a + t_a) if n_a and t_a else p_uni
            found = self.cache[key] = math.log(p)
        return found


@cache
def _model() -> _BigramModel:
    """The shipped bigram model, loaded once."""
    with gzip.open(LM_PATH, "rt", encoding="utf-8") as fh:
        return _BigramModel(fh.read().split("\n"))


def _no_reading(segment: str) -> list[list[str]]:
    """pypinyin `errors` handler: no reading for each character it cannot read."""
    return [[""] for _ in segment]


@cache
def _dictionary() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Tone-marked readings of every Han character GBK encodes, and the characters of each reading.

    From pypinyin, heteronyms included (it covers traditional characters: 區 報 會 長 現 調 雲 負 專 氣);
    a character it has no reading for takes those of its OpenCC t2s form. Every character a repair
    puts out is a GBK character, so no other character is looked up. Loaded on first use (a line
    with `?` and an annotation), once per process: about half a second, half of it importing pypinyin.
    """
    import opencc

    # Only single characters are looked up: pypinyin's phrase dictionary, and its copies of both
    # dictionaries, would cost ~45 MB in every process that repairs a document (measured), for the same readings.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, pinyin

    han = re.compile(f"[{_HAN}]")
    syllable = re.compile(_SYLLABLE)
    chars = sorted({c for c in _pairs().values() if han.fullmatch(c)})
    # A list is read element by element: single characters, no phrase context.
    found = pinyin(chars, style=Style.TONE, heteronym=True, errors=_no_reading)
    forms: dict[str, bool] = {}

    def is_form(reading: str) -> bool:
        """Whether `reading` has the form of an annotation (not ḿ, ǹ or a toneless reading); memoised."""
        forms[reading] = bool(syllable.fullmatch(reading))
        return forms[reading]

    t2s = None
    of_char: dict[str, frozenset[str]] = {}
    chars_of: defaultdict[str, set[str]] = defaultdict(set)
    for char, readings in zip(chars, found, strict=True):
        if not any(readings):
            t2s = t2s or opencc.OpenCC("t2s")
            simplified = t2s.convert(char)
            if len(simplified) != 1 or simplified == char:
                continue
            readings = pinyin(simplified, style=Style.TONE, heteronym=True, errors=_no_reading)[0]
        kept = frozenset(r for r in readings if forms.get(r) or (r not in forms and is_form(r)))
        if kept:
            of_char[char] = kept
            for reading in kept:
                chars_of[reading].add(char)
    return of_char, {p: frozenset(c) for p, c in chars_of.items()}


class _Readings:
    """Pinyin readings of characters: the document's own annotations first, the general dictionary for the rest."""

    def __init__(self, text: str) -> None:
        own_of: defaultdict[str, set[str]] = defaultdict(set)
        own_chars: defaultdict[str, set[str]] = defaultdict(set)
        for char, pinyin in annotation_pairs(text):
            own_of[char].add(pinyin)
            own_chars[pinyin].add(char)
        self._own_of = {c: frozenset(s) for c, s in own_of.items()}
        self._own_chars = {p: frozenset(s) for p, s in own_chars.items()}
        #: Characters the document itself annotates: only their annotated readings count.
        self.annotated = frozenset(self._own_of)
        self._chars: dict[str, tuple[str, ...]] = {}

    def of(self, char: str | None) -> frozenset[str] | None:
        """The readings of `char`; None when neither the document nor the dictionary gives it any."""
        if char is None:
            return None
        own = self._own_of.get(char)
        return own if own is not None else _dictionary()[0].get(char)

    def chars(self, pinyin: str) -> tuple[str, ...]:
        """The characters read `pinyin`, sorted (so that ties break the same way in every process)."""
        found = self._chars.get(pinyin)
        if found is None:
            general = {c for c in _dictionary()[1].get(pinyin, ()) if c not in self.annotated}
            found = self._chars[pinyin] = tuple(sorted(general | self._own_chars.get(pinyin, frozenset())))
        return found


# --- beam search over one line -----------------------------------------------------------------------
class _Token(NamedTuple):
    kind: int
    text: str
    pinyin: str


class _Item(NamedTuple):
    """One output character, its bytes, how each byte is known, and the token it ends in."""

    char: str
    raw: bytes
    known: tuple[int, ...]  # READ / CHOSEN / UNVERIFIED per byte
    token: int
    repaired: bool  # not simply the observed character
    unrepaired: bool = False  # garbage an annotation shows, left as it was


class _State(NamedTuple):
    score: float
    pending: int  # first byte of a character still waiting for its second, or -1 when aligned
    pending_known: int  # READ / CHOSEN / UNVERIFIED
    pending_open: bool  # chosen among several and not scored yet: resolve before pruning
    split: bool  # an annotation stands between the pending byte and the next byte
    last: str  # last output character in `model_text` form
    last_raw: bytes
    hidden: int  # dropped pairs assumed in the current misaligned run
    depth: int  # parentheses open in the output line
    out: tuple | None  # (item, previous out), newest first


def _tokenize(line: str) -> list[_Token]:
    """Characters, `?`, annotations `(pinyin)` and swallowed-paren anchors `?pinyin)` of a line."""
    tokens = []
    for m in _TOKEN.finditer(line):
        if m[1]:
            tokens.append(_Token(ANNOTATION, m[0], m[1]))
        elif m[2]:
            tokens.append(_Token(ANCHOR, m[0], m[2]))
        else:
            tokens.append(_Token(QUESTION if m[0] == "?" else CHAR, m[0], ""))
    return tokens


class _LineSearch:
    """Beam search that re-pairs the bytes of one corrupted line into the most likely text."""

    def __init__(self, tokens: list[_Token], readings: _Readings) -> None:
        self.tokens = tokens
        self.readings = readings
        self.model = _model()
        self.pairs = _pairs()

    def run(self) -> list[_Item] | None:
        """The best complete reading of the line (None if no reading ends aligned)."""
        n = len(self.tokens)
        buckets: list[dict[tuple, _State]] = [{} for _ in range(n + 1)]
        buckets[0][()] = _State(0.0, -1, READ, False, False, BOUNDARY, b"", 0, 0, None)
        for i in range(n):
            for st in self._prune(buckets[i].values()):
                for s, j in self._expand(st, i):
                    if s.pending < 0:
                        s = s._replace(hidden=0)
                    key = (s.pending, s.pending_known, s.split, s.last, s.hidden, s.depth)
                    old = buckets[j].get(key)
                    if old is None or s.score > old.score:
                        buckets[j][key] = s
        final = [s for s in buckets[n].values() if s.pending < 0]
        if not final:
            return None
        node = max(final, key=lambda s: s.score + self.model.logp(s.last, BOUNDARY)).out
        items = []
        while node is not None:
            items.append(node[0])
            node = node[1]
        return items[::-1]

    @staticmethod
    def _prune(states: Iterable[_State]) -> list[_State]:
        """The best aligned and the best mid-character states, each group cut to BEAM and BEAM_WIDTH.

        Kept apart so that a crowd of guessed repairs cannot push the literal reading out of the beam.
        """
        kept = []
        for group in ([s for s in states if s.pending < 0], [s for s in states if s.pending >= 0]):
            group.sort(key=lambda s: -s.score)
            kept.extend(s for s in group[:BEAM] if s.score >= group[0].score - BEAM_WIDTH)
        return kept

    # --- scoring
    def _emit(self, st: _State, char: str, raw: bytes, known: tuple[int, ...], token: int, repaired: bool,
              contiguous: bool, followed: bool, cost: float = 0.0) -> _State:
        """State after outputting `char` (a decoded character is scored as decoded, output folded to ASCII)."""
        key = model_text(char)
        if repaired:
            char = fold_width(char)
        score = st.score + self.model.logp(st.last, key) - cost
        if contiguous and not followed and char in self.readings.annotated:
            score -= MISSING_ANNOTATION_COST
        depth = st.depth
        if char in "(（":  # charged when opened, refunded when closed, so that the beam compares fairly
            depth += 1
            score -= UNBALANCED_COST
        elif char in ")）":
            score += UNBALANCED_COST if depth else -UNBALANCED_COST
            depth = max(0, depth - 1)
        item = _Item(char, raw, known, token, repaired)
        return _State(score, -1, READ, False, False, key, raw, st.hidden, depth, (item, st.out))

    def _followed(self, i: int) -> bool:
        """Whether token i is directly followed by an annotation."""
        return i + 1 < len(self.tokens) and self.tokens[i + 1].kind == ANNOTATION

    def _confirm(self, st: _State, pinyin: str) -> _State:
        """Apply the annotation `pinyin` to the last output character; charge it if it cannot belong there."""
        item = st.out[0] if st.out else None
        known = self.readings.of(st.last)
        if known is not None and pinyin in known:
            if item is not None and CHOSEN in item.known:
                fits = [c for c in self.readings.chars(pinyin) if self._fits(c, item)]
                if fits == [item.char]:
                    pinned = tuple(READ if k == CHOSEN else k for k in item.known)
                    return st._replace(out=(item._replace(known=pinned), st.out[1]))
            return st
        if known is None and len(st.last_raw) == 2:
            return st._replace(score=st.score - UNKNOWN_READING_COST)
        if item is not None:
            st = st._replace(out=(item._replace(unrepaired=True), st.out[1]))
        return st._replace(score=st.score - (CONTRADICTION_COST if known is not None else STRAY_COST))

    @staticmethod
    def _fits(char: str, item: _Item) -> bool:
        """Whether `char` has the bytes of `item` wherever those were read."""
        raw = _char_bytes(char)
        return bool(raw) and len(raw[0]) == len(item.raw) and all(
            k != READ or a == b for a, b, k in zip(raw[0], item.raw, item.known)
        )

    def _straddle(self, st: _State, pinyin: str) -> _State:
        """Apply an annotation that stands inside a character: it belongs to (last byte, pending byte)."""
        st = st._replace(split=True)
        if len(st.last_raw) != 2:
            return st._replace(score=st.score - STRAY_COST)
        straddle = self.pairs.get(st.last_raw[1] << 8 | st.pending)
        known = self.readings.of(straddle)
        if known is not None:
            return st if pinyin in known else st._replace(score=st.score - CONTRADICTION_COST)
        return st._replace(score=st.score - UNKNOWN_READING_COST)

    def _known_seconds(self, first: int, pinyin: str) -> list[int]:
        """Bytes b that make (first, b) a character read `pinyin`."""
        return [b for b in LEADS if pinyin in (self.readings.of(self.pairs.get(first << 8 | b)) or ())]

    # --- token expansions
    def _expand(self, st: _State, i: int) -> list[tuple[_State, int]]:
        """All successors of `st` over token i (and further while a chosen byte awaits its partner)."""
        resolved = []
        todo = self._step(st, i)
        while todo:
            s, j = todo.pop()
            if not s.pending_open:
                resolved.append((s, j))
            elif j < len(self.tokens) and s.score >= st.score - BEAM_WIDTH:
                todo.extend(self._step(s, j))
        return resolved

    def _step(self, st: _State, i: int) -> list[tuple[_State, int]]:
        """Successors of `st` over token i, with the index of the next token to read."""
        token = self.tokens[i]
        if token.kind == CHAR:
            return [(s, i + 1) for s in self._char(st, i)]
        if token.kind == QUESTION:
            return self._question(st, i)
        if token.kind == ANNOTATION:
            nxt = self._confirm(st, token.pinyin) if st.pending < 0 else self._straddle(st, token.pinyin)
            return [(nxt, i + 1)]
        return [(s, i + 1) for s in self._anchor(st, i)]

    def _char(self, st: _State, i: int) -> list[_State]:
        """Successors over an ordinary character token."""
        token = self.tokens[i]
        options = _char_bytes(token.text)
        if st.pending < 0:
            raw = options[0] if options else b""
            return [self._emit(st, token.text, raw, (READ,) * len(raw), i, False, True, self._followed(i))]
        return [s for raw in options for s in self._feed(st, raw, i)]

    def _feed(self, st: _State, raw: bytes, i: int) -> list[_State]:
        """Successors after reading the bytes `raw` of token i."""
        states = [st]
        for k, b in enumerate(raw):
            followed = k == len(raw) - 1 and self._followed(i)
            nxt = []
            for s in states:
                if s.pending < 0:
                    if b < 0x80:
                        nxt.append(self._emit(s, chr(b), bytes((b,)), (READ,), i, True, True, followed))
                    else:
                        nxt.append(s._replace(pending=b, pending_known=READ, pending_open=False, split=False))
                    continue
                char = self.pairs.get(s.pending << 8 | b)
                if char is not None:
                    nxt.append(self._emit(s, char, bytes((s.pending, b)), (s.pending_known, READ), i, True,
                                          not s.split, followed))
                if s.hidden < MAX_HIDDEN:
                    nxt.extend(self._hidden(s, b, i, followed))
            states = nxt
        return states

    def _hidden(self, st: _State, b: int, i: int, followed: bool) -> list[_State]:
        """Successors that assume a dropped user-defined pair (u, v) before byte b: (pending, u) (v, b)."""
        results = []
        for u, first, v, second in _hidden_pairs(st.pending, b):
            s1 = self._emit(st, first, bytes((st.pending, u)), (st.pending_known, CHOSEN), i, True,
                            not st.split, False, HIDDEN_PAIR_COST)
            s2 = self._emit(s1, second, bytes((v, b)), (CHOSEN, READ), i, True, True, followed)
            results.append(s2._replace(hidden=st.hidden + 1))
        return results

    def _question(self, st: _State, i: int) -> list[tuple[_State, int]]:
        """Successors over `?`: a question mark, a lead byte cut off before punctuation, or one that swallowed ASCII."""
        cut = self._cut_bytes(i + 1)
        if st.pending < 0:
            results = [(self._emit(st, "?", b"?", (READ,), i, False, True, self._followed(i)), i + 1)]
            if cut:
                for x in LEADS:
                    s = st._replace(pending=x, pending_known=CHOSEN)
                    results.extend((s2, i + 2) for s2 in self._feed(s, cut, i + 1))
            return results
        results = [(s, i + 1) for s in self._feed(st, _FULLWIDTH_QUESTION, i)]
        candidates = []
        for x in LEADS:
            char = self.pairs.get(st.pending << 8 | x)
            if char is not None:
                candidates.append(self._emit(st, char, bytes((st.pending, x)), (st.pending_known, CHOSEN), i, True,
                                             not st.split, False))
        if cut:
            results.extend((s, i + 1) for s in candidates)
        candidates.sort(key=lambda s: -s.score)
        for s in candidates[:SWALLOW_TOP]:
            results.extend((self._emit(s, chr(a), bytes((a,)), (CHOSEN,), i, True, True, False), i + 1)
                           for a in SWALLOWABLE)
        return results

    def _cut_bytes(self, i: int) -> bytes:
        """The full-width bytes of token i if it is punctuation the corrupter cut at, else b''."""
        if i < len(self.tokens) and self.tokens[i].kind in (CHAR, QUESTION):
            return _CUT_BYTES.get(self.tokens[i].text, b"")
        return b""

    def _anchor(self, st: _State, i: int) -> list[_State]:
        """Successors over `?pinyin)`: a lost lead byte x whose `(` was swallowed, then the annotation."""
        pinyin = self.tokens[i].pinyin
        if st.pending < 0:
            results = [self._confirm(self._emit(st, "?", b"?", (READ,), i, False, True, True), pinyin)]
            if len(st.last_raw) != 2:
                return results
            prev = st.last_raw[1]  # x is the second byte of the straddling character (prev, x)
            xs = self._known_seconds(prev, pinyin)
            if xs:
                known, cost = (CHOSEN if len(xs) > 1 else READ), 0.0
            else:
                xs = [x for x in LEADS if prev << 8 | x in self.pairs]
                known, cost = UNVERIFIED, UNKNOWN_READING_COST
            results.extend(st._replace(score=st.score - cost, pending=x, pending_known=known,
                                       pending_open=len(xs) > 1, split=True) for x in xs)
            return results
        results = []
        xs = self._known_seconds(st.pending, pinyin)
        known, cost = (CHOSEN, 0.0) if xs else (UNVERIFIED, UNKNOWN_READING_COST)
        for x in xs or [x for x in LEADS if st.pending << 8 | x in self.pairs]:
            char = self.pairs[st.pending << 8 | x]
            s = self._emit(st, char, bytes((st.pending, x)), (st.pending_known, known), i, True, False, True, cost)
            results.append(self._confirm(s, pinyin))
        if st.hidden < MAX_HIDDEN:
            results.extend(self._hidden_before_anchor(st, pinyin, i))
        return results

    def _hidden_before_anchor(self, st: _State, pinyin: str, i: int) -> list[_State]:
        """Successors that assume one or two dropped pairs before an anchor whose character is known."""
        candidates = []
        for char in self.readings.chars(pinyin):
            raw = next(iter(_char_bytes(char)), b"")
            if len(raw) != 2:
                continue
            for chain in self._bridges(st, raw[0]):
                chars = [c for _, _, c in chain] + [char]
                score = sum(self.model.logp(a, b) for a, b in zip([st.last, *chars], chars))
                candidates.append((score, chain, char, raw))
        candidates.sort(key=lambda c: -c[0])
        results = []
        for _, chain, char, raw in candidates[:HIDDEN_KEEP]:
            s = st
            for k, (first, second, bridge) in enumerate(chain):
                known = (st.pending_known if k == 0 else CHOSEN, CHOSEN)
                s = self._emit(s, bridge, bytes((first, second)), known, i, True, k > 0 or not st.split, False,
                               HIDDEN_PAIR_COST)
            s = self._emit(s, char, raw, (CHOSEN, CHOSEN), i, True, False, True)
            results.append(self._confirm(s._replace(hidden=st.hidden + len(chain)), pinyin))
        return results

    def _bridges(self, st: _State, target: int) -> list[list[tuple[int, int, str]]]:
        """Characters (a, b) leading from the pending byte to `target` when the pairs between were dropped."""
        firsts = _hidden_firsts(st.pending)
        chains = [[(st.pending, u, c)] for u, c in firsts if _is_hidden_pair(u, target)]
        if st.hidden + 2 > MAX_HIDDEN:
            return chains
        ranked = sorted(firsts, key=lambda uc: -self.model.logp(st.last, uc[1]))[:HIDDEN_FIRSTS]
        middles = _hidden_middles(target <= 0xA0)
        for u, c in ranked:
            chains.extend([(st.pending, u, c), middle] for middle in middles if _is_hidden_pair(u, middle[0]))
        return chains


# --- passes ----------------------------------------------------------------------------------------------
def _repair_pass(text: str) -> tuple[str, set[str], list[str]]:
    """One pass over all lines: strip annotations, re-pair the bytes of lines that hold `?`."""
    readings = _Readings(text)
    fixes: set[str] = set()
    warnings: list[str] = []
    out_lines = []
    offset = 0
    for line in text.split("\n"):
        new = _ANNOTATION_RE.sub("", line)
        if "?" in line:
            tokens = _tokenize(line)
            n_questions = sum(t.kind in (QUESTION, ANCHOR) for t in tokens)
            if n_questions > MAX_QUESTIONS + len(line) // QUESTION_SPAN:
                warnings.append(f"mojibake: {n_questions} '?' in the line at char {offset}, too many to search; "
                                "only annotations removed")
                items = None
            else:
                items = _LineSearch(tokens, readings).run()
                if items is None:
                    warnings.append(f"mojibake: no consistent byte reading of the line at char {offset}; "
                                    "only annotations removed")
            if items is not None:
                new = "".join(item.char for item in items)
                if any(item.repaired for item in items):
                    fixes.add("mojibake")
                warnings.extend(_spot_warnings(tokens, items, offset))
        if _PINYIN_SIGNAL.search(line):
            fixes.add("pinyin")
        out_lines.append(new)
        offset += len(new) + 1
    return "\n".join(out_lines), fixes, warnings


def _spot_warnings(tokens: list[_Token], items: list[_Item], offset: int) -> list[str]:
    """One warning per repaired spot that rests on a guess or was left unrepaired."""
    unigram = _model().unigram
    spots: list[list[int]] = []
    for k, item in enumerate(items):
        if item.repaired or item.unrepaired:
            if spots and k - spots[-1][-1] <= 2:
                spots[-1].append(k)
            else:
                spots.append([k])
    warnings = []
    for spot in spots:
        guessed = [k for k in spot if items[k].repaired and any(items[k].known)]
        unrepaired = [k for k in spot if items[k].unrepaired]
        if not guessed and not unrepaired:
            continue
        unseen = [k for k in spot if items[k].repaired and k not in guessed
                  and model_text(items[k].char) not in unigram]
        lo, hi = max(0, spot[0] - 3), min(len(items), spot[-1] + 4)
        observed = "".join(t.text for t in tokens[items[lo].token : items[hi - 1].token + 1])
        repaired = "".join(item.char for item in items[lo:hi])
        named = (("guessed", guessed), ("never seen in reports", unseen), ("left unrepaired", unrepaired))
        parts = [f"{label} " + ", ".join(f"'{items[k].char}' at char {offset + k}" for k in ks)
                 for label, ks in named if ks]
        warnings.append(f"mojibake: {'; '.join(parts)} ('{observed}' -> '{repaired}')")
    return warnings
