"""Relations: the entities of a sentence → facts (indicator, value, unit, qualifier, change, status, year).

Rules over the sentence's clauses and the cue words in nlp/resources/fact_cues.tsv, following the "Facts"
section of docs/annotation.md. Offsets of a Fact are relative to the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from nlp.normalize import canonical_unit, figure_value, percent_unit
from nlp.settings import RESOURCES_DIR

_CLAUSE_END = "，；。！？：,;!?:"
_LIST_SEP = "、和及与"
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
_PERIOD_YEAR = re.compile(r"(?<![比较])((?:19|20)\d{2})年(?!以来|起)")
_PER_PREFIX = re.compile(r"每(?:立方米|平方米|公里|人|户|亩|千克|吨)$")
_TARGET_YAO = re.compile(r"(?<![主重需只必纲概])要(?![求素点闻])")
_NEAR_UNIT = 2  # 余/多 may stand between a FIGURE and its UNIT
_HAN = re.compile(r"[\u4e00-\u9fff]")
_RANGE = "—–-~～至到"


@dataclass(frozen=True)
class Span:
    """An entity of the sentence: label and offsets relative to the sentence."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Fact:
    """One figure with what it measures; offsets relative to the sentence."""

    start: int
    end: int
    figure: str
    indicator: str
    value: float | None
    unit: str
    qualifier: str
    change: str
    status: str
    period_year: int | None


@cache
def cues() -> dict[str, tuple[str, ...]]:
    """Cue words by role, longest first."""
    roles: dict[str, list[str]] = {}
    for line in (RESOURCES_DIR / "fact_cues.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            role, word = line.split("\t")[:2]
            roles.setdefault(role, []).append(word)
    return {role: tuple(sorted(words, key=len, reverse=True)) for role, words in roles.items()}


def _ends_with(text: str, role: str) -> str | None:
    return next((w for w in cues()[role] if text.endswith(w)), None)


def _starts_with(text: str, role: str) -> str | None:
    return next((w for w in cues()[role] if text.startswith(w)), None)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((text.rfind(c, 0, start) for c in _CLAUSE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _CLAUSE_END) if i >= 0]
    return left, min(rights, default=len(text))


_LEADING_TIME = re.compile(
    r"^(?:在|从|自)?(?:(?:19|20)\d{2}年?(?:[到至—-](?:19|20)\d{2}年)?(?:底|末|以来)?|[一二三四五六七八九十]+年来)"
)
_TRAILING_YEAR = re.compile(r"(?:(?:19|20)\d{2}年(?:底|末)?的?)$")


def _strip_tail(phrase: str) -> tuple[str, str]:
    """The phrase without trailing qualifiers, change words and links; and the change word found there."""
    change = ""
    while phrase:
        year = _TRAILING_YEAR.search(phrase) or _PER_PREFIX.search(phrase)
        if year:
            phrase = phrase[: year.start()]
            continue
        for role in ("about_before", "at_least_before", "at_most_before", "link", "to_level"):
            word = _ends_with(phrase, role)
            if word:
                phrase = phrase[: -len(word)]
                break
        else:
            word = _ends_with(phrase, "increase") or _ends_with(phrase, "decrease")
            if not word:
                break
            change = change or word
            phrase = phrase[: -len(word)]
    return phrase, change


def _strip_head(phrase: str) -> str:
    """The phrase without leading discourse words, years and a verb that opens the clause (新增 stays)."""
    while phrase:
        year = _LEADING_TIME.match(phrase)
        word = year.group(0) if year else _starts_with(phrase, "lead") or _starts_with(phrase, "verb")
        if not word or len(phrase) - len(word) < 2:
            break
        phrase = phrase[len(word) :]
    return phrase


def _following_noun(text: str, start: int, end: int) -> str:
    """The noun phrase after a figure and its unit (建成⟦20⟧⟦个⟧500千伏输变电工程, ⟦六⟧大攻坚行动), up to its
    predicate; "" when the clause goes on with a predicate instead of a noun."""
    phrase = text[start:end]
    for role in ("at_least_after", "at_most_after", "about_after"):
        word = _starts_with(phrase, role)
        if word:
            phrase = phrase[len(word) :]
    phrase = re.sub(r"^[（(][^）)]{0,6}[）)]", "", phrase).removeprefix("大")  # 47.63万户（套）
    if not phrase or phrase[0] in _LIST_SEP or not (_HAN.match(phrase) or phrase[0].isalnum() or phrase[0] in "“‘") or any(
        len(word) > 1 or role != "link"
        for role in ("verb", "link", "increase", "decrease", "at_least_before")
        if (word := _starts_with(phrase, role))
    ):
        return ""
    cut = len(phrase)
    for role in ("verb", "link", "increase", "decrease", "adverb"):
        for word in cues()[role]:
            if role == "link" and len(word) == 1:
                continue
            index = phrase.find(word, 1)
            if 1 < index < cut:
                cut = index
    digit = re.search(r"\d", phrase)
    if digit and digit.start() > 1:
        cut = min(cut, digit.start())
    return phrase[:cut].rstrip("的")


def _opens_verb_first(phrase: str) -> bool:
    """True when what stands before the figure is a verb or a list waiting for its noun (建成, 海恩达等, 旱情和)."""
    return len(phrase) < 2 or bool(_ends_with(phrase, "verb")) or phrase[-1] in "等和及与、"


def _qualifier(before: str, after: str, between: str) -> str:
    for role, qualifier in (("at_least_after", "at_least"), ("at_most_after", "at_most")):
        if _starts_with(after, role):
            return qualifier
    if between in ("余", "多") or _starts_with(after, "about_after"):
        return "about"
    for role, qualifier in (("at_most_before", "at_most"), ("at_least_before", "at_least"), ("about_before", "about")):
        if _ends_with(before, role):
            return qualifier
    return ""


def _change(before: str, leading: str) -> str:
    """increase/decrease when a change word stands right before the figure (not 提高到) or opens the clause."""
    tail = before
    while tail:
        word = _ends_with(tail, "about_before") or _ends_with(tail, "at_least_before") or _ends_with(tail, "link")
        if word in ("到", "至", "为") and (_ends_with(tail[: -len(word)], "increase") or _ends_with(tail[: -len(word)], "decrease")):
            return "level"  # 提高到, 降至: the level reached
        if not word:
            break
        tail = tail[: -len(word)]
    if _ends_with(tail, "increase"):
        return "increase"
    if _ends_with(tail, "decrease"):
        return "decrease"
    if _starts_with(leading, "removal"):
        return "decrease"  # 淘汰落后产能1691万吨
    return "level"


def _status(sentence_before: str, clause_before: str, section_kind: str, sentence: str, report_year: int | None) -> str:
    """expected/target/actual: a marker decides, else the part of the report, else the sentence's mood.

    In the review of past work only a strong marker in the figure's own clause makes a target (力争, 确保);
    in the plans an actual marker (现有, 去年, a past year) makes an actual.
    """
    if any(w in sentence_before for w in cues()["expected"]):
        return "expected"
    past_year = report_year is not None and any(int(y) < report_year for y in _YEAR.findall(clause_before))
    if any(w in clause_before for w in cues()["actual"]) or past_year:
        return "actual"
    if section_kind == "review":
        return "target" if any(w in clause_before for w in cues()["strong_target"]) else "actual"
    if section_kind == "plan":
        return "target"
    if _TARGET_YAO.search(sentence_before) or any(w in sentence_before for w in cues()["target"] if w != "要"):
        return "target"
    return "target" if re.search("今年|明年|今后|到20\\d\\d年", sentence) else "actual"


def extract_facts(text: str, entities: Sequence[Span], section_kind: str = "other", report_year: int | None = None) -> list[Fact]:
    """One fact per FIGURE of a sentence."""
    figures = [e for e in entities if e.label == "FIGURE"]
    units = [e for e in entities if e.label == "UNIT"]
    facts: list[Fact] = []
    previous_end = 0
    for index, figure in enumerate(figures):
        next_start = figures[index + 1].start if index + 1 < len(figures) else len(text)
        unit = next((u for u in units if figure.end <= u.start <= figure.end + _NEAR_UNIT and u.start < next_start), None)
        figure_text = text[figure.start : figure.end]
        unit_text = text[unit.start : unit.end] if unit else ""
        tail_end = unit.end if unit else figure.end
        between = text[figure.end : unit.start] if unit else ""
        clause_start, clause_end = _clause_bounds(text, figure.start, tail_end)
        left = max(clause_start, previous_end)
        before = text[left : figure.start]
        after = text[tail_end : clause_end]

        canonical, multiplier = canonical_unit(unit_text, text[max(0, figure.start - 6) : figure.start]) if unit_text else ("", 1.0)
        value = figure_value(figure_text)
        if value is not None:
            value = round(value * multiplier, 6)
        canonical = percent_unit(figure_text) or canonical

        phrase, _ = _strip_tail(before.lstrip(_LIST_SEP))
        phrase = _strip_head(phrase.rsplit("、", 1)[-1]) if "、" in phrase else _strip_head(phrase)
        won = max((phrase.rfind(w) + len(w) for w in cues()["award"] if w in phrase), default=0)
        if 0 < won < len(phrase) - 1:
            phrase = phrase[won:]  # 文艺精品获文华奖3项: what was won
        change_context = before
        following = _following_noun(text, tail_end, clause_end) if unit or text[tail_end : tail_end + 1] == "大" else ""
        if following and not following.startswith("的"):
            phrase = following  # 建成⟦20⟧⟦个⟧500千伏输变电工程, ⟦六⟧大攻坚行动: the counted noun follows
        elif facts and (not _HAN.search(phrase) or phrase.strip(_LIST_SEP + _RANGE) == ""):
            phrase = facts[-1].indicator  # 达到1837家、增长136%, 5%—5.5%: the same indicator, another fact
        elif _opens_verb_first(phrase) or not _HAN.search(phrase):
            phrase = _following_noun(text, tail_end, clause_end).lstrip("的") or phrase
        fenbie = text.rfind("分别", clause_start, figure.start)
        if fenbie >= 0:
            first_after = next(f for f in figures if f.start > fenbie)
            change_context = text[fenbie : first_after.start]
            items = [i for i in re.split(f"[{_LIST_SEP}]", _strip_head(_strip_tail(text[clause_start:fenbie])[0])) if i]
            position = sum(1 for f in figures if fenbie < f.start < figure.start)
            if len(items) > 1 and position < len(items):
                phrase = items[position]
                head = items[-1][-2:]
                if position < len(items) - 1 and not phrase.endswith(head):
                    phrase += head  # 涉诈、涉毒警情分别下降: 涉诈警情

        year = _PERIOD_YEAR.findall(text[: figure.start])
        status = _status(text[: figure.start], text[clause_start : figure.start], section_kind, text, report_year)
        if year:
            period = int(year[-1])
        elif report_year is None:
            period = None
        else:
            period = report_year if status == "target" else report_year - 1  # a report reviews the year before
        change = _change(change_context, text[clause_start : figure.start])
        if facts and before.strip() and before.strip() in _RANGE:
            change = facts[-1].change  # 5%—5.5%: both ends of a range
        facts.append(Fact(
            start=figure.start, end=figure.end, figure=figure_text, indicator=phrase, value=value, unit=canonical,
            qualifier=_qualifier(before, after, between), change=change,
            status=status, period_year=period,
        ))
        previous_end = tail_end
        for role in ("at_least_after", "at_most_after", "about_after"):
            word = _starts_with(after, role)
            if word:
                previous_end += len(word)
                break
    return facts


def document_facts(
    sentences: Sequence, entities: Sequence, report_year: int | None
) -> list[tuple[int, Fact]]:
    """(sentence index, fact with offsets into the document) for every FIGURE of a document.

    `sentences` are nlp.structure.Sentence, `entities` nlp.ner.Entity (document offsets).
    """
    by_sentence: dict[int, list[Span]] = {}
    for entity in entities:
        sentence = sentences[entity.sent_index]
        by_sentence.setdefault(entity.sent_index, []).append(
            Span(entity.label, entity.start - sentence.start, entity.end - sentence.start)
        )
    out = []
    for index, spans in sorted(by_sentence.items()):
        sentence = sentences[index]
        if not any(s.label == "FIGURE" for s in spans):
            continue
        for fact in extract_facts(sentence.text, spans, sentence.section_kind, report_year):
            out.append((index, replace(fact, start=fact.start + sentence.start, end=fact.end + sentence.start)))
    return out
