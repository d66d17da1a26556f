"""Harvest candidate report terms for the pkuseg user dictionary from the report corpus.

Segments every report sentence with the plain pkuseg model (no user dictionary, no rules),
counts runs of 2–4 tokens that recur across reports and end like an indicator, an
institution or a policy term, and writes the candidates with their counts as a TSV for review:

    python scripts/build_lexicon.py --reports ../shared/corpus/reports \
        --model models/pkuseg --out /tmp/seg/lexicon_candidates.tsv

The reviewed list is data/lexicon/report_terms.txt (one term a line); this script only
proposes. A candidate is dropped automatically when it holds a digit or numeral at either
end, or when the corpus ever writes it right after a number (it would glue a unit or
classifier to its figure, e.g. 项目 in 20项目 or 万元 in 5000万元).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

from rich.progress import track

from nlp.segment import load_pkuseg
from nlp.clean import normalize_width

SENTENCE_END = re.compile(r"(?<=[。！？；\n])")
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
NUMERAL_EDGE = re.compile(r"^[\d零〇两十百千万亿余多几]|[\d零〇一二两三四五六七八九十百千万亿]$")

#: Endings that make a run of tokens a term worth keeping whole.
CATEGORIES = {
    "indicator": (
        "率", "收入", "总值", "总额", "增加值", "支出", "产值", "总量", "价格", "指数", "面积",
        "零售总额", "进出口", "产量", "能耗", "浓度", "天数", "比重", "比例", "投资", "余额",
        "利润", "营收", "覆盖率", "密度", "人数", "资金", "赤字", "债券", "税收", "消费",
    ),
    "institution": (
        "委员会", "人民政府", "人民代表大会", "政治协商会议", "常委会", "法院", "检察院",
        "办公室", "办公厅", "监察委员会", "党委", "党组", "国务院", "政协", "人大", "中心",
    ),
    "policy": (
        "体系", "机制", "制度", "改革", "行动", "工程", "战略", "试点", "示范区", "一体化",
        "经济带", "经济圈", "自贸区", "自由贸易试验区", "新区", "城市群", "保障", "服务",
        "建设", "攻坚战", "责任制", "长效机制", "振兴", "发展", "产业", "创新", "治理",
        "安全", "保护", "整治", "工作", "制造", "经济", "集群", "平台", "示范",
    ),
}


def category(term: str) -> str | None:
    """The category whose ending ``term`` has, longest ending first; None if none."""
    best = None
    for name, endings in CATEGORIES.items():
        for ending in endings:
            if term.endswith(ending) and len(term) > len(ending):
                if best is None or len(ending) > best[1]:
                    best = (name, len(ending))
    return best[0] if best else None


def sentences(reports_dir: Path) -> list[tuple[str, str]]:
    """(document name, sentence) pairs of every .txt report under ``reports_dir``."""
    out = []
    for path in sorted(reports_dir.rglob("*.txt")):
        text = normalize_width(path.read_text(encoding="utf-8"))
        for sent in SENTENCE_END.split(text):
            sent = sent.strip()
            if sent:
                out.append((path.name, sent))
    return out


#: First tokens that make a run a verb phrase or a coordination, not a term.
LEADING_STOP = set(
    "加快 大力 推动 促进 积极 深化 加强 推进 实施 完善 坚持 全面 持续 进一步 不断 着力 扎实 "
    "稳步 统筹 支持 鼓励 提高 提升 健全 建立 建设 发展 开展 落实 做好 抓好 实现 保持 和 与 及 "
    "的 我国 我们 全国 全省 全市 各 各项 重点 主要 有效 切实 努力 深入 优化 强化 增强 扩大 "
    "构建 打造 培育 巩固 创新 保障 服务 改革 经济 社会 社会主义 国家 中国 城乡 农村 城市 "
    "是 在 为 对 把 以 等 了 新 大 好 高".split()
)


def harvest(reports_dir: Path, model_dir: Path, *, min_count: int, min_docs: int,
            min_cohesion: float) -> list[dict]:
    """Candidate terms with counts, document frequency, category, cohesion and parts.

    Cohesion is the term's count over the count of its rarest part: 1.0 when that part
    only ever occurs inside the term (登记 in 城镇登记失业率), small for free phrases.
    """
    seg = load_pkuseg(model_dir)
    pairs = sentences(reports_dir)
    unigrams: Counter[str] = Counter()
    count: Counter[str] = Counter()
    docs: defaultdict[str, set[str]] = defaultdict(set)
    parts: dict[str, str] = {}
    for doc, sent in track(pairs, description="segmenting reports"):
        words = seg.cut(sent)
        unigrams.update(words)
        for n in (2, 3, 4):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                term = "".join(gram)
                if not (4 <= len(term) <= 10) or not HAN.match(term):
                    continue
                count[term] += 1
                docs[term].add(doc)
                parts.setdefault(term, "|".join(gram))
    corpus = "\n".join(s for _, s in pairs)
    rows = []
    for term, n in count.most_common():
        if n < min_count or len(docs[term]) < min_docs:
            continue
        cat = category(term)
        if cat is None or NUMERAL_EDGE.search(term):
            continue
        gram = parts[term].split("|")
        if gram[0] in LEADING_STOP or gram[-1] in ("和", "与", "的"):
            continue
        cohesion = n / min(unigrams[w] for w in gram)
        if cohesion < min_cohesion:
            continue
        if re.search(r"[\d万亿千百余多]" + re.escape(term), corpus):
            continue
        rows.append({"term": term, "count": n, "docs": len(docs[term]), "category": cat,
                     "cohesion": round(cohesion, 2), "parts": parts[term]})
    # drop a candidate that is only ever part of a longer candidate with the same count
    kept = []
    terms = {r["term"]: r["count"] for r in rows}
    for row in rows:
        if any(row["term"] in t and t != row["term"] and c >= 0.8 * row["count"]
               for t, c in terms.items()):
            continue
        kept.append(row)
    return kept


def measure(reports_dir: Path, model_dir: Path, lexicon: Path) -> dict:
    """What the user dictionary changes on the report corpus, with the boundary rules on."""
    from nlp.segment import apply_boundaries

    plain = load_pkuseg(model_dir)
    with_dict = load_pkuseg(model_dir, user_dict=lexicon)
    terms = [t for t in lexicon.read_text(encoding="utf-8").split() if t]
    term_re = re.compile("|".join(sorted(map(re.escape, terms), key=len, reverse=True)))
    stats = Counter()
    for _, sent in track(sentences(reports_dir), description="measuring lexicon"):
        a = apply_boundaries(sent, plain.cut(sent))
        b = apply_boundaries(sent, with_dict.cut(sent))
        stats["sentences"] += 1
        stats["tokens_without"] += len(a)
        stats["tokens_with"] += len(b)
        if a != b:
            stats["sentences_changed"] += 1
            if any(re.search(r"\d", w) for w in set(a) ^ set(b)):
                stats["sentences_changed_at_a_number"] += 1
        for m in term_re.finditer(sent):
            stats["term_occurrences"] += 1
            for key, words in (("whole_without", a), ("whole_with", b)):
                pos = 0
                for w in words:
                    start = sent.find(w, pos)
                    pos = start + len(w)
                    if start == m.start() and pos == m.end():
                        stats["term_" + key] += 1
                        break
    return dict(stats)


def main() -> None:
    """Command line: write the candidate TSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=Path("models/pkuseg"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--measure", type=Path, metavar="LEXICON",
                        help="instead of harvesting, print what LEXICON changes")
    parser.add_argument("--min-count", type=int, default=10)
    parser.add_argument("--min-docs", type=int, default=5)
    parser.add_argument("--min-cohesion", type=float, default=0.25)
    args = parser.parse_args()
    if args.measure:
        print(measure(args.reports, args.model, args.measure))
        return
    if args.out is None:
        parser.error("--out is required when harvesting")
    rows = harvest(args.reports, args.model, min_count=args.min_count, min_docs=args.min_docs,
                   min_cohesion=args.min_cohesion)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("term\tcount\tdocs\tcategory\tcohesion\tparts\n")
        for r in rows:
            fh.write(f"{r['term']}\t{r['count']}\t{r['docs']}\t{r['category']}\t"
                     f"{r['cohesion']}\t{r['parts']}\n")
    print(f"{len(rows)} candidates written to {args.out}")


if __name__ == "__main__":
    main()
