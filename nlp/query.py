"""Read-only SQL over the lake: one SELECT (or EXPLAIN) statement, anything that writes is refused."""

from __future__ import annotations

import duckdb

#: Statement types a query may run; COPY, CREATE, INSERT, ATTACH, EXPORT, SET, … are refused.
ALLOWED_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class ReadOnlyQueryError(ValueError):
    """A query that is not a single read-only statement."""


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one read-only statement."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise ReadOnlyQueryError(f"expected exactly one SQL statement, got {len(statements)}")
    kind = statements[0].type
    if kind not in ALLOWED_STATEMENTS:
        raise ReadOnlyQueryError(
            f"{kind.name} statements are refused: govfacts query is read-only (use SELECT, or EXPLAIN SELECT)"
        )
    relation = con.execute(sql)
    columns = [d[0] for d in relation.description or []]
    return columns, relation.fetchall()
