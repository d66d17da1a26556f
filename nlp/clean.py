"""Clean: decoded report text → the cleaned text every later stage and offset refers to.

`clean` composes small str → str steps; each step reports whether it changed the text
(recorded in `Cleaned.fixes`) and what it could not fix (`Cleaned.warnings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import opencc

from nlp import mojibake
from nlp.settings import RESOURCES_DIR

StepResult = tuple[str, Sequence[str], Sequence[str]]  # text, fixes done, warnings
Step = Callable[[str], StepResult]


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus what was done to it and what could not be fixed."""

    text: str
    fixes: tuple[str, ...]
    warnings: tuple[str, ...]


def make_pipeline(steps: Sequence[Step]) -> Callable[[str], Cleaned]:
    """Compose steps into one cleaning function that collects fixes and warnings in order."""

    def run(text: str) -> Cleaned:
        fixes: list[str] = []
        warnings: list[str] = []
        for step in steps:
            text, step_fixes, step_warnings = step(text)
            fixes.extend(f for f in step_fixes if f not in fixes)
            warnings.extend(step_warnings)
        return Cleaned(text=text, fixes=tuple(fixes), warnings=tuple(warnings))

    return run


def _named(name: str, fn: Callable[[str], str]) -> Step:
    """A step from a plain str → str function; the fix is recorded under `name` if it changed the text."""

    def step(text: str) -> StepResult:
        out = fn(text)
        return out, ((name,) if out != text else ()), ()

    step.__name__ = name
    return step


# --- character classes -------------------------------------------------------------------
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…"
_CJK = f"[{HAN}{CJK_PUNCT}]"

# --- control characters --------------------------------------------------------------------
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_LINE = re.compile(f"\n[{_ZERO_WIDTH}]+(?=\n)")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_LOST_AFTER_NUMBER = re.compile(r"(?<=\d)\?(?=[。，；、）])")
_CONTROL = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff{_ZERO_WIDTH}]")


def strip_control(text: str) -> StepResult:
    """Unify line ends; drop NUL, control, surrogate and zero-width characters; warn about U+FFFD."""
    out = _NEWLINES.sub("\n", text)
    out = _ZERO_WIDTH_LINE.sub("", out)
    out = _CONTROL.sub("", out)
    n_replacement = out.count("\ufffd")
    warnings = [f"undecodable: {n_replacement} replacement character(s) U+FFFD in the input"] if n_replacement else []
    warnings += [
        f"lost character: '?' after a number in {out[max(0, m.start() - 12) : m.end() + 1]!r} "
        "(a symbol such as ‱ that the source could not encode)"
        for m in _LOST_AFTER_NUMBER.finditer(out)
    ]
    return out, (("control",) if out != text else ()), warnings


# --- pinyin and mojibake (seed-003 style corruption) --------------------------------------
def repair_corruption(text: str) -> StepResult:
    """Undo byte-level pinyin insertion and GBK mojibake (see nlp.mojibake)."""
    result = mojibake.repair(text)
    return result.text, result.fixes, result.warnings


# --- traditional → simplified --------------------------------------------------------------
#: A document is converted when at least this share of its characters (and T2S_MIN_CHANGES of them)
#: change under OpenCC t2s; below that, t2s only damages simplified text (乾县 → 干县, names with 昇).
T2S_MIN_SHARE = 0.005
T2S_MIN_CHANGES = 3


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _t2s_exceptions() -> tuple[tuple[str, str], ...]:
    rows = []
    for line in (RESOURCES_DIR / "t2s_exceptions.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            wrong, right = line.split("\t")[:2]
            rows.append((wrong, right))
    return tuple(rows)


def to_simplified(text: str) -> str:
    """OpenCC t2s plus the reviewed exception list, for documents written in traditional characters."""
    converted = _t2s().convert(text)
    if len(converted) != len(text):
        return text
    changed = sum(a != b for a, b in zip(text, converted))
    if changed < max(T2S_MIN_CHANGES, T2S_MIN_SHARE * len(text)):
        return text
    for wrong, right in _t2s_exceptions():
        converted = converted.replace(wrong, right)
    return converted


# --- width ---------------------------------------------------------------------------------
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FULLWIDTH_DECIMAL_POINT = re.compile(r"(?<=\d)．(?=\d)")


def normalize_width(text: str) -> str:
    """Full-width digits and Latin letters become half-width (１．５ → 1.5); other characters stay."""
    return _FULLWIDTH_DECIMAL_POINT.sub(".", text.translate(_HALFWIDTH))


# --- layout --------------------------------------------------------------------------------
_SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200a\u202f"
_SPACED_LINE = re.compile(f"^[{HAN}](?: +[{HAN}]){{2,}}[：:，,]?$")
_INNER_SPACES = re.compile(f"[{_SPACES}]+")
#: A document whose paragraphs are separated by blank lines (share of text lines followed by one).
BLANK_SEPARATED_MIN_SHARE = 0.4


def normalize_layout(text: str) -> str:
    """One paragraph per line: no indentation or blank lines, spaced titles joined, broken lines rejoined."""
    lines = [line.strip(_SPACES) for line in text.split("\n")]
    if _is_blank_separated(lines):
        lines = _join_blocks(lines)
    out = []
    for line in lines:
        if not line:
            continue
        if _SPACED_LINE.match(line):
            line = line.replace(" ", "")
        out.append(_INNER_SPACES.sub(" ", line))
    return "\n".join(out)


def _is_blank_separated(lines: list[str]) -> bool:
    filled = [i for i, line in enumerate(lines) if line]
    if len(filled) < 4:
        return False
    followed_by_blank = sum(1 for i in filled if i + 1 < len(lines) and not lines[i + 1])
    return followed_by_blank >= BLANK_SEPARATED_MIN_SHARE * len(filled)


def _join_blocks(lines: list[str]) -> list[str]:
    """Join the lines of each blank-separated block: link text a page broke onto its own line."""
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            blocks.append(_join_pieces(current))
            current = []
    return blocks


def _join_pieces(pieces: list[str]) -> str:
    text = pieces[0]
    for piece in pieces[1:]:
        glue = " " if text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum() else ""
        text += glue + piece
    return text


# --- chrome --------------------------------------------------------------------------------
@cache
def _chrome_words() -> dict[str, frozenset[str]]:
    roles: dict[str, set[str]] = {}
    for line in (RESOURCES_DIR / "chrome.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            role, word = line.split("\t")[:2]
            roles.setdefault(role, set()).add(word)
    return {role: frozenset(words) for role, words in roles.items()}


#: How far into a document the speech may start (lines); header chrome lives above it.
HEADER_MAX_LINES = 60
_SALUTATION = re.compile(r"^(各位代表|同志们|代表们)[：:！!，,]")
_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_SENTENCE_PUNCT = re.compile(r"[。！？；，,;!?]")
_FINAL_PUNCT = "。！？!?…；;”』」"
_TITLE = re.compile(r"(?:工作|政府)报告")
_DATE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年")
_MEETING = re.compile(r"(?:会议|大会)")
_OFFICE_NAME = re.compile(f"^[{HAN}]*?(?:长|主席|总理|主任)[ ]?[{HAN}·•][{HAN}·• ]{{0,14}}$")
_BARE_NAME = re.compile(f"^[{HAN}](?: ?[{HAN}]){{1,3}}$")
_EMPTY_LABEL = re.compile(f"^[{HAN}]{{1,6}}\\s*[：:]$")
_MEETING_START = re.compile(r"^[—―\-（(]*\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.*在")
_CAPTION_TITLE = re.compile(r"[作做](?:了)?(?:政府)?工作报告")
_SEPARATOR = re.compile(r"^[>»›/|｜]+$")
_CAPTION = re.compile(f"(?:记者|摄影|通讯员)[^。！？]{{0,30}}摄?$|[{HAN}]\\s*摄$")
_LABEL_VALUE = re.compile(f"^[（(【\\[]?[{HAN}]{{1,6}}\\s*[：:](?:[^。！？，；]{{0,60}})[）)】\\]]?$")
_TRAILER_MARKER = re.compile(f"^相关[{HAN}]{{1,4}}\\s*[：:>》]*$")
_WORD = re.compile(r"\w")
#: Lines this short with no sentence punctuation are page controls when they stand outside the speech.
CHROME_MAX_CHARS = 20


def strip_chrome(text: str) -> str:
    """Remove web-page chrome around the report, judged by line shape and position."""
    lines = text.split("\n")
    lines = [line for line in lines if not _CAPTION.search(line)]
    start = _speech_start(lines)
    header = _header_lines(lines[:start])
    body = _strip_trailer(lines[start:])
    return "\n".join(header + body)


def _speech_start(lines: list[str]) -> int:
    """Index of the first line of the speech itself: salutation, section heading or prose."""
    for i, line in enumerate(lines[:HEADER_MAX_LINES]):
        if _SALUTATION.match(line) or _SECTION_HEADING.match(line) or _is_prose(line):
            return i
    return 0


def _is_prose(line: str) -> bool:
    return len(line) >= 30 and len(_SENTENCE_PUNCT.findall(line)) >= 2 and not _CAPTION.search(line)


def _header_lines(lines: list[str]) -> list[str]:
    """Keep the title, meeting and speaker lines above the speech; drop everything else there."""
    ui = _chrome_words()["ui"]
    lines = _join_broken_meeting(lines)
    kept: list[str] = []
    seen_title = False
    for i, line in enumerate(lines):
        previous = lines[i - 1] if i else ""
        neighbours = [previous, lines[i + 1] if i + 1 < len(lines) else ""]
        if line in kept or _SEPARATOR.match(line) or any(_SEPARATOR.match(n) for n in neighbours):
            continue
        if _is_title(line):
            kept.append(line)
            seen_title = True
        elif _is_meeting(line):
            kept.append(line)
        elif _EMPTY_LABEL.match(previous):
            continue  # the value of a "来源：" label, broken onto its own line
        elif seen_title and line not in ui and (_OFFICE_NAME.match(line) or _BARE_NAME.match(line)):
            kept.append(line)
    return kept


def _join_broken_meeting(lines: list[str]) -> list[str]:
    """Rejoin a meeting line a page broke in two (——2026年1月26日在广东省第十四届 / 人民代表大会第五次会议上)."""
    out: list[str] = []
    for line in lines:
        if out and _MEETING_START.match(out[-1]) and not _MEETING.search(out[-1]) and _MEETING.search(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _is_title(line: str) -> bool:
    return (
        len(line) <= 60
        and bool(_TITLE.search(line))
        and not _CAPTION_TITLE.search(line)
        and not re.search("[。！？；]", line)
    )


def _is_meeting(line: str) -> bool:
    return len(line) <= 90 and "。" not in line and bool(_MEETING.search(line)) and (
        bool(_DATE.search(line[:16])) or line[:1] in "—―-（("
    )


def _strip_trailer(lines: list[str]) -> list[str]:
    """Drop the page's trailer: a 相关… block and what follows, then chrome and notices after the last paragraph."""
    for i, line in enumerate(lines):
        if _TRAILER_MARKER.match(line):
            lines = lines[:i]
            break
    notice = _chrome_words()["notice"]
    last_paragraph = max(
        (i for i, line in enumerate(lines) if _is_prose(line) and not any(word in line for word in notice)),
        default=len(lines),
    )
    end = len(lines)
    while end > last_paragraph + 1:
        line = lines[end - 1]
        is_control = (
            len(line) <= CHROME_MAX_CHARS and line[-1:] not in _FINAL_PUNCT and not _SENTENCE_PUNCT.search(line)
        ) or not _WORD.search(line)
        is_label = bool(_LABEL_VALUE.match(line)) and not _SALUTATION.match(line)
        is_notice = any(word in line for word in notice)
        if not (is_control or is_label or is_notice or line.isascii()):
            break
        end -= 1
    return lines[:end]


# --- footnotes -----------------------------------------------------------------------------
_FOOTNOTE = re.compile(r"\[\d{1,3}\]|［[\d０-９]{1,3}］|〔\d{1,3}〕(?=[，。；、”])")


def strip_footnotes(text: str) -> str:
    """Remove footnote markers such as [6] and ［24］."""
    return _FOOTNOTE.sub("", text)


# --- punctuation ---------------------------------------------------------------------------
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CLAUSE_PUNCT = re.compile(f"(?<={_CJK})[ ]?([,;:?!])[ ]?|(?<=[%％)])([,;:?!])(?=[0-9]|{_CJK})|([,;:?!])[ ]?(?={_CJK})")
MAX_PAREN_DEPTH = 8
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,60})\)")
_CJK_RE = re.compile(_CJK)


def normalize_punctuation(text: str) -> str:
    """ASCII , ; : ( ) ? ! inside Chinese text become full-width; numbers and Latin stay as written."""
    for _ in range(MAX_PAREN_DEPTH):  # to a fixpoint: innermost pairs first, and a converted mark converts its neighbour
        converted = _CLAUSE_PUNCT.sub(lambda m: _ASCII_TO_FULL[m.group(1) or m.group(2) or m.group(3)], text)
        converted = _PAREN_PAIR.sub(_paren_pair, converted)
        if converted == text:
            break
        text = converted
    return text


def _paren_pair(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    outside = text[start - 1 : start] + text[end : end + 1]
    if _CJK_RE.search(match.group(1)) or _CJK_RE.search(outside):
        return f"（{match.group(1)}）"
    return match.group(0)


# --- the pipeline --------------------------------------------------------------------------
clean: Callable[[str], Cleaned] = make_pipeline(
    [
        strip_control,
        repair_corruption,
        _named("t2s", to_simplified),
        _named("width", normalize_width),
        _named("footnotes", strip_footnotes),
        _named("layout", normalize_layout),
        _named("chrome", strip_chrome),
        _named("punctuation", normalize_punctuation),
    ]
)
clean.__doc__ = "Clean one report's text; never raises on a str, and clean(clean(x).text) == clean(x)."
