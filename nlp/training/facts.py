"""Scoring facts against annotated ones: fact F1 (figure span + value + unit) and field accuracy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FIELDS = ("indicator", "qualifier", "change", "status")
#: An indicator counts as right when its character-overlap F1 with the annotation reaches this.
INDICATOR_MIN_OVERLAP = 0.5


def overlap_f1(predicted: str, gold: str) -> float:
    """Character-overlap F1 of two phrases (multiset of characters); two empty phrases agree."""
    if not predicted or not gold:
        return float(predicted == gold)
    common = sum(min(predicted.count(c), gold.count(c)) for c in set(predicted))
    if not common:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def score_facts(gold: Iterable[Sequence[dict]], predicted: Iterable[Sequence[dict]]) -> dict:
    """Fact P/R/F (a predicted fact matches a gold one with the same figure span, value and unit), and among
    facts matched by figure span: the share with the right indicator, qualifier, change, status, value, unit."""
    n_gold = n_pred = n_match = n_span = 0
    right = dict.fromkeys((*FIELDS, "value", "unit"), 0)
    misses: list[tuple[dict, dict | None]] = []
    for gold_facts, predicted_facts in zip(gold, predicted, strict=True):
        by_span = {(f["start"], f["end"]): f for f in predicted_facts}
        n_gold += len(gold_facts)
        n_pred += len(predicted_facts)
        for g in gold_facts:
            p = by_span.get((g["start"], g["end"]))
            if p is None:
                misses.append((g, None))
                continue
            n_span += 1
            value_ok, unit_ok = _same_value(p["value"], g["value"]), p["unit"] == g["unit"]
            n_match += value_ok and unit_ok
            right["value"] += value_ok
            right["unit"] += unit_ok
            right["indicator"] += overlap_f1(p["indicator"], g["indicator"]) >= INDICATOR_MIN_OVERLAP
            for name in ("qualifier", "change", "status"):
                right[name] += p[name] == g[name]
            if not (value_ok and unit_ok) or any(p[n] != g[n] for n in ("qualifier", "change", "status")) or overlap_f1(p["indicator"], g["indicator"]) < INDICATOR_MIN_OVERLAP:
                misses.append((g, p))
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "fact": {"p": round(precision, 4), "r": round(recall, 4), "f": round(f1, 4), "n_gold": n_gold, "n_predicted": n_pred},
        "fields": {name: round(count / n_span, 4) if n_span else 0.0 for name, count in right.items()},
        "n_matched_spans": n_span,
        "misses": misses,
    }
