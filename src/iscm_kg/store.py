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

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store
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
    """rdflib's in-memory store: one ``Graph`` per name, and a read-only view of their union."""

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
        """Every graph's triples, each once, as one read-only graph (a view: nothing is copied)."""
        if self._union is None:
            self._union = namespaces.new_graph(UnionStore(list(self._graphs.values())))
        return self._union

    def select(self, sparql: str) -> SelectResult:
        result = self.union().query(sparql_text.prepare(sparql))  # parsed once per process
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(tuple(row[v] for v in (result.vars or ())) for row in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return sum(len(g) for g in self._graphs.values())


class UnionStore(Store):
    """A read-only rdflib store that answers from the union of some graphs, without copying them.

    A triple is given by the first graph that holds it (each triple once, as a merged graph
    would give it). Copying into one rdflib graph cost 21 µs a triple (3.3 s at scale 10) and the
    memory of the copy (about 220 MB at scale 25); a lookup here asks each graph in turn."""

    context_aware = False
    formula_aware = False
    graph_aware = False

    def __init__(self, graphs: list[Graph]) -> None:
        super().__init__()
        self.graphs = graphs
        self._names = Memory()  # the prefixes bound on the view: rdflib's own bookkeeping

    def _fresh(self, index: int, pattern) -> Iterator:  # type: ignore[no-untyped-def]
        """The triples of graph ``index`` matching ``pattern`` that no earlier graph holds."""
        earlier = self.graphs[:index]
        for triple in self.graphs[index].triples(pattern):
            if not any(triple in other for other in earlier):
                yield triple

    def triples(self, triple_pattern, context=None):  # type: ignore[override]
        for index in range(len(self.graphs)):
            for triple in self._fresh(index, triple_pattern):
                yield triple, iter(())

    def __len__(self, context=None) -> int:  # type: ignore[override]
        everything = (None, None, None)
        first = len(self.graphs[0]) if self.graphs else 0  # nothing before it to check
        return first + sum(
            sum(1 for _ in self._fresh(i, everything)) for i in range(1, len(self.graphs))
        )

    def add(self, triple, context, quoted=False) -> None:  # type: ignore[override]
        raise TypeError("The union of the pipeline's graphs is read-only.")

    def addN(self, quads) -> None:  # type: ignore[override]
        raise TypeError("The union of the pipeline's graphs is read-only.")

    def remove(self, triple, context=None) -> None:  # type: ignore[override]
        raise TypeError("The union of the pipeline's graphs is read-only.")

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._names.bind(prefix, namespace, override)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._names.prefix(namespace)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._names.namespace(prefix)

    def namespaces(self):  # type: ignore[override]
        return self._names.namespaces()


def materialized(graph: Graph) -> Graph:
    """``graph`` itself, or a copy in rdflib's memory store where it is a ``UnionStore`` view
    (pyshacl wraps its data graph in an rdflib Dataset, which needs a store with named graphs)."""
    if not isinstance(graph.store, UnionStore):
        return graph
    copy = namespaces.new_graph()
    copy += graph
    return copy


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
