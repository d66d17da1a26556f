"""Segmentation throughput and peak memory: plain pkuseg vs. the govfacts tokenizer.

Not a timed test: run it by hand on a quiet machine and commit the JSON it writes.

    python benchmarks/segment.py                 # report corpus if present, else data/samples
    python benchmarks/segment.py --corpus DIR --repeats 3 --out benchmarks/results/segment.json

Variants, each measured in its own child process (so peak RSS is per variant), run one after
another and interleaved across repeats so machine noise hits all of them alike:

* ``pkuseg``        — ``spacy_pkuseg.pkuseg.cut`` with the shipped model, no user dictionary;
* ``pkuseg+dict``   — the same with the report lexicon as user dictionary;
* ``segment``       — the segmentation stage: cut with user dictionary + ``apply_boundaries``
  (also reports the share of its time spent in the rules, a same-process ratio that machine
  load does not skew the way it skews separate runs);
* ``spacy``         — the full spaCy tokenizer (``make_tokenizer_nlp``), i.e. the above plus
  building the ``Doc``.

Input is the corpus split into sentences (。！？；and line ends), width-normalised, since the
pipeline tokenizes sentence by sentence. Speed is characters per second of one process on one
core (best of the repeats); peak RSS is ``ru_maxrss`` of the child after its runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED_REPORTS = ROOT.parent / "shared" / "corpus" / "reports"
SAMPLES = ROOT / "data" / "samples"
VARIANTS = ("pkuseg", "pkuseg+dict", "segment", "spacy")
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


def load_sentences(corpus: Path, limit_chars: int | None) -> list[str]:
    """Sentences of every .txt under ``corpus``, width-normalised, up to ``limit_chars``."""
    from nlp.clean import normalize_width

    out, total = [], 0
    for path in sorted(corpus.rglob("*.txt")):
        text = normalize_width(path.read_text(encoding="utf-8", errors="replace"))
        for sent in _SENTENCE_END.split(text):
            sent = sent.strip()
            if not sent:
                continue
            out.append(sent)
            total += len(sent)
            if limit_chars and total >= limit_chars:
                return out
    return out


def _child(variant: str, model_dir: str, sentences: list[str], conn) -> None:
    """Time one variant over ``sentences``; send (seconds, ru_maxrss KiB) back."""
    from nlp.segment import apply_boundaries, load_pkuseg, make_tokenizer_nlp

    model = Path(model_dir)
    user_dict = model / "user_dict.txt"
    if variant == "pkuseg":
        run = load_pkuseg(model).cut
    elif variant == "pkuseg+dict":
        run = load_pkuseg(model, user_dict=user_dict).cut
    elif variant == "segment":
        cut = load_pkuseg(model, user_dict=user_dict).cut
        split = [0.0, 0.0]  # seconds in pkuseg, seconds in the rules: a same-process ratio

        def run(text: str) -> list[str]:
            t0 = time.perf_counter()
            words = cut(text)
            t1 = time.perf_counter()
            words = apply_boundaries(text, words)
            split[0] += t1 - t0
            split[1] += time.perf_counter() - t1
            return words
    else:
        run = make_tokenizer_nlp(model)
    for sent in sentences[:200]:  # warm-up
        run(sent)
    started = time.perf_counter()
    for sent in sentences:
        run(sent)
    seconds = time.perf_counter() - started
    rules_share = split[1] / sum(split) if variant == "segment" else None
    conn.send((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rules_share))
    conn.close()


def measure(variant: str, model_dir: Path, sentences: list[str]) -> tuple[float, int, float | None]:
    """Run one variant in a fresh process."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(variant, str(model_dir), sentences, child))
    proc.start()
    result = parent.recv()
    proc.join()
    return result


def main() -> None:
    """Command line: run the benchmark and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "pkuseg")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit-chars", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "segment.json")
    args = parser.parse_args()

    corpus = args.corpus or (SHARED_REPORTS if SHARED_REPORTS.is_dir() else SAMPLES)
    sentences = load_sentences(corpus, args.limit_chars)
    n_chars = sum(map(len, sentences))
    print(f"{len(sentences)} sentences, {n_chars} chars from {corpus}", file=sys.stderr)

    runs: dict[str, list[float]] = {v: [] for v in VARIANTS}
    rss: dict[str, int] = {v: 0 for v in VARIANTS}
    rules_share: list[float] = []
    load_before = os.getloadavg()
    for i in range(args.repeats):
        order = VARIANTS if i % 2 == 0 else tuple(reversed(VARIANTS))
        for variant in order:
            seconds, maxrss, share = measure(variant, args.model, sentences)
            if share is not None:
                rules_share.append(share)
            runs[variant].append(seconds)
            rss[variant] = max(rss[variant], maxrss)
            print(f"repeat {i} {variant:12s} {n_chars / seconds:10.0f} chars/s", file=sys.stderr)

    results = {
        v: {
            "chars_per_s": round(n_chars / min(runs[v])),
            "chars_per_s_runs": [round(n_chars / s) for s in runs[v]],
            "peak_rss_mb": round(rss[v] / 1024, 1),
        }
        for v in VARIANTS
    }
    base = results["pkuseg"]["chars_per_s"]
    for v in VARIANTS:
        results[v]["relative_to_pkuseg"] = round(results[v]["chars_per_s"] / base, 3)
    results["segment"]["rules_share_of_time"] = [round(x, 4) for x in rules_share]
    report = {
        "corpus": str(corpus.relative_to(ROOT.parent)) if corpus.is_relative_to(ROOT.parent)
        else str(corpus),
        "n_sentences": len(sentences),
        "n_chars": n_chars,
        "repeats": args.repeats,
        "model": str(args.model.relative_to(ROOT)) if args.model.is_relative_to(ROOT)
        else str(args.model),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average_before_after": [round(load_before[0], 2),
                                                  round(os.getloadavg()[0], 2)],
                    "note": "one process, one core; best of the repeats"},
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2), file=sys.stderr)


if __name__ == "__main__":
    main()
