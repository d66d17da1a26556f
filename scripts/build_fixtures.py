"""Assemble data/annotations/{train,dev,test}.jsonl from the reviewed batches.

Applies data/annotations/adjudication.tsv, re-checks every line, drops sentences that are the calibration
set's up to punctuation, and normalises punctuation the way the cleaner does now (same length, so spans
keep their offsets). Developer tool: reads the calibration set beside the project.

    python -m scripts.build_fixtures [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from nlp.clean import normalize_punctuation
from nlp.training.fixtures import from_markup, validate, write_jsonl
from scripts.sample_sentences import _letters

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "data" / "annotations"


def adjudications() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, replacement) rows of adjudication.tsv."""
    rows = []
    for line in (ANNOTATIONS / "adjudication.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pattern, replacement = line.split("\t")[:2]
            rows.append((re.compile(pattern), replacement))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    calibration = {_letters(json.loads(line)["text"]) for line in (args.shared / "calibration" / "calibration.jsonl").open(encoding="utf-8")}
    rules = adjudications()
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    applied: Counter[str] = Counter()
    dropped = 0
    for batch in sorted((ANNOTATIONS / "work").glob("batch_*.reviewed.tsv")):
        for line in batch.read_text(encoding="utf-8").splitlines()[1:]:
            sid, split, source, doc_id, markup = line.split("\t")
            for pattern, replacement in rules:
                markup, n = pattern.subn(replacement, markup)
                applied[pattern.pattern] += n
            text, spans = from_markup(markup)
            if _letters(text) in calibration:
                dropped += 1
                continue
            normalized = normalize_punctuation(text)
            if len(normalized) == len(text):
                text = normalized
            example = {"text": text, "spans": spans, "meta": {"id": sid, "source": source, "doc_id": doc_id,
                                                             "batch": batch.name.split(".")[0], "reviewed": True}}
            problems = validate(example)
            if problems:
                raise SystemExit(f"{batch.name} {sid}: {problems}")
            splits[split].append(example)
    for split, examples in splits.items():
        write_jsonl(ANNOTATIONS / f"{split}.jsonl", sorted(examples, key=lambda e: e["meta"]["id"]))
    labels = Counter(s["label"] for examples in splits.values() for e in examples for s in e["spans"])
    reports = {e["meta"]["source"] for examples in splits.values() for e in examples}
    print({k: len(v) for k, v in splits.items()}, dict(labels), f"{len(reports)} reports,",
          f"{dropped} calibration duplicate(s) dropped; adjudications applied: {sum(applied.values())}")


if __name__ == "__main__":
    main()
