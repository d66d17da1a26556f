"""Throughput of the whole pipeline, written to benchmarks/results/throughput.json.

Over a fixed corpus (data/samples and, when present, ../shared/corpus/reports) it measures, in one run:
- per stage, on one core: characters per second of clean, metadata, structure, NER (tokenizer + model
  on the candidate windows), relations; and plain pkuseg on the same sentences as the reference;
- end to end through the Prefect flow into a fresh lake, with 1 and 2 worker processes on the local runner
  (a process pool) and on a local Dask cluster (2 workers count both cores): the whole run, the steady
  state after the first document landed, documents per second, and peak RSS of all processes together.

    python benchmarks/throughput.py [--shared ../shared] [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _corpus(shared: Path) -> list[Path]:
    files = sorted((ROOT / "data" / "samples").glob("*.txt"))
    reports = shared / "corpus" / "reports"
    if reports.exists():
        files += sorted(reports.glob("*/*.txt"))
    return files


def _peak_rss_mb() -> dict[str, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self": round(self_kb / 1024, 1), "largest_child": round(children_kb / 1024, 1)}


def stages(files: list[Path]) -> dict:
    """Seconds and chars/s of each library stage on one core."""
    from nlp import clean, metadata, ner, relations, structure
    from nlp.ingest import read_file

    raws = [read_file(f).text for f in files]
    n_chars = sum(map(len, raws))
    timings: dict[str, float] = {}

    def timed(name, fn):
        start = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - start
        return out

    cleaned = timed("clean", lambda: [clean.clean(r) for r in raws])
    metas = timed("metadata", lambda: [metadata.extract_metadata(c.text) for c in cleaned])
    sentences = timed("structure", lambda: [structure.structure(c.text, m.report_year) for c, m in zip(cleaned, metas)])
    nlp = timed("load_model", ner.load_pipeline)
    entities = timed("ner", lambda: [ner.find_entities(s, nlp) for s in sentences])
    timed("relations", lambda: [relations.document_facts(s, e, m.report_year) for s, e, m in zip(sentences, entities, metas)])
    windows = [s.text[a:b] for doc in sentences for s in doc for a, b in ner.candidate_windows(s.text)]
    pkuseg = nlp.tokenizer.pkuseg_seg
    timed("plain_pkuseg_on_windows", lambda: [pkuseg.cut(w) for w in windows])
    timed("tokenizer_on_windows", lambda: [nlp.tokenizer(w) for w in windows])
    all_sentences = [s.text for doc in sentences for s in doc]
    timed("plain_pkuseg_on_all_sentences", lambda: [pkuseg.cut(s) for s in all_sentences])
    pipeline = sum(timings[k] for k in ("clean", "metadata", "structure", "ner", "relations"))
    return {
        "n_documents": len(files),
        "n_chars": n_chars,
        "n_chars_in_ner_windows": sum(map(len, windows)),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "chars_per_second": {k: round(n_chars / v) for k, v in timings.items() if k != "load_model"},
        "pipeline_one_core_chars_per_second": round(n_chars / pipeline),
        "tokenizer_vs_plain_pkuseg_on_windows": round(timings["tokenizer_on_windows"] / timings["plain_pkuseg_on_windows"], 3),
    }


def tree_rss_mb() -> float:
    """RSS of this process and all its descendants (workers, Prefect's server), in MiB."""
    import psutil

    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


class _TreeMemory:
    """Samples the summed RSS of this process and all its descendants (workers, Prefect's server)."""

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.peak_mb = 0.0
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb())
            self._stop.wait(self._interval)

    def __enter__(self) -> "_TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def end_to_end(files: list[Path], runner: str, workers: int) -> dict:
    """One run of the extraction flow into a fresh lake, from the flow call to the last document landed.

    Besides the whole run it reports the steady state: characters per second over the last three quarters
    of the characters, which leaves out the fixed start-up (Prefect's temporary API server, worker
    processes importing spaCy and loading the model) that a long nightly run pays once."""
    from flows.extract import extract_flow, with_runner

    inbox = Path(tempfile.mkdtemp(prefix="govfacts-bench-inbox-"))
    lake = Path(tempfile.mkdtemp(prefix="govfacts-bench-lake-"))
    sizes = {}
    for i, f in enumerate(files):
        target = inbox / f"{i:04d}_{f.name}"
        shutil.copyfile(f, target)
        sizes[str(target)] = len(f.read_text(encoding="utf-8", errors="replace"))
    landed: list[tuple[float, int]] = []
    try:
        flow_ = with_runner(extract_flow, runner, workers=workers)
        with _TreeMemory() as memory:
            start = time.perf_counter()
            summary = flow_([inbox], lake, workers=workers,
                            on_document=lambda path, _: landed.append((time.perf_counter() - start, sizes[path])))
            seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(inbox, ignore_errors=True)
        shutil.rmtree(lake, ignore_errors=True)
    n_chars = sum(sizes.values())
    # steady state: from the moment a quarter of the characters had landed to the end (documents land
    # in batches, so the first landing already holds several documents)
    done, quarter_at = 0, landed[-1][0]
    for at, n in landed:
        done += n
        if done >= n_chars / 4:
            quarter_at, steady_chars = at, n_chars - done
            break
    first, last = quarter_at, landed[-1][0]
    return {
        "runner": runner, "workers": workers, "seconds": round(seconds, 2), "documents": len(summary.landed),
        "quarantined": len(summary.quarantined), "chars_per_second": round(n_chars / seconds),
        "documents_per_second": round(len(summary.landed) / seconds, 2),
        "seconds_to_first_document": round(landed[0][0], 2),
        "steady_chars_per_second": round(steady_chars / (last - first)) if last > first else None,
        "peak_rss_mb": {**_peak_rss_mb(), "all_processes_sampled": round(memory.peak_mb, 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-dask", action="store_true", help="only the per-stage and local-runner measurements")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "throughput.json")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
    files = _corpus(args.shared)
    result = {"machine": {"cores": os.cpu_count()}, "stages_one_core": stages(files), "peak_rss_after_stages_mb": _peak_rss_mb()}
    runs = [("local", 1), ("local", 2)] + ([] if args.skip_dask else [("dask", 1), ("dask", 2)])
    result["end_to_end"] = [end_to_end(files, runner, workers) for runner, workers in runs]
    by = {(r["runner"], r["workers"]): r for r in result["end_to_end"]}
    for runner in ("local", "dask"):
        if (runner, 2) in by:
            one, two = by[(runner, 1)], by[(runner, 2)]
            result[f"{runner}_speedup_2_over_1_workers"] = {
                "whole_run": round(one["seconds"] / two["seconds"], 2),
                "steady_state": round(two["steady_chars_per_second"] / one["steady_chars_per_second"], 2),
            }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
