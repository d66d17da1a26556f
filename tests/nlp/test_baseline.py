"""The regex baseline (and pre-annotator) on real report sentences."""

from __future__ import annotations

import pytest

from nlp.baseline import baseline_spans, unit_table


def _marked(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in baseline_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "精准对接“用工”“就业”需求，新增城镇就业1.2万人、创业4200人，城镇登记失业率控制在3%。",
            [("用工", "SLOGAN"), ("就业", "SLOGAN"), ("1.2万", "FIGURE"), ("人", "UNIT"), ("4200", "FIGURE"), ("人", "UNIT"), ("3", "FIGURE"), ("%", "UNIT")],
        ),
        ("发放城乡低保等救助补助资金2.1亿元。", [("2.1亿", "FIGURE"), ("元", "UNIT")]),
        ("争取上级资金8000余万元，服务群众30余万人次。", [("8000", "FIGURE"), ("万元", "UNIT"), ("30", "FIGURE"), ("万人次", "UNIT")]),
        ("——2022年12月19日在通化市东昌区第十届人民代表大会第二次会议上", []),
        ("PM2.5年均浓度降至35微克/立方米。", [("35", "FIGURE"), ("微克/立方米", "UNIT")]),
        ("保障性租赁住房10531套（间）。", [("10531", "FIGURE"), ("套", "UNIT")]),
    ],
)
def test_baseline_marks_numbers_units_and_quotes(text: str, expected: list[tuple[str, str]]) -> None:
    assert _marked(text) == expected


def test_unit_table_maps_written_units_to_canonical_ones() -> None:
    table = unit_table()
    assert (table["％"], table["公斤"], table["个百分点"], table["微克/立方米"]) == ("%", "千克", "个百分点", "微克/立方米")
