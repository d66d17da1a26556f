"""nlp.mojibake on real lines of seed report 003 (pinyin insertion + byte-level GBK mojibake)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.mojibake import _Readings, repair

# The 12 corrupted spots of seed 003, each inside its own sentence copied from the seed:
# (observed, repaired traditional text, characters the warnings must name as guessed).
# Every byte a spot lost is chosen by the bigram model unless an annotation pins it; a spot is
# flagged when any character rests on such a choice. Readings of characters the document does not
# annotate come from a general dictionary (pypinyin), every reading counts, and a byte is pinned
# only when a single byte-legal character has the reading:
# - 列入區級, 工地揚塵 are exact (no warning): 雲 85 is the only lead byte after eb read yún that the
#   next byte 5e completes (氲 b5 does not; the (qū) after it pins 區), and 負 93 the only one after
#   d8 read fù.
# - 氣 in 燃氣 stays a guess: after bc, 既 c8 reads xì as well as 細 9a, and (c8 e2) is a character.
# - 偵 and 業 are guesses: after b8 竸 84 reads jìng as well as 競 82; before 49 (`I(yè)`) 嶪 8e
#   reads yè as well as 業 98, and both 84 c9 and 8e 49 are characters.
SPOTS = [
    pytest.param(
        "(吉林?。?023年通化市東昌區(qū)人民政府工作報(bào)告",
        "(吉林省)2023年通化市東昌區人民政府工作報告",
        "省)2",
        id="straddled-period-and-swallowed-digit",
    ),
    pytest.param(
        "全年規(guī)上工業(yè)總產(chǎn)值預(yù)計(jì)增長(zhǎng)1%?,F(xiàn)代服務(wù)業(yè)穩(wěn)進(jìn)提升。",
        "全年規上工業總產值預計增長1%。現代服務業穩進提升。",
        "。",
        id="straddled-comma",
    ),
    pytest.param(
        "新建高標(biāo)準(zhǔn)溫室大棚3.3萬(wàn)平方米;全力落實(shí)“秸稈變?nèi)狻惫こ?,預(yù)計(jì)發(fā)展肉牛4500頭。",
        "新建高標準溫室大棚3.3萬平方米;全力落實“秸稈變肉”工程,預計發展肉牛4500頭。",
        "程",
        id="straddled-annotation-then-orphaned-lead-byte",
    ),
    pytest.param(
        "課后服務(wù)實(shí)現(xiàn)全覆蓋?;鶎俞t(yī)療服務(wù)水平不斷提升,",
        "課后服務實現全覆蓋。基層醫療服務水平不斷提升,",
        "。",
        id="straddled-semicolon-shifts-run",
    ),
    pytest.param(
        "“韓香子”朝鮮族咸菜傳統(tǒng)制作工藝和太祖長(zhǎng)拳2個(gè)項(xiàng)目列入?yún)^(qū)級(jí)非物質(zhì)文化遺產(chǎn)名錄,",
        "“韓香子”朝鮮族咸菜傳統制作工藝和太祖長拳2個項目列入區級非物質文化遺產名錄,",
        "",
        id="straddled-annotation-stray-caret-exact",
    ),
    pytest.param(
        "這一年,我們?nèi)σ愿氨7€(wěn)定。",
        "這一年,我們全力以赴保穩定。",
        "全力",
        id="dropped-user-defined-pair-and-euro",
    ),
    pytest.param(
        "扎實(shí)開(kāi)展安全生產(chǎn)大檢查、“百日攻堅(jiān)”、燃?xì)獍踩[患排查整治等專(zhuān)項(xiàng)行動(dòng),",
        "扎實開展安全生產大檢查、“百日攻堅”、燃氣安全隱患排查整治等專項行動,",
        "氣全隱",
        id="ambiguous-straddle-and-dropped-pair",
    ),
    pytest.param(
        "始終保持對(duì)各類(lèi)違法犯罪的高壓態(tài)勢(shì),命案現(xiàn)案?jìng)善坡时3?00%,",
        "始終保持對各類違法犯罪的高壓態勢,命案現案偵破率保持100%,",
        "偵持1",
        id="full-width-digit-in-run-and-swallowed-one",
    ),
    pytest.param(
        "推動(dòng)生產(chǎn)性服務(wù)業(yè)向?qū)I(yè)化和價(jià)值鏈高端延伸,",
        "推動生產性服務業向專業化和價值鏈高端延伸,",
        "專業",
        id="following-annotation-ambiguous-ye",
    ),
    pytest.param(
        "加強(qiáng)20蒸噸以上鍋爐排放監(jiān)測(cè),深化道路和工地?fù)P塵治理,",
        "加強20蒸噸以上鍋爐排放監測,深化道路和工地揚塵治理,",
        "",
        id="straddled-annotation-stray-letter-exact",
    ),
    pytest.param(
        "全力維護(hù)社會(huì)穩(wěn)定??茖W(xué)精準(zhǔn)落實(shí)國(guó)家第九版防控方案、二十條和新十條優(yōu)化措施,",
        "全力維護社會穩定。科學精準落實國家第九版防控方案、二十條和新十條優化措施,",
        "。",
        id="straddled-question-mark",
    ),
    pytest.param(
        "讓我們更加緊密地團(tuán)結(jié)在以習(xí)近平同志為核心的黨中央周?chē)?,在區(qū)委的堅(jiān)強(qiáng)領(lǐng)導(dǎo)下,",
        "讓我們更加緊密地團結在以習近平同志為核心的黨中央周圍,在區委的堅強領導下,",
        "圍",
        id="orphaned-lead-byte-before-cut",
    ),
]

PINYIN_ONLY = [
    pytest.param("(一)著力擴(kuò)大內(nèi)需,推動(dòng)經(jīng)濟(jì)合理增長(zhǎng)。", "(一)著力擴大內需,推動經濟合理增長。", id="numbered-heading"),
    pytest.param("637萬(wàn)元,公共租賃住房(廉租)分配工作全面完成。", "637萬元,公共租賃住房(廉租)分配工作全面完成。", id="real-parenthesis"),
    pytest.param(
        "扎實(shí)開(kāi)展11個(gè)行政村(社區(qū))新版全流程審批系統(tǒng)試點(diǎn)工作,",
        "扎實開展11個行政村(社區)新版全流程審批系統試點工作,",
        id="annotation-inside-real-parenthesis",
    ),
]

# Lines of modern simplified reports: no sign of this corruption, or a `?` that is a lost character.
CLEAN = [
    pytest.param("筹建保障性租赁住房10531套(间),新增公租房保障家庭3055户。", id="ascii-parentheses"),
    pytest.param(
        "2026_四川省.txt\t四川省\t2026\t2026年四川省人民政府工作报告\t2026-02-25\t"
        "https://www.sc.gov.cn/10462/c105962s/2026/2/10/c3064029fbc341e99c8ce71ce3aec20c.shtml?c2Id=280&c1Id=36",
        id="question-mark-in-url",
    ),
    pytest.param("85个学科进入ESI世界学科排名前1％、9个学科进入前1‰、1个学科进入前1?。医疗服务更加优质高效，", id="lost-char"),
    pytest.param("水利领域，洞庭湖区重点垸堤防加固二期、?水灌区开工建设，大兴寨水库大坝封顶、椒花水库下闸蓄水。", id="lost-rare-char"),
]

GUESS = re.compile(r"'(.)' at char (\d+)")


def guessed_chars(warnings: tuple[str, ...], text: str) -> str:
    """The characters the warnings name as guessed, checked against the text at the offsets they give."""
    named = []
    for warning in warnings:
        for part in warning.split(" ('")[0].removeprefix("mojibake: ").split("; "):
            for char, offset in GUESS.findall(part):
                assert text[int(offset)] == char, warning
                if part.startswith("guessed "):
                    named.append(char)
    return "".join(named)


@pytest.mark.parametrize(("observed", "expected", "guessed"), SPOTS)
def test_repair_restores_each_corrupted_spot_of_seed_003(observed: str, expected: str, guessed: str) -> None:
    result = repair(observed)
    assert result.text == expected
    assert result.fixes == ("pinyin", "mojibake")
    assert guessed_chars(result.warnings, result.text) == guessed
    assert len(result.warnings) == (1 if guessed else 0)


def test_repair_restores_the_spots_in_one_document() -> None:
    text = "\n".join(p.values[0] for p in SPOTS)
    result = repair(text)
    assert result.text == "\n".join(p.values[1] for p in SPOTS)
    assert guessed_chars(result.warnings, result.text) == "".join(p.values[2] for p in SPOTS)


@pytest.mark.parametrize(("observed", "expected"), PINYIN_ONLY)
def test_repair_strips_pinyin_and_keeps_real_parentheses(observed: str, expected: str) -> None:
    result = repair(observed)
    assert result.text == expected
    assert result.fixes == ("pinyin",)
    assert result.warnings == ()


# The annotator's readings (seed 003 notes) of traditional characters the dictionary must know.
ANNOTATOR_READINGS = {"區": "qū", "報": "bào", "會": "huì", "長": "zhǎng", "現": "xiàn", "調": "diào",
                      "雲": "yún", "負": "fù", "專": "zhuān", "氣": "qì"}


def test_dictionary_readings_cover_traditional_characters_with_every_heteronym() -> None:
    readings = _Readings("")
    for char, pinyin in ANNOTATOR_READINGS.items():
        assert pinyin in readings.of(char), char
    assert {"zhǎng", "cháng"} <= readings.of("長")
    assert "雲" in readings.chars("yún") and "氲" in readings.chars("yún")
    assert readings.of("\uf92c") == readings.of("郎")  # a compatibility form pypinyin lacks: read via t2s
    assert readings.of("A") is None and readings.of("。") is None


def test_document_annotations_take_precedence_over_the_dictionary() -> None:
    readings = _Readings("協調(diào)")
    assert readings.of("調") == {"diào"}
    assert "調" in readings.chars("diào") and "調" not in readings.chars("tiáo")
    assert readings.of("區") >= {"qū", "ōu"}


def test_a_document_reading_overrides_the_dictionary_in_the_repair() -> None:
    # The document reads 雲 otherwise, so the straddle `?yún)` is no longer 雲 and 區 is not exact.
    exact = repair("列入?yún)^(qū)級")
    overridden = repair("雲(yùn)\n列入?yún)^(qū)級")
    assert exact.warnings == ()
    assert overridden.warnings != ()


def test_repair_strips_annotations_after_stray_bytes_only_with_their_repair() -> None:
    result = repair("列入?yún)^(qū)級(jí)")
    assert result.text == "列入區級"
    assert "^" not in result.text and "(" not in result.text


def test_repair_keeps_an_annotation_that_follows_whitespace() -> None:
    assert repair("讀音 (qū) 見下").text == "讀音 (qū) 見下"


@pytest.mark.parametrize("line", CLEAN)
def test_repair_leaves_modern_reports_byte_identical(line: str) -> None:
    result = repair(line)
    assert result.text == line
    assert result.fixes == ()
    assert result.warnings == ()


@pytest.mark.parametrize(
    "observed", [p.values[0] for p in SPOTS] + [p.values[0] for p in PINYIN_ONLY] + [p.values[0] for p in CLEAN]
)
def test_repair_is_idempotent(observed: str) -> None:
    once = repair(observed)
    twice = repair(once.text)
    assert twice.text == once.text
    assert twice.fixes == ()


def test_repair_reports_a_line_with_too_many_question_marks_instead_of_searching_it() -> None:
    result = repair("國(guó)" + "中?" * 40)
    assert result.text == "國" + "中?" * 40
    assert result.fixes == ("pinyin",)
    assert "too many to search" in result.warnings[0]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_repair_never_raises_on_arbitrary_text(text: str) -> None:
    result = repair(text)
    assert set(result.fixes) <= {"pinyin", "mojibake"}
    assert repair(result.text).text == result.text


ANNOTATION_AFTER_CHARACTER = re.compile(r"\S\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
PIECES = ["國", "(guó)", "區", "(qū)", "?", "?yún)", "?nèi)", "。", ",", ";", "(", ")", "1", "7", "€", "F", "^", "\n", " "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_repair_never_raises_and_is_idempotent_on_corruption_like_text(text: str) -> None:
    result = repair(text)
    assert not ANNOTATION_AFTER_CHARACTER.search(result.text)
    assert repair(result.text).text == result.text
