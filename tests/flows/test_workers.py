"""Scale-out: the same flow on a local Dask cluster of 2 workers lands exactly the rows of the local runner."""

from __future__ import annotations

import shutil
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


def test_dask_runner_lands_the_same_rows_as_the_local_runner(samples: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(samples.glob("*.txt"))[:3]:
        shutil.copyfile(sample, inbox / sample.name)
    local = extract_flow([inbox], tmp_path / "local")
    dask = with_runner(extract_flow, "dask", workers=2)([inbox], tmp_path / "dask", workers=2)
    assert len(local.landed) == len(dask.landed) == 3
    local_rows, dask_rows = _rows(tmp_path / "local"), _rows(tmp_path / "dask")
    assert all(local_rows[name] for name in QUERIES)
    assert dask_rows == local_rows
