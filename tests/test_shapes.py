"""The SHACL shapes, tested the way the W3C SHACL test suite does.

Each node shape S of shapes/*.ttl has a folder tests/shapes/<S>/ with ``valid.ttl`` (data that
satisfies S), ``invalid.ttl`` (data that violates S in several ways) and ``expected.ttl`` (the
validation results the invalid data must give). The data graph is the ontology plus one fixture
(no reasoning: the ontology's rdfs:subClassOf lets targets and sh:class follow subclasses); the
shapes graph is every file of shapes/. Only results whose sh:sourceShape belongs to S count.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from iscm_kg.validate import validate

FIXTURES = Path(__file__).parent / "shapes"
SHAPES = URIRef("https://w3id.org/iscm-kg/shapes#")
CASES = sorted(folder.name for folder in FIXTURES.iterdir() if folder.is_dir())

# (focus node, result path or None, constraint component)
Result = tuple[Node | None, Node | None, Node | None]


def owned_shapes(shapes: Graph, shape: URIRef) -> set[Node]:
    """``shape``, its property shapes and SPARQL constraints, and what they reach by sh:node."""
    owned: set[Node] = set()
    todo: list[Node] = [shape]
    while todo:
        node = todo.pop()
        if node not in owned:
            owned.add(node)
            for link in (SH.property, SH.sparql, SH.node):
                todo.extend(shapes.objects(node, link))
    return owned


def as_results(graph: Graph, owned: set[Node] | None = None) -> set[Result]:
    """Every sh:ValidationResult of ``graph`` (sh:detail ones included), from ``owned`` shapes."""
    return {
        (
            graph.value(result, SH.focusNode),
            graph.value(result, SH.resultPath),
            graph.value(result, SH.sourceConstraintComponent),
        )
        for result in graph.subjects(RDF.type, SH.ValidationResult)
        if owned is None or graph.value(result, SH.sourceShape) in owned
    }


def results_of(name: str, fixture: str, ontology: Graph, shapes: Graph) -> set[Result]:
    data = Graph()
    data += ontology
    data.parse(FIXTURES / name / fixture)
    report = validate(data, shapes)
    return as_results(report.results_graph, owned_shapes(shapes, SHAPES + name))


def test_every_node_shape_has_fixtures(shapes: Graph) -> None:
    names = {
        str(shape).removeprefix(str(SHAPES)) for shape in shapes.subjects(RDF.type, SH.NodeShape)
    }
    assert names == set(CASES)
    for name in CASES:
        for fixture in ("valid.ttl", "invalid.ttl", "expected.ttl"):
            assert (FIXTURES / name / fixture).is_file(), f"{name}/{fixture} is missing"


@pytest.mark.parametrize("name", CASES)
def test_expected_is_not_empty(name: str) -> None:
    assert as_results(Graph().parse(FIXTURES / name / "expected.ttl"))


@pytest.mark.parametrize("name", CASES)
def test_valid(name: str, ontology: Graph, shapes: Graph) -> None:
    assert results_of(name, "valid.ttl", ontology, shapes) == set()


@pytest.mark.parametrize("name", CASES)
def test_invalid(name: str, ontology: Graph, shapes: Graph) -> None:
    expected = as_results(Graph().parse(FIXTURES / name / "expected.ttl"))
    assert results_of(name, "invalid.ttl", ontology, shapes) == expected
