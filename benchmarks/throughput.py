"""Throughput of the whole pipeline, written to benchmarks/results/throughput.json.

Over a fixed corpus (data/samples and, when present, ../shared/corpus/reports) it measures, in one run:
- per stage, on one core: characters per second of clean, metadata, structure, NER (tokenizer + model
  on the candidate windows), relations; and plain pkuseg on the same sentences as the reference;
- end to end through the Prefect flow into a fresh lake, in a fresh process as `govfacts run` runs it, with
  1 and 2 worker processes on the local runner (a process pool) and on a local Dask cluster (2 workers count
  both cores): the whole run, the steady state after the first quarter of the characters landed, documents
  per second, and the peak memory of all the run's processes together (summed RSS and summed PSS).

    python benchmarks/throughput.py [--shared ../shared] [--skip-dask] [--copies N]
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


def _peak_rss_mb() -> float:
    """Peak RSS of this process so far, in MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _each(fn, texts: list[str]) -> None:
    for text in texts:
        fn(text)


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
    # one text after another, results dropped as the pipeline drops them (holding thousands of Docs
    # would time the garbage collector walking them, not the tokenizer)
    timed("plain_pkuseg_on_windows", lambda: _each(pkuseg.cut, windows))
    timed("tokenizer_on_windows", lambda: _each(nlp.tokenizer, windows))
    all_sentences = [s.text for doc in sentences for s in doc]
    timed("plain_pkuseg_on_all_sentences", lambda: _each(pkuseg.cut, all_sentences))
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


def _pss_bytes(pid: int) -> int:
    """Proportional set size of a process: its private pages plus its share of pages it shares with others
    (libraries, a parent's pages), so summing it over processes counts each page once. Linux only."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory_mb(pid: int | None = None) -> dict[str, float]:
    """RSS and PSS summed over a process (default: this one) and all its descendants (workers, Prefect's
    server), in MiB. Summed RSS counts a page shared by several processes once per process; PSS once in all."""
    import psutil

    root = psutil.Process(pid)
    rss = pss = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            rss += proc.memory_info().rss
            pss += _pss_bytes(proc.pid)
        except (psutil.Error, OSError):
            pass
    return {"rss": rss / 2**20, "pss": pss / 2**20}


class _TreeMemory:
    """Samples the summed RSS and PSS of a process and all its descendants (workers, Prefect's server)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import threading

        self.peak = {"rss": 0.0, "pss": 0.0}
        self._pid = pid
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                now = tree_memory_mb(self._pid)
            except Exception:  # noqa: BLE001 — the process is gone: the run is over
                return
            self.peak = {k: max(v, now[k]) for k, v in self.peak.items()}
            self._stop.wait(self._interval)

    def __enter__(self) -> "_TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _flow_run(inbox: Path, lake: Path, runner: str, workers: int, sizes: dict[str, int], conn) -> None:
    """In a fresh process (as `govfacts run` would be): run the flow, send back its timings."""
    from flows.extract import extract_flow, with_runner

    landed: list[tuple[float, int]] = []
    flow_ = with_runner(extract_flow, runner, workers=workers)
    start = time.perf_counter()
    summary = flow_([inbox], lake, workers=workers,
                    on_document=lambda path, _: landed.append((time.perf_counter() - start, sizes[path])))
    conn.send({"seconds": time.perf_counter() - start, "landed": landed,
               "documents": len(summary.landed), "quarantined": len(summary.quarantined)})


def end_to_end(files: list[Path], runner: str, workers: int, copies: int = 1) -> dict:
    """One run of the extraction flow into a fresh lake, from the flow call to the last document landed.

    The flow runs in a fresh process, as `govfacts run` does, so its memory is the run's own and not that
    of this script (which has loaded the model for the stage timings). Peak memory is sampled over that
    process and its descendants: summed RSS, and PSS (shared pages counted once: the memory the run takes).

    Besides the whole run it reports the steady state: characters per second over the last three quarters
    of the characters, which leaves out the fixed start-up (Prefect's temporary API server, worker
    processes importing spaCy and loading the model) that a long nightly run pays once. `copies` > 1 runs
    the corpus that many times over, for a run long enough that the start-up weighs little."""
    import multiprocessing

    inbox = Path(tempfile.mkdtemp(prefix="govfacts-bench-inbox-"))
    lake = Path(tempfile.mkdtemp(prefix="govfacts-bench-lake-"))
    sizes = {}
    for copy in range(copies):
        for i, f in enumerate(files):
            target = inbox / f"{copy:02d}_{i:04d}_{f.name}"
            # the k-th copy ends in k more newlines: other bytes, so a document of its own, same text
            target.write_bytes(f.read_bytes() + b"\n" * copy)
            sizes[str(target)] = len(target.read_text(encoding="utf-8", errors="replace"))
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    try:
        child = context.Process(target=_flow_run, args=(inbox, lake, runner, workers, sizes, send))
        child.start()
        with _TreeMemory(child.pid) as memory:
            run = receive.recv()
            child.join()
    finally:
        shutil.rmtree(inbox, ignore_errors=True)
        shutil.rmtree(lake, ignore_errors=True)
    if child.exitcode != 0:
        raise RuntimeError(f"the flow run ({runner}, {workers} workers) exited with {child.exitcode}")
    seconds, landed = run["seconds"], run["landed"]
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
        "runner": runner, "workers": workers, "characters": n_chars, "seconds": round(seconds, 2),
        "documents": run["documents"],
        "quarantined": run["quarantined"], "chars_per_second": round(n_chars / seconds),
        "documents_per_second": round(run["documents"] / seconds, 2),
        "seconds_to_first_document": round(landed[0][0], 2),
        "steady_chars_per_second": round(steady_chars / (last - first)) if last > first else None,
        "peak_memory_mb_all_processes": {k: round(v, 1) for k, v in memory.peak.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-dask", action="store_true", help="only the per-stage and local-runner measurements")
    parser.add_argument("--copies", type=int, default=1,
                        help="end-to-end runs go over the corpus this many times (a longer run: start-up weighs less)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "throughput.json")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
    files = _corpus(args.shared)
    result = {"machine": {"cores": os.cpu_count()}, "stages_one_core": stages(files), "peak_rss_mb_stages_one_core": _peak_rss_mb()}
    runs = [("local", 1), ("local", 2)] + ([] if args.skip_dask else [("dask", 1), ("dask", 2)])
    result["end_to_end_copies"] = args.copies
    result["end_to_end"] = [end_to_end(files, runner, workers, args.copies) for runner, workers in runs]
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
