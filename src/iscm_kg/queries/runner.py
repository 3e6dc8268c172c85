"""Run a stored query: check its text, resolve its parameters, bind them, and select."""

from __future__ import annotations

from typing import Protocol

from ..errors import QueryError
from ..store import SelectResult
from .binding import bind
from .formats import Table
from .parameters import resolve_params
from .stored import StoredQuery, check_text, prepare


class Executor(Protocol):
    """Anything that runs SELECT queries: the local store or a remote SPARQL endpoint."""

    def select(self, sparql: str) -> SelectResult: ...


def run(query: StoredQuery, executor: Executor, given: dict[str, str] | None = None) -> Table:
    """Check, bind and run a stored query."""
    check_text(query)
    values = resolve_params(query, given or {}, executor)
    text = bind(query.text, values, [p.variable for p in query.params])
    try:
        result = executor.select(text)
    except QueryError:
        raise
    except Exception as exc:  # an engine's own error (Oxigraph raises SyntaxError, OSError…)
        prepare(query.text, query.name)  # rdflib's parser words a syntax error best
        raise QueryError(f"{query.name}: the query failed: {exc}.") from None
    return Table(list(result.variables), [list(r) for r in result.rows])
