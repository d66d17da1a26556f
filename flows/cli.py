"""The `govfacts` command line: parses arguments and calls one flow or library function."""

from __future__ import annotations

import csv
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nlp.settings import get_settings

app = typer.Typer(
    help="govfacts: Chinese government work reports → documents, sentences, entities and facts in Parquet + DuckDB.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

#: Exit statuses of `govfacts run`.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_QUARANTINED = 3

LakeOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Lake directory (default: $GOVFACTS_LAKE, else data/lake).", show_default=False),
]


class Runner(str, Enum):
    local = "local"
    dask = "dask"


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _configure_prefect(verbose: bool) -> None:
    """Prefect settings for a command-line run; must run before Prefect is imported.

    No telemetry (this machine has no internet). Unless --verbose, only warnings from the flow, and
    none from the in-process server Prefect starts when PREFECT_API_URL is unset (at exit it logs
    bookkeeping errors about its own run history, not about the lake).
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


@app.command()
def run(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Report files (.txt, .html, .htm) or directories, read recursively. Default: data/samples."),
    ] = None,
    out: LakeOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-process documents that are already landed and unchanged.")] = False,
    runner: Annotated[Runner, typer.Option(help="local: this machine (see --workers); dask: documents in parallel on a Dask cluster.")] = Runner.local,
    address: Annotated[str | None, typer.Option(help="Scheduler of an existing Dask cluster (tcp://HOST:8786); without it --runner dask starts a local cluster.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes, each loading the model once (~0.4 GB each). local: default 1, documents run in this process; 2 or more run them in a process pool. dask without --address: the local cluster's size, default 2.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Clean, describe and split reports and land them in the lake.

    Unchanged files (same bytes, same path, same pipeline version) are skipped; a changed file
    replaces the rows of its previous version. The pipeline version changes with the library's code
    and the shipped models, so after an upgrade or a retrain every file is processed again.

    Exit status: 0 when every input landed, 3 when the run finished but some inputs were
    quarantined (see the quarantine view), 1 when the run could not start (e.g. the lake is locked).
    """
    _configure_prefect(verbose)
    from flows.extract import LocalCallback, extract_flow, with_runner
    from nlp.ingest import iter_input_files
    from nlp.land import LakeLockedError

    settings = get_settings(out)
    inputs = paths or [settings.samples]
    missing = [p for p in inputs if not p.exists()]
    if missing:
        console.print(f"[red]error:[/] no such file or directory: {', '.join(map(str, missing))}")
        raise typer.Exit(EXIT_FAILED)
    total = sum(1 for _ in iter_input_files(inputs))
    with Progress(
        TextColumn("[bold]landing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, transient=True,
    ) as progress:
        bar = progress.add_task("", total=total)

        def on_document(source: str, done: int) -> None:
            progress.update(bar, completed=done, description=Path(source).name)

        if workers is None:
            workers = 2 if runner is Runner.dask else 1
        flow_ = with_runner(extract_flow, runner.value, address=address, workers=workers)
        try:
            summary = flow_(inputs, settings.lake, on_document=LocalCallback(on_document), force=force, workers=workers)
        except (LakeLockedError, FileNotFoundError) as err:
            console.print(f"[red]error:[/] {err}")
            raise typer.Exit(EXIT_FAILED) from None
    _print_summary(summary)
    raise typer.Exit(EXIT_QUARANTINED if summary.quarantined else EXIT_OK)


def _print_summary(summary) -> None:
    out = Console()
    out.print(f"[bold]documents landed:[/] {len(summary.landed)}   skipped (unchanged): {len(summary.skipped)}   "
              f"sentences: {summary.n_sentences}   entities: {summary.n_entities}   facts: {summary.n_facts}   "
              f"characters: {summary.n_chars}")
    if summary.quarantined:
        out.print(f"[bold yellow]quarantined:[/] {len(summary.quarantined)}")
        for row in summary.quarantined:
            out.print(f"  {row.source}: {row.stage}: {row.reason}: {row.detail}")
    out.print(f"[bold]lake:[/] {summary.lake}   [bold]DuckDB:[/] {summary.lake / 'govfacts.duckdb'}")
    out.print('try:  govfacts query "SELECT d.county, f.indicator, f.value, f.unit, f.change, f.status '
              "FROM facts f JOIN documents d USING (doc_id) WHERE f.indicator LIKE '%就业%'\"")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="One read-only SQL statement over the views documents, sentences, entities, facts, quarantine.")],
    out: LakeOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Run a read-only SQL query against the lake's DuckDB views."""
    import duckdb

    from nlp.land import connect_read_only
    from nlp.query import ReadOnlyQueryError, run_query

    settings = get_settings(out)
    try:
        with connect_read_only(settings.lake) as con:
            columns, rows = run_query(con, sql)
    except (FileNotFoundError, ReadOnlyQueryError, duckdb.Error) as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(EXIT_FAILED) from None
    _write_rows(columns, rows, output_format)


def _write_rows(columns: list[str], rows: list[tuple], output_format: OutputFormat) -> None:
    if output_format is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output_format is OutputFormat.json:
        json.dump([dict(zip(columns, row)) for row in rows], sys.stdout, ensure_ascii=False, default=str, indent=1)
        sys.stdout.write("\n")
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option(help="Folder the nightly run reads (recursively).")] = Path("data/inbox"),
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression (server time).")] = "0 2 * * *",
    out: LakeOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Serve a Prefect deployment that lands new and changed reports from the inbox on a schedule (runs until stopped)."""
    _configure_prefect(verbose)
    from prefect import serve as prefect_serve

    from flows.serve import build_deployment

    if not inbox.is_dir():
        console.print(f"[red]error:[/] inbox {inbox} is not a directory")
        raise typer.Exit(EXIT_FAILED)
    deployment = build_deployment(inbox, get_settings(out).lake, cron)
    console.print(f"serving {deployment.name}: {cron} over {inbox.resolve()} (Ctrl-C to stop)")
    prefect_serve(deployment)


@app.command("validate-annotations")
def validate_annotations(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Fixture JSONL files. Default: data/annotations/{train,dev,test}.jsonl."),
    ] = None,
) -> None:
    """Check annotated fixtures: offsets inside the text, no overlaps, known labels, no quotes or spaces at span edges."""
    from nlp.training.fixtures import FixtureError, validate_files

    paths = files or sorted((get_settings().annotations).glob("*.jsonl"))
    try:
        problems = validate_files(paths)
    except (FixtureError, OSError) as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(EXIT_FAILED) from None
    for problem in problems:
        console.print(problem)
    Console().print(f"{len(paths)} file(s), {len(problems)} problem(s)")
    raise typer.Exit(EXIT_FAILED if problems else EXIT_OK)


@app.command()
def train(
    annotations: Annotated[Path | None, typer.Option(help="Directory with train/dev/test.jsonl. Default: data/annotations.")] = None,
    config: Annotated[Path | None, typer.Option(help="spaCy config. Default: configs/ner.cfg.")] = None,
    work_dir: Annotated[Path, typer.Option("--work-dir", help="Where DocBins and training output go.")] = Path("training/ner"),
    max_steps: Annotated[int | None, typer.Option(help="Override [training] max_steps (e.g. a quick trial).")] = None,
    settings_overrides: Annotated[list[str] | None, typer.Option("--set", help="Override a config value: --set training.dropout=0.2 (value read as JSON, else as a string). Repeatable.")] = None,
    promote: Annotated[bool, typer.Option(help="Replace models/ner when the new model is at least as good on the test split.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Retrain the NER from the annotated fixtures (Prefect flow flows/train.py) and report test-split scores with
    95% bootstrap intervals."""
    _configure_prefect(verbose)
    from flows.train import train_flow

    settings = get_settings()
    overrides = {"training.max_steps": max_steps} if max_steps else {}
    for item in settings_overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            console.print(f"[red]error:[/] --set takes KEY=VALUE, got {item!r}")
            raise typer.Exit(EXIT_FAILED)
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    result = train_flow(
        annotations or settings.annotations, work_dir, settings.models / "ner", settings.models / "pkuseg",
        config or settings.configs / "ner.cfg", overrides=overrides, promote=promote,
    )
    out = Console()
    table = Table("label", "P", "R", "F", "F 95% interval", "baseline F", "shipped F", "n")
    interval = result.metrics["test_f1_interval_95"]
    for label, row in result.metrics["test"].items():
        shipped = result.shipped[label]["f"] if result.shipped else None
        table.add_row(label, f"{row['p']:.3f}", f"{row['r']:.3f}", f"{row['f']:.3f}",
                      "{:.3f}–{:.3f}".format(*interval[label]), f"{result.metrics['baseline_test'][label]['f']:.3f}",
                      "-" if shipped is None else f"{shipped:.3f}", str(row["n"]))
    out.print(table)
    if result.shipped is not None:
        low, high = interval["ALL"]
        noise = "within" if low <= result.shipped["ALL"]["f"] <= high else "outside"
        out.print(f"the shipped model's ALL F1 ({result.shipped['ALL']['f']:.3f}) is {noise} the new model's 95% interval "
                  f"on the test split ({low:.3f}–{high:.3f})", soft_wrap=True)
    if result.promoted:
        out.print(f"[green]promoted[/] the new model to {settings.models / 'ner'}")
    elif promote:
        out.print(f"[yellow]not promoted[/]: the shipped model scores higher on the test split; the new one is in {result.candidate}")
    else:
        out.print(f"new model in {result.candidate} (not promoted: --no-promote)")


@app.command("train-segmenter")
def train_segmenter_command(
    corpus: Annotated[Path, typer.Option(help="Word-segmentation corpora (sxu/, sighan2005/ as in shared/corpus/cws).")] = Path("../shared/corpus/cws"),
    out: Annotated[Path | None, typer.Option(help="Where the model goes. Default: models/pkuseg (the shipped model).")] = None,
    iterations: Annotated[int, typer.Option(min=1, help="pkuseg training iterations.")] = 10,
    max_train_sentences: Annotated[int | None, typer.Option(help="Subsample the training sentences (quick trials).")] = None,
    calibration: Annotated[Path | None, typer.Option(help="Annotated sentences to measure FIGURE/UNIT boundary alignment on (never trained on).")] = None,
    work_dir: Annotated[Path | None, typer.Option(help="Keep the converted training files here.")] = None,
) -> None:
    """Retrain the pkuseg word segmenter (held-out PKU F1 and boundary alignment go to metrics.json)."""
    from nlp.training.segmenter import train_segmenter

    if not corpus.exists():
        console.print(f"[red]error:[/] no corpus at {corpus}; point --corpus at the word-segmentation corpora")
        raise typer.Exit(EXIT_FAILED)
    target = out or get_settings().models / "pkuseg"
    metrics = train_segmenter(target, corpus_dir=corpus, iterations=iterations, max_train_sentences=max_train_sentences,
                              calibration=calibration, work_dir=work_dir)
    held = metrics["heldout_pku"]
    Console().print(f"model in {target}: held-out PKU word P {held['precision']:.4f} R {held['recall']:.4f} F1 {held['f1']:.4f}")


if __name__ == "__main__":
    app()
