"""The SHACL validation with prepared queries gives pyshacl's own report, result for result.

``validate.validate(..., validator="pyshacl")`` hands pyshacl a ``PreparedQueryGraph`` (each
SHACL-SPARQL text parsed once) and runs it in place; the reference is a plain
``pyshacl.validate`` call on a plain graph, as the pipeline made before the speed-up. Compared
here on the shipped reasoned graph, and on every invalid shape fixture (with the ontology) in
``tests/test_conformance.py``, which shares that run of pyshacl with its own comparison.
"""

from __future__ import annotations

import pytest
from helpers import plain_pyshacl, report_results
from rdflib import Graph

from iscm_kg import validate
from iscm_kg.pipeline import Pipeline


@pytest.mark.slow
def test_same_results_on_the_shipped_graph(pipeline: Pipeline, shapes: Graph) -> None:
    data = pipeline.store.union()
    report = validate.validate(data, shapes, validator="pyshacl")
    assert report.conforms and report.nodes_validated > 2000
    assert (report.conforms, report_results(report.results_graph)) == plain_pyshacl(data, shapes)
    # and the fast check's empty report is pyshacl's own (``tests/test_conformance.py``)
    fast_report = validate.validate(data, shapes)
    assert fast_report.conforms and fast_report.nodes_validated == report.nodes_validated
    assert fast_report.results_graph.isomorphic(report.results_graph)
    assert fast_report.as_json() == report.as_json()
