"""One small interface between the pipeline stages and the triple store.

The stages only add named graphs, read them back, and run SELECT queries over their union, so the
backend can change (rdflib's memory store today; an Oxigraph store through ``oxrdflib`` when the
graph outgrows it) without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

from . import namespaces

GRAPH = Namespace(namespaces.BASE + "graph/")
ASSERTED = GRAPH.asserted
INFERRED = GRAPH.inferred


@dataclass(frozen=True)
class SelectResult:
    """The variables and rows of a SELECT query (``None`` where a variable is unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


class GraphStore(Protocol):
    """What the pipeline needs from a store."""

    def put(self, name: URIRef, graph: Graph) -> None:
        """Replace the named graph ``name`` with ``graph``."""

    def get(self, name: URIRef) -> Graph:
        """The named graph ``name`` (empty if absent)."""

    def union(self) -> Graph:
        """All named graphs as one graph, for reading."""

    def select(self, sparql: str) -> SelectResult:
        """Run a SELECT query over the union of all graphs."""


class MemoryStore:
    """rdflib's in-memory store: one ``Graph`` per name, a cached union for queries."""

    def __init__(self) -> None:
        self._graphs: dict[URIRef, Graph] = {}
        self._union: Graph | None = None

    def put(self, name: URIRef, graph: Graph) -> None:
        self._graphs[name] = graph
        self._union = None

    def get(self, name: URIRef) -> Graph:
        return self._graphs.get(name) or namespaces.new_graph()

    def names(self) -> list[URIRef]:
        return sorted(self._graphs)

    def union(self) -> Graph:
        if self._union is None:
            merged = namespaces.new_graph()
            for graph in self._graphs.values():
                merged += graph
            self._union = merged
        return self._union

    def select(self, sparql: str) -> SelectResult:
        result = self.union().query(sparql)
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(tuple(row[v] for v in (result.vars or ())) for row in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return sum(len(g) for g in self._graphs.values())
