"""Small helpers shared by the golden query tests."""

from __future__ import annotations

Rows = list[dict[str, str]]


def project(table: Rows, *columns: str) -> list[tuple[str, ...]]:
    """The chosen columns of every row, in row order."""
    return [tuple(row[c] for c in columns) for row in table]
