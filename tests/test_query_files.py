"""Every stored query file stands alone: run as it is, unchanged, in another SPARQL 1.1 engine
(pasted into a SPARQL editor, loaded by a portal from the exported ``sh:select`` text), it gives the
rows that ``iscm-kg query NAME`` gives with its defaults (or, for a required parameter, the
header's example value)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from iscm_kg import query, resources

QUERIES = query.load_queries(resources.layout().queries)
PARAMETERIZED = sorted(n for n, q in QUERIES.items() if q.params)


def _table(result) -> query.Table:
    return query.Table(list(result.variables), [list(row) for row in result.rows])


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_file_as_it_is_gives_the_cli_rows(pipeline, name: str) -> None:
    """On Oxigraph: the raw text's rows are the CLI's rows, term for term, in the same order."""
    stored = QUERIES[name]
    store = pipeline.query_store()
    cli = query.run(stored, store, stored.example)
    raw = _table(store.select(stored.text))
    assert cli.rows, f"{name} returns no rows"
    assert query.to_json(raw) == query.to_json(cli)


@pytest.fixture(scope="module")
def rdflib_union(pipeline) -> Graph:
    """The reasoned graph (asserted plus inferred) in one rdflib graph."""
    union = Graph()
    union += pipeline.asserted
    union += pipeline.inferred
    return union


# rdflib's engine takes from 15 s to several minutes (and gigabytes) on each of these, depending on
# the hash seed (the join order it picks); they are checked on Oxigraph above and on Virtuoso in
# test_virtuoso.py.
SLOW_ON_RDFLIB = {
    "objectives-without-actors",
    "references-per-objective",
    "referents-by-version",
    "stakeholder-matrix",
    "stakeholder-objectives",
    "state-iscms",
}


@pytest.mark.parametrize("name", sorted(set(QUERIES) - SLOW_ON_RDFLIB))
def test_the_file_as_it_is_gives_the_cli_rows_on_rdflib(
    pipeline, rdflib_union: Graph, name: str
) -> None:
    """On rdflib, the reference engine: the same values in the same order. (Oxigraph's store
    gives integers of the xsd:integer subtypes back as xsd:integer, rdflib keeps the subtype, so
    the values are compared in their lexical form.)"""
    stored = QUERIES[name]
    cli = query.run(stored, pipeline.query_store(), stored.example)
    result = rdflib_union.query(stored.text)
    assert [str(v) for v in result.vars] == cli.columns
    assert [[query.cell(row[v]) for v in result.vars] for row in result] == [
        [query.cell(t) for t in row] for row in cli.rows
    ]


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_the_file_holds_its_default_bindings(pipeline, name: str) -> None:
    """The ``VALUES`` line after ``#@parameters`` is the header's defaults (or example values)
    bound: binding them again changes nothing, and every parameter has its variable there."""
    stored = QUERIES[name]
    values = query.resolve_params(stored, stored.example, pipeline.query_store())
    assert stored.text.count("#@parameters") == 1
    assert query.bind(stored.text, values, [p.variable for p in stored.params]) == stored.text


def test_a_bound_parameter_replaces_the_default_block() -> None:
    text = "SELECT ?x WHERE {\n  #@parameters\n  VALUES ?document { <urn:a> }\n  ?x ?p ?document }"
    bound = query.bind(text, {"document": query.URIRef("urn:b")}, ["document"])
    assert (
        bound
        == "SELECT ?x WHERE {\n  #@parameters\n  VALUES ?document { <urn:b> }\n  ?x ?p ?document }"
    )
    assert query.bind(text, {}, ["document"]).count("VALUES ?document { UNDEF }") == 1
