"""nlp.metadata: report headers → Meta, on real report heads and hand-written header lines."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from nlp.clean import clean
from nlp.metadata import Meta, extract_metadata, gazetteer, parse_date

HEADS = Path(__file__).resolve().parents[1] / "data" / "heads"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _meta_of(path: Path, source: str | None = None) -> Meta:
    return extract_metadata(clean(path.read_text(encoding="utf-8")).text, source=source)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


PROVINCIAL = _rows(HEADS / "prov2026" / "metadata.tsv")
PROVINCIAL_CHECKED = _rows(HEADS / "prov2026" / "expected.tsv")
NATIONAL = [row for row in _rows(HEADS / "national" / "metadata.tsv") if (HEADS / "national" / row["file"]).exists()]
NATIONAL_CHECKED = _rows(HEADS / "national" / "expected.tsv")
SEEDS = _rows(HEADS / "seeds" / "expected.tsv")

#: Known failures, each with the reason; they must go green when the reason is fixed.
XFAIL = {
    "1985.txt": "no header and no line saying who delivers it (我代表国务院 …): level cannot be read from the text",
}


def _param(row: dict[str, str]) -> pytest.param:
    marks = [pytest.mark.xfail(reason=XFAIL[row["file"]], strict=True)] if row["file"] in XFAIL else []
    return pytest.param(row, id=row["file"], marks=marks)


# --- real heads, through nlp.clean -----------------------------------------------------------------
@pytest.mark.parametrize("row", PROVINCIAL, ids=lambda row: row["file"])
def test_provincial_head_matches_metadata_tsv(row: dict[str, str]) -> None:
    path = HEADS / "prov2026" / row["file"]
    meta = _meta_of(path, source=row["file"])
    header_title = row["title"] if row["title"] in path.read_text(encoding="utf-8") else "政府工作报告"
    assert (meta.province, meta.city, meta.county, meta.level) == (row["province"], None, None, "province")
    assert meta.region_code is not None and meta.region_code.endswith("0000")
    assert gazetteer().names[meta.region_code] == row["province"]
    assert meta.report_year == int(row["year"])
    assert meta.title == header_title


@pytest.mark.parametrize("row", [_param(row) for row in PROVINCIAL_CHECKED])
def test_provincial_head_gives_meeting_date_and_speaker(row: dict[str, str]) -> None:
    meta = _meta_of(HEADS / "prov2026" / row["file"])
    assert (meta.report_date, meta.speaker) == (_date(row["report_date"]), row["speaker"])


@pytest.mark.parametrize("row", [_param(row) for row in NATIONAL])
def test_national_head_is_national_with_metadata_year(row: dict[str, str]) -> None:
    meta = _meta_of(HEADS / "national" / row["file"], source=row["file"])
    assert (meta.level, meta.report_year) == ("national", int(row["year"]))
    assert (meta.province, meta.city, meta.county, meta.region_code) == (None, None, None, None)


@pytest.mark.parametrize("row", NATIONAL_CHECKED, ids=lambda row: row["file"])
def test_national_header_gives_date_speaker_and_year_without_file_name(row: dict[str, str]) -> None:
    meta = _meta_of(HEADS / "national" / row["file"])
    assert (meta.report_date, meta.report_year, meta.speaker) == (
        _date(row["report_date"]),
        int(row["report_year"]),
        row["speaker"],
    )


@pytest.mark.parametrize("row", SEEDS, ids=lambda row: row["file"])
def test_seed_head_matches_hand_checked_metadata(row: dict[str, str]) -> None:
    meta = _meta_of(HEADS / "seeds" / row["input"], source=row["file"])
    expected = Meta(
        title=row["title"],
        province=row["province"],
        city=row["city"] or None,
        county=row["county"],
        level=row["level"],
        region_code=row["region_code"],
        report_date=_date(row["report_date"]),
        report_year=int(row["report_year"]),
        speaker=row["speaker"] or None,
    )
    assert meta == expected


def test_corrupted_seed_003_head_gives_the_metadata_of_its_repaired_header() -> None:
    name = "003_5c6816b4f2d08723.txt"
    assert _meta_of(HEADS / "seeds" / name, source=name) == _meta_of(HEADS / "seeds" / "003_header_repaired.txt", source=name)


# --- gazetteer -------------------------------------------------------------------------------------
def test_gazetteer_is_loaded_once_per_process() -> None:
    assert gazetteer() is gazetteer()


def test_district_named_alone_is_placed_in_its_city_and_province() -> None:
    meta = extract_metadata("海拉尔区人民政府工作报告\n各位代表：")
    assert (meta.province, meta.city, meta.county, meta.region_code, meta.level) == (
        "内蒙古自治区",
        "呼伦贝尔市",
        "海拉尔区",
        "150702",
        "county",
    )


def test_ambiguous_district_without_context_keeps_name_but_no_region() -> None:
    meta = extract_metadata("和平区人民政府工作报告\n各位代表：\n过去一年，全区经济稳中有进。")
    assert (meta.province, meta.city, meta.county, meta.region_code, meta.level) == (None, None, "和平区", None, "county")


@pytest.mark.parametrize(
    ("text", "code", "province", "city"),
    [
        ("（辽宁省）和平区人民政府工作报告（2023年1月5日）\n各位代表：", "210102", "辽宁省", "沈阳市"),
        ("（天津市）和平区人民政府工作报告\n各位代表：", "120101", "天津市", None),
        ("政府工作报告\n——2023年1月5日在沈阳市和平区第十八届人民代表大会第二次会议上\n区长 张三\n各位代表：", "210102", "辽宁省", "沈阳市"),
        ("和平区人民政府工作报告\n各位代表：\n一年来，我们认真落实天津市委、市政府部署。", "120101", "天津市", None),
    ],
    ids=["bracketed-province", "bracketed-municipality", "city-in-meeting-line", "municipality-in-text"],
)
def test_ambiguous_district_is_resolved_from_header_or_text(text: str, code: str, province: str, city: str | None) -> None:
    meta = extract_metadata(text)
    assert (meta.region_code, meta.province, meta.city, meta.county) == (code, province, city, "和平区")


def test_ambiguous_district_stays_open_when_text_names_both_candidates() -> None:
    meta = extract_metadata("和平区人民政府工作报告\n各位代表：\n我们与天津市、沈阳市的兄弟城区开展合作。")
    assert (meta.region_code, meta.province) == (None, None)


def test_ambiguous_district_within_one_province_keeps_what_is_certain() -> None:
    meta = extract_metadata("（江苏省）鼓楼区人民政府工作报告\n各位代表：")  # 鼓楼区 of 南京市 or 徐州市
    assert (meta.province, meta.city, meta.county, meta.region_code) == ("江苏省", None, "鼓楼区", None)


# --- dates and years -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("——2022年12月19日在通化市东昌区第十届人民代表大会第二次会议上", dt.date(2022, 12, 19)),
        ("（2026年1月27日在贵州省第十四届人民代表大会第四次会议上）", dt.date(2026, 1, 27)),
        ("——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上", dt.date(2026, 1, 27)),
        ("一九五四年九月二十三日", dt.date(1954, 9, 23)),
        ("一九五八年一月三十一日", dt.date(1958, 1, 31)),
        ("一九七六年十月六日", dt.date(1976, 10, 6)),
        ("二〇二二年十二月十日", dt.date(2022, 12, 10)),
        ("2023年2月30日", None),
        ("政府工作报告", None),
    ],
)
def test_parse_date_reads_arabic_and_chinese_numeral_dates(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_december_meeting_reports_on_the_next_year() -> None:
    meta = extract_metadata(
        "政府工作报告\n——2022年12月19日在通化市东昌区第十届人民代表大会第二次会议上\n区长 黄正杰\n各位代表："
    )
    assert (meta.report_date, meta.report_year) == (dt.date(2022, 12, 19), 2023)


def test_january_meeting_reports_on_the_same_year() -> None:
    meta = extract_metadata("（江苏省）南通市通州区人民政府工作报告（2023年1月2日）\n各位代表！")
    assert (meta.report_date, meta.report_year, meta.title) == (dt.date(2023, 1, 2), 2023, "南通市通州区人民政府工作报告")


def test_review_heading_dates_a_report_without_header() -> None:
    text = "各位代表：\n现在，我代表国务院向大会作政府工作报告，请予审议。\n一、2009年工作回顾\n2009年是新世纪以来最为困难的一年。"
    assert extract_metadata(text, source="1999.txt").report_year == 2010


def test_file_name_is_used_only_when_the_text_says_nothing() -> None:
    text = "各位代表：\n现在，我代表国务院向大会作政府工作报告，请予审议。"
    meta = extract_metadata(text, source="national/2010.txt")
    assert (meta.level, meta.report_year, meta.province) == ("national", 2010, None)
    meta = extract_metadata("各位代表：\n过去一年，全市经济稳中有进。", source="2026_上海市.txt")
    assert (meta.province, meta.level, meta.report_year, meta.region_code) == ("上海市", "province", 2026, "310000")
    meta = extract_metadata("2023年北京市政府工作报告\n各位代表：", source="2026_上海市.txt")
    assert (meta.province, meta.report_year) == ("北京市", 2023)


def test_missing_header_gives_none_except_what_the_text_states() -> None:
    assert extract_metadata("各位代表：\n过去一年，我们攻坚克难，取得了来之不易的成绩。") == Meta(
        None, None, None, None, None, None, None, None, None
    )
    assert extract_metadata("各位代表：\n现在，我代表国务院向大会作政府工作报告，请予审议。\n一、2009年工作回顾") == Meta(
        None, None, None, None, "national", None, None, 2010, None
    )


# --- header lines ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("上海市市长 龚 正", "龚正"),
        ("自治区主席 韦 韬", "韦韬"),
        ("省长\u3000王予波", "王予波"),
        ("国务院总理李\u3000强", "李强"),
        ("自治区主席 艾尔肯·吐尼亚孜", "艾尔肯·吐尼亚孜"),
        ("河北省人民政府省长 王正谱", "王正谱"),
        ("省长刘小涛代表省人民政府向大会作政府工作报告。", None),
    ],
)
def test_speaker_is_the_name_without_spaces(line: str, speaker: str | None) -> None:
    assert extract_metadata(f"政府工作报告\n{line}\n各位代表：").speaker == speaker


def test_speaker_on_the_line_after_the_office() -> None:
    assert extract_metadata("政府工作报告\n国务院总理\n李\u3000强\n各位代表：").speaker == "李强"


def test_bare_name_under_the_meeting_line_is_the_speaker() -> None:
    text = "2026年湖南省政府工作报告\n——2026年2月3日在湖南省第十四届人民代表大会第四次会议上\n来源：湖南日报\n毛伟明\n各位代表："
    assert extract_metadata(text).speaker == "毛伟明"


def test_speaker_after_the_meeting_on_the_same_line() -> None:
    text = "陕西省2026年政府工作报告\n2026年1月27日在陕西省第十四届人民代表大会第四次会议上 陕西省省长 赵刚\n各位代表："
    meta = extract_metadata(text)
    assert (meta.speaker, meta.report_date, meta.title) == ("赵刚", dt.date(2026, 1, 27), "陕西省2026年政府工作报告")


def test_noise_before_the_title_is_skipped() -> None:
    text = "下载\n打印\n【字号：\n加大\n】\n2026年上海市政府工作报告\n——2026年2月3日在上海市第十六届人民代表大会第四次会议上\n来源：解放日报\n时间：2026-02-09\n上海市市长 龚 正\n各位代表："
    meta = extract_metadata(text)
    assert (meta.title, meta.province, meta.report_date, meta.speaker) == (
        "2026年上海市政府工作报告",
        "上海市",
        dt.date(2026, 2, 3),
        "龚正",
    )


def test_the_longest_title_line_wins_over_a_bare_repeat() -> None:
    text = "2026年宁夏回族自治区政府工作报告\n政府工作报告\n——2026年2月3日在宁夏回族自治区第十三届人民代表大会第四次会议上\n各位代表："
    assert extract_metadata(text).title == "2026年宁夏回族自治区政府工作报告"


def test_prefecture_level_report_is_city_level() -> None:
    meta = extract_metadata("2023年通化市人民政府工作报告\n各位代表：")
    assert (meta.level, meta.province, meta.city, meta.county, meta.region_code) == ("city", "吉林省", "通化市", None, "220500")
