"""The rdflib store's union of its graphs: a read-only view that answers as a merged copy would;
and the graphs' memory store, which gives what rdflib's gives."""

import itertools

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory

from iscm_kg import namespaces
from iscm_kg.store import ASSERTED, INFERRED, MemoryStore, materialized

EX = "https://example.org/"
A = (URIRef(EX + "a"), URIRef(EX + "p"), Literal("1"))
B = (URIRef(EX + "b"), URIRef(EX + "p"), Literal("2"))
C = (URIRef(EX + "a"), URIRef(EX + "q"), URIRef(EX + "b"))


def _store(asserted: list, inferred: list) -> MemoryStore:
    store = MemoryStore()
    for name, triples in ((ASSERTED, asserted), (INFERRED, inferred)):
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        store.put(name, graph)
    return store


def test_the_union_gives_each_triple_once() -> None:
    union = _store([A, C], [B, C]).union()  # C in both graphs
    assert sorted(union) == sorted([A, B, C])
    assert len(union) == 3
    assert sorted(union.triples((URIRef(EX + "a"), None, None))) == sorted([A, C])
    assert sorted(union.triples((None, URIRef(EX + "p"), None))) == sorted([A, B])
    assert list(union.triples((None, None, URIRef(EX + "b")))) == [C]
    assert B in union and (URIRef(EX + "b"), URIRef(EX + "q"), URIRef(EX + "a")) not in union


def test_the_union_answers_sparql_as_a_merged_copy() -> None:
    store = _store([A, C], [B, C])
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"
    copy = materialized(store.union())
    assert isinstance(copy.store, Memory)  # rdflib's, which pyshacl can wrap
    assert sorted(copy) == sorted(store.union())
    assert list(store.union().query(text)) == list(copy.query(text))
    assert store.select(text).rows == tuple(tuple(row) for row in copy.query(text))


def test_the_union_is_read_only() -> None:
    union = _store([A], [B]).union()
    with pytest.raises(TypeError, match=r"^The union of the pipeline's graphs is read-only\.$"):
        union.add(C)
    with pytest.raises(TypeError, match="read-only"):
        union.remove(A)
    assert sorted(union) == sorted([A, B])


def test_the_union_is_made_once() -> None:
    store = _store([A], [B])
    assert store.union() is store.union()


def test_a_new_graph_replaces_the_union() -> None:
    store = _store([A], [B])
    store.union()
    graph = Graph()
    graph.add(C)
    store.put(INFERRED, graph)
    assert sorted(store.union()) == sorted([A, C])


def test_the_union_of_the_shipped_graphs_is_their_merge(pipeline) -> None:
    union = pipeline.store.union()
    merged = Graph()
    merged += pipeline.asserted
    merged += pipeline.inferred
    assert len(union) == len(merged) == len(pipeline.asserted) + len(pipeline.inferred)
    assert set(union) == set(merged)


def test_the_lazy_memory_store_answers_as_rdflibs() -> None:
    """Every pattern, and the graphs of a triple (``contexts``), as rdflib's ``Memory``."""
    lazy, plain = namespaces.new_graph(), Graph(store=Memory())
    for graph in (lazy, plain):
        for triple in (A, B, C):
            graph.add(triple)
    assert isinstance(lazy.store, namespaces.LazyContextMemory)
    terms = [None, URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b"), Literal("1")]
    for pattern in itertools.product(terms, repeat=3):
        assert sorted(lazy.triples(pattern)) == sorted(plain.triples(pattern)), pattern
    for triple in (A, B, C):
        assert [g.identifier for g in lazy.store.contexts(triple)] == [lazy.identifier]
        assert [g.identifier for g in plain.store.contexts(triple)] == [plain.identifier]
