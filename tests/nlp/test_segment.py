"""Segmentation: number/unit boundary rules, the shipped pkuseg model in spaCy, retraining.

Sentences are copied from the report corpus (national and 2026 provincial reports) and the
seed reports (seed 003 as cleaned, simplified text).
"""

from __future__ import annotations


import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from nlp.segment import (
    USER_DICT_NAME,
    apply_boundaries,
    default_model_dir,
    make_tokenizer_nlp,
)
from nlp.settings import PROJECT_DIR

LEXICON = PROJECT_DIR / "data" / "lexicon" / "report_terms.txt"


@pytest.fixture(scope="session")
def nlp():
    """The shipped tokenizer (model + user dictionary + boundary rules), loaded once."""
    return make_tokenizer_nlp()


def tokens(nlp, text: str) -> list[str]:
    return [t.text for t in nlp(text)]


def contains_run(words: list[str], run: list[str]) -> bool:
    """True when ``run`` occurs as consecutive tokens of ``words``."""
    n = len(run)
    return any(words[i : i + n] == run for i in range(len(words) - n + 1))


def aligned(doc, text: str, marked: str) -> bool:
    """True when the part after ``|`` in ``marked`` (``"273|天"``) starts and ends on token
    boundaries where ``marked`` first occurs in ``text``."""
    before, part = marked.split("|")
    start = text.index(before + part) + len(before)
    return doc.char_span(start, start + len(part)) is not None


# --- the rules alone, on hand-made bad segmentations ----------------------------------------
@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("增长5.3%", ["增长5", ".3%"], ["增长", "5.3", "%"]),
        ("增长７．５％", ["增长", "７．５％"], ["增长", "７．５", "％"]),
        ("收入2.1亿元", ["收入", "2.1", "亿元"], ["收入", "2.1亿", "元"]),
        ("就业1.2万人", ["就业", "1.2万人"], ["就业", "1.2万", "人"]),
        ("总值12.3万亿元", ["总值", "12.3", "万亿元"], ["总值", "12.3万亿", "元"]),
        ("投资8000余万元", ["投资", "8000余", "万元"], ["投资", "8000", "余", "万元"]),
        ("装机66万千瓦", ["装机", "66", "万千瓦"], ["装机", "66万", "千瓦"]),
        ("提高1.5个百分点", ["提高", "1.5个", "百分点"], ["提高", "1.5", "个", "百分点"]),
        ("新建8,500公里", ["新建", "8", ",", "500公里"], ["新建", "8,500", "公里"]),
        ("PM2.5浓度", ["PM", "2.5", "浓度"], ["PM2.5", "浓度"]),
        ("35.49微克/立方米", ["35.49微克/", "立方米"], ["35.49", "微克", "/", "立方米"]),
        ("10531套(间)", ["10531套", "(间)"], ["10531", "套", "(", "间", ")"]),
        ("3.8万套（间）", ["3.8万套", "（间）"], ["3.8万", "套", "（", "间", "）"]),
        ("2022年12月19日", ["2022", "年", "12", "月", "19", "日"], ["2022年", "12月", "19日"]),
        ("连续3年", ["连续", "3年"], ["连续", "3", "年"]),
        ("新建5G基站", ["新建", "5", "G基站"], ["新建", "5G", "基站"]),
        ("G60科创走廊", ["G", "60科创", "走廊"], ["G60", "科创", "走廊"]),
        ("增长 5%", ["增长", "5%"], ["增长", "5", "%"]),
        ("立方米;空气", ["立方", "米;", "空气"], ["立方", "米", ";", "空气"]),
        ("建设高能级科技创新平台。", ["建设", "高能级", "科技", "创新", "平台", "。"],
         ["建设", "高能级", "科技", "创新", "平台", "。"]),
        ("农场九十一个", ["农场", "九十", "一个"], ["农场", "九十一", "个"]),
        ("高等学校二百○八所", ["高等", "学校", "二百○八所"], ["高等", "学校", "二百○八", "所"]),
        ("增加到二十二万七千千瓦", ["增加", "到", "二十二万七千千瓦"], ["增加", "到", "二十二万七千", "千瓦"]),
        ("第三十一个", ["第三十一", "个"], ["第三十一", "个"]),
        ("一九八○年", ["一九八○年"], ["一九八○年"]),
        ("增长零点八倍", ["增长", "零", "点", "八", "倍"], ["增长", "零点八", "倍"]),
        ("增长百分之二十一点七", ["增长", "百分之", "二十一", "点七"], ["增长", "百分之二十一点七"]),
        ("降低千分之五", ["降低", "千分", "之五"], ["降低", "千分之五"]),
        ("一万两千人", ["一万", "两千人"], ["一万两千", "人"]),
        ("折合黄金七万万两", ["折合", "黄金", "七万万两"], ["折合", "黄金", "七万万", "两"]),
        ("干好四件大事", ["干", "好四", "件", "大事"], ["干", "好", "四", "件", "大事"]),
        ("一点一滴", ["一点一滴"], ["一点一滴"]),
        ("三点一线", ["三点一线"], ["三点一线"]),
    ],
)
def test_apply_boundaries_recuts_figures_units_and_symbols(text, words, expected):
    assert apply_boundaries(text, words) == expected


@given(st.text(alphabet="增长亿万元个百分点余%％.,（）()PM年月日 0123456789一二两三十千之第好滴", max_size=30),
       st.data())
def test_apply_boundaries_keeps_every_character_and_is_idempotent(text, data):
    words = []  # any segmentation pkuseg could return: whitespace-separated chunks, cut anywhere
    for chunk in text.split():
        cuts = sorted(data.draw(st.sets(st.integers(1, len(chunk) - 1))) if len(chunk) > 1 else [])
        bounds = [0, *cuts, len(chunk)]
        words.extend(chunk[a:b] for a, b in zip(bounds, bounds[1:]))
    out = apply_boundaries(text, words)
    assert "".join(out) == "".join(text.split())
    assert apply_boundaries(text, out) == out


# --- the shipped tokenizer on real report sentences ------------------------------------------
@pytest.mark.parametrize(
    ("text", "runs", "spans"),
    [
        ("全力做好抗灾救灾工作，中央财政用于洪涝、干旱、地震等救灾救济支出80.3亿元，比上年增长63.9%；",
         [["80.3亿", "元"], ["63.9", "%"]], []),
        ("城镇新增就业261.6万人，高校毕业生去向落实率逐年提升，退役军人、残疾人新增就业均超7.3万人。",
         [["261.6万", "人"], ["7.3万", "人"]], []),
        ("高校毕业生初次就业率77.8％，同比提高1.2个百分点。",
         [["77.8", "％"]], ["1.2|个百分点"]),
        ("全年全社会固定资产投资增长25.8%，增幅比一季度回落17.2个百分点。",
         [["25.8", "%"]], ["17.2|个百分点"]),
        ("国内生产总值从1997年的7.4万亿元增加到2002年的10.2万亿元，按可比价格计算，平均每年增长7.7%。",
         [["1997年"], ["7.4万亿", "元"], ["10.2万亿", "元"], ["7.7", "%"]], []),
        ("根据已有的统计材料，从1952年到1956年，我们派出留学生6,435人，其中革命干部的子女还不到3.5%。",
         [["6,435", "人"], ["3.5", "%"]], []),
        ("PM2.5年均浓度为26.3微克/立方米、下降7.4%，新增公园127座，提前建成千座公园城市。",
         [["PM2.5"], ["26.3"], ["7.4", "%"], ["127"]], ["26.3|微克/立方米", "127|座"]),
        ("PM2.5年均浓度再创新低,达到35.49微克/立方米;空气质量优良天数273天,同比增加17天",
         [["PM2.5"], ["35.49"], ["273"], ["17"]], ["35.49|微克/立方米", "273|天", "17|天"]),
        ("筹建保障性租赁住房10531套(间),新增公租房保障家庭3055户。",
         [["10531", "套", "(", "间", ")"], ["3055"]], ["3055|户"]),
        ("新增保障性租赁住房3.8万套（间），改造城中村和城市危旧房2.6万户、城镇老旧小区1129个。",
         [["3.8万", "套", "（", "间", "）"], ["2.6万"], ["1129"]], ["2.6万|户", "1129|个"]),
        ("——2022年12月19日在通化市东昌区第十届人民代表大会第二次会议上",
         [["2022年", "12月", "19日"]], []),
        ("从2004年7月1日起，全国提高企业退休人员基本养老金标准。",
         [["2004年", "7月", "1日"]], []),
        ("邮轮母港接待邮轮91艘次、旅客30余万人次",
         [["91"], ["30", "余"]], ["91|艘次", "30余|万人次"]),
        ("各类健身活动年均吸引4000余万人次参与",
         [["4000", "余"]], ["4000余|万人次"]),
        ("去年，部分地区发生严重自然灾害，各级政府及时做好抗灾、救灾和灾后重建工作，累计救助灾民6800万人次。",
         [["6800万"]], ["6800万|人次"]),
        ("争取明年新增发电装机达到300万千瓦以上。",
         [["300万"]], ["300万|千瓦"]),
        ("建成5G基站8.99万个、覆盖95%以上行政村",
         [["5G"], ["8.99万"], ["95", "%"]], ["8.99万|个"]),
        ("制定实施G60科创走廊策源地建设支持措施，建设全国统一大市场先行区等12个重点合作事项加快落地",
         [["G60"], ["12"]], ["12|个"]),
        # pkuseg alone cuts 一百四十|一个: the number in Chinese numerals is kept whole, its classifier apart
        ("我国在第一个五年计划期间新建和改建的重大工业建设项目约有六百个，大家所知道的苏联协助我国建设的一百四十一个项目就是其中的骨干。",
         [["六百", "个"], ["一百四十一", "个"], ["第一", "个"]], []),
        # a written-out percentage and a decimal are one token each (pkuseg: 百分之|二十一|点|四, 一|点|二)
        ("比一九五六年，铁路货物周转量增长百分之十一点八，公路汽车货物周转量增长百分之八点四，交通部直属的内河和沿海运输企业的货物周转量分别增长百分之二十一点四和百分之二十九点二。",
         [["增长", "百分之二十一点四", "和", "百分之二十九点二"]], []),
        ("以1957年的计划数字同1952年的实际数字作比较，我国的工业总产值增长一点二倍，即增加三百三十三亿元。",
         [["一点二", "倍"], ["三百三十三亿", "元"]], []),
        # the complement 好 is cut from the count after it (pkuseg: 办|好十|件)
        ("坚持民生投入只增不减，每年70%左右财政支出用于民生事业，每年办好十件民生实事。", [["好", "十", "件"]], []),
    ],
)
def test_tokenizer_aligns_figures_and_units_in_report_sentences(nlp, text, runs, spans):
    doc = nlp(text)
    words = [t.text for t in doc]
    for run in runs:
        assert contains_run(words, run), (run, words)
    for part in spans:
        assert aligned(doc, text, part), (part, words)


@pytest.mark.parametrize("text", ["“ 四人帮”恶毒攻击执行这些政策是“复辟资本主义”", "增长 5%，新增就业1.2万人",
                                  "城镇新增就业261.6万人。", " 前后有空格 "])
def test_tokenizer_keeps_the_text_with_and_without_whitespace(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    assert "".join(t.text for t in doc if not t.is_space) == "".join(text.split())


def test_tokenizer_keeps_lexicon_terms_whole(nlp):
    words = tokens(nlp, "城镇登记失业率控制在5.5%左右，一般公共预算收入增长3%。")
    assert "城镇登记失业率" in words
    assert "一般公共预算收入" in words
    assert contains_run(words, ["5.5", "%"])


def test_tokenizer_round_trips_through_spacy_load(nlp, tmp_path):
    text = "一般公共预算收入2.1亿元，增长5.3%。"
    nlp.to_disk(tmp_path / "tok")
    reloaded = spacy.load(tmp_path / "tok")
    assert [t.text for t in reloaded(text)] == tokens(nlp, text)


# --- the shipped files ----------------------------------------------------------------------
def test_shipped_model_files_are_small_and_carry_the_lexicon():
    model_dir = default_model_dir()
    for path in model_dir.iterdir():
        assert path.stat().st_size <= 40 * 1024 * 1024, path
    assert (model_dir / USER_DICT_NAME).read_text(encoding="utf-8") == LEXICON.read_text(
        encoding="utf-8"
    ), "models/pkuseg/user_dict.txt is a copy of data/lexicon/report_terms.txt: retrain or copy"


def test_lexicon_entries_never_glue_numbers_or_units():
    entries = LEXICON.read_text(encoding="utf-8").splitlines()
    assert entries and len(entries) == len(set(entries))
    for entry in entries:
        assert entry == entry.strip() and entry, repr(entry)
        assert all("\u4e00" <= c <= "\u9fff" for c in entry), entry
        assert entry[0] not in "万亿千百余多个%％元户项", entry
        assert entry[-1] not in "万亿千百十一二三四五六七八九两", entry


# --- retraining -----------------------------------------------------------------------------
def test_train_segmenter_writes_a_loadable_model(nlp, tmp_path):
    from nlp.training.segmenter import train_segmenter

    sentences = [
        "城镇新增就业261.6万人，高校毕业生去向落实率逐年提升。",
        "高校毕业生初次就业率77.8％，同比提高1.2个百分点。",
        "全年全社会固定资产投资增长25.8%，增幅比一季度回落17.2个百分点。",
        "筹建保障性租赁住房10531套(间),新增公租房保障家庭3055户。",
        "从2004年7月1日起，全国提高企业退休人员基本养老金标准。",
        "建成5G基站8.99万个、覆盖95%以上行政村。",
    ]
    lines = ["  ".join(tokens(nlp, s)) + "\n" for s in sentences] * 6  # 36 sentences
    corpus = tmp_path / "cws"
    for rel in ("sxu/train.txt", "sxu/test.txt", "sighan2005/pku_test_gold.utf8"):
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_text("".join(lines), encoding="utf-8")

    out = tmp_path / "model"
    metrics = train_segmenter(out, corpus_dir=corpus, lexicon=LEXICON, iterations=1,
                              min_feature_count=1, heldout_block=2)

    assert {"features.msgpack", "weights.npz", USER_DICT_NAME, "metrics.json"} <= {
        p.name for p in out.iterdir()
    }
    assert metrics["heldout_pku"]["n_sentences"] > 0
    assert 0.0 < metrics["heldout_pku"]["f1"] <= 1.0
    retrained = make_tokenizer_nlp(out)
    assert contains_run(tokens(retrained, "比上年增长63.9%。"), ["63.9", "%"])
