"""A real triplestore: Oxigraph server loads the export through the SPARQL 1.1 Graph Store
Protocol and answers every stored query, through the SPARQL 1.1 Protocol, with the same rows as
the embedded run."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from iscm_kg import query, resources
from iscm_kg.endpoint import Endpoint


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph() -> str:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.fail("The oxigraph server (PyPI package 'oxigraph') is not installed.")
    return exe


@pytest.fixture(scope="module")
def server(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, loaded with the export (with inferences)."""
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        data = (built.out / "iscm-kg-inferred.ttl").read_bytes()
        request = urllib.request.Request(
            f"{base}/store?default",
            data=data,
            method="PUT",
            headers={"Content-Type": "text/turtle"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status in (200, 201, 204)
        print(f"Oxigraph load: {time.perf_counter() - started:.2f} s", file=sys.stderr)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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

    code = main(["query", "entry-points", "--endpoint", f"http://127.0.0.1:{_free_port()}/query"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be reached" in err
