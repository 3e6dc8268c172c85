"""The Python API: ``iscm_kg.open()`` gives the reasoned graph and the stored queries' rows, as
plain Python values and as a pandas DataFrame, locally or through a SPARQL endpoint."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from triplestore import load_turtle, oxigraph_server

import iscm_kg
from iscm_kg import query, resources
from iscm_kg.errors import InputError, QueryError


@pytest.fixture(scope="module")
def kg() -> iscm_kg.KnowledgeGraph:
    return iscm_kg.open()


def test_open_is_imported_lazily() -> None:
    """``import iscm_kg`` does not load the pipeline (the CLI's fast start depends on it)."""
    import subprocess

    code = "import sys, iscm_kg; print('iscm_kg.api' in sys.modules, 'rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_query_rows_are_the_command_line_rows(kg, run_query) -> None:
    """Same rows, same order as ``iscm-kg query`` (whose cells are the terms' lexical forms)."""
    for name, params in [
        ("iscms-by-region", {}),
        ("stakeholder-matrix", {"document": "gcm-zero-draft-rev1"}),
        ("objective-profile", {"objective": "23"}),
    ]:
        rows = kg.query(name, **params)
        expected = run_query(name, **params)
        assert rows.columns == list(expected[0])
        assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows] == expected


def test_values_are_plain_python(kg) -> None:
    rows = kg.query("stakeholder-matrix", document="A-RES-73-195")
    first = rows[0]
    assert isinstance(first["stakeholder_group"], str)
    assert isinstance(first["objective_number"], int) and 1 <= first["objective_number"] <= 23
    assert isinstance(first["references"], int) and first["references"] >= 1
    # keyword values may be numbers: objective=23 is the string "23" on the command line
    assert kg.query("objective-profile", objective=23) == kg.query(
        "objective-profile", objective="23"
    )


def test_dataframe(kg) -> None:
    pandas = pytest.importorskip("pandas")
    rows = kg.query("iscms-by-region")
    frame = rows.to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["region", "rcp", "irf", "global_process"]
    assert len(frame) == len(rows)
    assert frame.to_dict("records") == list(rows)
    assert rows.df.equals(frame)


def test_graph_is_asserted_plus_inferred(kg, pipeline) -> None:
    assert len(kg.graph) == len(pipeline.asserted + pipeline.inferred)
    colombo = next(
        s
        for s, _, o in kg.graph.triples((None, None, None))
        if str(o) == "Colombo Process" and "actor/" in str(s)
    )
    assert (colombo, None, None) in kg.graph


def test_sparql_and_listing(kg) -> None:
    assert kg.queries()["iscm-references"] == (
        "Where does a version of the compact refer to ISCMs, by wording?"
    )
    rows = kg.sparql(
        "PREFIX iscm: <https://w3id.org/iscm-kg/ontology#> "
        "SELECT (COUNT(?o) AS ?n) WHERE { ?o a iscm:Objective }"
    )
    assert rows == [{"n": 23}]
    with pytest.raises(QueryError, match="SERVICE"):
        kg.sparql("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }")


def test_errors_are_the_command_line_errors(kg, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match=r"unknown parameter version \(parameters: document\)"):
        kg.query("stakeholder-matrix", version="A-RES-73-195")
    with pytest.raises(QueryError, match="No stored query named 'nope'"):
        kg.query("nope")
    with pytest.raises(InputError, match="does not exist"):
        iscm_kg.open(data=tmp_path / "missing")
    with pytest.raises(ValueError, match="data or endpoint"):
        iscm_kg.open(data=tmp_path, endpoint="http://127.0.0.1:1/sparql")


def test_values() -> None:
    from rdflib import XSD, Literal, URIRef

    from iscm_kg.api import value

    assert value(None) is None
    assert value(URIRef("https://w3id.org/iscm-kg/id/objective/1")).endswith("objective/1")
    assert value(Literal("2018-12-19", datatype=XSD.date)) == datetime.date(2018, 12, 19)
    assert value(Literal("7", datatype=XSD.positiveInteger)) == 7
    assert value(Literal("Rabat Process", lang="en")) == "Rabat Process"


@pytest.fixture(scope="module")
def endpoint(built) -> Iterator[str]:
    with oxigraph_server() as base:
        load_turtle(base, (built.out / "iscm-kg-inferred.ttl").read_bytes())
        yield f"{base}/query"


def test_open_an_endpoint(endpoint: str, kg) -> None:
    """The same stored query gives the same rows through an endpoint, and ``graph`` reads it."""
    remote = iscm_kg.open(endpoint=endpoint)
    for name in ("iscms", "entry-point-coverage"):
        assert remote.query(name) == kg.query(name)
    assert len(remote.graph) == len(kg.graph)
    stored = query.load_queries(resources.layout().queries)
    assert set(remote.queries()) == set(stored)
