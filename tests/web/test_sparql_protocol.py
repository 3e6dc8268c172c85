"""The SPARQL 1.1 Protocol at /sparql: GET and POST, results by Accept, graphs by name."""

from __future__ import annotations

import json

import pytest
from server_helpers import LiveServer

from iscm_kg.web import sparql

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
VALUES = 'SELECT ?x WHERE { VALUES ?x { 1 "a"@en <http://example.org/x> } }'
ASSERTED = "https://w3id.org/iscm-kg/graph/asserted"
INFERRED = "https://w3id.org/iscm-kg/graph/inferred"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- the protocol's three ways to send a query ----------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(live: LiveServer) -> None:
    get = live.get("/sparql", params={"query": VALUES})
    form = live.post("/sparql", data={"query": VALUES})
    direct = live.post("/sparql", content=VALUES.encode(), headers=DIRECT)
    assert get.status_code == form.status_code == direct.status_code == 200
    assert get.content == form.content == direct.content
    assert get.headers["content-type"] == "application/sparql-results+json"
    assert json.loads(get.content) == {
        "head": {"vars": ["x"]},
        "results": {
            "bindings": [
                {
                    "x": {
                        "type": "literal",
                        "value": "1",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    }
                },
                {"x": {"type": "literal", "value": "a", "xml:lang": "en"}},
                {"x": {"type": "uri", "value": "http://example.org/x"}},
            ]
        },
    }


# --- result formats by Accept --------------------------------------------------------------


def test_select_results_as_csv(live: LiveServer) -> None:
    r = live.get("/sparql", params={"query": VALUES}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.text == "x\r\n1\r\na\r\nhttp://example.org/x\r\n"


def test_select_results_as_tsv(live: LiveServer) -> None:
    r = live.get(
        "/sparql", params={"query": VALUES}, headers={"Accept": "text/tab-separated-values"}
    )
    assert r.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert r.text == '?x\n1\n"a"@en\n<http://example.org/x>\n'


def test_select_results_as_xml(live: LiveServer) -> None:
    r = live.post(
        "/sparql", data={"query": VALUES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert r.headers["content-type"] == "application/sparql-results+xml"
    assert r.text == (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        '<head><variable name="x"/></head><results>'
        '<result><binding name="x"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">'
        "1</literal></binding></result>"
        '<result><binding name="x"><literal xml:lang="en">a</literal></binding></result>'
        '<result><binding name="x"><uri>http://example.org/x</uri></binding></result>'
        "</results></sparql>"
    )


def test_accept_quality_values_choose_the_format(live: LiveServer) -> None:
    r = live.get(
        "/sparql",
        params={"query": VALUES},
        headers={"Accept": "application/sparql-results+json;q=0.5, text/csv"},
    )
    assert r.headers["content-type"] == "text/csv; charset=utf-8"


def test_ask_as_json_and_xml(live: LiveServer) -> None:
    query = "ASK { <https://w3id.org/iscm-kg/id/actor/colombo-process> ?p ?o }"
    assert live.get("/sparql", params={"query": query}).json() == {"head": {}, "boolean": True}
    xml = live.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert "<boolean>true</boolean>" in xml.text


CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { "
    "VALUES ?s { <https://w3id.org/iscm-kg/id/actor/colombo-process> } ?s skos:prefLabel ?l }"
)


def test_construct_as_turtle_by_default(live: LiveServer) -> None:
    r = live.post("/sparql", data={"query": CONSTRUCT})
    assert r.headers["content-type"] == "text/turtle; charset=utf-8"
    lines = r.text.splitlines(keepends=True)
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" in lines
    assert "".join(line for line in lines if not line.startswith("@prefix")) == (
        "<https://w3id.org/iscm-kg/id/actor/colombo-process> skos:prefLabel "
        '"Regional Consultative Process on Overseas Employment and Contractual Labour for '
        'Countries of Origin in Asia"@en .\n'
    )


def test_construct_as_n_triples(live: LiveServer) -> None:
    r = live.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert r.headers["content-type"] == "application/n-triples; charset=utf-8"
    assert r.text == (
        "<https://w3id.org/iscm-kg/id/actor/colombo-process> "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"Regional Consultative Process on Overseas Employment and Contractual Labour for '
        'Countries of Origin in Asia"@en .\n'
    )


def test_construct_and_describe_as_json_ld(live: LiveServer) -> None:
    r = live.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"] == "application/ld+json"
    assert r.json() == [
        {
            "@id": "https://w3id.org/iscm-kg/id/actor/colombo-process",
            "http://www.w3.org/2004/02/skos/core#prefLabel": [
                {
                    "@language": "en",
                    "@value": "Regional Consultative Process on Overseas Employment and "
                    "Contractual Labour for Countries of Origin in Asia",
                }
            ],
        }
    ]
    describe = live.get(
        "/sparql",
        params={"query": "DESCRIBE <https://w3id.org/iscm-kg/id/actor/colombo-process>"},
        headers={"Accept": "application/ld+json"},
    )
    (node,) = describe.json()  # one node object: the triples come sorted by subject
    assert node["@id"] == "https://w3id.org/iscm-kg/id/actor/colombo-process"
    types = node["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert {"@id": "https://w3id.org/iscm-kg/ontology#RegionalConsultativeProcess"} in types


def test_format_parameter_overrides_accept(live: LiveServer) -> None:
    r = live.get("/sparql", params={"query": VALUES, "format": "csv"})
    assert r.text.startswith("x\r\n")


def test_unacceptable_format_is_406(live: LiveServer) -> None:
    r = live.get("/sparql", params={"query": VALUES}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.text == (
        "This query gives results, which this endpoint sends as application/sparql-results+json,"
        " application/sparql-results+xml, text/csv, text/tab-separated-values.\n"
    )


# --- the dataset: the union by default, the named graphs by name -----------------------------


def test_default_graph_is_the_union_of_the_named_graphs(live: LiveServer, pipeline) -> None:
    asserted, inferred = len(pipeline.asserted), len(pipeline.inferred)
    assert count(live.get("/sparql", params={"query": COUNT})) == asserted + inferred
    per_graph = live.get(
        "/sparql",
        params={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "text/csv"},
    )
    assert sorted(per_graph.text.splitlines()[1:]) == sorted(
        [f"{ASSERTED},{asserted}", f"{INFERRED},{inferred}"]
    )


def test_from_and_from_named_select_graphs(live: LiveServer, pipeline) -> None:
    from_inferred = f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED}> WHERE {{ ?s ?p ?o }}"
    assert count(live.get("/sparql", params={"query": from_inferred})) == len(pipeline.inferred)
    prefixed = (
        "PREFIX g: <https://w3id.org/iscm-kg/graph/> "
        "SELECT (COUNT(*) AS ?n) FROM NAMED g:asserted WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert count(live.get("/sparql", params={"query": prefixed})) == len(pipeline.asserted)


def test_protocol_dataset_parameters(live: LiveServer, pipeline) -> None:
    by_default = live.get("/sparql", params={"query": COUNT, "default-graph-uri": INFERRED})
    assert count(by_default) == len(pipeline.inferred)
    named = live.post(
        "/sparql?named-graph-uri=" + ASSERTED,
        content=b"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers=DIRECT,
    )
    assert count(named) == len(pipeline.asserted)


# --- the query page ------------------------------------------------------------------------


def test_browser_without_a_query_gets_yasgui(live: LiveServer, pipeline) -> None:
    r = live.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in r.text
    tabs = r.text.split('<script type="application/json" id="stored-queries">')[1]
    names = [t["name"] for t in json.loads(tabs.split("</script>")[0].replace("<\\/", "</"))]
    assert names == sorted(pipeline.queries)


def test_a_client_without_a_query_is_told_how(live: LiveServer) -> None:
    r = live.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 400
    assert r.text == "No query: give one as the 'query' parameter (SPARQL 1.1 Protocol).\n"


def test_static_assets_are_served(live: LiveServer) -> None:
    js = live.get("/static/yasgui/yasgui.min.js")
    assert js.status_code == 200 and len(js.content) > 900_000
    assert live.get("/static/sparql.js").text.count('autocompleters = ["prefixes", "variables"]')


def test_every_response_has_a_content_security_policy(live: LiveServer) -> None:
    r = live.get("/sparql", headers={"Accept": "text/html"})
    assert r.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_cross_origin_clients_may_query(live: LiveServer) -> None:
    r = live.get("/sparql", params={"query": VALUES}, headers={"Origin": "https://portal.example"})
    assert r.headers["access-control-allow-origin"] == "*"


# --- content negotiation on the resource pages (a stand-in Site) -----------------------------


@pytest.mark.parametrize(
    ("accept", "path", "body", "media_type"),
    [
        ("text/html", "/id/actor/x", b"<p>x</p>", "text/html; charset=utf-8"),
        ("text/turtle", "/id/actor/x", b"ttl of /id/actor/x", "text/turtle; charset=utf-8"),
        (
            "application/n-triples",
            "/id/actor/x",
            b"nt of /id/actor/x",
            "application/n-triples; charset=utf-8",
        ),
        ("application/ld+json", "/id/actor/x", b"jsonld of /id/actor/x", "application/ld+json"),
        ("*/*", "/id/actor/x.ttl", b"ttl of /id/actor/x", "text/turtle; charset=utf-8"),
        ("text/html", "/id/actor/x.jsonld", b"jsonld of /id/actor/x", "application/ld+json"),
    ],
)
def test_resource_pages_by_accept_and_suffix(
    live: LiveServer, accept: str, path: str, body: bytes, media_type: str
) -> None:
    r = live.get(path, headers={"Accept": accept})
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, body, media_type)
    assert "Accept" in r.headers["vary"]


def test_unknown_resource_is_404(live: LiveServer) -> None:
    r = live.get("/id/actor/nobody", headers={"Accept": "text/turtle"})
    assert (r.status_code, r.text) == (404, "No page at /id/actor/nobody.\n")


# --- the pieces, without a server ----------------------------------------------------------


def test_accept_header_ranking() -> None:
    assert sparql.acceptable("text/csv;q=0.2, application/json, */*;q=0.1") == (
        "application/sparql-results+json",
        "text/csv",
        "*/*",
    )
    assert sparql.choose((), sparql.RESULTS_TYPES) == "application/sparql-results+json"
    assert sparql.choose(("text/*",), sparql.GRAPH_TYPES) == "text/turtle"
    assert sparql.choose(("image/png",), sparql.GRAPH_TYPES) is None


def test_tokens_skip_comments_and_strings() -> None:
    toks = sparql.tokens('SELECT ?s # FROM <x>\nWHERE { ?s ?p "FROM <y>" }')
    assert [t.text for t in toks if t.kind == "word"] == ["SELECT", "WHERE"]
