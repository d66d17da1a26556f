"""Parallel runs: the same flow on a pool of 2 worker processes, or on a local Dask cluster of 2 workers,
lands exactly the rows of one worker in this process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.extract import extract_flow, with_runner
from nlp.land import connect_read_only

pytestmark = pytest.mark.usefixtures("prefect_harness")

QUERIES = {
    "documents": "SELECT doc_id, source, title, province, county, report_year, text, fixes, warnings FROM documents ORDER BY doc_id",
    "sentences": "SELECT * FROM sentences ORDER BY doc_id, sent_id",
    "entities": "SELECT * FROM entities ORDER BY doc_id, start, label",
    "facts": "SELECT * FROM facts ORDER BY doc_id, start",
}


def _rows(lake: Path) -> dict[str, list[tuple]]:
    with connect_read_only(lake) as con:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}


@pytest.fixture(scope="module")
def inbox_and_local_rows(prefect_harness, samples: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp_path = tmp_path_factory.mktemp("workers")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(samples.glob("*.txt"))[:3]:
        shutil.copyfile(sample, inbox / sample.name)
    local = extract_flow([inbox], tmp_path / "local")
    assert len(local.landed) == 3
    rows = _rows(tmp_path / "local")
    assert all(rows[name] for name in QUERIES)
    return inbox, rows


@pytest.mark.parametrize("runner", ["local", "dask"])
def test_two_workers_land_the_same_rows_as_one_worker_in_process(
    runner: str, inbox_and_local_rows: tuple[Path, dict], tmp_path: Path
) -> None:
    inbox, local_rows = inbox_and_local_rows
    summary = with_runner(extract_flow, runner, workers=2)([inbox], tmp_path / runner, workers=2)
    assert len(summary.landed) == 3 and not summary.quarantined
    assert _rows(tmp_path / runner) == local_rows


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_processes_import_only_what_they_use() -> None:
    """Memory with 2 workers (README, "Running it nightly"): a worker imports flows.extract to run its batches
    but never lands, so the lake's libraries stay out of it; the flow's process lands but leaves the
    documents to the workers, so spaCy stays out of it. Each would cost the process ~50 MB."""
    modules = _modules_after("import flows.extract")
    assert not {"duckdb", "pyarrow", "spacy", "thinc"} & modules


def test_the_mojibake_readings_load_without_pypinyins_phrase_dictionary() -> None:
    """The repair reads single characters: pypinyin's phrase dictionary (~45 MB) is not loaded."""
    modules = _modules_after("from nlp import mojibake\nmojibake._dictionary()\n"
                             "from pypinyin.constants import PHRASES_DICT\nassert not PHRASES_DICT")
    assert "pypinyin" in modules
