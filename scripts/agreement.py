"""Agreement between the fixtures and an independent second annotation pass (F1 per label, one pass as reference).

    python -m scripts.agreement [data/annotations/work/agreement.reviewed.tsv]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.training.fixtures import from_markup, read_jsonl
from nlp.training.ner import gold_spans, score
from scripts.build_fixtures import ANNOTATIONS, adjudications


def _second_pass(path: Path, adjudicate: bool) -> dict[str, set]:
    rules = adjudications() if adjudicate else []
    spans = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        sid, *_, markup = line.split("\t")
        for pattern, replacement in rules:
            markup = pattern.sub(replacement, markup)
        text, marks = from_markup(markup)
        spans[sid] = gold_spans({"spans": marks})
    return spans


def _first_pass_raw(ids: set[str]) -> dict[str, set]:
    spans = {}
    for batch in sorted((ANNOTATIONS / "work").glob("batch_*.reviewed.tsv")):
        for line in batch.read_text(encoding="utf-8").splitlines()[1:]:
            sid, *_, markup = line.split("\t")
            if sid in ids:
                spans[sid] = gold_spans({"spans": from_markup(markup)[1]})
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("second", type=Path, nargs="?", default=ANNOTATIONS / "work" / "agreement.reviewed.tsv")
    args = parser.parse_args()
    raw_second = _second_pass(args.second, adjudicate=False)
    raw_first = _first_pass_raw(set(raw_second))
    ids = sorted(set(raw_first) & set(raw_second))
    before = score([raw_first[i] for i in ids], [raw_second[i] for i in ids])
    fixtures = {e["meta"]["id"]: gold_spans(e) for split in ("train", "dev", "test") for e in read_jsonl(ANNOTATIONS / f"{split}.jsonl")}
    adjudicated = _second_pass(args.second, adjudicate=True)
    after = score([fixtures[i] for i in ids], [adjudicated[i] for i in ids])
    print(json.dumps({"sentences": len(ids), "before_adjudication": before, "after_adjudication_rules": after}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
