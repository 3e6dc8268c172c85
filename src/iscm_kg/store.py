"""The two stores the pipeline uses, each with ``select(sparql) -> SelectResult``.

- ``MemoryStore``: rdflib graphs by name. Parsing, reasoning (owlrl), validation (pyshacl) and
  serialization work on rdflib graphs; the pipeline keeps its named graphs here, and only here.
- ``OxigraphStore``: pyoxigraph, used to answer the stored queries. rdflib's SPARQL engine
  re-evaluates grouped subqueries for every outer row; on our queries it took from 0.02 s to over
  20 s per query where Oxigraph takes milliseconds (``python benchmarks/run.py``). It holds the
  triples in Oxigraph only; load it from rdflib graphs (``put``) or from N-Triples files
  (``load_file``, what the cache keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from . import namespaces, sparql_text

GRAPH = Namespace(namespaces.BASE + "graph/")
ASSERTED = GRAPH.asserted
INFERRED = GRAPH.inferred
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class SelectResult:
    """The variables and rows of a SELECT query (``None`` where a variable is unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


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

    def release_union(self) -> None:
        """Let go of the cached union (a copy of every triple); ``union()`` builds it again."""
        self._union = None

    def union(self) -> Graph:
        if self._union is None:
            merged = namespaces.new_graph()
            for graph in self._graphs.values():
                merged += graph
            self._union = merged
        return self._union

    def select(self, sparql: str) -> SelectResult:
        result = self.union().query(sparql_text.prepare(sparql))  # parsed once per process
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

    def put(self, name: URIRef, graph: Graph) -> None:
        """Replace the named graph ``name`` with the triples of ``graph``."""
        self._load(name, graph.serialize(format="nt", encoding="utf-8"))

    def load_file(self, name: URIRef, path: Path) -> None:
        """Replace the named graph ``name`` with the triples of an N-Triples file."""
        self._load(name, Path(path))

    def _load(self, name: URIRef, source: bytes | Path) -> None:
        ox = self._ox
        target = ox.NamedNode(str(name))
        if self._store.contains_named_graph(target):
            self._store.remove_graph(target)
        if isinstance(source, Path):
            self._store.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        else:
            self._store.bulk_load(source, ox.RdfFormat.N_TRIPLES, to_graph=target)

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
