"""One small interface between the pipeline stages and the triple store.

The stages only add named graphs, read them back, and run SELECT queries over their union, so the
backend can change without touching them. Two backends implement it:

- ``MemoryStore``: rdflib's memory store. Parsing, reasoning (owlrl), validation (pyshacl) and
  serialization work on rdflib graphs, so the pipeline keeps its graphs here.
- ``OxigraphStore``: pyoxigraph, used to answer the stored queries. rdflib's SPARQL engine
  re-evaluates grouped subqueries for every outer row; on our queries it took from 0.02 s to over
  20 s per query where Oxigraph takes milliseconds (``python benchmarks/run.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from . import namespaces

GRAPH = Namespace(namespaces.BASE + "graph/")
ASSERTED = GRAPH.asserted
INFERRED = GRAPH.inferred
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
        self._prepared: dict[str, Query] = {}

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
        if sparql not in self._prepared:  # rdflib's parser is slow: parse each text once
            self._prepared[sparql] = prepareQuery(sparql)
        result = self.union().query(self._prepared[sparql])
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(tuple(row[v] for v in (result.vars or ())) for row in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return sum(len(g) for g in self._graphs.values())


class OxigraphStore:
    """pyoxigraph's in-memory store; graphs go in as N-Triples, queries see their union."""

    def __init__(self) -> None:
        import pyoxigraph  # imported here: only the query stage needs it

        self._ox = pyoxigraph
        self._store = pyoxigraph.Store()
        self._graphs: dict[URIRef, Graph] = {}

    def put(self, name: URIRef, graph: Graph) -> None:
        ox = self._ox
        target = ox.NamedNode(str(name))
        if self._store.contains_named_graph(target):
            self._store.remove_graph(target)
        data = graph.serialize(format="nt", encoding="utf-8")
        self._store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=target)
        self._graphs[name] = graph

    def get(self, name: URIRef) -> Graph:
        return self._graphs.get(name) or namespaces.new_graph()

    def union(self) -> Graph:
        merged = namespaces.new_graph()
        for graph in self._graphs.values():
            merged += graph
        return merged

    def select(self, sparql: str) -> SelectResult:
        result = self._store.query(sparql, use_default_graph_as_union=True)
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(_from_oxigraph(solution[v]) for v in variables) for solution in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return len(self._store)


def _from_oxigraph(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term the rest of the program uses."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)  # type: ignore[attr-defined]
    if kind == "BlankNode":
        return BNode(term.value)  # type: ignore[attr-defined]
    language = term.language  # type: ignore[attr-defined]
    if language:
        return Literal(term.value, lang=language)  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    if datatype == XSD_STRING:  # RDF 1.1: a simple literal; endpoints write it without datatype
        return Literal(term.value)  # type: ignore[attr-defined]
    return Literal(term.value, datatype=URIRef(datatype))  # type: ignore[attr-defined]
