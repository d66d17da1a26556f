"""Memory of a long run: RSS while `govfacts run`'s flow lands thousands of small reports.

Writes benchmarks/results/memory.json: the summed RSS and PSS of this process and its children (worker processes,
Prefect's API server) after every tenth of the documents, and the growth per document between the first
and the last tenth. Bounded memory shows as a flat line; a leak as a slope.

Each generated report is a real one in miniature: the header of a sample report and a dozen sentences drawn
from the samples, with its own number so every file is a new document. The corpus is made in a temporary
directory and removed afterwards.

    python benchmarks/memory.py [--files 10000] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from throughput import tree_memory_mb  # benchmarks/ is on sys.path when this script runs

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(inbox: Path, n_files: int, seed: int = 0) -> int:
    """n_files small reports under inbox, 100 to a folder; returns the number of characters written."""
    from nlp.clean import clean
    from nlp.ingest import read_file
    from nlp.structure import structure

    samples = sorted((ROOT / "data" / "samples").glob("*.txt"))
    texts = [clean(read_file(p).text).text for p in samples]
    headers = [t.split("\n", 3)[:3] for t in texts]
    sentences = [s.text for t in texts for s in structure(t, None) if 10 <= len(s.text) <= 200]
    rng = random.Random(seed)
    n_chars = 0
    for i in range(n_files):
        folder = inbox / f"{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(rng.sample(sentences, 12))
        text = "\n".join(rng.choice(headers)) + f"\n（第{i}号）\n" + body + "\n"
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        n_chars += len(text)
    return n_chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "memory.json")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
    from flows.extract import extract_flow, with_runner

    work = Path(tempfile.mkdtemp(prefix="govfacts-memory-"))
    try:
        n_chars = make_corpus(work / "inbox", args.files)
        step = max(1, args.files // 10)
        samples: list[dict] = []
        start = time.perf_counter()

        def on_document(_source: str, done: int) -> None:
            if done % step == 0 or done == args.files:
                memory = tree_memory_mb()
                samples.append({"documents": done, "seconds": round(time.perf_counter() - start, 1),
                                "rss_mb": round(memory["rss"], 1), "pss_mb": round(memory["pss"], 1)})
                print(samples[-1], flush=True)

        flow_ = with_runner(extract_flow, "local", workers=args.workers)
        summary = flow_([work / "inbox"], work / "lake", on_document=on_document, workers=args.workers)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, last = samples[0], samples[-1]
    result = {
        "files": args.files, "workers": args.workers, "characters": n_chars, "seconds": round(seconds, 1),
        "landed": len(summary.landed), "quarantined": len(summary.quarantined),
        "rss_mb_by_progress": samples,
        "peak_rss_mb_sampled": max(s["rss_mb"] for s in samples),
        "peak_pss_mb_sampled": max(s["pss_mb"] for s in samples),
        "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "growth_kb_per_document_after_first_tenth": round(
            (last["rss_mb"] - first["rss_mb"]) * 1024 / max(1, last["documents"] - first["documents"]), 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "rss_mb_by_progress"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
