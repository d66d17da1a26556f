"""Prepare the facts annotation of an NER split: one record per sentence with FIGUREs, fields to fill.

Each record carries the sentence's section and section_kind (from the structure stage on its report) and
the report year, so annotators can decide status from the sentence's place in the report. Developer tool.

    python -m scripts.prepare_facts [--split test|dev] [--shared ../shared] [--parts 2]

writes data/annotations/work/facts_NN.jsonl for the test split, dev_facts_NN.jsonl for dev.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.clean import clean
from nlp.ingest import read_file
from nlp.metadata import extract_metadata
from nlp.structure import structure
from nlp.training.fixtures import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("indicator", "value", "unit", "qualifier", "change", "status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--parts", type=int, default=2)
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    args = parser.parse_args()
    reports = {p.name: p for p in [*(args.shared / "corpus" / "reports").glob("*/*.txt"), *(args.shared / "seeds").glob("*.txt")]}
    places: dict[str, tuple[dict, int | None]] = {}
    records = []
    for example in read_jsonl(ROOT / "data" / "annotations" / f"{args.split}.jsonl"):
        figures = [s for s in example["spans"] if s["label"] == "FIGURE"]
        if not figures:
            continue
        source = example["meta"]["source"]
        if source not in places:
            cleaned = clean(read_file(reports[source]).text).text
            meta = extract_metadata(cleaned, source)
            places[source] = ({s.text: s for s in structure(cleaned, meta.report_year)}, meta.report_year)
        sentences, report_year = places[source]
        place = sentences[example["text"]]
        text = example["text"]
        records.append({
            "id": example["meta"]["id"], "source": source, "report_year": report_year,
            "section": place.section, "section_kind": place.section_kind, "text": text,
            "units": [text[s["start"]:s["end"]] for s in example["spans"] if s["label"] == "UNIT"],
            "slogans": [text[s["start"]:s["end"]] for s in example["spans"] if s["label"] == "SLOGAN"],
            "facts": [{"start": f["start"], "end": f["end"], "figure": text[f["start"]:f["end"]], **dict.fromkeys(FIELDS)} for f in figures],
        })
    size = -(-len(records) // args.parts)
    for part in range(args.parts):
        prefix = "facts" if args.split == "test" else f"{args.split}_facts"
        path = ROOT / "data" / "annotations" / "work" / f"{prefix}_{part:02d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[part * size:(part + 1) * size]), encoding="utf-8")
    print(f"{len(records)} sentences, {sum(len(r['facts']) for r in records)} figures in {args.parts} parts")


if __name__ == "__main__":
    main()
