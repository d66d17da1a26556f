"""Relations: the entities of a sentence → facts (indicator, value, unit, qualifier, change, status, year).

Rules over the sentence's clauses and the cue words in nlp/resources/fact_cues.tsv, following the "Facts"
section of docs/annotation.md. Offsets of a Fact are relative to the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from nlp.normalize import CHINESE_YEAR, canonical_unit, figure_value, percent_unit
from nlp.settings import RESOURCES_DIR

_CLAUSE_END = "，；。！？：,;!?:"
_LIST_SEP = "、和及与"
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
_PERIOD_YEAR = re.compile(r"(?<![比较])((?:19|20)\d{2})年(?!以来|起)")
_PER_PREFIX = re.compile(r"每(?:立方米|平方米|公里|人|户|亩|千克|吨)$")
_TARGET_YAO = re.compile(r"(?<![主重需只必纲概])要(?![求素点闻])")
_NEAR_UNIT = 2  # 余/多 may stand between a FIGURE and its UNIT
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_FROM_TO_END = re.compile(r"(?:扩大|提高|增加|增长|提升|下降|减少|降低|缩小|压减|降|增)[到至]$")
_RANGE = "—–-－~～至到"
_RANGE_MARKS = {*_RANGE, "——", "--"}
_TIME_AFTER_GE = re.compile(r"[多余]?(月|季度|小时|星期)")


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


_YEAR_WORD = rf"(?:(?:19|20)\d{{2}}|{CHINESE_YEAR})年?"
_NUMERAL = r"[一二三四五六七八九十两\d]+"
#: A time expression: years and year ranges (1979年, 一九七九和一九八○两年, 从1953年至1980年的二十八年间),
#: plan periods ("六五"期间), spans of years (五年来) and parts of a year (上半年).
_TIME = (
    rf"(?:在|从|自)?(?:{_YEAR_WORD}(?:[到至—\-和、]{_YEAR_WORD})*(?:{_NUMERAL}年)?(?:底|末|以来)?"
    rf"|[“\"]{_NUMERAL}[”\"](?:期间|时期|末期)?)"
    rf"(?:的?{_NUMERAL}年(?:间|中|来|里)?|期间|时期)?"
    rf"|{_NUMERAL}年来|上半年|下半年|前三季度"
)
_LEADING_TIME = re.compile(rf"^(?:{_TIME})")
_INNER_TIME = re.compile(rf"(?:在|从|自)(?:{_YEAR_WORD})(?:[到至—\-](?:{_YEAR_WORD}))(?:的?{_NUMERAL}年(?:间|中|来|里)?)?")
_TRAILING_YEAR = re.compile(rf"在?(?:(?:19|20)\d{{2}}|{CHINESE_YEAR})年(?:底|末)?的?$")
_BASELINE = re.compile(rf"(?:上年|去年|前年|年初|{_YEAR_WORD})(?:同期)?(?:预计)?")
#: 比 that compares with a baseline (比上年增加, 比1978年增加了), not 比重, 比例, 占比, 同比, 对比.
_COMPARISON = re.compile(r"(?<![占对之环同无])比(?![重例值率较])")
_BASELINE_PHRASE = re.compile(_COMPARISON.pattern + _BASELINE.pattern)


def _strip_tail(phrase: str) -> tuple[str, str]:
    """The phrase without trailing qualifiers, change words and links; and the change word found there."""
    change = ""
    while phrase:
        year = _TRAILING_YEAR.search(phrase) or _PER_PREFIX.search(phrase)
        if year:
            phrase = phrase[: year.start()]
            continue
        word = next((w for role in ("about_before", "at_least_before", "at_most_before", "link", "to_level")
                     if (w := _ends_with(phrase, role))), None)
        change_word = _change_word(phrase)
        if change_word and len(change_word) > len(word or ""):  # 提高 is a change, not the link 高
            change = change or change_word
            phrase = phrase[: -len(change_word)]
        elif word:
            phrase = phrase[: -len(word)]
        else:
            break
    return phrase, change


def _change_word(phrase: str) -> str | None:
    return _ends_with(phrase, "increase") or _ends_with(phrase, "decrease")


def _strip_head(phrase: str) -> str:
    """The phrase without leading discourse words, years and a verb that opens the clause (新增 stays)."""
    while phrase:
        year = _LEADING_TIME.match(phrase)
        verb = None if year else _starts_with(phrase, "verb")
        word = year.group(0) if year else _starts_with(phrase, "lead") or verb
        if verb and phrase[len(word) : len(word) + 1] == "了":
            word += "了"  # 缓建了大中型项目
        if not word or len(phrase) - len(word) < 2:
            break
        phrase = phrase[len(word) :]
    return phrase


def _before_comparison(phrase: str) -> str:
    """The phrase before a comparison with a baseline (棉花产量255万吨，比1980年预计增加: ""; 上半年又比去年同期: "")."""
    match = next(reversed(list(_COMPARISON.finditer(phrase))), None)  # the last comparison
    if match is None:
        return phrase
    head = _strip_head(_strip_tail(phrase[: match.start()].rstrip("又还也并"))[0])
    if len(head) >= 2 and not _is_time(head):
        return head
    baseline = _BASELINE.match(phrase, match.end())  # 1979年比上年产值增长: what follows the baseline
    rest = _strip_tail(phrase[baseline.end():])[0] if baseline else ""
    return rest if len(rest) >= 2 else ""


def _is_time(phrase: str) -> bool:
    """True when the phrase is nothing but a time expression (一九七九和一九八○两年, “六五”期间五年)."""
    match = _LEADING_TIME.match(phrase)
    return bool(match) and match.end() == len(phrase)


def _topic(text: str, clause_start: int) -> str:
    """The clause before, when it is a short topic without figures: what a clause with no indicator speaks of."""
    previous_start, _ = _clause_bounds(text, clause_start - 1, clause_start - 1)
    topic = _strip_head(_strip_tail(text[previous_start : clause_start - 1])[0])
    return topic if 2 <= len(topic) <= 16 and _HAN_ONLY.match(topic) else ""


def _without_inner_time(phrase: str) -> str:
    """The phrase cut before a time span inside it (我国农业总产值从一九五三年至一九八○年的二十八年间)."""
    match = _INNER_TIME.search(phrase)
    return phrase[: match.start()] if match and match.start() >= 2 else phrase


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
        word = next((w for role in ("about_before", "at_least_before", "at_most_before", "link")
                     if (w := _ends_with(tail, role))), None)
        if word in ("到", "至", "为") and (_ends_with(tail[: -len(word)], "increase") or _ends_with(tail[: -len(word)], "decrease")):
            return "level"  # 提高到, 降至: the level reached
        if not word or len(_change_word(tail) or "") > len(word):
            break
        tail = tail[: -len(word)]
    if _ends_with(tail, "increase"):
        return "increase"
    if _ends_with(tail, "decrease"):
        return "decrease"
    if _starts_with(leading, "removal"):
        return "decrease"  # 淘汰落后产能1691万吨
    return "level"


def _without_baselines(text: str) -> str:
    """The text without comparisons' baselines: 比去年增加 is no actual marker, 比1980年预计增加 no expected one."""
    return _BASELINE_PHRASE.sub("比", text)


def _status(sentence_before: str, clause_before: str, section_kind: str, sentence: str, report_year: int | None) -> str:
    """expected/target/actual: a marker decides, else the part of the report, else the sentence's mood.

    In the review of past work only a strong marker in the figure's own clause makes a target (力争, 确保);
    in the plans an actual marker (现有, 去年, a past year) makes an actual.
    """
    sentence_before, clause_before = _without_baselines(sentence_before), _without_baselines(clause_before)
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

        time_noun = _TIME_AFTER_GE.match(text, tail_end) if unit_text == "个" else None
        if time_noun:  # 1个多月, 11个季度: 个 and the time noun are one unit
            unit_text += time_noun.group(1)
            between = time_noun.group(0)[:-len(time_noun.group(1))]
        elif between.startswith("个") and _TIME_AFTER_GE.fullmatch(between[1:] + unit_text):
            unit_text, between = "个" + unit_text, between[1:]  # ⟦1|F⟧个多⟦月|U⟧
        canonical, multiplier = canonical_unit(unit_text, text[max(0, figure.start - 6) : figure.start]) if unit_text else ("", 1.0)
        value = figure_value(figure_text)
        if value is not None:
            value = round(value * multiplier, 6)
        canonical = percent_unit(figure_text) or canonical
        if not unit and index + 1 < len(figures) and text[figure.end : figures[index + 1].start] in _RANGE_MARKS:
            following_unit = next((u for u in units if figures[index + 1].end <= u.start <= figures[index + 1].end + _NEAR_UNIT), None)
            if following_unit:  # 3至5个, 0—6岁: the near end of a range takes the unit written after the far end
                canonical = canonical_unit(text[following_unit.start : following_unit.end], "")[0]

        phrase, _ = _strip_tail(before.lstrip(_LIST_SEP))
        phrase = _strip_head(phrase.rsplit("、", 1)[-1]) if "、" in phrase else _strip_head(phrase)
        phrase = _without_inner_time(_before_comparison(phrase))
        if _is_time(phrase):
            phrase = ""
        streak = before.endswith("连续")  # 增速连续11个季度居全国前10位: how long the subject has held
        from_to = before.endswith(("从", "由"))  # 县中托管帮扶从15个县（市）扩大到57个县（市）: the subject, not 县（市）
        to_level = bool(facts and facts[-1].start >= clause_start and _FROM_TO_END.search(before)
                        and text[clause_start : facts[-1].start].endswith(("从", "由")))
        if streak or from_to:
            phrase = _strip_head(_strip_tail(before[: -len("连续") if streak else -1])[0])
            if streak and not phrase:  # 连续17年获评省平安区: what was held
                phrase = _strip_head(after)
        elif to_level:
            phrase = facts[-1].indicator
        won = max((phrase.rfind(w) + len(w) for w in cues()["award"] if w in phrase), default=0)
        if 0 < won < len(phrase) - 1:
            phrase = phrase[won:]  # 文艺精品获文华奖3项: what was won
        change_context = before
        following = "" if streak or from_to or to_level else (
            _following_noun(text, tail_end, clause_end) if unit or text[tail_end : tail_end + 1] == "大" else "")
        if following and not following.startswith("的"):
            phrase = following  # 建成⟦20⟧⟦个⟧500千伏输变电工程, ⟦六⟧大攻坚行动: the counted noun follows
        elif facts and (not _HAN.search(phrase) or phrase.strip(_LIST_SEP + _RANGE) == ""):
            phrase = facts[-1].indicator  # 达到1837家、增长136%, 5%—5.5%: the same indicator, another fact
        elif (_opens_verb_first(phrase) or not _HAN.search(phrase)) and not (streak or from_to or to_level):
            phrase = (_following_noun(text, tail_end, clause_end).lstrip("的")
                      or (after if 2 <= len(after) <= 8 and _HAN_ONLY.match(after) else phrase))  # 安排30亿元建设资金
        if not phrase and not facts and clause_start > 0:
            phrase = _topic(text, clause_start)  # 1979年农民从集体分得的收入，每人平均达到83.4元
        fenbie = text.rfind("分别", clause_start, figure.start)
        if fenbie >= 0:
            first_after = next(f for f in figures if f.start > fenbie)
            change_context = text[fenbie : first_after.start]
            listed = _strip_head(_strip_tail(text[clause_start:fenbie])[0])
            separators = "、" if "、" in listed else _LIST_SEP  # 文化及相关产业、旅游及相关产业: 及 joins inside an item
            items = [i for i in re.split(f"[{separators}]", listed) if i]
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
        qualifier = _qualifier(before, after, between)
        if fenbie >= 0 and not qualifier:
            qualifier = _qualifier(change_context, "", "")  # 分别超过2%、5%: the bound holds for every item
        facts.append(Fact(
            start=figure.start, end=figure.end, figure=figure_text, indicator=phrase, value=value, unit=canonical,
            qualifier=qualifier, change=change,
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
