"""Values and units: table-driven over the hard cases of the guidelines and real report figures."""

from __future__ import annotations

import pytest

from nlp.normalize import canonical_unit, figure_value, percent_unit


@pytest.mark.parametrize(
    ("figure", "value"),
    [
        ("1.2万", 12000), ("2.1亿", 210000000), ("三千", 3000), ("两", 2), ("十五", 15), ("百亿", 1e10),
        ("三分之二", 0.6667), ("10,531", 10531), ("１２", 12), ("35.49", 35.49), ("一百八十八万", 1880000),
        ("二亿一千七百万", 217000000), ("两亿零七百万", 207000000), ("一点八", 1.8), ("百分之十九点二", 19.2),
        ("一半", 0.5), ("九成", 0.9), ("2万5千", 25000), ("1／4", 0.25), ("6，688，587，000", 6688587000),
        ("4 0 0 亿", 40000000000), ("12万亿", 12e12), ("万亿", 1e12), ("二百○八", 208), ("一千〇五十", 1050),
        ("4·3", 4.3), ("七万万", 7e8), ("零点八", 0.8), ("7成", 0.7), ("半数", 0.5),
        ("一亿一千", 11000), ("1亿3千", 13000), ("三亿三千五百", 33500),  # in 万: 一亿一千多万 → 一亿一千|多|万…
    ],
)
def test_figure_value_in_base_units(figure: str, value: float) -> None:
    assert figure_value(figure) == pytest.approx(value)


def test_figure_value_is_none_for_what_is_no_number() -> None:
    assert figure_value("PM") is None


@pytest.mark.parametrize(
    ("unit", "before", "expected"),
    [
        ("万元", "", ("元", 1e4)), ("％", "", ("%", 1)), ("万人次", "", ("人次", 1e4)), ("个百分点", "", ("个百分点", 1)),
        ("微克", "空气中细颗粒物浓度每立方米", ("微克/立方米", 1)), ("千瓦", "", ("千瓦", 1)), ("万千瓦", "", ("千瓦", 1e4)),
        ("公斤", "", ("千克", 1)), ("亿元", "", ("元", 1e8)), ("万", "", ("", 1e4)), ("套", "", ("套", 1)),
    ],
)
def test_canonical_unit_strips_magnitudes_and_maps_variants(unit: str, before: str, expected: tuple[str, float]) -> None:
    assert canonical_unit(unit, before) == expected


def test_percent_unit_of_written_out_percentages() -> None:
    assert (percent_unit("百分之十九点二"), percent_unit("千分之五"), percent_unit("19.2")) == ("%", "‰", None)
