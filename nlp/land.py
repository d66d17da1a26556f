"""Land: rows → the Parquet lake (one file per document and dataset) and the DuckDB views over it.

Every file is written to a temporary name and renamed into place, so a reader never sees a
half-written file and a crash leaves the previous lake readable. A document's rows live in
files named by its doc_id, so landing it again replaces them and can never duplicate them.
Its `documents` file is written last: a document counts as landed once that file exists.

The datasets are partitioned by report year, Hive style: `facts/report_year=2024/<doc_id>.parquet`
(`report_year=__HIVE_DEFAULT_PARTITION__` when the year is unknown). The views read the partition
as a `report_year` column, so a filter on it skips the other years' files; Polars, Spark and
pyarrow read the same layout as a Hive-partitioned dataset.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.schema import DATASETS, DocumentRow, EntityRow, FactRow, QuarantineRow, SentenceRow, arrow_schema, to_table

if TYPE_CHECKING:
    import duckdb

# duckdb and pyarrow are imported inside the functions that use them: worker processes import this module
# for DocumentRows but never land, and the two imports would cost each of them ~50 MB.

DATABASE_NAME = "govfacts.duckdb"
LOCK_NAME = ".lock"
#: A zero-row file in each dataset directory, so its view has the declared columns while it is empty.
SCHEMA_FILE = "_schema.parquet"
#: Slogans across the lake: text, documents and mentions, the provinces and report years they appear in.
SLOGANS_VIEW = """
CREATE VIEW slogans AS
SELECT e.text AS slogan,
       count(DISTINCT e.doc_id) AS n_documents,
       count(*) AS n_mentions,
       count(DISTINCT d.province) AS n_provinces,
       array_sort(list(DISTINCT d.province) FILTER (WHERE d.province IS NOT NULL)) AS provinces,
       array_sort(list(DISTINCT d.report_year) FILTER (WHERE d.report_year IS NOT NULL)) AS years
FROM entities e JOIN documents d USING (doc_id)
WHERE e.label = 'SLOGAN'
GROUP BY e.text
"""
_PART_DATASETS = ("sentences", "entities", "facts", "documents")  # documents last: the commit mark
#: The partition column and the directory name Hive (and DuckDB, Spark, pyarrow) read as NULL.
PARTITION = "report_year"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def partition_dir(year: int | None) -> str:
    """Directory name of a report year's partition."""
    return f"{PARTITION}={NULL_PARTITION if year is None else int(year)}"


@dataclass
class DocumentRows:
    """All rows one document contributes to the lake."""

    document: DocumentRow
    sentences: list[SentenceRow] = field(default_factory=list)
    entities: list[EntityRow] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)


class LakeLockedError(RuntimeError):
    """Another process is landing into the same lake."""


def _atomic_write_parquet(table, path: Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".parquet.tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _source_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Lake:
    """A lake directory: per-document Parquet files for each dataset, plus govfacts.duckdb."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._versions: dict[str, tuple[str, str]] | None = None  # doc_id → (source, pipeline_version)
        self._years: dict[str, int | None] = {}  # doc_id → report year (its partition)
        self._by_source: dict[str, set[str]] = {}

    @property
    def database(self) -> Path:
        """The DuckDB file holding one view per dataset."""
        return self.root / DATABASE_NAME

    def dataset_dir(self, name: str) -> Path:
        """Directory of one dataset."""
        return self.root / name

    def _schema_file(self, name: str) -> Path:
        if name in _PART_DATASETS:
            return self.dataset_dir(name) / partition_dir(None) / SCHEMA_FILE
        return self.dataset_dir(name) / SCHEMA_FILE

    def initialize(self) -> None:
        """Create the dataset directories with their schema files and the DuckDB views; move the
        files of a lake written before partitioning into their year's partition."""
        self._partition_flat_files()
        for name, row_type in DATASETS.items():
            schema_file = self._schema_file(name)
            if not schema_file.exists():
                _atomic_write_parquet(arrow_schema(row_type).empty_table(), schema_file)
        self.write_views()

    def _partition_flat_files(self) -> None:
        """Lakes of govfacts before report-year partitioning kept `<dataset>/<doc_id>.parquet`: move each
        document's files under its year (documents last, as when landing), drop the old schema files."""
        flat = [p for p in self.dataset_dir("documents").glob("*.parquet") if p.name != SCHEMA_FILE]
        if flat:
            import duckdb

            with duckdb.connect() as con:
                years = con.execute("SELECT doc_id, report_year FROM read_parquet(?)", [[str(p) for p in flat]]).fetchall()
            for doc_id, year in years:
                for dataset in _PART_DATASETS:
                    old = self.dataset_dir(dataset) / f"{doc_id}.parquet"
                    if old.exists():
                        target = self._part(dataset, doc_id, year)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(old, target)
        for dataset in _PART_DATASETS:
            for orphan in self.dataset_dir(dataset).glob("*.parquet"):  # rows of a document never committed
                orphan.unlink()

    @contextmanager
    def locked(self) -> Iterator[Lake]:
        """Hold the lake's lock file (with our pid) for the duration; refuse if another live process holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = self.root / LOCK_NAME
        while True:
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                holder = _lock_holder(lock)
                if holder is not None and _pid_alive(holder):
                    raise LakeLockedError(
                        f"lake {self.root} is being written by process {holder} (lock file {lock}); "
                        "wait for it to finish, or remove the lock file if that process is gone"
                    ) from None
                lock.unlink(missing_ok=True)  # stale lock of a process that died
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            break
        try:
            yield self
        finally:
            lock.unlink(missing_ok=True)

    def _part(self, dataset: str, key: str, year: int | None = None) -> Path:
        if dataset in _PART_DATASETS:
            return self.dataset_dir(dataset) / partition_dir(year) / f"{key}.parquet"
        return self.dataset_dir(dataset) / f"{key}.parquet"

    def land(self, rows: DocumentRows) -> None:
        """Write one document's rows, replacing any earlier landing of it or of its source path."""
        doc = rows.document
        versions = self._landed()
        for old_id in self._by_source.get(doc.source, set()) - {doc.doc_id}:
            self.remove(old_id)
        if doc.doc_id in versions and self._years.get(doc.doc_id) != doc.report_year:
            self.remove(doc.doc_id)  # landed before under another year: its old partition's files go
        for dataset in _PART_DATASETS:
            dataset_rows = [doc] if dataset == "documents" else getattr(rows, dataset)
            _atomic_write_parquet(to_table(dataset_rows, DATASETS[dataset]),
                                  self._part(dataset, doc.doc_id, doc.report_year))
        previous = versions.get(doc.doc_id)
        if previous and previous[0] != doc.source:
            self._by_source.get(previous[0], set()).discard(doc.doc_id)
        versions[doc.doc_id] = (doc.source, doc.pipeline_version)
        self._years[doc.doc_id] = doc.report_year
        self._by_source[doc.source] = {doc.doc_id}
        self._part("quarantine", _source_key(doc.source)).unlink(missing_ok=True)

    def quarantine(self, row: QuarantineRow) -> None:
        """Record an input that could not be processed (one row per source path, replaced on re-run)."""
        _atomic_write_parquet(to_table([row], QuarantineRow), self._part("quarantine", _source_key(row.source)))

    def remove(self, doc_id: str) -> None:
        """Remove every row of one document, its documents file first."""
        versions = self._landed()
        year = self._years.pop(doc_id, None)
        for dataset in reversed(_PART_DATASETS):
            self._part(dataset, doc_id, year).unlink(missing_ok=True)
        source, _ = versions.pop(doc_id, (None, None))
        self._by_source.get(source, set()).discard(doc_id)

    def is_current(self, doc_id: str, source: str, pipeline_version: str) -> bool:
        """True when this document is landed from this source by this pipeline version: nothing to redo."""
        return self._landed().get(doc_id) == (source, pipeline_version)

    def _landed(self) -> dict[str, tuple[str, str]]:
        """doc_id → (source, pipeline_version) of every landed document, read once from the documents files."""
        if self._versions is None:
            self._versions = {}
            files = [str(p) for p in self.dataset_dir("documents").glob("*/*.parquet") if p.name != SCHEMA_FILE]
            if files:
                import duckdb

                with duckdb.connect() as con:
                    rows = con.execute("SELECT doc_id, source, pipeline_version, report_year FROM read_parquet(?)",
                                       [files]).fetchall()
                for doc_id, source, version, year in rows:
                    self._versions[doc_id] = (source, version)
                    self._years[doc_id] = year
                    self._by_source.setdefault(source, set()).add(doc_id)
        return self._versions

    def write_views(self) -> None:
        """(Re)build govfacts.duckdb with one view per dataset over its Parquet files."""
        import duckdb

        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".duckdb")
        os.close(fd)
        os.unlink(tmp)  # DuckDB creates the file itself
        try:
            with duckdb.connect(tmp) as con:
                for name in DATASETS:
                    if name in _PART_DATASETS:  # report_year comes from the partition: filters on it prune files
                        pattern = str(self.dataset_dir(name).resolve() / "*" / "*.parquet").replace("'", "''")
                        source = (f"read_parquet('{pattern}', hive_partitioning = true, "
                                  f"hive_types = {{'{PARTITION}': INTEGER}})")
                    else:
                        pattern = str(self.dataset_dir(name).resolve() / "*.parquet").replace("'", "''")
                        source = f"read_parquet('{pattern}')"
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
                con.execute(SLOGANS_VIEW)
            os.replace(tmp, self.database)
        finally:
            Path(tmp).unlink(missing_ok=True)
            Path(tmp + ".wal").unlink(missing_ok=True)


def _lock_holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def connect_read_only(lake: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the lake's DuckDB views."""
    import duckdb

    database = Path(lake) / DATABASE_NAME
    if not database.exists():
        raise FileNotFoundError(f"no lake at {lake}: {database} does not exist; run `govfacts run` first")
    return duckdb.connect(str(database), read_only=True)
