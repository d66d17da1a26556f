"""Structure: cleaned text → sections and sentences with character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A top-level heading line: 一、2022年工作回顾 (short, no sentence inside).
_LEVEL1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
#: A second-level heading: （三）…, on its own line or leading a paragraph.
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
#: A paragraph led by its own heading sentence: 五是…, ——…
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|——|――)")
_HEADING_END = re.compile(r"[。！？；：]")
_MEETING_LINE = re.compile(r"^[—―]+\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年")
_SALUTATION = re.compile(r"^(?:各位代表|同志们|代表们)")
#: How many lines from the top a full report's salutation may stand.
SALUTATION_MAX_LINE = 12
HEADING_MAX_CHARS = 40

_REVIEW = re.compile(r"回顾|过去|成就|成绩|总结|进展|执行情况")
_PLAN = re.compile(r"安排|任务|思路|目标|计划|部署|打算|建议|重点工作|主要工作|展望|今后|下一步")
_YEAR = re.compile(r"(\d{4})年")

_TERMINATORS = "。！？；!?;"
_CLOSERS = "”’」』）)》"
_OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）"}


@dataclass(frozen=True)
class Sentence:
    """A sentence: offsets into the document text, its innermost heading and the kind of its section."""

    start: int
    end: int
    text: str
    section: str | None
    section_kind: str


def section_kind(heading: str, report_year: int | None) -> str | None:
    """review / plan for a top-level heading by its words or its year, else None."""
    years = [int(y) for y in _YEAR.findall(heading)]
    if _REVIEW.search(heading):
        return "review"
    if _PLAN.search(heading):
        return "plan"
    if years and report_year:
        return "review" if max(years) < report_year else "plan"
    return None


def split_sentences(line: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in one line: split after 。！？； outside quotes and brackets."""
    spans = []
    start = 0
    expected_closers: list[str] = []
    n = len(line)
    i = 0
    while i < n:
        char = line[i]
        if char in _OPENERS:
            expected_closers.append(_OPENERS[char])
        elif expected_closers and char == expected_closers[-1]:
            expected_closers.pop()
            if not expected_closers and i and line[i - 1] in _TERMINATORS:  # “…。” ends a sentence
                spans.append((start, i + 1))
                start = i + 1
        elif char in _TERMINATORS and not expected_closers and not _between_digits(line, i):
            end = i + 1
            while end < n and (line[end] in _TERMINATORS or line[end] in _CLOSERS):
                end += 1
            spans.append((start, end))
            start = i = end
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return [(s, e) for s, e in (_trim(line, s, e) for s, e in spans) if e > s]


def _between_digits(line: str, i: int) -> bool:
    return 0 < i < len(line) - 1 and line[i - 1].isdigit() and line[i + 1].isdigit()


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _heading_text(line: str) -> str:
    """The heading part of a line: all of a short heading line, else its first sentence or clause."""
    match = _HEADING_END.search(line)
    return line[: match.start()] if match else line


def structure(text: str, report_year: int | None = None) -> list[Sentence]:
    """Sentences of a cleaned document, each with its innermost heading and section kind."""
    lines = text.split("\n")
    kinds = _top_level_kinds(lines, report_year)
    sentences: list[Sentence] = []
    offset = 0
    level1: str | None = None
    level2: str | None = None
    kind = kinds.get(-1, "other")
    for index, line in enumerate(lines):
        lead: str | None = None
        if _is_level1(line):
            level1, level2 = _heading_text(line), None
            kind = kinds.get(index, kind)
        elif _LEVEL2.match(line):
            level2 = _heading_text(line)
        elif _LEAD.match(line) and not _MEETING_LINE.match(line):
            lead = _heading_text(line)
        section = lead or level2 or level1
        for start, end in split_sentences(line):
            sentences.append(Sentence(offset + start, offset + end, line[start:end], section, kind))
        offset += len(line) + 1
    return sentences


def _is_level1(line: str) -> bool:
    return bool(_LEVEL1.match(line)) and len(line) <= HEADING_MAX_CHARS and "。" not in line


def _top_level_kinds(lines: list[str], report_year: int | None) -> dict[int, str]:
    """Kind of each top-level section by line index; key -1 is the text before the first heading.

    A report reviews, then plans: after a review or plan section, a heading without cue words is a plan.
    A partial report (no salutation near the top) that opens before any heading, or before a
    first heading that is a plan, opens in the review of past work.
    """
    kinds: dict[int, str] = {}
    seen_section = False
    first: str | None = None
    for index, line in enumerate(lines):
        if not _is_level1(line):
            continue
        kind = section_kind(_heading_text(line), report_year)
        if kind is None:
            kind = "plan" if seen_section else "other"
        seen_section = seen_section or kind in ("review", "plan")
        kinds[index] = kind
        first = first or kind
    partial = not any(_SALUTATION.match(line) for line in lines[:SALUTATION_MAX_LINE])
    kinds[-1] = "review" if first == "plan" or (partial and first is None) else "other"
    return kinds
