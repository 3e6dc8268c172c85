"""Clients written by others: SPARQLWrapper and rdflib's SPARQLStore get, for every stored query,
the same rows from the endpoint as the embedded run."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import Node
from server_helpers import LiveServer
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from iscm_kg import query, resources

QUERIES = query.load_queries(resources.layout().queries)
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def plain(term: Node | None) -> tuple[str, ...] | None:
    """A term to compare across clients: xsd:string literals and simple literals are one."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    datatype = "" if term.datatype in (None, XSD_STRING) else str(term.datatype)
    return ("literal", str(term), term.language or "", datatype)


def from_json(value: dict[str, str] | None) -> Node | None:
    if value is None:
        return None
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(
        value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
    )


@pytest.fixture(scope="module")
def bound(pipeline) -> dict[str, tuple[str, list[list[tuple[str, ...] | None]]]]:
    """Each stored query with its example parameters bound, and its embedded rows."""
    store = pipeline.query_store()
    out = {}
    for name, stored in QUERIES.items():
        text = query.bind(stored.text, query.resolve_params(stored, stored.example, store))
        result = store.select(text)
        out[name] = (text, [[plain(t) for t in row] for row in result.rows])
    return out


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparqlwrapper_gets_the_embedded_rows(live: LiveServer, bound, name: str) -> None:
    text, expected = bound[name]
    client = SPARQLWrapper(f"{live.url}/sparql")
    client.setMethod(POST)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    payload = client.queryAndConvert()
    variables = payload["head"]["vars"]
    rows = [[plain(from_json(b.get(v))) for v in variables] for b in payload["results"]["bindings"]]
    assert rows == expected
    assert rows, f"{name} returns no rows"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rdflib_sparqlstore_gets_the_embedded_rows(live: LiveServer, bound, name: str) -> None:
    text, expected = bound[name]
    graph = Graph(store=SPARQLStore(f"{live.url}/sparql", method="POST"))
    result = graph.query(text)
    rows = [[plain(row[v]) for v in result.vars] for row in result]
    assert rows == expected


def test_the_cli_runs_a_stored_query_against_the_server(live: LiveServer, pipeline, capsys) -> None:
    """The README's ``iscm-kg query NAME --endpoint URL/sparql``."""
    from iscm_kg.cli import main

    url = f"{live.url}/sparql"
    assert main(["query", "objective-profile", "--param", "objective=23", "--endpoint", url]) == 0
    remote = capsys.readouterr().out
    assert main(["query", "objective-profile", "--param", "objective=23"]) == 0
    assert remote == capsys.readouterr().out
