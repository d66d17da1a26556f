"""NER training helpers: fixtures → DocBin (alignment checked), span scoring, model and baseline evaluation."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from nlp.baseline import baseline_spans
from nlp.ner import candidate_windows
from nlp.training.fixtures import LABELS, read_jsonl

logger = logging.getLogger(__name__)

SpanSet = set[tuple[int, int, str]]


@dataclass
class Conversion:
    """What converting fixtures to spaCy docs found: how many sentences and windows (the docs), how many spans
    lined up with the tokens."""

    n_sentences: int = 0
    n_docs: int = 0
    n_spans: int = 0
    misaligned: list[str] = field(default_factory=list)

    @property
    def aligned_share(self) -> float:
        """Share of spans whose boundaries fell on token boundaries as the tokenizer cut them."""
        return 1.0 - len(self.misaligned) / self.n_spans if self.n_spans else 1.0


def load_split(annotations_dir: Path, split: str) -> list[dict]:
    """The fixture lines of one split (train, dev or test)."""
    path = Path(annotations_dir) / f"{split}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: annotations come as train/dev/test.jsonl in {annotations_dir}")
    return list(read_jsonl(path))


def _split_at(doc: Doc, cuts: Iterable[int]) -> Doc:
    """The same text re-tokenized so that every offset in `cuts` is a token boundary."""
    bounds = {0, len(doc.text)}
    for token in doc:
        bounds.update((token.idx, token.idx + len(token.text)))
    bounds.update(cuts)
    ordered = sorted(bounds)
    words, spaces = [], []
    for start, end in zip(ordered, ordered[1:]):
        piece = doc.text[start:end]
        if piece.isspace():
            if spaces:
                spaces[-1] = True
            continue
        words.append(piece)
        spaces.append(False)
    return Doc(doc.vocab, words=words, spaces=spaces)


def to_doc(nlp: Language, example: dict, conversion: Conversion) -> Doc:
    """A training Doc with gold entities; a span that crosses token boundaries is warned about and kept
    by splitting the tokens at its edges (never dropped)."""
    doc = nlp.make_doc(example["text"])
    spans = sorted(example.get("spans", []), key=lambda s: s["start"])
    misaligned = [s for s in spans if doc.char_span(s["start"], s["end"]) is None]
    for span in misaligned:
        text = example["text"][span["start"] : span["end"]]
        conversion.misaligned.append(f"{span['label']} {text!r} in {example['text']!r}")
        logger.warning("span %s %r does not align with tokens %s", span["label"], text, [t.text for t in doc])
    if misaligned:
        doc = _split_at(doc, [s["start"] for s in misaligned] + [s["end"] for s in misaligned])
    doc.ents = [doc.char_span(s["start"], s["end"], label=s["label"]) for s in spans]
    conversion.n_docs += 1
    conversion.n_spans += len(spans)
    return doc


def windows_of(example: dict) -> list[dict]:
    """The example cut into the candidate windows the pipeline reads (nlp.ner.candidate_windows)."""
    pieces = []
    for start, end in candidate_windows(example["text"]):
        spans = [
            {**s, "start": s["start"] - start, "end": s["end"] - start}
            for s in example.get("spans", [])
            if start <= s["start"] and s["end"] <= end
        ]
        pieces.append({**example, "text": example["text"][start:end], "spans": spans})
    return pieces


def to_docbin(nlp: Language, examples: Sequence[dict], out: Path) -> Conversion:
    """Write examples as a DocBin for `spacy train`, cut into the windows the pipeline reads at run time;
    returns the alignment report."""
    conversion = Conversion()
    docbin = DocBin(store_user_data=False)
    for example in examples:
        conversion.n_sentences += 1
        for window in windows_of(example):
            docbin.add(to_doc(nlp, window, conversion))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(out)
    return conversion


def gold_spans(example: dict) -> SpanSet:
    """The annotated spans of one example as (start, end, label)."""
    return {(s["start"], s["end"], s["label"]) for s in example.get("spans", [])}


def _counts(gold: SpanSet, predicted: SpanSet) -> list[tuple[int, int, int]]:
    """(true positives, predicted, gold) of one sentence for each label of LABELS, in order."""
    return [
        (len({s for s in gold if s[2] == label} & {s for s in predicted if s[2] == label}),
         sum(s[2] == label for s in predicted), sum(s[2] == label for s in gold))
        for label in LABELS
    ]


def _totals(sentences: Iterable[list[tuple[int, int, int]]]) -> dict[str, list[int]]:
    """The counts of `_counts` summed over sentences, per label and overall (micro)."""
    totals = {label: [0, 0, 0] for label in (*LABELS, "ALL")}
    for counts in sentences:
        for label, label_counts in zip(LABELS, counts, strict=True):
            for key in (label, "ALL"):
                for k in range(3):
                    totals[key][k] += label_counts[k]
    return totals


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def score(gold: Sequence[SpanSet], predicted: Sequence[SpanSet]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per label and overall (micro), exact span and label match."""
    totals = _totals(_counts(g, p) for g, p in zip(gold, predicted, strict=True))
    return {
        label: {"p": round(tp / n_pred if n_pred else 0.0, 4), "r": round(tp / n_gold if n_gold else 0.0, 4),
                "f": round(_f1(tp, n_pred, n_gold), 4), "n": n_gold}
        for label, (tp, n_pred, n_gold) in totals.items()
    }


def bootstrap_intervals(gold: Sequence[SpanSet], predicted: Sequence[SpanSet], *, samples: int = 2000,
                        level: float = 0.95, seed: int = 0) -> dict[str, list[float]]:
    """Percentile bootstrap interval of each label's F1 (and ALL), resampling the sentences with replacement.

    It says how far a score on a split of a few hundred sentences can be trusted: the first test split, of 467
    sentences, could not tell 0.975 from 0.98. Sentences of one report are alike, so the true uncertainty is, if anything, wider.
    """
    per_sentence = [_counts(g, p) for g, p in zip(gold, predicted, strict=True)]
    rng = random.Random(seed)
    scores: dict[str, list[float]] = {label: [] for label in (*LABELS, "ALL")}
    for _ in range(samples):
        totals = _totals(rng.choice(per_sentence) for _ in per_sentence)
        for label, counts in totals.items():
            scores[label].append(_f1(*counts))
    tail = (1 - level) / 2
    return {
        label: [round(values[int(tail * (samples - 1))], 4), round(values[int((1 - tail) * (samples - 1))], 4)]
        for label, values in ((label, sorted(v)) for label, v in scores.items())
    }


def predict_model(nlp: Language) -> Callable[[str], SpanSet]:
    """A predictor from a trained pipeline, reading the candidate windows as the extraction flow does."""

    def predict(text: str) -> SpanSet:
        return {
            (start + e.start_char, start + e.end_char, e.label_)
            for start, end in candidate_windows(text)
            for e in nlp(text[start:end]).ents
        }

    return predict


def predict_baseline(text: str) -> SpanSet:
    """The regex baseline as a predictor."""
    return set(baseline_spans(text))


def evaluate(predict: Callable[[str], SpanSet], examples: Sequence[dict]) -> dict[str, dict[str, float]]:
    """Per-label scores of a predictor on examples."""
    return score([gold_spans(e) for e in examples], [predict(e["text"]) for e in examples])


def evaluate_with_intervals(predict: Callable[[str], SpanSet], examples: Sequence[dict]
                            ) -> tuple[dict[str, dict[str, float]], dict[str, list[float]]]:
    """Per-label scores of a predictor on examples and the 95% bootstrap interval of each F1."""
    gold, predicted = [gold_spans(e) for e in examples], [predict(e["text"]) for e in examples]
    return score(gold, predicted), bootstrap_intervals(gold, predicted)


def is_better(new: dict, shipped: dict | None) -> bool:
    """Promote when there is no shipped model or the new one is at least as good (overall F1 on the test split)."""
    return shipped is None or new["ALL"]["f"] >= shipped["ALL"]["f"]


def spacy_train(config: Path, output: Path, *, train: Path, dev: Path, pkuseg_model: Path,
                overrides: dict | None = None) -> Path:
    """Run `spacy train` on the config with the given corpora and tokenizer model; returns model-best."""
    from spacy.cli.train import train as train_cli

    user_dict = Path(pkuseg_model) / "user_dict.txt"
    settings = {
        "paths.train": str(train),
        "paths.dev": str(dev),
        "paths.pkuseg_model": str(pkuseg_model),
        "paths.pkuseg_user_dict": str(user_dict) if user_dict.is_file() else None,
        **(overrides or {}),
    }
    train_cli(Path(config), Path(output), use_gpu=-1, overrides=settings)
    return Path(output) / "model-best"


def promote(candidate: Path, target: Path) -> None:
    """Replace the shipped model directory with `candidate` (copied beside it, then renamed into place)."""
    import shutil

    target = Path(target)
    staging = target.with_name(f".{target.name}.new")
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(candidate, staging)
    if target.exists():
        shutil.rmtree(retired, ignore_errors=True)
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
