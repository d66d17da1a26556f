"""Cleaning rules, each on real report text (samples, tests/data excerpts of the corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.clean import (
    clean,
    normalize_layout,
    normalize_punctuation,
    normalize_width,
    strip_control,
    strip_footnotes,
    to_simplified,
)

from scripts.check_clean import CHROME_PROBE  # noqa: E402  (the probe the corpus check uses)

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

def _pages() -> list[Path]:
    return sorted((DATA / "heads" / "prov2026").glob("*.txt")) + sorted((DATA / "tails").glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))


def _plain_pages() -> list[Path]:
    """Pages whose text is not corrupted (seed 003's repair is tested in test_mojibake)."""
    return [p for p in _pages() if not p.name.startswith("003_")]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_clean_removes_every_chrome_line(page: Path) -> None:
    cleaned = clean(page.read_text(encoding="utf-8")).text
    survivors = [line for line in cleaned.split("\n") if CHROME_PROBE.search(line)]
    assert survivors == []


@pytest.mark.parametrize("page", _plain_pages(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_clean_keeps_every_paragraph_of_the_report(page: Path) -> None:
    raw = page.read_text(encoding="utf-8")
    cleaned = clean(raw).text
    unchromed = strip_control(raw)[0]
    for step in (to_simplified, normalize_width, strip_footnotes, normalize_layout, normalize_punctuation):
        unchromed = step(unchromed)
    paragraphs = [
        line for line in unchromed.split("\n")
        if "。" in line and len(line) > 40 and not CHROME_PROBE.search(line) and "记者" not in line
    ]
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph in cleaned


@pytest.mark.parametrize(
    ("raw", "kept", "dropped"),
    [
        # provincial page: controls above the title, source/time lines, speaker with a spaced name
        (
            "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n2026年上海市政府工作报告\n"
            "——2026年2月3日在上海市第十六届人民代表大会第四次会议上\n来源：解放日报\n时间：2026-02-09\n"
            "上海市市长 龚 正\n各位代表：\n现在，我代表上海市人民政府，向大会报告工作，请予审议。",
            ["2026年上海市政府工作报告", "上海市市长 龚 正", "各位代表："],
            ["来源：解放日报", "时间：2026-02-09", "下载"],
        ),
        # photo caption between the speaker and the salutation
        (
            "2026年北京市政府工作报告\n——2026年1月25日在北京市第十六届人民代表大会第四次会议上\n北京市市长 殷勇\n"
            "殷勇同志作政府工作报告。本报记者 戴冰摄\n各位代表：\n现在，我代表北京市人民政府，向大会报告工作，请予审议。",
            ["北京市市长 殷勇"],
            ["殷勇同志作政府工作报告。本报记者 戴冰摄"],
        ),
        # breadcrumbs and a label whose value sits on the next line
        (
            "分享:\n陕西省2026年政府工作报告\n2026年1月27日在陕西省第十四届人民代表大会第五次会议上\n首页\n>\n"
            "政府信息公开\n>\n政府工作报告\n时间：\n2026-02-02 09:20\n来源：\n陕西省人民政府\n各位代表：\n"
            "现在，我代表省人民政府向大会报告工作，请予审议。",
            ["陕西省2026年政府工作报告", "2026年1月27日在陕西省第十四届人民代表大会第五次会议上"],
            ["首页", ">", "陕西省人民政府", "政府信息公开"],
        ),
        # a meeting line broken in two by the page
        (
            "政府工作报告\n——2026年1月26日在广东省第十四届\n人民代表大会第五次会议上\n广东省省长 孟凡利\n各位代表：",
            ["——2026年1月26日在广东省第十四届人民代表大会第五次会议上", "广东省省长 孟凡利"],
            [],
        ),
        # trailer: 相关报道 and everything after it
        (
            "各位代表！蓝图已经绘就，实干创造未来。让我们更加紧密地团结在以习近平同志为核心的党中央周围，努力奋斗！\n"
            "相关报道：\n北京市第十六届人民代表大会第四次会议开幕。",
            ["努力奋斗！"],
            ["相关报道：", "北京市第十六届人民代表大会第四次会议开幕。"],
        ),
    ],
)
def test_strip_chrome_by_shape_and_position(raw: str, kept: list[str], dropped: list[str]) -> None:
    lines = clean(raw).text.split("\n")
    for line in kept:
        assert any(line in out for out in lines), line
    for line in dropped:
        assert line not in lines, line


def test_wikisource_link_text_is_rejoined_and_trailer_dropped() -> None:
    head = clean((DATA / "national_2017_head.txt").read_text(encoding="utf-8")).text.split("\n")
    assert head[:4] == ["政府工作报告", "——2017年3月5日在第十二届全国人民代表大会第五次会议上", "国务院总理李克强", "各位代表："]
    assert any("党的十八届六中全会正式明确习近平总书记的核心地位" in line for line in head)
    tail = clean((DATA / "tails" / "national_2017.txt").read_text(encoding="utf-8")).text
    assert "公有领域" not in tail and "Public domain" not in tail
    assert tail.endswith("！")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("狠抓环境质量“提质增优”六大攻坚行动[6],完善秸秆“两禁一用”长效机制", "狠抓环境质量“提质增优”六大攻坚行动，完善秸秆“两禁一用”长效机制"),
        ("［24］“11431”基层治理体系：", "“11431”基层治理体系："),
        ("建成全市首家“一站式”照护中心[7]。", "建成全市首家“一站式”照护中心。"),
    ],
)
def test_clean_strips_footnote_markers(raw: str, expected: str) -> None:
    assert clean(raw).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(江苏省)南通市通州区人民政府工作报告(2023年1月2日)", "（江苏省）南通市通州区人民政府工作报告（2023年1月2日）"),
        ("新增省健康镇1个、健康村(社区)8个", "新增省健康镇1个、健康村（社区）8个"),
        ("保障性租赁住房10531套(间)", "保障性租赁住房10531套（间）"),
        ("财政民生支出占比78.1%,“10+2”民生惠民实事完成年度目标任务", "财政民生支出占比78.1%，“10+2”民生惠民实事完成年度目标任务"),
        ("各位代表:现在,我代表区政府向大会报告工作;请予审议!", "各位代表：现在，我代表区政府向大会报告工作；请予审议！"),
        ("PM2.5年均浓度保持全省前列", "PM2.5年均浓度保持全省前列"),
        ("一体推进“放管服”和“一制三化”3.0改革", "一体推进“放管服”和“一制三化”3.0改革"),
        ("城镇居民人均可支配收入10,531元", "城镇居民人均可支配收入10,531元"),
        ("民生支出占一般公共预算支出比重达73.7%,8件民生实事全面完成", "民生支出占一般公共预算支出比重达73.7%，8件民生实事全面完成"),
        ("新增4A级景区2家", "新增4A级景区2家"),
        ("时间:2026-02-02 09:20", "时间：2026-02-02 09:20"),
        ("see (Wikisource) page", "see (Wikisource) page"),
    ],
)
def test_normalize_punctuation_in_chinese_text_only(raw: str, expected: str) -> None:
    assert normalize_punctuation(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("全省地区生产总值增长５．３％", "全省地区生产总值增长5.3％"),
        ("ＰＭ２．５平均浓度", "PM2.5平均浓度"),
        ("新增ＡＡＡＡ级景区３家", "新增AAAA级景区3家"),
    ],
)
def test_normalize_width_makes_digits_and_letters_half_width(raw: str, expected: str) -> None:
    assert normalize_width(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("　　现在，我代表国务院向大会作政府工作报告。\n\n\n\n　　一、2009年工作回顾", "现在，我代表国务院向大会作政府工作报告。\n一、2009年工作回顾"),
        ("政 府 工 作 报 告\n各位代表：", "政府工作报告\n各位代表："),
        ("省长　王予波\n各位代表：", "省长 王予波\n各位代表："),
    ],
)
def test_normalize_layout_one_paragraph_per_line(raw: str, expected: str) -> None:
    assert normalize_layout(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # 1954 national report, written in traditional characters
        ("我們第一屆全國人民代表大會第一次會議，在聽了劉少奇同志關於憲法草案的報告並進行了三天的討論以後", "我们第一届全国人民代表大会第一次会议，在听了刘少奇同志关于宪法草案的报告并进行了三天的讨论以后"),
        # OpenCC keeps 著 in 著力/著眼; the reviewed exception list makes them 着
        ("著力穩增長、著眼長遠發展，成效顯著", "着力稳增长、着眼长远发展，成效显著"),
    ],
)
def test_to_simplified_converts_traditional_documents(raw: str, expected: str) -> None:
    assert to_simplified(raw) == expected


def test_to_simplified_leaves_simplified_documents_alone() -> None:
    # t2s would turn the county name 乾县 into 干县 (陕西 2026): a simplified document is never converted
    text = (
        "加快延榆、康渝高铁建设，确保西康、西十高铁、西安东站和府谷、定边机场建成投运。"
        "开工周至至乾县、改扩建西安至永寿等高速公路，力争延安东绕城、洛卢高速公路建成通车。"
    )
    assert to_simplified(text) == text


def test_clean_records_fixes_and_is_idempotent_on_a_sample() -> None:
    raw = (SAMPLES / "000_c0ca0c8aa34eeb98.txt").read_text(encoding="utf-8")
    first = clean(raw)
    assert {"chrome", "footnotes", "punctuation", "layout"} <= set(first.fixes)
    assert "导航菜单" not in first.text and "[6]" not in first.text
    assert first.text.startswith("（江苏省）南通市通州区人民政府工作报告（2023年1月2日）\n五是民生福祉持续提升。")
    again = clean(first.text)
    assert again.text == first.text


def test_clean_warns_about_undecodable_bytes() -> None:
    result = clean("城镇新增就业1.2万人\ufffd\ufffd，增长5%。")
    assert any("U+FFFD" in w for w in result.warnings)


def test_clean_warns_about_a_symbol_lost_after_a_number() -> None:
    # 重庆 2026: "前1‱" reached the corpus as "前1?"
    result = clean("85个学科进入ESI世界学科排名前1%、9个学科进入前1‰、1个学科进入前1?。医疗服务更加优质。")
    assert any(w.startswith("lost character") and "前1?" in w for w in result.warnings)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_never_raises_and_is_idempotent(text: str) -> None:
    once = clean(text).text
    assert clean(once).text == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["各位代表：", "（一）", "城镇新增就业1.2万人,", "区(qū)", "\n", "　", "下载", "。", "[6]", "(", ")", "相关报道：", "年"]), max_size=40))
def test_clean_is_idempotent_on_report_like_fragments(parts: list[str]) -> None:
    once = clean("".join(parts)).text
    assert clean(once).text == once
