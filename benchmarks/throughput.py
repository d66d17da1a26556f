"""Throughput of the whole pipeline, written to benchmarks/results/throughput.json.

Over a fixed corpus (data/samples and, when present, ../shared/corpus/reports) it measures, in one run:
- per stage, on one core: characters per second of clean, metadata, structure, NER (tokenizer + model
  on the candidate windows), relations; and plain pkuseg on the same sentences as the reference;
- end to end through the Prefect flow into a fresh lake: the local runner, and the Dask runner with 1 and
  2 local workers (the 2-worker run counts both cores); documents per second and peak RSS.

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


def end_to_end(files: list[Path], runner: str, workers: int) -> dict:
    """One run of the extraction flow into a fresh lake."""
    from flows.extract import extract_flow, with_runner

    inbox = Path(tempfile.mkdtemp(prefix="govfacts-bench-inbox-"))
    lake = Path(tempfile.mkdtemp(prefix="govfacts-bench-lake-"))
    try:
        for i, f in enumerate(files):
            shutil.copyfile(f, inbox / f"{i:04d}_{f.name}")
        flow_ = with_runner(extract_flow, runner, workers=workers)
        start = time.perf_counter()
        summary = flow_([inbox], lake, workers=workers)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(inbox, ignore_errors=True)
        shutil.rmtree(lake, ignore_errors=True)
    n_chars = sum(len(f.read_text(encoding="utf-8", errors="replace")) for f in files)
    return {
        "runner": runner, "workers": workers, "seconds": round(seconds, 2), "documents": len(summary.landed),
        "quarantined": len(summary.quarantined), "chars_per_second": round(n_chars / seconds),
        "documents_per_second": round(len(summary.landed) / seconds, 2), "peak_rss_mb": _peak_rss_mb(),
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
    runs = [("local", 1)] + ([] if args.skip_dask else [("dask", 1), ("dask", 2)])
    result["end_to_end"] = [end_to_end(files, runner, workers) for runner, workers in runs]
    if not args.skip_dask:
        one, two = result["end_to_end"][1], result["end_to_end"][2]
        result["dask_speedup_2_over_1_workers"] = round(one["seconds"] / two["seconds"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
