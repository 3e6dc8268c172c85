"""Stage 4, query: the names of ``iscm_kg.queries`` in one place, for scripts, tests and
callers written against the single module this used to be.

The work is done by the modules of ``iscm_kg.queries``: ``stored`` (a ``.rq`` file and its
header), ``kinds`` and ``parameters`` (values resolved by the parameter kinds the graph declares),
``binding`` (the ``VALUES`` block), ``runner`` (``run``), ``formats`` (result writers) and
``catalog`` (a stored query as RDF).
"""

from __future__ import annotations

from rdflib import URIRef

from .queries.binding import bind, values_block
from .queries.catalog import catalog, query_graph
from .queries.formats import FORMATTERS, Table, cell, to_csv, to_json, to_markdown, to_text_table
from .queries.parameters import resolve_params
from .queries.runner import Executor, run
from .queries.stored import (
    Param,
    StoredQuery,
    check_text,
    find_query,
    load_queries,
    parse_query_file,
)

__all__ = [
    "FORMATTERS",
    "Executor",
    "Param",
    "StoredQuery",
    "Table",
    "URIRef",
    "bind",
    "catalog",
    "cell",
    "check_text",
    "find_query",
    "load_queries",
    "parse_query_file",
    "query_graph",
    "resolve_params",
    "run",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_text_table",
    "values_block",
]
