"""Header → Meta: title, region (resolved against the GB/T 2260 gazetteer shipped with cpca), level, dates, speaker."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

#: The header is looked for in this many non-empty lines (it ends earlier, at the salutation).
HEADER_LINES = 30

#: Cues that the State Council delivers the report are looked for in this many non-empty lines.
CUE_LINES = 40

#: Where the body begins: the salutation to the deputies.
BODY_START = ("各位代表",)

#: Gazetteer rows that stand for a grouping, not a region (市辖区 = "districts of the municipality").
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

#: Code depth (1 province, 2 prefecture, 3 county) → Meta.level.
LEVEL_BY_DEPTH = {1: "province", 2: "city", 3: "county"}

#: Offices whose holder delivers a report; the speaker line is `[region/government]office name`.
OFFICES = ("省长", "市长", "区长", "县长", "州长", "盟长", "旗长", "主席", "总理")

#: Text that says the State Council (or, in 1954, the Central People's Government) delivers the report.
NATIONAL_CUES = (
    r"代表(?:中华人民共和国)?国务院",
    r"国务院(?:的委托|的决定|决定由我|向第)",
    r"代表中央人民政府",
    r"国务院总理",
    r"总理在报告中",
    r"在第[一二三四五六七八九十]+届全国人民代表大会",
)

#: Months whose congress sessions hear the report on the coming year's work.
NEXT_YEAR_MONTHS = frozenset({12})

#: Chinese numerals as they appear in dates (二〇二六年一月二十七日).
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_CN_NUM = "〇○零一二三四五六七八九十"
_DATE = (
    rf"(?:(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"
    rf"|(?P<cy>[{_CN_NUM}]{{4}})年(?P<cm>[{_CN_NUM}]{{1,2}})月(?P<cd>[{_CN_NUM}]{{1,3}})日)"
)
_DATE_RE = re.compile(_DATE)
_DASHES = "—―–－~～\\-"
_MEETING_RE = re.compile(rf"^[{_DASHES}\s]*[（(]?\s*{_DATE}\s*在(?P<where>.*?)(?:会议上[）)]?|$)(?P<rest>.*)$")
_TITLE_RE = re.compile(
    r"^(?P<title>(?:[（(][^（）()]{2,12}[）)])?[^（）()。，；！？\s]{0,40}?政府工作报告)"
    r"(?P<tail>[（(](?P<note>[^（）()]{1,20})[）)])?$"
)
_TAG_RE = re.compile(r"^[（(][^（）()]+[）)]")
_YEAR_RE = re.compile(r"(\d{4})\s*年")
_OFFICE_RE = re.compile(rf"^(?P<office>[\u4e00-\u9fff]{{0,16}}?(?:{'|'.join(OFFICES)}))[\s:：]*(?P<name>.*)$")
_NAME_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}(?:[·•・‧][\u4e00-\u9fff]{1,8})+)$")
_KEY_VALUE_RE = re.compile(r"^[^：:]{1,8}[：:]")
_SPACE_RE = re.compile(r"\s+")
_NATIONAL_RE = re.compile("|".join(NATIONAL_CUES))
#: Section headings that date the report: the review of year Y (report on Y+1), or the plan for year Y.
_REVIEW_RE = re.compile(r"^[一1][、.．]\s*(\d{4})年[^。，；\n]{0,12}?回顾", re.M)
_PLAN_RE = re.compile(r"^[二三][、.．]\s*(\d{4})年[^。，；\n]{0,6}?(?:工作|任务|安排|思路|部署|目标)", re.M)
_SOURCE_YEAR_RE = re.compile(r"^(19[4-9]\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Meta:
    """What a report's header says about it; a field the document does not state is None.

    title: the title line without the portal's leading region tag and trailing date bracket
        (（江苏省）南通市通州区人民政府工作报告（2023年1月2日） → 南通市通州区人民政府工作报告);
        a bare 政府工作报告 when that is all the header has.
    province/city/county: official full names. Districts of the four municipalities get
        province=天津市, city=None, county=和平区; so do counties under a province directly (仙桃市).
    level: national | province | city | county — the government that delivers the report.
    region_code: 6-digit GB/T 2260 code of the most specific region; None for national reports
        and for a name the header and text cannot pin down (和平区 alone: county=和平区, code None).
    report_date: the meeting date (——2022年12月19日在…会议上, or the date bracket of the title).
    report_year: the year the report plans for (a December meeting reports on the next year).
    speaker: the name only, spaces removed.
    """

    title: str | None
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    region_code: str | None
    report_date: dt.date | None
    report_year: int | None
    speaker: str | None


@dataclass(frozen=True)
class Region:
    """A resolved place: its names from province down, and its code when it is one region."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None
    depth: int


class Gazetteer:
    """GB/T 2260 regions by full name, with the hierarchy read from the code prefixes."""

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        self.names = {code: name for code, name in rows}
        self.codes: dict[str, tuple[str, ...]] = {}
        for code, name in rows:
            if name not in PLACEHOLDER_NAMES:
                self.codes[name] = (*self.codes.get(name, ()), code)
        by_length = sorted(self.codes, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, by_length)))

    def find(self, text: str) -> list[str]:
        """Region names in `text`, leftmost-longest, in order."""
        return self._pattern.findall(text)

    def chain(self, code: str) -> tuple[str | None, str | None, str | None]:
        """(province, prefecture, county) names of a code; None for levels it lacks or placeholders."""
        parts = [code[:2] + "0000", code[:4] + "00", code]
        names = [self.names.get(c) for c in parts[: depth(code)]]
        names = [None if n in PLACEHOLDER_NAMES else n for n in names]
        return tuple(names + [None] * (3 - len(names)))  # type: ignore[return-value]

    def resolve(self, mentions: Sequence[str], text: str = "") -> Region | None:
        """The region that the names in a header point to; ambiguity is settled by `text` or left open."""
        if not mentions:
            return None
        candidates = {code for name in mentions for code in self.codes[name]}
        support = {c: sum(any(is_within(c, a) for a in self.codes[name]) for name in set(mentions)) for c in candidates}
        best = max((support[c], depth(c)) for c in candidates)
        tied = sorted(c for c in candidates if (support[c], depth(c)) == best)
        if len(tied) > 1:
            tied = self._settle(tied, text) or tied
        if len(tied) == 1:
            return Region(*self.chain(tied[0]), code=tied[0], depth=depth(tied[0]))
        chains = [self.chain(c) for c in tied]
        common = [names[0] if len(set(names)) == 1 else None for names in zip(*chains)]
        return Region(*common, code=None, depth=best[1])  # type: ignore[misc]

    def _settle(self, codes: list[str], text: str) -> list[str]:
        """The one candidate whose province or prefecture the text names, else nothing."""
        named = [c for c in codes if any(n and n in text for n in self.chain(c)[:2])]
        return named if len(named) == 1 else []


def depth(code: str) -> int:
    """1 for a province code, 2 for a prefecture, 3 for a county."""
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def is_within(code: str, ancestor: str) -> bool:
    """Whether `code` is `ancestor` or lies inside it."""
    n = 2 * depth(ancestor)
    return code[:n] == ancestor[:n]


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer from cpca's adcodes.csv, loaded once per process."""
    resource = importlib.resources.files("cpca") / "resources" / "adcodes.csv"
    with resource.open(encoding="utf-8") as f:
        rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(f)]
    return Gazetteer(rows)


def parse_date(text: str) -> dt.date | None:
    """The first date in `text` (2022年12月19日 or 二〇二六年一月二十七日); None if none or invalid."""
    m = _DATE_RE.search(text)
    return _date(m) if m else None


def _date(m: re.Match[str]) -> dt.date | None:
    if m["y"]:
        parts = (int(m["y"]), int(m["m"]), int(m["d"]))
    else:
        parts = (int("".join(str(CN_DIGITS[c]) for c in m["cy"])), _cn_number(m["cm"]), _cn_number(m["cd"]))
    try:
        return dt.date(*parts)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十七 → 27, 三十 → 30."""
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def _speaker(text: str) -> str | None:
    """The name if `text` is one (spaces dropped), else None."""
    name = _SPACE_RE.sub("", text)
    return name if _NAME_RE.match(name) else None


@dataclass
class _Header:
    """What the header lines hold, before resolution."""

    title: str | None = None
    title_year: int | None = None
    report_date: dt.date | None = None
    speaker: str | None = None
    places: tuple[str, ...] = ()


def _header_lines(lines: list[str]) -> list[str]:
    """The first lines, up to the salutation that opens the speech."""
    return list(itertools.takewhile(lambda line: not line.startswith(BODY_START), lines[:HEADER_LINES]))


def _read_header(header: list[str]) -> _Header:
    """Title, date, speaker and the lines that name the region."""
    found = _Header()
    places: list[str] = []
    office_only = after_meeting = False
    for line in header:
        if office_only:
            found.speaker, office_only = _speaker(line), False
            continue
        if m := _TITLE_RE.match(line):
            if found.title is None or len(m["title"]) > len(found.title):
                places.append(line)
                note_date = parse_date(m["note"] or "")
                found.title = _TAG_RE.sub("", m["title"]) + ("" if note_date or not m["tail"] else m["tail"])
                found.report_date = found.report_date or note_date
                year = _YEAR_RE.search(found.title)
                found.title_year = int(year[1]) if year else None
            continue
        if found.report_date is None and (m := _MEETING_RE.match(line)):
            found.report_date = _date(m)
            places.append(m["where"])
            after_meeting = True
            line = m["rest"].strip()
        if found.speaker is None and (m := _OFFICE_RE.match(line)) and ((name := _speaker(m["name"])) or not m["name"]):
            places.append(m["office"])
            found.speaker, office_only = name, not m["name"]
        elif after_meeting and found.speaker is None and line and not _KEY_VALUE_RE.match(line):
            found.speaker = _speaker(line)  # a bare name right under the meeting line
            after_meeting = False
    found.places = tuple(places)
    return found


def _year_from_body(text: str) -> int | None:
    """The year a review heading (一、2009年工作回顾 → 2010) or a plan heading (二、2023年工作安排) dates."""
    review, plan = _REVIEW_RE.search(text), _PLAN_RE.search(text)
    if review and (plan is None or review.start() < plan.start()):
        return int(review[1]) + 1
    return int(plan[1]) if plan else None


def extract_metadata(text: str, source: str | None = None) -> Meta:
    """Metadata of one cleaned report from its header lines; `source` (a file name) is a last resort."""
    lines = [s for line in text.splitlines() if (s := line.strip())]
    head = _read_header(_header_lines(lines))
    gaz = gazetteer()
    region = gaz.resolve([name for place in head.places for name in gaz.find(place)], text)
    national = region is None and bool(_NATIONAL_RE.search("\n".join(lines[:CUE_LINES])))
    stem = PurePath(source).stem if source else ""
    if region is None and not national:
        region = gaz.resolve(gaz.find(stem))
    year = head.title_year
    if year is None and head.report_date:
        year = head.report_date.year + int(head.report_date.month in NEXT_YEAR_MONTHS)
    if year is None:
        year = _year_from_body(text)
    if year is None and (m := _SOURCE_YEAR_RE.match(stem)):
        year = int(m[1])
    return Meta(
        title=head.title,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        level="national" if national else LEVEL_BY_DEPTH[region.depth] if region else None,
        region_code=region.code if region else None,
        report_date=head.report_date,
        report_year=year,
        speaker=head.speaker,
    )
