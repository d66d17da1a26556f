"""Build the resource of nlp.mojibake: the character bigram model.

The bigram model chooses among byte-legal repairs. The corrupted reports are traditional
Chinese, so the report corpus is converted with OpenCC s2t first, then to
`nlp.mojibake.model_text` form (ASCII sentence punctuation → full-width; digits and letters keep
their width, so that a full-width ２ before an ASCII 0 stays unlikely). Every line is padded with
nlp.mojibake.BOUNDARY at both ends.

    python scripts/build_mojibake_lm.py --reports ../shared/corpus/reports

Model file (gzip, UTF-8, tab-separated): `#total<TAB>N`, then `c<TAB>count<TAB>distinct followers`
for every character, then `ab<TAB>count` for the bigrams seen at least --min-count times.

(Pinyin readings need no resource: nlp.mojibake takes them from the document's own annotations and
from the pypinyin dictionary.)
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from pathlib import Path

import opencc

from nlp.mojibake import BOUNDARY, LM_PATH, model_text


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


def main() -> None:
    """Parse arguments, count the corpus, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True, help="corpus/reports folder (*.txt, recursively)")
    parser.add_argument("--out", type=Path, default=LM_PATH)
    parser.add_argument("--min-count", type=int, default=2, help="drop rarer bigrams (they fall back to unigrams)")
    args = parser.parse_args()
    files = sorted(args.reports.rglob("*.txt"))
    if not files:
        parser.error(f"no .txt files under {args.reports}")
    unigrams, bigrams = count_ngrams(files)
    write_model(unigrams, bigrams, args.out, args.min_count)
    print(f"{len(files)} files, {len(unigrams)} characters, {len(bigrams)} bigrams -> {args.out}")


if __name__ == "__main__":
    main()
