"""Train, evaluate and export the govfacts pkuseg segmentation model.

Training data (all under ``corpus_dir``, the ``cws`` folder of the shared corpus):

* ``sxu/train.txt`` (SIGHAN 2008 SXU, close to PKU) rewritten the PKU way where the two
  differ systematically (``pku_conventions``: dates ``2008年``/``7月``/``11日``, ``一个``, ...);
* ``sighan2005/pku_test_gold.utf8`` (PKU standard) minus a held-out split: blocks of
  ``HELDOUT_BLOCK`` lines, every ``HELDOUT_EVERY``-th block is held out and never trained on;
  the rest is repeated ``pku_repeat`` times;
* ``sighan2005/pku_training_words.utf8`` (the PKU training vocabulary), one word a line, when
  ``word_list`` is on, so pkuseg's word features know the PKU vocabulary.

MSR (keeps number+unit strings whole) and UD (another standard) are not used.
``sxu/test.txt`` is the monitor set pkuseg scores after each iteration; the PKU held-out split
is only read once, after training, for the reported word precision/recall/F1.
All text goes through the cleaner's ``normalize_width`` before training and scoring (SXU writes
full-width digits and letters), so the model sees what the pipeline will give it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.clean import normalize_width
from nlp.settings import PROJECT_DIR

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

SXU_TRAIN = Path("sxu/train.txt")
SXU_TEST = Path("sxu/test.txt")
PKU_GOLD = Path("sighan2005/pku_test_gold.utf8")
PKU_WORDS = Path("sighan2005/pku_training_words.utf8")

#: PKU held-out split: lines are cut into blocks of this size and every HELDOUT_EVERY-th
#: block (the 5th, 10th, ...) is held out. Blocks keep neighbouring sentences of one article
#: together so the held-out text is not a near copy of training lines.
HELDOUT_BLOCK = 40
HELDOUT_EVERY = 5

#: The reviewed report lexicon, copied into the model directory as its user dictionary.
DEFAULT_LEXICON = PROJECT_DIR / "data" / "lexicon" / "report_terms.txt"

#: Files of a trained pkuseg model directory.
MODEL_FILES = ("features.msgpack", "weights.npz")
USER_DICT_NAME = "user_dict.txt"

# --- reading and converting the corpora ----------------------------------------------------
_ARTICLE_ID = re.compile(r"\d{8}-")  # People's Daily article ids in the PKU word list
_YEAR = re.compile(r"(?:\d{4}|[○〇零一二三四五六七八九]{4})")
_MONTH = re.compile(r"(?:0?[1-9]|1[0-2]|[一二三四五六七八九十]|十[一二])")
_DAY = re.compile(r"(?:0?[1-9]|[12]\d|3[01])")


#: SXU words joined or split the PKU way (the PKU gold test set does so every time).
_PKU_JOIN = {("一", "个"), ("各", "级"), ("各", "地"), ("每", "年"), ("…", "…"), ("—", "—"),
             ("……", "……"), ("——", "——")}
_PKU_SPLIT = {"中国人": ["中国", "人"]}
#: A demonstrative or "each" before a one-character word: PKU writes 这种, 各国, 每天, 本次 as
#: one word (738 times in its gold test set against 7 splits), SXU splits them (2,313 times).
_PKU_PREFIXES = frozenset("各这那每该本此全哪某其")


def pku_conventions(words: Sequence[str], vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Rewrite SXU segmentation the PKU way where the two standards differ systematically.

    Dates: ``2008 年`` → ``2008年``, ``7 月`` → ``7月``, ``11 日`` → ``11日``; ``一 个`` → ``一个``,
    ``各 级``/``各 地``/``每 年`` joined, runs of ``…``/``—`` joined, ``中国人`` → ``中国 人``;
    ``这 种``, ``各 国``, ``本 次``... joined when the PKU ``vocabulary`` has the joined word.
    """
    out: list[str] = []
    for word in words:
        if (out and out[-1] in _PKU_PREFIXES and len(word) == 1
                and out[-1] + word in vocabulary):
            out[-1] += word
            continue
        if out and word in ("年", "月", "日"):
            prev = out[-1]
            pattern = {"年": _YEAR, "月": _MONTH, "日": _DAY}[word]
            if pattern.fullmatch(prev):
                out[-1] = prev + word
                continue
        if out and (out[-1], word) in _PKU_JOIN:
            out[-1] += word
            continue
        out.extend(_PKU_SPLIT.get(word, (word,)))
    return out


def read_segmented(path: Path, *, pku: bool = False,
                   vocabulary: frozenset[str] = frozenset()) -> list[list[str]]:
    """Sentences of a space-separated segmentation file, width-normalised (and made PKU-like)."""
    sentences = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            words = normalize_width(line).split()
            if not words:
                continue
            sentences.append(pku_conventions(words, vocabulary) if pku else words)
    return sentences


def split_heldout(
    sentences: Sequence[list[str]], *, block: int = HELDOUT_BLOCK, every: int = HELDOUT_EVERY
) -> tuple[list[list[str]], list[list[str]]]:
    """(train, held-out): every ``every``-th block of ``block`` sentences is held out."""
    train, heldout = [], []
    for i, sent in enumerate(sentences):
        (heldout if (i // block) % every == every - 1 else train).append(sent)
    return train, heldout


def write_segmented(path: Path, sentences: Iterable[Sequence[str]]) -> int:
    """Write sentences one a line, words separated by two spaces; returns the line count."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for words in sentences:
            fh.write("  ".join(words) + "\n")
            n += 1
    return n


def prepare_corpus(
    corpus_dir: Path,
    work_dir: Path,
    *,
    max_train_sentences: int | None = None,
    seed: int = 0,
    heldout_block: int = HELDOUT_BLOCK,
    pku_repeat: int = 1,
    word_list: bool = False,
) -> dict[str, Path | int]:
    """Convert the corpora into pkuseg's training format under ``work_dir``.

    ``pku_repeat`` repeats the PKU training sentences (PKU is the target standard, SXU only
    close to it); ``word_list`` adds the PKU training word list, one word a line, so pkuseg's
    dictionary features know the PKU vocabulary.
    """
    for rel in (SXU_TRAIN, SXU_TEST, PKU_GOLD):
        if not (corpus_dir / rel).is_file():
            raise FileNotFoundError(
                f"segmentation corpus file {corpus_dir / rel} is missing: pass --corpus-dir "
                "pointing at the cws folder (with sxu/ and sighan2005/)"
            )
    work_dir.mkdir(parents=True, exist_ok=True)
    pku_words: list[str] = []
    if (corpus_dir / PKU_WORDS).is_file():
        pku_words = [
            w for w in dict.fromkeys(
                normalize_width(line).strip()
                for line in (corpus_dir / PKU_WORDS).read_text(encoding="utf-8").splitlines())
            if w and not _ARTICLE_ID.match(w)
        ]
    vocabulary = frozenset(pku_words)
    sxu_train = read_segmented(corpus_dir / SXU_TRAIN, pku=True, vocabulary=vocabulary)
    sxu_test = read_segmented(corpus_dir / SXU_TEST, pku=True, vocabulary=vocabulary)
    pku_train, pku_heldout = split_heldout(read_segmented(corpus_dir / PKU_GOLD),
                                           block=heldout_block)

    train = sxu_train + pku_train * pku_repeat
    if word_list:
        train += [[w] for w in pku_words]
    if max_train_sentences is not None and max_train_sentences < len(train):
        train = random.Random(seed).sample(train, max_train_sentences)
        sxu_test = sxu_test[: max(1, max_train_sentences // 10)]
    random.Random(seed).shuffle(train)

    paths = {
        "train": work_dir / "train.txt",
        "monitor": work_dir / "monitor_sxu_test.txt",
        "heldout": work_dir / "heldout_pku.txt",
    }
    counts = {
        "n_train_sentences": write_segmented(paths["train"], train),
        "n_monitor_sentences": write_segmented(paths["monitor"], sxu_test),
        "n_heldout_sentences": write_segmented(paths["heldout"], pku_heldout),
    }
    log.info("training data: %s", counts)
    return {**paths, **counts}


# --- scoring --------------------------------------------------------------------------------
def _spans(words: Iterable[str]) -> set[tuple[int, int]]:
    spans, start = set(), 0
    for word in words:
        spans.add((start, start + len(word)))
        start += len(word)
    return spans


def score_segmentation(
    cut: Callable[[str], list[str]], sentences: Sequence[Sequence[str]]
) -> dict[str, float | int]:
    """Word precision, recall and F1 of ``cut`` against gold ``sentences``."""
    n_gold = n_pred = n_correct = 0
    for gold_words in sentences:
        text = "".join(gold_words)
        pred_words = cut(text)
        if "".join(pred_words) != text:
            raise ValueError(f"segmenter changed the text of {text!r}")
        gold, pred = _spans(gold_words), _spans(pred_words)
        n_gold += len(gold)
        n_pred += len(pred)
        n_correct += len(gold & pred)
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n_sentences": len(sentences),
        "n_words": n_gold,
    }


def boundary_alignment(
    tokenize: Callable[[str], Doc], records: Iterable[dict], *, labels: Sequence[str] = ("FIGURE", "UNIT")
) -> dict:
    """Share of annotated ``labels`` spans whose start and end fall on token boundaries.

    ``records`` are calibration/fixture rows ``{"text", "spans": [{"start", "end", "label"}]}``;
    the result lists every misaligned span with the tokens around it.
    """
    by_label = {label: [0, 0] for label in labels}  # [aligned, total]
    misaligned = []
    for record in records:
        text = record["text"]
        spans = [s for s in record["spans"] if s["label"] in by_label]
        if not spans:
            continue
        doc = tokenize(text)
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t) for t in doc}
        for span in spans:
            ok = span["start"] in starts and span["end"] in ends
            by_label[span["label"]][0] += ok
            by_label[span["label"]][1] += 1
            if not ok:
                near = [t.text for t in doc if t.idx + len(t) > span["start"] - 4
                        and t.idx < span["end"] + 4]
                misaligned.append({
                    "label": span["label"], "span": text[span["start"]:span["end"]],
                    "context": text[max(0, span["start"] - 8):span["end"] + 8],
                    "tokens": " | ".join(near), "id": record.get("meta", {}).get("id"),
                })
    aligned = sum(a for a, _ in by_label.values())
    total = sum(n for _, n in by_label.values())
    return {
        "aligned": aligned, "n_spans": total,
        "rate": round(aligned / total, 4) if total else None,
        "by_label": {k: {"aligned": a, "n_spans": n} for k, (a, n) in by_label.items()},
        "misaligned": misaligned,
    }


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --- training --------------------------------------------------------------------------------
class _LogStream(io.TextIOBase):
    """File-like object that forwards pkuseg's prints to the logger, one record per line."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._logger.info("pkuseg: %s", line.strip())
        return len(text)


def _pkuseg_train(
    train_file: Path, monitor_file: Path, model_dir: Path, *, iterations: int, min_feature_count: int
) -> None:
    """Run spacy_pkuseg's trainer with the given settings, its prints going to the log."""
    import spacy_pkuseg
    from spacy_pkuseg.config import config

    saved = config.featureTrim
    config.featureTrim = min_feature_count - 1  # pkuseg keeps features seen more than featureTrim times
    try:
        with contextlib.redirect_stdout(_LogStream(log)):
            spacy_pkuseg.train(
                str(train_file), str(monitor_file), str(model_dir), train_iter=iterations
            )
    finally:
        config.featureTrim = saved


def _cut_with(model_dir: Path, user_dict: Path | None) -> Callable[[str], list[str]]:
    """Plain pkuseg cut function for scoring (no pkuseg default-dictionary postprocessing)."""
    from nlp.segment import load_pkuseg

    return load_pkuseg(model_dir, user_dict=user_dict).cut


def train_segmenter(
    out_dir: Path,
    *,
    corpus_dir: Path,
    lexicon: Path | None = DEFAULT_LEXICON,
    iterations: int = 10,
    min_feature_count: int = 2,
    max_train_sentences: int | None = None,
    seed: int = 0,
    pku_repeat: int = 3,
    word_list: bool = True,
    calibration: Path | None = None,
    work_dir: Path | None = None,
    heldout_block: int = HELDOUT_BLOCK,
) -> dict:
    """Train the pkuseg model on ``corpus_dir``, score it on the PKU held-out split, export it.

    ``out_dir`` receives ``features.msgpack`` and ``weights.npz`` (the pkuseg model), a copy of
    ``lexicon`` as ``user_dict.txt`` when given, and ``metrics.json``; the returned dict is
    what ``metrics.json`` holds. ``calibration`` (a JSON-lines file of annotated sentences,
    measured on, never trained on) adds the share of FIGURE/UNIT spans that align with the
    tokens of the full tokenizer (model, user dictionary and boundary rules).
    ``max_train_sentences`` subsamples the training data (for quick trials and tests).
    """
    out_dir = Path(out_dir)
    corpus_dir = Path(corpus_dir)
    random.seed(seed)
    np.random.seed(seed)
    tmp = None
    if work_dir is None:
        import tempfile

        tmp = tempfile.TemporaryDirectory(prefix="govfacts-seg-")
        work_dir = Path(tmp.name)
    work_dir = Path(work_dir)
    try:
        data = prepare_corpus(
            corpus_dir, work_dir / "data", max_train_sentences=max_train_sentences, seed=seed,
            heldout_block=heldout_block, pku_repeat=pku_repeat, word_list=word_list,
        )
        model_dir = work_dir / "model"
        if model_dir.exists():
            shutil.rmtree(model_dir)
        log.info("training pkuseg: %d iterations, features seen >= %d times", iterations,
                 min_feature_count)
        started = time.perf_counter()
        _pkuseg_train(
            data["train"], data["monitor"], model_dir,
            iterations=iterations, min_feature_count=min_feature_count,
        )
        train_seconds = time.perf_counter() - started

        out_dir.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            shutil.copyfile(model_dir / name, out_dir / name)
        user_dict = None
        if lexicon is not None:
            user_dict = out_dir / USER_DICT_NAME
            if Path(lexicon).resolve() != user_dict.resolve():
                shutil.copyfile(lexicon, user_dict)

        heldout = read_segmented(data["heldout"])
        monitor = read_segmented(data["monitor"])
        log.info("scoring on the PKU held-out split (%d sentences)", len(heldout))
        plain = _cut_with(out_dir, None)
        metrics: dict = {
            "heldout_pku": score_segmentation(plain, heldout),
            "sxu_test": score_segmentation(plain, monitor),
        }
        if user_dict is not None:
            with_dict = _cut_with(out_dir, user_dict)
            metrics["heldout_pku_with_user_dict"] = score_segmentation(with_dict, heldout)
            metrics["sxu_test_with_user_dict"] = score_segmentation(with_dict, monitor)
        metrics["training"] = {
            "corpus": ["sxu/train.txt (PKU conventions: dates, 一个, 这种/各国/本次..., ……/——, 中国|人)",
                       f"sighan2005/pku_test_gold.utf8 minus held-out blocks "
                       f"(block={HELDOUT_BLOCK}, every={HELDOUT_EVERY})"],
            "n_train_sentences": data["n_train_sentences"],
            "n_heldout_sentences": data["n_heldout_sentences"],
            "heldout_block": heldout_block,
            "pku_repeat": pku_repeat,
            "word_list": word_list,
            "iterations": iterations,
            "min_feature_count": min_feature_count,
            "max_train_sentences": max_train_sentences,
            "seed": seed,
            "train_seconds": round(train_seconds, 1),
        }
        if calibration is not None:
            from nlp.segment import build_tokenizer_nlp

            records = read_jsonl(Path(calibration))
            for name, kwargs in (("boundary_alignment", {}),
                                 ("boundary_alignment_without_rules", {"boundary_rules": False})):
                nlp = build_tokenizer_nlp(out_dir, **kwargs)
                metrics[name] = boundary_alignment(nlp, records)
                metrics[name]["measured_on"] = Path(calibration).name
            log.info("FIGURE/UNIT spans aligned: %s", metrics["boundary_alignment"]["rate"])
        metrics["model_bytes"] = {name: (out_dir / name).stat().st_size for name in MODEL_FILES}
        (out_dir / "metrics.json").write_text(
            json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        log.info("held-out PKU word F1 %.4f", metrics["heldout_pku"]["f1"])
        return metrics
    finally:
        if tmp is not None:
            tmp.cleanup()
