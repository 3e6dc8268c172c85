"""Every stored query file stands alone: run as it is, unchanged, in another SPARQL 1.1 engine
(pasted into a SPARQL editor, loaded by a portal from the exported ``sh:select`` text), it gives the
rows that ``iscm-kg query NAME`` gives with its defaults (or, for a required parameter, the
header's example value)."""

from __future__ import annotations

import pytest

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
