"""The SHACL validation with prepared queries gives pyshacl's own report, result for result.

``validate.validate(..., validator="pyshacl")`` hands pyshacl a ``PreparedQueryGraph`` (each
SHACL-SPARQL text parsed once) and runs it in place; the reference is a plain
``pyshacl.validate`` call on a plain graph, as the pipeline made before the speed-up. Compared on
every invalid shape fixture (with the ontology) and on the shipped reasoned graph.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

from iscm_kg import validate
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*/invalid.ttl"))
FIELDS = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.resultSeverity,
    SH.resultMessage,
)


def results(graph: Graph) -> list[tuple]:
    """Every result as its field values (a blank node, an anonymous shape or path, as '_')."""
    out = []
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        values = tuple(graph.value(result, f) for f in FIELDS)
        out.append(tuple("_" if isinstance(v, BNode) else v for v in values))
    return sorted(out, key=repr)


def reference(data: Graph, shapes: Graph) -> tuple[bool, list[tuple]]:
    shapes_copy = Graph()
    shapes_copy += shapes
    conforms, graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_copy,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return conforms, results(graph)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_same_results_on_each_invalid_fixture(
    fixture: Path, shapes: Graph, ontology: Graph
) -> None:
    data = Graph()
    data += ontology
    data.parse(fixture)
    before = set(data)
    report = validate.validate(data, shapes, validator="pyshacl")
    assert not report.conforms and report.violations
    assert set(data) == before  # pyshacl ran in place and wrote nothing into the data
    assert (report.conforms, results(report.results_graph)) == reference(data, shapes)


def test_same_results_on_the_shipped_graph(pipeline: Pipeline, shapes: Graph) -> None:
    data = pipeline.store.union()
    report = validate.validate(data, shapes, validator="pyshacl")
    assert report.conforms and report.nodes_validated > 2000
    assert (report.conforms, results(report.results_graph)) == reference(data, shapes)
