"""The extraction flow: input files → cleaned, described, structured documents landed in the lake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from nlp import clean as clean_stage
from nlp import ingest, metadata, process, structure
from nlp.land import DocumentRows, Lake
from nlp.schema import QuarantineRow
from nlp.settings import PIPELINE_VERSION


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


@task(name="ingest", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, **_TASK_OPTIONS)
def ingest_task(path: Path) -> ingest.RawText:
    """Read and decode one input file."""
    return ingest.read_file(path)


@task(name="clean", **_TASK_OPTIONS)
def clean_task(raw: ingest.RawText) -> clean_stage.Cleaned:
    """Clean one document's text."""
    return clean_stage.clean(raw.text)


@task(name="metadata", **_TASK_OPTIONS)
def metadata_task(cleaned: clean_stage.Cleaned, source: str) -> metadata.Meta:
    """Read title, region, level, dates and speaker from the header."""
    return metadata.extract_metadata(cleaned.text, source=Path(source).name)


@task(name="structure", **_TASK_OPTIONS)
def structure_task(cleaned: clean_stage.Cleaned, meta: metadata.Meta) -> list[structure.Sentence]:
    """Split into sentences with their sections."""
    return structure.structure(cleaned.text, report_year=meta.report_year)


@task(name="land", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, **_TASK_OPTIONS)
def land_task(lake: Lake, rows: DocumentRows) -> None:
    """Write one document's rows into the lake."""
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


Progress = Callable[[str, int], None]


@flow(name="govfacts-extract", validate_parameters=False, log_prints=False)
def extract_flow(
    paths: Sequence[Path], lake_dir: Path, on_document: Progress | None = None, force: bool = False
) -> RunSummary:
    """Land every input file under `paths`; a file that fails goes to quarantine and the batch goes on.

    A file whose bytes are already landed from the same path by this pipeline version is skipped
    (unless `force`); a changed file replaces the rows of its previous version.
    """
    lake = Lake(lake_dir)
    summary = RunSummary(lake=lake.root)
    files = list(ingest.iter_input_files(paths))
    with lake.locked():
        lake.initialize()
        for path in files:
            stage = "ingest"
            try:
                raw = ingest_task(path)
                if not force and lake.is_current(raw.doc_id, raw.source, PIPELINE_VERSION):
                    summary.skipped.append(raw.doc_id)
                    continue
                stage = "clean"
                cleaned = clean_task(raw)
                stage = "metadata"
                meta = metadata_task(cleaned, raw.source)
                stage = "structure"
                sentences = structure_task(cleaned, meta)
                stage = "land"
                land_task(lake, process.document_rows(raw, cleaned, meta, sentences))
            except ingest.IngestError as err:
                _quarantine(lake, summary, QuarantineRow(str(path), stage, err.reason, err.detail))
            except Exception as err:  # noqa: BLE001 — one bad document must not stop the batch; it is recorded
                _quarantine(lake, summary, QuarantineRow(str(path), stage, type(err).__name__, str(err)))
            else:
                summary.landed.append(raw.doc_id)
                summary.n_chars += len(cleaned.text)
                summary.n_sentences += len(sentences)
            finally:
                if on_document is not None:
                    on_document(str(path), len(summary.landed) + len(summary.skipped) + len(summary.quarantined))
        lake.write_views()
    return summary


def _quarantine(lake: Lake, summary: RunSummary, row: QuarantineRow) -> None:
    lake.quarantine(row)
    summary.quarantined.append(row)
