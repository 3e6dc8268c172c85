"""Virtuoso 7, the store many linked-data portals run, answers every stored query like Oxigraph.

The inferred export (TriG, so the asserted and inferred graphs stay named graphs; Virtuoso's
default graph is their union) is loaded into a fresh Virtuoso server on loopback ports; every
stored query, bound with its defaults and also run as the file stands, must give the rows of the
embedded run, in the same order.

A cell that lists several values is built with GROUP_CONCAT over an ordered subquery. SPARQL
leaves the order of GROUP_CONCAT undefined, so such a cell is compared here as the multiset of its
values; the rows themselves (ORDER BY, which SPARQL defines) are compared in order. Virtuoso 7.2
keeps the subquery's order too, so in practice the bytes are the same (README, "Serving the graph
from a triplestore").
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from virtuoso import Virtuoso, installed, virtuoso_server

from iscm_kg import query, resources
from iscm_kg.endpoint import Endpoint

pytestmark = pytest.mark.skipif(
    not installed(),
    reason="Virtuoso 7 is not installed (apt-get install virtuoso-opensource-7-bin)",
)

QUERIES = query.load_queries(resources.layout().queries)
SECONDS = 60  # each query; both rewritten queries now take well under a second


@pytest.fixture(scope="module")
def virtuoso(built) -> Iterator[Virtuoso]:
    """A Virtuoso server loaded with the built inferred export."""
    with virtuoso_server(timeout=SECONDS) as server:
        seconds = server.load_trig((built.out / "iscm-kg-inferred.trig").read_bytes())
        print(f"Virtuoso load: {seconds:.2f} s", file=sys.stderr)
        yield server


def _cells(table: query.Table) -> list[list[tuple[str, ...]]]:
    """Each row's cells, a list cell ("a; b; c") as the sorted tuple of its values."""
    return [[tuple(sorted(query.cell(t).split("; "))) for t in row] for row in table.rows]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_virtuoso_answers_like_oxigraph(virtuoso: Virtuoso, pipeline, name: str) -> None:
    stored = QUERIES[name]
    embedded = query.run(stored, pipeline.query_store(), stored.example)
    endpoint = Endpoint(virtuoso.sparql, timeout=SECONDS)
    bound = query.run(stored, endpoint, stored.example)
    raw = endpoint.select(stored.text)  # the file as it stands, its default bindings included
    assert virtuoso.alive(), f"{name} stopped the server"
    assert bound.columns == list(raw.variables) == embedded.columns
    assert embedded.rows, f"{name} returns no rows"
    assert _cells(bound) == _cells(embedded)
    assert _cells(query.Table(bound.columns, [list(r) for r in raw.rows])) == _cells(embedded)
