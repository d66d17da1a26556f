"""Row types of the lake and their Arrow schemas: the one definition every stage uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class DocumentRow:
    """One report: provenance, metadata and the cleaned text every offset refers to."""

    doc_id: str
    source: str
    sha256: str
    n_bytes: int
    encoding: str
    title: str | None
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    region_code: str | None
    report_date: dt.date | None
    report_year: int | None
    speaker: str | None
    n_chars: int
    text: str
    fixes: list[str]
    warnings: list[str]
    pipeline_version: str


@dataclass(frozen=True)
class SentenceRow:
    """One sentence with character offsets into its document's cleaned text."""

    doc_id: str
    sent_id: int
    start: int
    end: int
    section: str | None
    section_kind: str
    text: str


@dataclass(frozen=True)
class EntityRow:
    """One FIGURE, UNIT or SLOGAN span."""

    doc_id: str
    sent_id: int
    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class FactRow:
    """One figure with what it measures."""

    doc_id: str
    sent_id: int
    indicator: str | None
    value: float | None
    unit: str | None
    figure: str
    qualifier: str | None
    change: str | None
    status: str | None
    period_year: int | None
    start: int
    end: int


@dataclass(frozen=True)
class QuarantineRow:
    """An input that could not be processed, and why."""

    source: str
    stage: str
    reason: str
    detail: str


@cache
def _arrow_types() -> dict[str, pa.DataType]:
    """Column name → Arrow type. pyarrow is imported here, not with the module: worker processes build rows
    and never write them, and the import costs each of them ~40 MB."""
    import pyarrow as pa

    return {
        "doc_id": pa.string(),
        "source": pa.string(),
        "sha256": pa.string(),
        "n_bytes": pa.int64(),
        "encoding": pa.string(),
        "title": pa.string(),
        "province": pa.string(),
        "city": pa.string(),
        "county": pa.string(),
        "level": pa.string(),
        "region_code": pa.string(),
        "report_date": pa.date32(),
        "report_year": pa.int32(),
        "speaker": pa.string(),
        "n_chars": pa.int64(),
        "text": pa.string(),
        "fixes": pa.list_(pa.string()),
        "warnings": pa.list_(pa.string()),
        "pipeline_version": pa.string(),
        "sent_id": pa.int32(),
        "start": pa.int64(),
        "end": pa.int64(),
        "section": pa.string(),
        "section_kind": pa.string(),
        "label": pa.string(),
        "indicator": pa.string(),
        "value": pa.float64(),
        "unit": pa.string(),
        "figure": pa.string(),
        "qualifier": pa.string(),
        "change": pa.string(),
        "status": pa.string(),
        "period_year": pa.int32(),
        "stage": pa.string(),
        "reason": pa.string(),
        "detail": pa.string(),
    }


def arrow_schema(row_type: type) -> pa.Schema:
    """The Arrow schema of a row dataclass, column for field."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, _arrow_types()[f.name]) for f in fields(row_type)])


#: Dataset name → row type; the lake has one directory and one DuckDB view per entry.
DATASETS: dict[str, type] = {
    "documents": DocumentRow,
    "sentences": SentenceRow,
    "entities": EntityRow,
    "facts": FactRow,
    "quarantine": QuarantineRow,
}


def to_table(rows: list, row_type: type) -> pa.Table:
    """Rows of one dataclass as an Arrow table with the declared schema."""
    import pyarrow as pa

    schema = arrow_schema(row_type)
    columns = {name: [getattr(row, name) for row in rows] for name in schema.names}
    return pa.table(columns, schema=schema)
