"""The rdflib store's cached union: built once, let go on request, rebuilt from the graphs."""

from rdflib import Graph, Literal, URIRef

from iscm_kg.store import ASSERTED, INFERRED, MemoryStore

A = (URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("1"))
B = (URIRef("https://example.org/b"), URIRef("https://example.org/p"), Literal("2"))


def _store() -> MemoryStore:
    store = MemoryStore()
    for name, triple in ((ASSERTED, A), (INFERRED, B)):
        graph = Graph()
        graph.add(triple)
        store.put(name, graph)
    return store


def test_the_union_is_built_once_and_rebuilt_after_release() -> None:
    store = _store()
    first = store.union()
    assert set(first) == {A, B}
    assert store.union() is first
    store.release_union()
    second = store.union()
    assert second is not first
    assert set(second) == {A, B}


def test_a_new_graph_replaces_the_union() -> None:
    store = _store()
    store.union()
    graph = Graph()
    graph.add(A)
    store.put(INFERRED, graph)
    assert set(store.union()) == {A}
