"""Property-based tests: value normalisation round-trips on generated numerals; sentence offsets always
slice the text. (Cleaning never raising and being idempotent is checked in test_clean.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nlp.clean import clean
from nlp.normalize import figure_value
from nlp.structure import structure

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- numerals written the way reports write them, from a value we know -----------------------------
_DIGITS = "零一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _below_10000(n: int) -> str:
    """1 ≤ n < 10000 in Chinese numerals, with 零 for skipped places (一千零五, 三百零二, 一千二百)."""
    out = []
    pending_zero = False
    for unit, place in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = n // place % 10
        if digit:
            if pending_zero:
                out.append("零")
            out.append(_DIGITS[digit] + unit)
            pending_zero = False
        elif out:
            pending_zero = True
    return "".join(out)


def chinese_numeral(n: int, *, liang: bool = False) -> str:
    """n ≥ 0 in Chinese numerals with 万 and 亿 groups: 二亿一千七百万, 一亿零一, 十五万 (a leading 一十
    is written 十), and with `liang` 两 for a leading 二 before 千, 百, 万 or 亿 (两千, 两亿)."""
    if n == 0:
        return "零"
    text = _grouped(n)
    if text.startswith("一十"):
        text = text[1:]
    if liang and text.startswith("二") and text[1:2] in ("千", "百", "万", "亿"):
        text = "两" + text[1:]
    return text


def _grouped(n: int) -> str:
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size:
            high, low = divmod(n, size)
            text = _grouped(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _grouped(low)
            return text
    return _below_10000(n)


@pytest.mark.parametrize(
    ("n", "written"),
    [(0, "零"), (15, "十五"), (1005, "一千零五"), (100000001, "一亿零一"), (217000000, "二亿一千七百万"),
     (207000000, "二亿零七百万"), (10005000, "一千万五千"), (10000500, "一千万零五百"), (150000, "十五万"),
     (1200000000000, "一万二千亿")],
)
def test_the_generator_writes_numerals_as_reports_do(n: int, written: str) -> None:
    assert chinese_numeral(n) == written


@SETTINGS
@given(st.integers(min_value=0, max_value=10**15))
def test_arabic_integers_round_trip(n: int) -> None:
    assert figure_value(str(n)) == n
    assert figure_value(f"{n:,}") == n  # 10,531
    assert figure_value(f"{n:,}".replace(",", "，")) == n  # 6，688，587，000
    assert figure_value(str(n).translate(_FULL_WIDTH)) == n  # full-width digits


@SETTINGS
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_arabic_decimals_round_trip(value: Decimal) -> None:
    written = f"{value:.2f}"
    assert figure_value(written) == pytest.approx(float(value), rel=1e-12)
    assert figure_value(written.translate(_FULL_WIDTH)) == pytest.approx(float(value), rel=1e-12)


@SETTINGS
@given(
    st.decimals(min_value=Decimal("0.1"), max_value=9999, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]),
)
@example(Decimal("1.2"), ("万", 10**4))
@example(Decimal("12"), ("万亿", 10**12))
def test_arabic_with_a_magnitude_round_trips(value: Decimal, magnitude: tuple[str, int]) -> None:
    word, size = magnitude
    written = f"{value.normalize():f}{word}"
    assert figure_value(written) == pytest.approx(float(value * size), rel=1e-9)


@pytest.mark.parametrize(("written", "value"), [("1.5万亿", 1.5e12), ("0.5万亿", 5e11), ("10.5万亿", 1.05e13)])
def test_a_decimal_before_wanyi_is_read(written: str, value: float) -> None:
    assert figure_value(written) == pytest.approx(value)


@SETTINGS
@given(st.integers(min_value=0, max_value=10**12 - 1), st.booleans())
@example(15, False)
@example(207000000, False)
@example(2000, True)
def test_chinese_integers_round_trip(n: int, liang: bool) -> None:
    written = chinese_numeral(n, liang=liang)
    assert figure_value(written) == n, written


@SETTINGS
@given(st.integers(min_value=0, max_value=10**8 - 1), st.text(alphabet=_DIGITS, min_size=1, max_size=3))
@example(1, "八")
def test_chinese_decimals_round_trip(whole: int, decimals: str) -> None:
    written = f"{chinese_numeral(whole)}点{decimals}"
    expected = float(f"{whole}." + "".join(str(_DIGITS.index(d)) for d in decimals))
    assert figure_value(written) == pytest.approx(expected, rel=1e-12), written


@SETTINGS
@given(st.integers(min_value=1, max_value=999), st.text(alphabet=_DIGITS, max_size=2))
@example(19, "二")
def test_written_out_percentages_round_trip(whole: int, decimals: str) -> None:
    written = "百分之" + chinese_numeral(whole) + (f"点{decimals}" if decimals else "")
    expected = float(f"{whole}." + "".join(str(_DIGITS.index(d)) for d in decimals)) if decimals else whole
    assert figure_value(written) == pytest.approx(expected, rel=1e-12), written


# --- sentence offsets ----------------------------------------------------------------------------------
#: Report-like text: Han, digits, the terminators and quotes the splitter looks at, headings, line ends.
_REPORT_ALPHABET = st.sampled_from(
    list("发展经济就业增长亿万元百分点年一二三四五六七八九十零0123456789.%，。！？；：、“”‘’「」『』（）()《》——…!?; \n\t\u3000")
    + ["一、", "（三）", "五是", "各位代表：", "2023年", "3.5%", "\n\n", "。”", "？！"]
)
report_like = st.lists(_REPORT_ALPHABET, max_size=200).map("".join)


def _assert_offsets_slice(text: str) -> None:
    previous_end = 0
    for sentence in structure(text, report_year=2024):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert "\n" not in sentence.text
        assert previous_end <= sentence.start < sentence.end <= len(text)
        previous_end = sentence.end


@SETTINGS
@given(report_like)
@example("一、2023年工作回顾\n各位代表：“增长5.2%。”就业。\n（三）改革。五是开放！")
def test_sentence_offsets_slice_report_like_text(text: str) -> None:
    _assert_offsets_slice(text)


@SETTINGS
@given(st.text(max_size=300))
def test_sentence_offsets_slice_any_text(text: str) -> None:
    _assert_offsets_slice(text)


@SETTINGS
@given(report_like | st.text(max_size=300))
def test_sentence_offsets_slice_cleaned_text(text: str) -> None:
    _assert_offsets_slice(clean(text).text)
