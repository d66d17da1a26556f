"""Landing: atomic per-document files, replace-not-duplicate, source changes, lock, read-only queries."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from nlp.land import Lake, LakeLockedError, connect_read_only
from nlp.query import ReadOnlyQueryError, run_query
from nlp.schema import DocumentRow, QuarantineRow, SentenceRow
from nlp.land import DocumentRows


def _rows(doc_id: str, source: str, text: str = "城镇新增就业1.2万人。失业率3%。") -> DocumentRows:
    doc = DocumentRow(
        doc_id=doc_id, source=source, sha256=doc_id, n_bytes=len(text.encode()), encoding="utf-8",
        title="南通市通州区人民政府工作报告", province="江苏省", city="南通市", county="通州区", level="county",
        region_code="320612", report_date=None, report_year=2023, speaker=None, n_chars=len(text), text=text,
        fixes=["punctuation"], warnings=[], pipeline_version="test",
    )
    sentences = [SentenceRow(doc_id, 0, 0, 11, None, "review", text[0:11]), SentenceRow(doc_id, 1, 11, 16, None, "review", text[11:16])]
    return DocumentRows(document=doc, sentences=sentences)


def _count(lake: Lake, sql: str) -> list[tuple]:
    lake.write_views()
    with connect_read_only(lake.root) as con:
        return con.execute(sql).fetchall()


def test_landing_twice_replaces_rows_and_never_duplicates(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.land(_rows("a" * 64, "r1.txt"))
    lake.land(_rows("a" * 64, "r1.txt"))
    assert _count(lake, "SELECT count(*) FROM documents") == [(1,)]
    assert _count(lake, "SELECT count(*) FROM sentences") == [(2,)]


def test_a_changed_file_replaces_the_rows_of_its_previous_version(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.land(_rows("a" * 64, "r1.txt"))
    Lake(lake_dir).land(_rows("b" * 64, "r1.txt", "城镇新增就业1.3万人。失业率3%。"))  # a new process: index read from disk
    assert _count(lake, "SELECT doc_id FROM documents") == [("b" * 64,)]
    assert _count(lake, "SELECT DISTINCT doc_id FROM sentences") == [("b" * 64,)]


def test_empty_lake_views_have_the_declared_columns(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    with connect_read_only(lake_dir) as con:
        columns = [row[0] for row in con.execute("DESCRIBE facts").fetchall()]
        assert con.execute("SELECT count(*) FROM entities").fetchall() == [(0,)]
    assert columns == ["doc_id", "sent_id", "indicator", "value", "unit", "figure", "qualifier", "change", "status",
                       "period_year", "start", "end", "report_year"]


def _with_year(rows: DocumentRows, year: int | None) -> DocumentRows:
    rows.document = dataclasses.replace(rows.document, report_year=year)
    return rows


def test_datasets_are_partitioned_by_report_year_and_filters_skip_other_years(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    for doc_id, year in (("a" * 64, 2023), ("b" * 64, 2024), ("c" * 64, None)):
        lake.land(_with_year(_rows(doc_id, f"{doc_id[0]}.txt"), year))
    assert (lake_dir / "sentences" / "report_year=2024" / f"{'b' * 64}.parquet").is_file()
    assert (lake_dir / "documents" / "report_year=__HIVE_DEFAULT_PARTITION__" / f"{'c' * 64}.parquet").is_file()
    assert _count(lake, "SELECT report_year, count(*) FROM sentences GROUP BY 1 ORDER BY 1 NULLS LAST") == [
        (2023, 2), (2024, 2), (None, 2)]
    # a filter on the partition column never opens another year's files: break one and query another year
    (lake_dir / "sentences" / "report_year=__HIVE_DEFAULT_PARTITION__" / f"{'c' * 64}.parquet").write_bytes(b"not parquet")
    with connect_read_only(lake_dir) as con:
        assert con.execute("SELECT count(*) FROM sentences WHERE report_year = 2024").fetchall() == [(2,)]
        with pytest.raises(duckdb.Error):
            con.execute("SELECT count(*) FROM sentences").fetchall()


def test_a_document_whose_year_changes_moves_to_its_new_partition(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.land(_with_year(_rows("a" * 64, "r1.txt"), 2023))
    Lake(lake_dir).land(_with_year(_rows("a" * 64, "r1.txt"), 2024))  # a new process: years read from disk
    assert _count(lake, "SELECT report_year, count(*) FROM sentences GROUP BY 1") == [(2024, 2)]
    assert not list((lake_dir / "sentences" / "report_year=2023").glob("*.parquet"))


def test_a_lake_from_before_partitioning_is_moved_into_partitions(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.land(_rows("a" * 64, "r1.txt"))
    for dataset in ("documents", "sentences", "entities", "facts"):  # the old layout: <dataset>/<doc_id>.parquet
        for path in (lake_dir / dataset).glob("*/*.parquet"):
            if path.name == "_schema.parquet":
                path.unlink()
            else:
                path.rename(lake_dir / dataset / path.name)
    (lake_dir / "sentences" / f"{'d' * 64}.parquet").write_bytes(b"rows of a document that never committed")
    migrated = Lake(lake_dir)
    migrated.initialize()
    assert not [p for p in lake_dir.glob("*/*.parquet") if p.parent.name != "quarantine"]
    assert _count(migrated, "SELECT report_year, count(*) FROM sentences GROUP BY 1") == [(2023, 2)]
    assert migrated.is_current("a" * 64, "r1.txt", "test")


def test_quarantine_is_replaced_when_the_source_lands_later(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.quarantine(QuarantineRow("r1.txt", "ingest", "undecodable", "no supported encoding"))
    assert _count(lake, "SELECT reason FROM quarantine") == [("undecodable",)]
    lake.land(_rows("a" * 64, "r1.txt"))
    assert _count(lake, "SELECT count(*) FROM quarantine") == [(0,)]


def test_a_second_writer_is_refused_while_the_lock_is_held(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    with lake.locked():
        assert (lake_dir / ".lock").read_text() == str(os.getpid())
        with pytest.raises(LakeLockedError, match=str(os.getpid())):
            with Lake(lake_dir).locked():
                pass
    assert not (lake_dir / ".lock").exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over(lake_dir: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    lake_dir.mkdir(parents=True)
    (lake_dir / ".lock").write_text(dead.stdout.strip())
    with Lake(lake_dir).locked():
        assert (lake_dir / ".lock").read_text() == str(os.getpid())


@pytest.mark.parametrize(
    "sql",
    ["COPY documents TO '/tmp/govfacts-leak.csv'", "CREATE TABLE t AS SELECT 1", "ATTACH ':memory:' AS x", "SELECT 1; SELECT 2"],
)
def test_run_query_refuses_anything_but_one_read(lake_dir: Path, sql: str) -> None:
    Lake(lake_dir).initialize()
    with connect_read_only(lake_dir) as con, pytest.raises(ReadOnlyQueryError):
        run_query(con, sql)


def test_run_query_returns_columns_and_rows(lake_dir: Path) -> None:
    lake = Lake(lake_dir)
    lake.initialize()
    lake.land(_rows("a" * 64, "r1.txt"))
    lake.write_views()
    with connect_read_only(lake_dir) as con:
        assert run_query(con, "SELECT county, report_year FROM documents") == (["county", "report_year"], [("通州区", 2023)])
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE t (a INT)")


def test_slogans_view_counts_documents_mentions_and_provinces(lake_dir: Path) -> None:
    from nlp.schema import EntityRow

    lake = Lake(lake_dir)
    lake.initialize()
    for doc_id, source, province in (("a" * 64, "r1.txt", "江苏省"), ("b" * 64, "r2.txt", "浙江省")):
        rows = _rows(doc_id, source)
        rows.document = DocumentRow(**{**rows.document.__dict__, "province": province})
        rows.entities = [EntityRow(doc_id, 0, "SLOGAN", "放管服", 3, 6), EntityRow(doc_id, 1, "SLOGAN", "放管服", 12, 15)]
        lake.land(rows)
    assert _count(lake, "SELECT slogan, n_documents, n_mentions, n_provinces, provinces FROM slogans") == [
        ("放管服", 2, 4, 2, ["江苏省", "浙江省"])
    ]
