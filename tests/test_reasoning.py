"""The default reasoner against the reference: owlrl's own loop, triple for triple.

``fast`` runs owlrl's rules visiting only the triples that can fire one (``owlrl_fast``). What the
pipeline keeps (after the hygiene filter of ``reason.py``), what it drops and the inconsistencies
found must be exactly owlrl's, on the shipped graph, on a synthetic graph, and on the shape test
fixtures (with the ontology), several of which are inconsistent on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import split_blank
from helpers import synthetic as _synthetic
from rdflib import BNode, Graph
from rdflib.compare import to_isomorphic

from iscm_kg import reason, resources
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "benchmarks" / "synthetic.py"
FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*/invalid.ttl"))


_OWLRL: dict[tuple[frozenset, object], reason.Reasoned] = {}


def _owlrl(asserted: Graph) -> reason.Reasoned:
    """owlrl's own result, once per distinct graph in this module, up to blank-node labels (the
    synthetic graph at scale 1 is the shipped data, its ontology parsed again with new blank
    nodes: owlrl's 12 s are then not spent twice). A result is reused only if it holds no blank
    node and no error: then it is the same whatever the input's blank nodes are called."""
    ground, blank = split_blank(asserted)
    key = (frozenset(ground), to_isomorphic(blank).internal_hash())
    found = _OWLRL.get(key)
    if found is None:
        found = reason.reason(asserted, "owlrl")
        if not found.errors and not any(isinstance(x, BNode) for t in found.inferred for x in t):
            _OWLRL[key] = found
    return found


def assert_same(asserted: Graph) -> None:
    fast = reason.reason(asserted, "fast")
    reference = _owlrl(asserted)
    assert set(fast.inferred) == set(reference.inferred)
    assert sorted(fast.errors) == sorted(reference.errors)
    assert (fast.dropped, fast.by_predicate) == (reference.dropped, reference.by_predicate)


@pytest.mark.slow
def test_fast_equals_owlrl_on_the_shipped_graph(pipeline: Pipeline) -> None:
    assert len(pipeline.inferred) > 4000
    assert_same(pipeline.asserted)


@pytest.mark.slow
def test_fast_equals_owlrl_on_the_synthetic_graph(tmp_path: Path) -> None:
    """At ``$ISCM_KG_SYNTHETIC_SCALE`` (default 1: the real data as the generator copies it)."""
    if not SYNTHETIC.is_file():
        pytest.skip("benchmarks/synthetic.py (the synthetic data generator) is not in this tree")
    synthetic = _synthetic()
    scale = int(os.environ.get("ISCM_KG_SYNTHETIC_SCALE", "1"))
    data = synthetic.generate(scale, tmp_path / "synthetic")
    pipeline = Pipeline(resources.layout(data), cache=None).load()
    assert_same(pipeline.asserted)


def test_fast_equals_owlrl_on_the_fixtures_with_the_ontology() -> None:
    """Every invalid shape fixture in one graph with the ontology: inconsistent several times."""
    graph = Graph()
    graph.parse(ROOT / "ontology" / "iscm.ttl")
    for fixture in FIXTURES:
        graph.parse(fixture)
    fast = reason.reason(graph, "fast")
    assert len(fast.errors) >= 5  # the disjointness checks are exercised
    assert_same(graph)


def test_an_unknown_reasoner_is_refused() -> None:
    with pytest.raises(Exception, match="Unknown reasoner 'hermit'"):
        reason.reason(Graph(), "hermit")
