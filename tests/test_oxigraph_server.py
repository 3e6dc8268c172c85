"""A real triplestore: Oxigraph server loads the export through the SPARQL 1.1 Graph Store
Protocol and answers every stored query, through the SPARQL 1.1 Protocol, with the same rows as
the embedded run."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from iscm_kg import query, resources
from iscm_kg.endpoint import Endpoint
from iscm_kg.triplestore import free_port, load_turtle, oxigraph_server


@pytest.fixture(scope="module")
def server(built) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, loaded with the export (with inferences)."""
    with oxigraph_server() as base:
        seconds = load_turtle(base, (built.out / "iscm-kg-inferred.ttl").read_bytes())
        print(f"Oxigraph load: {seconds:.2f} s", file=sys.stderr)
        yield base


QUERIES = query.load_queries(resources.layout().queries)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_server_answers_like_the_embedded_store(server: str, pipeline, name: str) -> None:
    stored = QUERIES[name]
    embedded = query.run(stored, pipeline.query_store(), stored.example)
    remote = query.run(stored, Endpoint(f"{server}/query"), stored.example)
    assert remote.columns == embedded.columns
    assert [[query.cell(t) for t in r] for r in remote.rows] == [
        [query.cell(t) for t in r] for r in embedded.rows
    ]
    assert embedded.rows, f"{name} returns no rows"
    for fmt, write in sorted(query.FORMATTERS.items()):  # same query, same graph: same bytes
        assert write(remote) == write(embedded), fmt


def test_cli_json_is_the_same_bytes_locally_and_through_the_endpoint(server: str, capsys) -> None:
    """``--format json`` writes a plain string the same way whichever path ran the query."""
    from iscm_kg.cli import main

    argv = ["query", "iscm-references", "--format", "json", "--quiet"]
    assert main(argv) == 0
    local = capsys.readouterr().out
    assert main([*argv, "--endpoint", f"{server}/query"]) == 0
    remote = capsys.readouterr().out
    assert remote == local
    assert "XMLSchema#string" not in local


def test_cli_runs_a_stored_query_against_the_endpoint(server: str, capsys) -> None:
    from iscm_kg.cli import main

    code = main(["query", "iscm-references", "--endpoint", f"{server}/query", "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "regional consultative process on migration,"
        "regional consultative processes on migration,§47; §50; §52" in out
    )


def test_unreachable_endpoint_is_a_clear_error(capsys) -> None:
    from iscm_kg.cli import main

    code = main(["query", "entry-points", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be reached" in err
