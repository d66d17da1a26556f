"""The retrain flow: fixtures → DocBin → spacy train → test-split evaluation → promote if not worse."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import spacy
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from nlp import segment  # noqa: F401  (registers the govfacts tokenizer for spaCy)
from nlp.training import fixtures, ner

logger = logging.getLogger(__name__)
_TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}


@task(name="validate-fixtures", **_TASK_OPTIONS)
def validate_task(annotations: Path) -> None:
    """Refuse to train on fixtures with broken offsets, overlaps or unknown labels."""
    problems = fixtures.validate_files(sorted(Path(annotations).glob("*.jsonl")))
    if problems:
        raise fixtures.FixtureError(f"{len(problems)} problem(s) in the fixtures, e.g.:\n" + "\n".join(problems[:20]))


@task(name="convert", **_TASK_OPTIONS)
def convert_task(annotations: Path, split: str, out: Path, pkuseg_model: Path) -> ner.Conversion:
    """One split as a DocBin, tokenized by the shipped tokenizer; misaligned spans are warned about."""
    nlp = segment.build_tokenizer_nlp(pkuseg_model)
    conversion = ner.to_docbin(nlp, ner.load_split(annotations, split), out)
    if conversion.misaligned:
        logger.warning("%s: %d of %d spans do not align with tokens (kept by splitting tokens)",
                       split, len(conversion.misaligned), conversion.n_spans)
    return conversion


@task(name="spacy-train", **_TASK_OPTIONS)
def train_task(config: Path, output: Path, train: Path, dev: Path, pkuseg_model: Path, overrides: dict) -> Path:
    """Train with spaCy; returns the best model by dev F1."""
    return ner.spacy_train(config, output, train=train, dev=dev, pkuseg_model=pkuseg_model, overrides=overrides)


@task(name="evaluate", **_TASK_OPTIONS)
def evaluate_task(model: Path | None, examples: list[dict]) -> dict:
    """Per-label P/R/F of a model (or of the regex baseline when `model` is None) on examples."""
    if model is None:
        return ner.evaluate(ner.predict_baseline, examples)
    return ner.evaluate(ner.predict_model(spacy.load(model)), examples)


@task(name="evaluate-candidate", **_TASK_OPTIONS)
def evaluate_candidate_task(model: Path, examples: list[dict]) -> tuple[dict, dict]:
    """Per-label P/R/F of the new model on examples and the 95% bootstrap interval of each F1."""
    return ner.evaluate_with_intervals(ner.predict_model(spacy.load(model)), examples)


@dataclass
class TrainResult:
    """What a training run produced and decided."""

    candidate: Path
    metrics: dict
    shipped: dict | None
    promoted: bool


@flow(name="govfacts-train", validate_parameters=False)
def train_flow(annotations: Path, work_dir: Path, shipped_model: Path, pkuseg_model: Path, config: Path,
               overrides: dict | None = None, promote: bool = True) -> TrainResult:
    """Retrain the NER from the fixtures and promote it if it is at least as good on the test split."""
    validate_task(annotations)
    conversions = {
        split: convert_task(annotations, split, work_dir / f"{split}.spacy", pkuseg_model) for split in ("train", "dev")
    }
    candidate = train_task(config, work_dir / "output", work_dir / "train.spacy", work_dir / "dev.spacy",
                           pkuseg_model, overrides or {})
    test = ner.load_split(annotations, "test")
    test_scores, test_interval = evaluate_candidate_task(candidate, test)
    metrics = {
        "test": test_scores,
        "test_f1_interval_95": test_interval,
        "baseline_test": evaluate_task(None, test),
        "n_sentences": {split: c.n_sentences for split, c in conversions.items()} | {"test": len(test)},
        "n_windows": {split: c.n_docs for split, c in conversions.items()},
        "aligned_share": {split: round(c.aligned_share, 4) for split, c in conversions.items()},
    }
    (candidate / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    shipped = evaluate_task(shipped_model, test) if (shipped_model / "meta.json").exists() else None
    better = ner.is_better(metrics["test"], shipped)
    if promote and better:
        ner.promote(candidate, shipped_model)
    return TrainResult(candidate=candidate, metrics=metrics, shipped=shipped, promoted=promote and better)
