"""Sections and sentences, on real report text."""

from __future__ import annotations

import pytest

from nlp.clean import clean
from nlp.structure import section_kind, split_sentences, structure


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("全年地区生产总值预计增长1.5%。工业稳定运行。", ["全年地区生产总值预计增长1.5%。", "工业稳定运行。"]),
        (
            "我们认真落实“疫情要防住、经济要稳住、发展要安全”总要求；聚焦目标任务！",
            ["我们认真落实“疫情要防住、经济要稳住、发展要安全”总要求；", "聚焦目标任务！"],
        ),
        # a terminator inside quotes does not end the sentence; a closing quote after one belongs to it
        ("他说：“我们要干。还要干好。”大家鼓掌。", ["他说：“我们要干。还要干好。”", "大家鼓掌。"]),
        ("各位代表！重任在肩，更须踔厉奋发。", ["各位代表！", "重任在肩，更须踔厉奋发。"]),
        ("城镇登记失业率控制在3%", ["城镇登记失业率控制在3%"]),
    ],
)
def test_split_sentences_on_terminators_outside_quotes(line: str, sentences: list[str]) -> None:
    assert [line[s:e] for s, e in split_sentences(line)] == sentences


@pytest.mark.parametrize(
    ("heading", "report_year", "kind"),
    [
        ("一、2022年工作回顾", 2023, "review"),
        ("二、“十四五”时期发展成就", 2026, "review"),
        ("三、2026年重点工作", 2026, "plan"),
        ("二、2023年工作思路", 2023, "plan"),
        ("二、2010年主要任务", 2010, "plan"),
        ("四、全面加强政府自身建设", 2026, None),
    ],
)
def test_section_kind_from_heading_words_and_year(heading: str, report_year: int, kind: str | None) -> None:
    assert section_kind(heading, report_year) == kind


REPORT = """2026年北京市政府工作报告
各位代表：
现在，我代表北京市人民政府，向大会报告工作，请予审议。
一、2025年工作回顾
全市地区生产总值增长5.4%左右。城镇调查失业率4.1%。
（一）深入落实城市总体规划
三、2026年重点工作
今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。
（一）深入落实城市总体规划，全面提升首都功能
一是加强“四个中心”功能建设。新建改建公园50处。
四、全面加强政府自身建设
政府工作人员要自觉接受法律监督。"""


def test_structure_gives_every_sentence_its_heading_and_kind() -> None:
    sentences = structure(REPORT, report_year=2026)
    by_text = {s.text: s for s in sentences}
    assert by_text["现在，我代表北京市人民政府，向大会报告工作，请予审议。"].section_kind == "other"
    assert by_text["城镇调查失业率4.1%。"].section == "一、2025年工作回顾"
    assert by_text["城镇调查失业率4.1%。"].section_kind == "review"
    assert by_text["今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。"].section_kind == "plan"
    assert by_text["新建改建公园50处。"].section == "一是加强“四个中心”功能建设"
    assert by_text["新建改建公园50处。"].section_kind == "plan"
    # after a plan section, a heading without cue words stays in the plans
    assert by_text["政府工作人员要自觉接受法律监督。"].section_kind == "plan"
    for s in sentences:
        assert REPORT[s.start : s.end] == s.text


def test_partial_report_opens_in_the_review(samples) -> None:
    text = clean((samples / "000_c0ca0c8aa34eeb98.txt").read_text(encoding="utf-8")).text
    sentences = structure(text, report_year=2023)
    jobs = next(s for s in sentences if s.text.startswith("精准对接"))
    assert (jobs.section, jobs.section_kind) == ("五是民生福祉持续提升", "review")
    assert sentences[-1].section == "二、2023年工作思路" and sentences[-1].section_kind == "plan"
