"""Relation rules: one row per hard case of the guidelines, on real report sentences."""

from __future__ import annotations

import pytest

from nlp.relations import Span, extract_facts
from nlp.training.fixtures import from_markup


def _facts(markup: str, section_kind: str = "review", report_year: int | None = 2023):
    text, spans = from_markup(markup)
    return extract_facts(text, [Span(s["label"], s["start"], s["end"]) for s in spans], section_kind, report_year)


@pytest.mark.parametrize(
    ("markup", "section_kind", "expected"),
    [
        # 新增 before the counted noun belongs to the indicator; the change is level
        ("精准对接“用工”“就业”需求，新增城镇就业⟦1.2万|F⟧⟦人|U⟧、创业⟦4200|F⟧⟦人|U⟧，城镇登记失业率控制在⟦3|F⟧⟦%|U⟧。", "review",
         [("新增城镇就业", 12000, "人", "", "level", "actual"), ("创业", 4200, "人", "", "level", "actual"),
          ("城镇登记失业率", 3, "%", "", "level", "actual")]),
        ("全体居民人均可支配收入增长⟦5.3|F⟧⟦%|U⟧。", "review", [("全体居民人均可支配收入", 5.3, "%", "", "increase", "actual")]),
        ("发放城乡低保等救助补助资金⟦2.1亿|F⟧⟦元|U⟧。", "review", [("城乡低保等救助补助资金", 210000000, "元", "", "level", "actual")]),
        ("全年地区生产总值预计增长⟦1.5|F⟧⟦%|U⟧。", "review", [("地区生产总值", 1.5, "%", "", "increase", "expected")]),
        ("交通亡人事故下降⟦34.5|F⟧⟦%|U⟧。", "review", [("交通亡人事故", 34.5, "%", "", "decrease", "actual")]),
        # a verb-first clause: the counted noun follows the unit
        ("为⟦6万|F⟧⟦名|U⟧老人购买居家养老上门服务。", "review", [("老人", 60000, "名", "", "level", "actual")]),
        # qualifiers before and after, the 余 rule with the magnitude in the unit
        ("接待游客近⟦35万|F⟧⟦人次|U⟧，实现综合收入⟦8000|F⟧余⟦万元|U⟧；", "review",
         [("游客", 350000, "人次", "about", "level", "actual"), ("综合收入", 80000000, "元", "about", "level", "actual")]),
        ("实施闽台乡建乡创合作提升项目⟦30|F⟧⟦个|U⟧以上。", "plan", [("闽台乡建乡创合作提升项目", 30, "个", "at_least", "level", "target")]),
        ("城镇调查失业率控制在⟦5|F⟧⟦%|U⟧以内。", "plan", [("城镇调查失业率", 5, "%", "at_most", "level", "target")]),
        # in the plans, 完成 still makes a target
        ("完成非直供电小区改造⟦100万|F⟧⟦户|U⟧。", "plan", [("非直供电小区改造", 1000000, "户", "", "level", "target")]),
        # a second figure for the same indicator
        ("空气质量优良天数⟦273|F⟧⟦天|U⟧、同比增加⟦17|F⟧⟦天|U⟧。", "review",
         [("空气质量优良天数", 273, "天", "", "level", "actual"), ("空气质量优良天数", 17, "天", "", "increase", "actual")]),
        # 分别 distributes the values over the listed items
        ("户籍人口基本养老、医疗保险参保率分别达到⟦99.7|F⟧⟦%|U⟧、⟦99.8|F⟧⟦%|U⟧。", "review",
         [("户籍人口基本养老保率", 99.7, "%", "", "level", "actual"), ("医疗保险参保率", 99.8, "%", "", "level", "actual")]),
        # 从A提高到B: two level facts
        ("城镇化率从⟦47.5|F⟧⟦％|U⟧提高到⟦51.5|F⟧⟦%|U⟧。", "plan",
         [("城镇化率", 47.5, "%", "", "level", "target"), ("城镇化率", 51.5, "%", "", "level", "target")]),
        # a unit written before the number; a fraction without unit; a count before 大
        ("细颗粒物年均浓度降至每立方米⟦30|F⟧⟦微克|U⟧。", "review", [("细颗粒物年均浓度", 30, "微克/立方米", "", "level", "actual")]),
        ("狠抓环境质量“提质增优”⟦六|F⟧大攻坚行动。", "review", [("攻坚行动", 6, "", "", "level", "actual")]),
        # a removal verb opening the clause makes a decrease
        ("淘汰落后的炼钢产能⟦1691万|F⟧⟦吨|U⟧。", "review", [("落后的炼钢产能", 16910000, "吨", "", "decrease", "actual")]),
    ],
)
def test_extract_facts(markup: str, section_kind: str, expected: list[tuple]) -> None:
    got = [(f.indicator, f.value, f.unit, f.qualifier, f.change, f.status) for f in _facts(markup, section_kind)]
    assert got == [(i, pytest.approx(v), u, q, c, s) for i, v, u, q, c, s in expected]


# Sentences of the dev split's facts (data/annotations/dev_facts.jsonl), fields as annotated there.
@pytest.mark.parametrize(
    ("markup", "section_kind", "report_year", "expected"),
    [
        # a verb-first clause whose counted noun starts like a verb (建设资金)
        ("国务院决定今年安排⟦30亿|F⟧⟦元|U⟧建设资金，支持国有煤矿安全技术改造。", "plan", 2005,
         [("建设资金", 3e9, "元", "", "level", "target")]),
        # 提高 is the change, not the link 高 followed by 提
        ("推进健康中国建设，人均预期寿命提高⟦1|F⟧⟦岁|U⟧。", "plan", 2016, [("人均预期寿命", 1, "岁", "", "increase", "target")]),
        # a comparison with a baseline: the indicator of the fact before; 预计 belongs to the baseline
        ("棉花产量⟦255万|F⟧⟦吨|U⟧，比1980年预计增加⟦25万|F⟧⟦吨|U⟧。", "plan", 1981,
         [("棉花产量", 2550000, "吨", "", "level", "target"), ("棉花产量", 250000, "吨", "", "increase", "target")]),
        # 比去年 is a baseline, not a marker of an actual figure; 拟 is no part of the indicator
        ("今年拟安排财政赤字⟦2.18万亿|F⟧⟦元|U⟧，比去年增加⟦5600亿|F⟧⟦元|U⟧，赤字率提高到⟦3|F⟧⟦%|U⟧。", "plan", 2016,
         [("财政赤字", 2.18e12, "元", "", "level", "target"), ("财政赤字", 5.6e11, "元", "", "increase", "target"),
          ("赤字率", 3, "%", "", "level", "target")]),
        # what follows the baseline when nothing stands before 比
        ("1979年比上年产值增长⟦14.9|F⟧⟦％|U⟧，利润增长⟦33|F⟧⟦％|U⟧。", "review", 1980,
         [("产值", 14.9, "%", "", "increase", "actual"), ("利润", 33, "%", "", "increase", "actual")]),
        # a clause without an indicator speaks of the topic clause before it
        ("1979年农民从集体分得的收入，每人平均达到⟦83.4|F⟧⟦元|U⟧，比1978年增加了⟦9.4|F⟧⟦元|U⟧。", "review", 1980,
         [("农民从集体分得的收入", 83.4, "元", "", "level", "actual"),
          ("农民从集体分得的收入", 9.4, "元", "", "increase", "actual")]),
        # 从A扩大到B and 由A缩小至B: the subject, not the counted noun; 连续N个季度: what holds that long
        ("推动县中托管帮扶从⟦15|F⟧⟦个|U⟧县（市）扩大到⟦57|F⟧⟦个|U⟧县（市）。", "plan", 2026,
         [("县中托管帮扶", 15, "个", "", "level", "target"), ("县中托管帮扶", 57, "个", "", "level", "target")]),
        ("全体居民人均可支配收入年均增长⟦6.8|F⟧⟦%|U⟧，增速连续⟦11|F⟧⟦个季度|U⟧居全国前10位，"
         "城乡居民收入比值由⟦3.27|F⟧缩小至⟦2.93|F⟧。", "review", 2026,
         [("全体居民人均可支配收入", 6.8, "%", "", "increase", "actual"), ("增速", 11, "个季度", "", "level", "actual"),
          ("城乡居民收入比值", 3.27, "", "", "level", "actual"), ("城乡居民收入比值", 2.93, "", "", "level", "actual")]),
        # years written in Chinese numerals and plan periods are no indicators
        ("积累率在一九七八年高达⟦百分之三十六点五|F⟧，“⟦六五|S⟧”期间五年平均降到⟦百分之三十|F⟧左右。", "review", 1986,
         [("积累率", 36.5, "%", "", "level", "actual"), ("积累率", 30, "%", "about", "level", "actual")]),
        # a removal verb opening the clause; 不到 bounds from above
        ("停建、缓建了大中型项目⟦295|F⟧⟦个|U⟧。", "review", 1980, [("大中型项目", 295, "个", "", "decrease", "actual")]),
        ("工业总产值比上年增长了⟦8.5|F⟧⟦％|U⟧，能源增长不到⟦3|F⟧⟦％|U⟧。", "review", 1980,
         [("工业总产值", 8.5, "%", "", "increase", "actual"), ("能源", 3, "%", "at_most", "increase", "actual")]),
        # 分别 over items joined by 、 whose names hold 及; one bound before the list holds for every item
        ("文化及相关产业、旅游及相关产业增加值占地区生产总值比重分别超过⟦2|F⟧⟦%|U⟧、⟦5|F⟧⟦%|U⟧。", "plan", 2026,
         [("文化及相关产业比重", 2, "%", "at_least", "level", "target"),
          ("旅游及相关产业增加值占地区生产总值比重", 5, "%", "at_least", "level", "target")]),
    ],
)
def test_extract_facts_dev_cases(markup: str, section_kind: str, report_year: int, expected: list[tuple]) -> None:
    got = [(f.indicator, f.value, f.unit, f.qualifier, f.change, f.status) for f in _facts(markup, section_kind, report_year)]
    assert got == [(i, pytest.approx(v), u, q, c, s) for i, v, u, q, c, s in expected]


def test_period_year_from_the_section_or_an_explicit_year() -> None:
    review, = _facts("全体居民人均可支配收入增长⟦5.3|F⟧⟦%|U⟧。", "review", 2023)
    plan, = _facts("力争全体居民人均可支配收入增长⟦6|F⟧⟦%|U⟧。", "plan", 2023)
    explicit, = _facts("到2025年，城镇化率达到⟦60|F⟧⟦%|U⟧。", "plan", 2023)
    assert (review.period_year, plan.period_year, explicit.period_year) == (2022, 2023, 2025)


def test_the_near_end_of_a_range_and_ge_with_a_time_noun_get_their_units() -> None:
    # ANNOTATION.md: `3至5个` is two FIGUREs with one UNIT after the far end; 个 + a time noun is one unit
    facts = _facts("每年建设⟦3|F⟧至⟦5|F⟧⟦个|U⟧产业园区，航运中断⟦1|F⟧⟦个|U⟧多月，增速连续⟦11|F⟧个⟦季度|U⟧领先。")
    assert [(f.value, f.unit) for f in facts] == [(3, "个"), (5, "个"), (1, "个月"), (11, "个季度")]
    assert facts[2].qualifier == "about"
