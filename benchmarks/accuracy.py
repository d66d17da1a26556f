"""Accuracy of the shipped NER and relation rules, written to benchmarks/results/accuracy.json.

- NER: P/R/F per label on the test split of data/annotations (reports training never saw), for the shipped
  model and for the regex baseline; and on the calibration set when it is present beside the project. For the
  model, a 95% bootstrap interval of each F1 (sentences resampled), since a few hundred sentences say little
  about the third decimal.
- Facts: on data/annotations/test_facts.jsonl, with the annotated entities (the rules alone) and with the
  model's entities (the pipeline); on dev_facts.jsonl (the set the rules were tuned on, for reference);
  and on the calibration facts, whose section kinds come from running the
  structure stage on their source reports.

    python benchmarks/accuracy.py [--shared ../shared] [--model models/ner]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import spacy

from nlp import segment  # noqa: F401  (registers the tokenizer)
from nlp.clean import clean
from nlp.ingest import read_file
from nlp.metadata import extract_metadata
from nlp.relations import Span, extract_facts
from nlp.structure import structure
from nlp.training import ner
from nlp.training.facts import score_facts
from nlp.training.fixtures import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "data" / "annotations"


def _spans(example: dict) -> list[Span]:
    return [Span(s["label"], s["start"], s["end"]) for s in example["spans"]]


def _model_spans(nlp, text: str) -> list[Span]:
    return [Span(e.label_, e.start_char, e.end_char) for e in nlp(text).ents]


def _facts(text: str, spans: list[Span], kind: str, year: int | None) -> list[dict]:
    return [asdict(f) for f in extract_facts(text, spans, kind, year)]


def _places(shared: Path, sources: set[str]) -> dict[str, tuple[dict, int | None]]:
    """section kind of every sentence of the named reports, from the pipeline's own stages."""
    reports = {p.name: p for p in [*(shared / "corpus" / "reports").glob("*/*.txt"), *(shared / "seeds").glob("*.txt")]}
    places = {}
    for source in sources & set(reports):
        cleaned = clean(read_file(reports[source]).text).text
        meta = extract_metadata(cleaned, source)
        places[source] = ({s.text: s.section_kind for s in structure(cleaned, meta.report_year)}, meta.report_year)
    return places


def _summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "misses"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "ner")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.json")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    test = ner.load_split(ANNOTATIONS, "test")
    predict = ner.predict_model(nlp)
    results: dict = {}
    results["ner_test"], results["ner_test_f1_interval_95"] = ner.evaluate_with_intervals(predict, test)
    results["ner_test_baseline"] = ner.evaluate(ner.predict_baseline, test)
    by_id = {e["meta"]["id"]: e for e in test}
    records = list(read_jsonl(ANNOTATIONS / "test_facts.jsonl"))
    gold = [r["facts"] for r in records]
    results["facts_test_gold_entities"] = _summary(score_facts(gold, [
        _facts(r["text"], _spans(by_id[r["id"]]), r["section_kind"], r["report_year"]) for r in records]))
    results["facts_test_model_entities"] = _summary(score_facts(gold, [
        _facts(r["text"], _model_spans(nlp, r["text"]), r["section_kind"], r["report_year"]) for r in records]))

    # the dev facts tuned the relation rules: reported for reference, the test facts are the measure
    dev_by_id = {e["meta"]["id"]: e for e in ner.load_split(ANNOTATIONS, "dev")}
    dev_records = list(read_jsonl(ANNOTATIONS / "dev_facts.jsonl"))
    results["facts_dev_gold_entities_tuning_set"] = _summary(score_facts([r["facts"] for r in dev_records], [
        _facts(r["text"], _spans(dev_by_id[r["id"]]), r["section_kind"], r["report_year"]) for r in dev_records]))

    calibration_path = args.shared / "calibration" / "calibration.jsonl"
    if calibration_path.exists():
        calibration = list(read_jsonl(calibration_path))
        results["ner_calibration"], results["ner_calibration_f1_interval_95"] = ner.evaluate_with_intervals(
            predict, calibration)
        results["ner_calibration_baseline"] = ner.evaluate(ner.predict_baseline, calibration)
        places = _places(args.shared, {c["meta"]["source"] for c in calibration})
        kinds = []
        for c in calibration:
            sentence_kinds, year = places.get(c["meta"]["source"], ({}, None))
            kinds.append((sentence_kinds.get(c["text"], "other"), year))
        results["calibration_section_kind_found"] = sum(k != "other" for k, _ in kinds)
        cal_gold = [c["facts"] for c in calibration]
        results["facts_calibration_gold_entities"] = _summary(score_facts(cal_gold, [
            _facts(c["text"], _spans(c), kind, year) for c, (kind, year) in zip(calibration, kinds)]))
        results["facts_calibration_model_entities"] = _summary(score_facts(cal_gold, [
            _facts(c["text"], _model_spans(nlp, c["text"]), kind, year) for c, (kind, year) in zip(calibration, kinds)]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, value in results.items():
        if isinstance(value, dict) and "ALL" in value and isinstance(value["ALL"], list):
            print(f"{name:32s}", "  ".join(f"{label} {low:.3f}-{high:.3f}" for label, (low, high) in value.items()))
        elif isinstance(value, dict) and "ALL" in value:
            print(f"{name:32s}", "  ".join(f"{label} {row['f']:.3f}" for label, row in value.items()))
        elif isinstance(value, dict):
            print(f"{name:32s}", value["fact"], value["fields"])


if __name__ == "__main__":
    main()
