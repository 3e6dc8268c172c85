"""What the server refuses, with which status and sentence, and that the graph is unchanged after.

The ``strict`` server has tight limits (1.5 s a query, 10 kB of query text, 100 kB of results) so
the limits can be reached quickly; the ``live`` one has the defaults.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import pytest
from server_helpers import LiveServer

from iscm_kg.web import workers

ASSERTED = "https://w3id.org/iscm-kg/graph/asserted"
INFERRED = "https://w3id.org/iscm-kg/graph/inferred"
READ_ONLY = "This endpoint is read-only: SPARQL updates are refused.\n"
SERVICE = "SERVICE (a federated query) is refused: this endpoint answers from its own graph only.\n"
OWN_GRAPHS = (
    f"this endpoint reads only its own named graphs <{ASSERTED}> and <{INFERRED}>, "
    "nothing from files or the web.\n"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def refused(server: LiveServer, query: str | None = None, **kwargs) -> tuple[int, str]:
    if query is not None:
        kwargs.setdefault("data", {"query": query})
    r = server.post("/sparql", **kwargs)
    return r.status_code, r.text


# --- updates -------------------------------------------------------------------------------


def test_update_parameter_is_refused(live: LiveServer) -> None:
    r = live.post("/sparql", data={"update": "INSERT DATA { <http://a> <http://b> <http://c> }"})
    assert (r.status_code, r.text) == (403, READ_ONLY)


def test_sparql_update_body_is_refused(live: LiveServer) -> None:
    r = live.post(
        "/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
    )
    assert (r.status_code, r.text) == (403, READ_ONLY)


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
        ("PREFIX x: <http://x/>\ndelete where { ?s ?p ?o }", "DELETE"),
        ("LOAD <file:///etc/passwd>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        (f"DROP GRAPH <{ASSERTED}>", "DROP"),
        (f"WITH <{ASSERTED}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", "WITH"),
    ],
)
def test_update_as_a_query_is_refused(live: LiveServer, text: str, keyword: str) -> None:
    assert refused(live, text) == (
        403,
        f"This endpoint is read-only: SPARQL updates ({keyword} …) are refused.\n",
    )


# --- SERVICE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        # Oxigraph reads both of these as SERVICE too
        "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/sparql>{ ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(live: LiveServer, text: str) -> None:
    assert refused(live, text) == (403, SERVICE)


def test_service_hidden_from_a_simple_lexer_is_refused(live: LiveServer) -> None:
    # A lexer may read <'x> as an IRI and the rest of the line as a string; Oxigraph reads a
    # comparison, then SERVICE. The worker's check with Oxigraph's own parser catches it.
    text = (
        "SELECT * WHERE { ?s ?p ?o FILTER(?s<'x>') "
        "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } #'\n}"
    )
    assert refused(live, text) == (
        400,
        "The query is not valid SPARQL, or uses SERVICE, which is refused.\n",
    )


def test_the_word_service_in_strings_and_names_is_allowed(live: LiveServer) -> None:
    text = (
        "PREFIX service: <http://example.org/service#> SELECT ?service WHERE { "
        'VALUES ?service { "public service" service:x <http://example.org/service> } }'
    )
    r = live.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"})
    assert (r.status_code, r.text) == (
        200,
        "service\r\npublic service\r\nhttp://example.org/service#x\r\nhttp://example.org/service\r\n",
    )


# --- files and other graphs ----------------------------------------------------------------


def test_from_a_file_is_refused(live: LiveServer) -> None:
    text = "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
    assert refused(live, text) == (403, f"FROM <file:///etc/passwd> is refused: {OWN_GRAPHS}")


def test_from_named_a_web_graph_is_refused(live: LiveServer) -> None:
    text = (
        "PREFIX ex: <http://example.org/> "
        "SELECT * FROM NAMED ex:graph WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert refused(live, text) == (
        403,
        f"FROM <http://example.org/graph> is refused: {OWN_GRAPHS}",
    )


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graph_parameters_with_a_file_are_refused(
    live: LiveServer, parameter: str
) -> None:
    r = live.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", parameter: "file:///etc/passwd"},
    )
    assert (r.status_code, r.text) == (
        403,
        f"{parameter} <file:///etc/passwd> is refused: {OWN_GRAPHS}",
    )


# --- size, depth, time ---------------------------------------------------------------------


def test_an_oversized_query_is_refused(strict: LiveServer) -> None:
    text = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 10_000
    assert refused(strict, text) == (
        413,
        "The query is 10030 bytes long; this endpoint takes queries up to 10000 bytes.\n",
    )


def test_an_oversized_body_is_refused_before_it_is_read(live: LiveServer) -> None:
    body = b"query=" + b"x" * 400_000
    r = live.post(
        "/sparql", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (r.status_code, r.text) == (413, "The request body is over 301024 bytes.\n")


def test_a_deeply_nested_query_is_refused(live: LiveServer) -> None:
    # 10,000 levels would overflow the stack of Oxigraph's recursive parser.
    text = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    assert refused(live, text) == (400, "The query nests brackets more than 200 levels deep.\n")


def test_an_oversized_result_is_refused(strict: LiveServer) -> None:
    text = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    assert refused(strict, text, headers={"Accept": "text/csv"}) == (
        422,
        "The result is larger than 100000 bytes: add a LIMIT or ask for fewer variables.\n",
    )


def test_an_oversized_graph_result_is_refused(strict: LiveServer) -> None:
    text = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"
    assert refused(strict, text) == (
        422,
        "The result is larger than 100000 bytes: add a LIMIT or ask for fewer variables.\n",
    )


def test_a_query_past_the_time_limit_is_stopped_and_the_next_is_answered(
    strict: LiveServer,
) -> None:
    pool = strict.app.state.pool
    before, replaced = set(pool.pids()), pool.replaced
    assert refused(strict, SLOW) == (
        503,
        "The query ran past the time limit of 1.5 s and was stopped.\n",
    )
    r = strict.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert (r.status_code, r.json()) == (200, {"head": {}, "boolean": True})
    assert pool.replaced == replaced + 1
    killed = before - set(pool.pids())
    assert len(killed) == 1
    (pid,) = killed
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the stopped query's worker is gone


def test_every_worker_busy_past_the_limit_is_a_503(strict: LiveServer) -> None:
    results: list[tuple[int, str]] = []

    def slow() -> None:
        results.append(refused(strict, SLOW))

    threads = [threading.Thread(target=slow) for _ in range(strict.app.state.pool.size + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    stopped = (503, "The query ran past the time limit of 1.5 s and was stopped.\n")
    busy = (503, "Every query worker stayed busy for 1.5 s; try again later.\n")
    # The extra query waits for a worker; when one is freed before its 1.5 s are up it runs
    # for the time left, and is stopped.
    assert len(results) == len(threads)
    assert set(results) <= {stopped, busy}
    assert results.count(stopped) >= strict.app.state.pool.size
    r = strict.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200


def test_a_worker_that_dies_is_replaced(strict: LiveServer) -> None:
    pool = strict.app.state.pool
    results: list[tuple[int, str]] = []
    thread = threading.Thread(target=lambda: results.append(refused(strict, SLOW)))
    busy_before = set(pool.pids())
    thread.start()
    time.sleep(0.5)  # the slow query is now in a worker; kill them all
    for pid in busy_before:
        os.kill(pid, signal.SIGKILL)
    thread.join(60)
    assert results == [(500, "The query stopped the query engine (too deep or too much memory).\n")]
    r = strict.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200


def test_post_of_another_media_type_is_refused(live: LiveServer) -> None:
    r = live.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.text) == (
        415,
        "POST a query as application/x-www-form-urlencoded or application/sparql-query, "
        "not application/json.\n",
    )


def test_a_syntax_error_is_a_400_with_the_position(live: LiveServer) -> None:
    assert refused(live, "SELECT * WHERE { ?s ?p }") == (
        400,
        "SPARQL syntax error: error at 1:25: expected one of LATERAL, SERVICE, [_].\n",
    )


# --- paths ---------------------------------------------------------------------------------


def raw_get(server: LiveServer, target: str) -> tuple[int, bytes]:
    """A GET with the request target exactly as given (no client normalises the dots)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/yasgui/../../../../../../../etc/passwd",
        "/static/..\\..\\..\\..\\etc\\passwd",
        "/id/../../../../../etc/passwd",
        "/id/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/id/..%2f..%2f..%2fetc%2fpasswd",
        "/queries/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/../../../../etc/passwd",
        "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e%2f%2e%2e%2fpages.py",
        "/plots/..%2f..%2f..%2fetc%2fpasswd",
        "/id/actor/colombo-process/../../../../etc/passwd",
        "/../../../../etc/passwd",
        "/static/%00",
    ],
)
@pytest.mark.parametrize("fixture", ["live", "site_live"])
def test_path_traversal_reaches_no_file(request, fixture: str, target: str) -> None:
    status, body = raw_get(request.getfixturevalue(fixture), target)
    assert status in (400, 404), (status, body[:200])
    assert b"root:" not in body
    assert b"import" not in body  # no source file either


def test_path_traversal_messages(live: LiveServer) -> None:
    assert raw_get(live, "/id/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert b"No such page." in raw_get(live, "/id/%2e%2e/%2e%2e/etc/passwd")[1]
    status, body = raw_get(live, "/queries/..%2f..%2fetc%2fpasswd")
    assert status == 404 and b"No such page." in body


# --- the graph afterwards ------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["live", "strict"])
def test_the_graph_is_unchanged(request, fixture: str, pipeline) -> None:
    """Run last in this file: every worker still holds exactly the reasoned graph."""
    server: LiveServer = request.getfixturevalue(fixture)
    expected = (
        f"g,n\r\n{ASSERTED},{len(pipeline.asserted)}\r\n{INFERRED},{len(pipeline.inferred)}\r\n"
    )
    answers: list[str] = []

    def ask() -> None:
        r = server.post("/sparql", data={"query": PER_GRAPH}, headers={"Accept": "text/csv"})
        answers.append(r.text)

    threads = [threading.Thread(target=ask) for _ in range(2 * server.app.state.pool.size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers == [expected] * len(threads)
    assert len(pipeline.query_store()) == len(pipeline.asserted) + len(pipeline.inferred)


def test_service_free_uses_oxigraphs_parser() -> None:
    assert workers.service_free('SELECT * WHERE { ?s ?p "SERVICE" }')
    assert not workers.service_free("SELECT * WHERE { SeRvIcE <http://x> { ?s ?p ?o } }")
