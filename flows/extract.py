"""The extraction flow: input files → cleaned, described, structured documents with entities and facts in the lake."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from nlp import clean as clean_stage
from nlp import ingest, metadata, ner, process, relations, structure
from nlp.land import DocumentRows, Lake
from nlp.schema import QuarantineRow
from nlp.settings import pipeline_version


def _retry_on_io(task_, task_run, state) -> bool:
    """Retry only when the failure was an I/O error, never for a bug or bad input."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


_TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}
_IO_RETRIES = {"retries": 2, "retry_delay_seconds": 1, "retry_condition_fn": _retry_on_io}


@dataclass(frozen=True)
class Failed:
    """A document that could not be processed, and at which stage."""

    row: QuarantineRow


def process_document(path: Path) -> DocumentRows | Failed:
    """All library stages of one document, as plain calls: ingest → clean → metadata → structure → NER → facts.

    A file that is no report, or a stage that fails on it, comes back as Failed with the stage and reason.
    An OSError outside reading the input (a transient I/O problem) propagates, so the task retries."""
    try:
        raw = ingest.read_file(path)
    except ingest.IngestError as err:
        return Failed(QuarantineRow(ingest.source_name(path), "ingest", err.reason, err.detail))
    stage = "clean"
    try:
        cleaned = clean_stage.clean(raw.text)
        stage = "metadata"
        meta = metadata.extract_metadata(cleaned.text, source=Path(raw.source).name)
        stage = "structure"
        sentences = structure.structure(cleaned.text, report_year=meta.report_year)
        stage = "ner"
        entities = ner.find_entities(sentences)
        stage = "facts"
        facts = relations.document_facts(sentences, entities, meta.report_year)
    except OSError:
        raise
    except Exception as err:  # noqa: BLE001 — one bad document must not stop the batch; it is recorded
        return Failed(QuarantineRow(ingest.source_name(path), stage, type(err).__name__, str(err)))
    return process.document_rows(raw, cleaned, meta, sentences, entities, facts)


@task(name="documents", **_IO_RETRIES, **_TASK_OPTIONS)
def documents_task(paths: list[Path]) -> list[DocumentRows | Failed]:
    """A batch of documents, each through all stages (a task run costs tens of milliseconds of orchestration
    in the flow, the API server and the worker: paid once per batch, not once per stage and document)."""
    return [process_document(path) for path in paths]


@task(name="land", **_IO_RETRIES, **_TASK_OPTIONS)
def land_task(lake: Lake, batch: list[DocumentRows]) -> None:
    """Write a batch of documents' rows into the lake, one document at a time (landing again replaces)."""
    for rows in batch:
        lake.land(rows)


@dataclass
class RunSummary:
    """What a run did."""

    lake: Path
    landed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    quarantined: list[QuarantineRow] = field(default_factory=list)
    n_chars: int = 0
    n_sentences: int = 0
    n_entities: int = 0
    n_facts: int = 0

    def markdown(self) -> str:
        """The summary as a small markdown table (the flow run's artifact)."""
        rows = [("landed", len(self.landed)), ("skipped (unchanged)", len(self.skipped)),
                ("quarantined", len(self.quarantined)), ("sentences", self.n_sentences),
                ("entities", self.n_entities), ("facts", self.n_facts), ("characters", self.n_chars)]
        table = "| documents | count |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
        if self.quarantined:
            table += "\n\n| quarantined file | stage | reason |\n|---|---|---|\n" + "\n".join(
                f"| {q.source} | {q.stage} | {q.reason} |" for q in self.quarantined)
        return table


Progress = Callable[[str, int], None]


class LocalCallback:
    """A progress callback for extract_flow's `on_document` that holds objects which cannot leave this process
    (a terminal progress bar and its locks). Prefect copies a flow's parameters to its worker processes; this
    arrives there as None, since progress is only ever reported by the flow, here."""

    def __init__(self, fn: Progress) -> None:
        self.fn = fn

    def __call__(self, source: str, done: int) -> None:
        self.fn(source, done)

    def __reduce__(self):
        return (_no_progress, ())


def _no_progress() -> None:
    """What a LocalCallback unpickles to outside the flow's process: no callback."""
    return None


#: Batches submitted ahead of the ones being landed, per worker; bounds memory on large inboxes.
IN_FLIGHT_PER_WORKER = 3
#: A batch (one task run) closes at this many documents or input bytes, whichever comes first.
BATCH_DOCUMENTS = 16
BATCH_BYTES = 256 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with ingest.open_input(path) as handle:  # a FIFO or device is refused here instead of blocking
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@flow(name="govfacts-extract", validate_parameters=False, log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=1))
def extract_flow(
    paths: Sequence[Path], lake_dir: Path, on_document: Progress | None = None, force: bool = False, workers: int = 1
) -> RunSummary:
    """Land every input file under `paths`; a file that fails goes to quarantine and the batch goes on.

    A file whose bytes are already landed from the same path by this pipeline version is skipped (unless
    `force`); a changed file replaces the rows of its previous version. Documents are processed in batches
    by the flow's task runner (in this process by default, in a pool of worker processes with
    `with_runner("local", workers=N)`, on Dask workers with the Dask runner) and landed here.
    """
    lake = Lake(lake_dir)
    summary = RunSummary(lake=lake.root)
    files = list(ingest.iter_input_files(paths))
    ner.require_pipeline()  # fail before the batch starts when no model is installed, not once per document
    done = 0

    def report(path: Path) -> None:
        nonlocal done
        done += 1
        if on_document is not None:
            on_document(str(path), done)

    with lake.locked(), _shared_api_server():
        lake.initialize()
        pending: deque = deque()
        batch: list[Path] = []
        batch_bytes = 0

        def submit() -> None:
            nonlocal batch, batch_bytes
            pending.append((batch, documents_task.submit(batch)))
            batch, batch_bytes = [], 0
            while len(pending) > IN_FLIGHT_PER_WORKER * max(1, workers):
                _collect(lake, summary, *pending.popleft(), report)

        for path in files:
            try:
                current = not force and lake.is_current(_sha256(path), ingest.source_name(path), pipeline_version())
                size = path.stat().st_size
            except OSError as err:
                row = QuarantineRow(ingest.source_name(path), "ingest", "unreadable", err.strerror or str(err))
                _quarantine(lake, summary, row)
                report(path)
                continue
            if current:
                summary.skipped.append(ingest.source_name(path))
                report(path)
                continue
            batch.append(path)
            batch_bytes += size
            if len(batch) >= BATCH_DOCUMENTS or batch_bytes >= BATCH_BYTES:
                submit()
        if batch:
            submit()
        while pending:
            _collect(lake, summary, *pending.popleft(), report)
        lake.write_views()
    create_markdown_artifact(summary.markdown(), key="govfacts-extract-summary", description="What the run landed")
    return summary


@contextmanager
def _shared_api_server() -> Iterator[None]:
    """Point process-pool workers at this flow run's Prefect API.

    Without PREFECT_API_URL a flow runs against a temporary local server; a process-pool worker inherits
    the environment, not that server, and would start a server of its own (seconds of CPU and ~150 MB
    each). The URL is set while the flow submits work and restored afterwards."""
    context = FlowRunContext.get()
    if os.environ.get("PREFECT_API_URL") or context is None or not isinstance(context.task_runner, ProcessPoolTaskRunner):
        yield
        return
    with get_client(sync_client=True) as client:
        os.environ["PREFECT_API_URL"] = str(client.api_url)
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _warm_worker() -> None:
    """Load the NER pipeline when a worker process starts, once, not inside the first document's task."""
    ner.load_pipeline()


def with_runner(flow_, runner: str, *, address: str | None = None, workers: int = 1):
    """The flow with its task runner.

    `local`: this machine; one worker runs documents in this process, more run them in a pool of
    `workers` processes (each loads the model once). `dask`: the cluster at `address`, else a local
    Dask cluster of `workers` single-threaded processes."""
    if runner == "local":
        if workers <= 1:
            return flow_
        return flow_.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers, initializer=_warm_worker))
    from prefect_dask import DaskTaskRunner

    if address:
        return flow_.with_options(task_runner=DaskTaskRunner(address=address))
    cluster = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    return flow_.with_options(task_runner=DaskTaskRunner(cluster_kwargs=cluster))


def _collect(lake: Lake, summary: RunSummary, paths: list[Path], future, report: Callable[[Path], None]) -> None:
    """Land one processed batch (and quarantine its failures) in this process."""
    try:
        results = future.result()
    except OSError as err:  # still failing after the task's I/O retries
        results = [Failed(QuarantineRow(ingest.source_name(path), "document", "io_error", str(err))) for path in paths]
    documents = [r for r in results if not isinstance(r, Failed)]
    failed: dict[str, str] = {}
    try:
        if documents:
            land_task(lake, quote(documents))
    except OSError:  # still failing after the retries: find out which documents cannot be landed
        for rows in documents:
            try:
                lake.land(rows)
            except OSError as err:
                failed[rows.document.doc_id] = str(err)
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, Failed):
            _quarantine(lake, summary, result.row)
        elif result.document.doc_id in failed:
            _quarantine(lake, summary, QuarantineRow(ingest.source_name(path), "land", "io_error", failed[result.document.doc_id]))
        else:
            summary.landed.append(result.document.doc_id)
            summary.n_chars += result.document.n_chars
            summary.n_sentences += len(result.sentences)
            summary.n_entities += len(result.entities)
            summary.n_facts += len(result.facts)
        report(path)


def _quarantine(lake: Lake, summary: RunSummary, row: QuarantineRow) -> None:
    lake.quarantine(row)
    summary.quarantined.append(row)
