"""Draw the sentences to annotate from the report corpus, split by report, pre-annotated by the baseline.

Developer tool (reads the corpus beside the project): writes data/annotations/work/batch_NN.tsv with
columns id, split, source, doc_id, markup. Sentences of the calibration set are never drawn.

    python -m scripts.sample_sentences --shared ../shared --per-report 36 --batches 6

With --extra N it draws N more sentences from the reports of one split (--split, train by default), not
yet in any batch, into batches numbered after the existing ones. --extra-kind says which: `numerals` (the
default), each with a Chinese numeral that is a number (not 进一步, 第一, 一是: nlp/resources/not_numbers.txt);
`quotes`, each with a quoted phrase (quoted speech, metaphors and criticised formulas are where the model
finds slogans that are none); `candidates`, each with a digit, a Chinese numeral or a quotation mark (every
sentence that can hold an entity, as it comes: the kind to grow the test split with, since a test drawn for
one difficulty would no longer measure the reports); `any`, any sentence. --before YEAR keeps reports of
earlier years only. The test split grows only from its own reports, so it still holds no report that training
saw.

    python -m scripts.sample_sentences --extra 300 --batches 2
    python -m scripts.sample_sentences --extra 700 --batches 3 --extra-kind quotes --before 2026
    python -m scripts.sample_sentences --extra 250 --batches 1 --extra-kind any --split dev
    python -m scripts.sample_sentences --extra 1000 --batches 4 --extra-kind candidates --split test
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

from nlp.baseline import baseline_spans
from nlp.clean import clean
from nlp.ingest import read_file
from nlp.metadata import extract_metadata
from nlp.structure import structure
from nlp.training.fixtures import to_markup

ROOT = Path(__file__).resolve().parents[1]
HAS_ARABIC = re.compile(r"\d")
HAS_CHINESE_NUMBER = re.compile(r"[一二两三四五六七八九十百千万亿半]")
HAS_QUOTE = re.compile(r"[“‘「]")
NOT_LETTER = re.compile(r"[\W_]+")
MAX_CHARS = 220
MIN_CHARS = 8


def _letters(text: str) -> str:
    """Text without punctuation and spaces: calibration sentences differ from ours in comma width at most."""
    return NOT_LETTER.sub("", text)


def _near_calibration(letters: str, calibration: set[str]) -> bool:
    return letters in calibration or any(letters in c or c in letters for c in calibration if len(c) > 20)


def _split_of(source: str, test: set[str], dev: set[str]) -> str:
    return "test" if source in test else "dev" if source in dev else "train"


def _choose_splits(reports: list[Path], seed: int) -> tuple[set[str], set[str]]:
    """Test and dev reports: provincial, national across decades and one seed each, never mixed with train."""
    rng = random.Random(seed)
    prov = sorted(p.name for p in reports if p.parent.name == "prov2026")
    national = sorted(p.name for p in reports if p.parent.name == "national")
    seeds = sorted(p.name for p in reports if p.parent.name == "seeds")
    rng.shuffle(prov)
    decades: dict[str, list[str]] = {}
    for name in national:
        decades.setdefault(name[:3], []).append(name)
    national_test = [rng.choice(sorted(v)) for _, v in sorted(decades.items())][:5]
    rest = [n for n in national if n not in national_test]
    rng.shuffle(rest)
    test = set(prov[:7] + national_test + [seeds[0]])
    dev = set(prov[7:11] + rest[:4] + [seeds[1]])
    return test, dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--per-report", type=int, default=36)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "annotations" / "work")
    parser.add_argument("--extra", type=int, default=0,
                        help="draw this many more sentences of one split's reports into new batches")
    parser.add_argument("--extra-kind", choices=("numerals", "quotes", "candidates", "any"), default="numerals",
                        help="numerals: sentences with a Chinese numeral that is a number; quotes: with a quoted "
                             "phrase; candidates: with a digit, a Chinese numeral or a quotation mark; any: any sentence")
    parser.add_argument("--split", choices=("train", "dev", "test"), default="train",
                        help="with --extra: the split whose reports are drawn from")
    parser.add_argument("--before", type=int, default=None,
                        help="with --extra: only reports of years before this one")
    args = parser.parse_args()

    calibration = {_letters(json.loads(line)["text"]) for line in (args.shared / "calibration" / "calibration.jsonl").open(encoding="utf-8")}
    reports = sorted((args.shared / "corpus" / "reports").glob("*/*.txt")) + sorted((args.shared / "seeds").glob("*.txt"))
    test, dev = _choose_splits(reports, args.seed)
    rng = random.Random(args.seed)
    if args.extra:
        _extra(args, reports, test, dev, calibration, rng)
        return
    rows = []
    for path in reports:
        raw = read_file(path)
        cleaned = clean(raw.text)
        meta = extract_metadata(cleaned.text, source=path.name)
        sentences = [
            s.text for s in structure(cleaned.text, meta.report_year)
            if MIN_CHARS <= len(s.text) <= MAX_CHARS and not _near_calibration(_letters(s.text), calibration)
        ]
        sentences = sorted(set(sentences))
        rng.shuffle(sentences)
        numeric = [s for s in sentences if HAS_ARABIC.search(s) or HAS_QUOTE.search(s)]
        chinese = [s for s in sentences if s not in numeric and HAS_CHINESE_NUMBER.search(s)]
        plain = [s for s in sentences if s not in numeric and s not in chinese]
        quota = args.per_report
        chosen = numeric[: int(quota * 0.6)] + chinese[: int(quota * 0.2)]
        chosen += plain[: quota - len(chosen)]
        for text in chosen:
            rows.append((_split_of(path.name, test, dev), path.name, raw.doc_id, text))
    rng.shuffle(rows)
    _write_batches(args.out, rows, args.batches, first=0)
    counts = {s: sum(1 for r in rows if r[0] == s) for s in ("train", "dev", "test")}
    print(f"{len(rows)} sentences from {len(reports)} reports in {args.batches} batches: {counts}")
    print(f"test reports: {sorted(test)}\ndev reports: {sorted(dev)}")


def _extra(args, reports: list[Path], test: set[str], dev: set[str], calibration: set[str], rng: random.Random) -> None:
    """args.extra sentences of args.extra_kind from args.split's reports, not drawn before."""
    from nlp.ner import not_numbers

    def numeral(sentence: str) -> bool:
        return bool(HAS_CHINESE_NUMBER.search(not_numbers().sub("", sentence)))

    def wanted(sentence: str) -> bool:
        if args.extra_kind == "quotes":
            return bool(HAS_QUOTE.search(sentence))
        if args.extra_kind == "any":
            return True
        if args.extra_kind == "candidates":
            return bool(HAS_ARABIC.search(sentence) or HAS_QUOTE.search(sentence)) or numeral(sentence)
        return numeral(sentence)

    drawn = {line.split("\t")[0] for batch in args.out.glob("batch_*.tsv")
             for line in batch.read_text(encoding="utf-8").splitlines()[1:]}
    first = len(list(args.out.glob("batch_??.tsv")))
    candidates = []
    for path in reports:
        if _split_of(path.name, test, dev) != args.split:
            continue
        raw = read_file(path)
        cleaned = clean(raw.text)
        meta = extract_metadata(cleaned.text, source=path.name)
        if args.before is not None and (meta.report_year is None or meta.report_year >= args.before):
            continue
        for s in sorted({s.text for s in structure(cleaned.text, meta.report_year)}):
            sid = hashlib.sha1(f"{raw.doc_id}:{s}".encode()).hexdigest()[:12]
            if (MIN_CHARS <= len(s) <= MAX_CHARS and sid not in drawn
                    and wanted(s)
                    and not _near_calibration(_letters(s), calibration)):
                candidates.append((args.split, path.name, raw.doc_id, s))
    rng.shuffle(candidates)
    rows = candidates[: args.extra]
    _write_batches(args.out, rows, args.batches, first=first)
    print(f"{len(rows)} of {len(candidates)} candidate {args.split} sentences ({args.extra_kind}) in batches {first}..{first + args.batches - 1}")


def _write_batches(out: Path, rows: list[tuple[str, str, str, str]], batches: int, first: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(rows) // batches)
    for b in range(first, first + batches):
        with (out / f"batch_{b:02d}.tsv").open("w", encoding="utf-8") as handle:
            handle.write("id\tsplit\tsource\tdoc_id\tmarkup\n")
            for split, source, doc_id, text in rows[(b - first) * size : (b - first + 1) * size]:
                spans = [{"start": s, "end": e, "label": label} for s, e, label in baseline_spans(text)]
                sid = hashlib.sha1(f"{doc_id}:{text}".encode()).hexdigest()[:12]
                handle.write(f"{sid}\t{split}\t{source}\t{doc_id}\t{to_markup(text, spans)}\n")


if __name__ == "__main__":
    main()
