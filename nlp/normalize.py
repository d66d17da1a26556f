"""Normalize: a FIGURE and its UNIT as written → a value in base units and a canonical unit.

Chinese and mixed numerals go through cn2an (`1.2万`, `二亿一千七百万`, `12万亿`, `2万5千`); fractions,
percentages written out (`百分之十九点二`), `一半`, `半数`, `九成`, `7成`, bare magnitudes (`百亿`), the old `万万` for
亿 (`七万万`) and `一亿一千` before `多万` are handled here.
"""

from __future__ import annotations

import re
from functools import cache

import cn2an

from nlp.baseline import unit_table

#: A year written digit by digit in Chinese numerals (一九七八, 一九八○), without its 年.
CHINESE_YEAR = r"[一二三四五六七八九][〇○零一二三四五六七八九]{3}"
#: Every character a FIGURE is written with (ANNOTATION.md): Arabic, full-width and Chinese digits, magnitudes,
#: a decimal point or 点, fractions (三分之二, 1/4), 半 and 成 (一半, 半数, 九成) and, inside it only, separators;
#: a span with any other character (一九四五年, 二连浩特) is no FIGURE.
FIGURE_SEPARATORS = frozenset(".,，．·・/／ ")
FIGURE_CHARACTERS = frozenset("0123456789０１２３４５６７８９〇○零一二两三四五六七八九十百千万亿点分之半数成") | FIGURE_SEPARATORS
#: Magnitudes that can open a UNIT when 余/多 stands between the number and them (`8000余万元`).
MAGNITUDES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3, "百": 1e2}
_MAGNITUDE_PREFIX = re.compile("^(" + "|".join(sorted(MAGNITUDES, key=len, reverse=True)) + ")")
_DECIMAL_MAGNITUDE = re.compile(r"(\d+(?:\.\d+)?)(" + "|".join(sorted(MAGNITUDES, key=len, reverse=True)) + ")")
_SEPARATORS = re.compile(r"[,，\s]")
_FRACTION = re.compile(r"^(.+?)分之(.+)$")
_TENTHS = re.compile(r"^([一二两三四五六七八九十]|\d)成$")
_HALF = {"半": 0.5, "一半": 0.5, "半数": 0.5}
_WIDTH = str.maketrans("０１２３４５６７８９．〇○", "0123456789.零零")
_DOT_DECIMAL = re.compile(r"(?<=\d)[·・](?=\d)")  # 4·3％: a decimal point an old text extraction left as a dot
_LEADING_MAGNITUDE = re.compile(r"^[十百千万亿]")
# 一亿一千多万: the FIGURE stops at 多 and its 万 starts the UNIT (ANNOTATION.md), so 一亿一千 counts in 万
_YI_BEFORE_WAN = re.compile(r"^(.+)亿([^万亿]*千[^万亿]*)$")
_PER_UNIT = re.compile(r"每(立方米|平方米|公里|人|户|亩|千克|吨)$")


def _number(text: str) -> float:
    """A number written in Arabic, Chinese or mixed numerals, with magnitudes (raises ValueError)."""
    text = _DOT_DECIMAL.sub(".", _SEPARATORS.sub("", text.translate(_WIDTH)))
    text = text.replace("万万", "亿")  # 七万万两: the old way of writing 亿
    if not text:
        raise ValueError("empty number")
    if _LEADING_MAGNITUDE.match(text) and not text.startswith("十"):
        text = "一" + text  # 百亿 → 一百亿, 万亿 → 一万亿
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    decimal = _DECIMAL_MAGNITUDE.fullmatch(text)
    if decimal:  # 1.5万亿: cn2an reads 1.5万 but not 1.5万亿
        return float(decimal.group(1)) * MAGNITUDES[decimal.group(2)]
    try:
        return float(cn2an.cn2an(text, "smart"))
    except ValueError:
        yi = _YI_BEFORE_WAN.match(text)
        if not yi:
            raise
        return _number(yi.group(1)) * 1e4 + _number(yi.group(2))


def figure_value(figure: str) -> float | None:
    """The value of a FIGURE as written (`1.2万` → 12000, `三分之二` → 0.6667); None if it is no number."""
    figure = figure.strip()
    try:
        if figure in _HALF:
            return _HALF[figure]
        tenths = _TENTHS.match(figure)
        if tenths:
            return _number(tenths.group(1)) / 10
        fraction = _FRACTION.match(figure)
        if fraction:
            denominator, numerator = fraction.groups()
            if denominator in ("百", "千"):  # 百分之十九点二: a percentage, the unit says %
                return _number(numerator)
            return round(_number(numerator) / _number(denominator), 4)
        if "／" in figure or "/" in figure:
            numerator, denominator = re.split("[／/]", figure, maxsplit=1)
            return round(_number(numerator) / _number(denominator), 4)
        return _number(figure)
    except (ValueError, ZeroDivisionError, KeyError):
        return None


def percent_unit(figure: str) -> str | None:
    """`%` or `‰` when the FIGURE is a written-out percentage (百分之…, 千分之…), else None."""
    if figure.startswith("百分之"):
        return "%"
    if figure.startswith("千分之"):
        return "‰"
    return None


@cache
def _canonical_units() -> dict[str, str]:
    return unit_table()


def canonical_unit(unit: str, before: str = "") -> tuple[str, float]:
    """(canonical unit, multiplier) for a UNIT as written: `万元` → (`元`, 1e4), `％` → (`%`, 1).

    `before` is the text in front of the figure: `每立方米20微克` gives `微克/立方米`.
    """
    unit = unit.strip()
    multiplier = 1.0
    magnitude = _MAGNITUDE_PREFIX.match(unit)
    if magnitude and unit != magnitude.group(1) + "瓦" and unit not in _canonical_units():
        multiplier = MAGNITUDES[magnitude.group(1)]
        unit = unit[magnitude.end() :]
    canonical = _canonical_units().get(unit, unit)
    per = _PER_UNIT.search(before)
    if per and canonical and "/" not in canonical:
        canonical = f"{canonical}/{per.group(1)}"
    return canonical, multiplier
