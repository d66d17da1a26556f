"""The plain regex baseline for FIGURE/UNIT/SLOGAN: the bar the trained NER must clear, and the pre-annotator.

Numbers with 万/亿 magnitudes are FIGUREs, a unit from the unit table right after one is a UNIT,
and every quoted phrase is a SLOGAN. No context: dates, ordinals and metaphors fool it on purpose.
"""

from __future__ import annotations

import re
from functools import cache

from nlp.settings import RESOURCES_DIR

LABELS = ("FIGURE", "UNIT", "SLOGAN")
Span = tuple[int, int, str]


@cache
def unit_table() -> dict[str, str]:
    """Unit as written → canonical unit, from nlp/resources/units.tsv."""
    table: dict[str, str] = {}
    for line in (RESOURCES_DIR / "units.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            written, canonical = line.split("\t")[:2]
            table[written] = canonical
    return table


@cache
def _unit_pattern() -> re.Pattern[str]:
    units = sorted(unit_table(), key=len, reverse=True)
    return re.compile("|".join(re.escape(u) for u in units))


_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:,\d{3})*(?:\.\d+)?)(余|多)?([万亿千]*)")
_QUOTE = re.compile(r"“([^“”\n]{1,40})”|‘([^‘’\n]{1,40})’|「([^「」\n]{1,40})」")
_DATE_AFTER = re.compile(r"[年月日]")


def baseline_spans(text: str) -> list[Span]:
    """FIGURE/UNIT/SLOGAN spans of one sentence by the plain rules, sorted, not overlapping."""
    spans: list[Span] = []
    for match in _QUOTE.finditer(text):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        spans.append((match.start(group), match.end(group), "SLOGAN"))
    taken = [(s, e) for s, e, _ in spans]
    units = _unit_pattern()
    for match in _NUMBER.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        number, approx, magnitude = match.group(1), match.group(2), match.group(3)
        after = text[match.end() : match.end() + 1]
        if len(number) == 4 and after == "年" and number[:2] in ("19", "20"):
            continue  # a year
        if not magnitude and _DATE_AFTER.match(after) and after != "年":
            continue  # 12月, 19日
        if approx and magnitude:  # 8000余万元: the bare number; the magnitude starts the unit
            figure_end, unit_start, unit_at = match.start(2), match.start(3), match.end()
        else:
            figure_end = match.end()
            unit_start = unit_at = match.end() + (1 if text[match.end() : match.end() + 1] in ("余", "多") else 0)
        spans.append((match.start(), figure_end, "FIGURE"))
        unit = units.match(text, unit_at)
        if unit:
            spans.append((unit_start, unit.end(), "UNIT"))
    return sorted(spans)
