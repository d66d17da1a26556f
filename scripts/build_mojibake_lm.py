"""Build the resources of nlp.mojibake: the character bigram model, and the annotator's reading list.

The bigram model chooses among byte-legal repairs. The corrupted reports are traditional
Chinese, so the report corpus is converted with OpenCC s2t first, then to
`nlp.mojibake.model_text` form (ASCII sentence punctuation → full-width; digits and letters keep
their width, so that a full-width ２ before an ASCII 0 stays unlikely). Every line is padded with
nlp.mojibake.BOUNDARY at both ends.

    python scripts/build_mojibake_lm.py --reports ../shared/corpus/reports \
        [--annotated data/samples/003_5c6816b4f2d08723.txt]

Model file (gzip, UTF-8, tab-separated): `#total<TAB>N`, then `c<TAB>count<TAB>distinct followers`
for every character, then `ab<TAB>count` for the bigrams seen at least --min-count times.

With --annotated, the `Han(pinyin)` pairs of those pinyin-annotated (corrupted) files are written
to the reading list: the annotator annotates a fixed list of characters with one reading each,
so its readings pin lost bytes in documents too short to annotate the character themselves.
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from pathlib import Path

import opencc

from nlp.mojibake import BOUNDARY, LM_PATH, READINGS_PATH, annotation_pairs, model_text


def count_ngrams(files: list[Path]) -> tuple[Counter[str], Counter[str]]:
    """Unigram and bigram counts of the s2t-converted lines of `files` in `model_text` form."""
    s2t = opencc.OpenCC("s2t")
    unigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for path in files:
        text = model_text(s2t.convert(path.read_text(encoding="utf-8")))
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            padded = BOUNDARY + line + BOUNDARY
            unigrams.update(padded)
            bigrams.update(a + b for a, b in zip(padded, padded[1:]))
    return unigrams, bigrams


def write_model(unigrams: Counter[str], bigrams: Counter[str], out: Path, min_count: int) -> None:
    """Write the model file: the total, every unigram with its follower count, the kept bigrams."""
    followers: Counter[str] = Counter(pair[0] for pair in bigrams)
    lines = [f"#total\t{sum(unigrams.values())}"]
    lines += [f"{c}\t{n}\t{followers[c]}" for c, n in sorted(unigrams.items()) if c not in "\t\n"]
    lines += [f"{ab}\t{n}" for ab, n in sorted(bigrams.items()) if n >= min_count and not set(ab) & {"\t", "\n"}]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))  # no name, no time: the same corpus gives the same bytes


def harvest_readings(files: list[Path]) -> list[tuple[str, str]]:
    """The sorted (character, pinyin) pairs annotated in `files`."""
    return sorted(set().union(*(annotation_pairs(path.read_text(encoding="utf-8")) for path in files)))


def write_readings(pairs: list[tuple[str, str]], sources: list[Path], out: Path) -> None:
    """Write the reading list with a header that names its sources."""
    header = [
        "# Readings of the pinyin annotator's characters (one fixed reading each), for nlp.mojibake.",
        "# Harvested by scripts/build_mojibake_lm.py --annotated from: " + ", ".join(p.name for p in sources),
        "# character\tpinyin",
    ]
    out.write_text("\n".join(header + [f"{c}\t{p}" for c, p in pairs]) + "\n", encoding="utf-8")


def main() -> None:
    """Parse arguments, count the corpus, write the resources."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True, help="corpus/reports folder (*.txt, recursively)")
    parser.add_argument("--out", type=Path, default=LM_PATH)
    parser.add_argument("--min-count", type=int, default=2, help="drop rarer bigrams (they fall back to unigrams)")
    parser.add_argument("--annotated", type=Path, nargs="*", default=[], help="pinyin-annotated files to harvest")
    parser.add_argument("--readings-out", type=Path, default=READINGS_PATH)
    args = parser.parse_args()
    files = sorted(args.reports.rglob("*.txt"))
    if not files:
        parser.error(f"no .txt files under {args.reports}")
    unigrams, bigrams = count_ngrams(files)
    write_model(unigrams, bigrams, args.out, args.min_count)
    print(f"{len(files)} files, {len(unigrams)} characters, {len(bigrams)} bigrams -> {args.out}")
    if args.annotated:
        pairs = harvest_readings(args.annotated)
        write_readings(pairs, args.annotated, args.readings_out)
        print(f"{len(pairs)} readings -> {args.readings_out}")


if __name__ == "__main__":
    main()
