"""An Oxigraph server on a loopback port, for tests and benchmarks that need a real triplestore
(a maintainers' tool: it is not part of the installed package).

The server is the ``oxigraph`` command from the PyPI package of that name (a test dependency);
data goes in through the SPARQL 1.1 Graph Store Protocol and queries through the SPARQL 1.1
Protocol, exactly as a portal would use it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import free_port


def oxigraph_command() -> str:
    """The ``oxigraph`` executable, next to this Python or on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("The Oxigraph server is not installed: pip install oxigraph.")
    return found


@contextmanager
def oxigraph_server(location: Path | None = None) -> Iterator[str]:
    """Start ``oxigraph serve`` on a free loopback port; yield its base URL; stop it after."""
    folder = Path(location or tempfile.mkdtemp(prefix="oxigraph-"))
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_command(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"The Oxigraph server did not start on {base}.")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if location is None:
            shutil.rmtree(folder, ignore_errors=True)


def load_turtle(base: str, data: bytes) -> float:
    """Replace the server's default graph with ``data`` (Graph Store Protocol); return seconds."""
    request = urllib.request.Request(
        f"{base}/store?default", data=data, method="PUT", headers={"Content-Type": "text/turtle"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return time.perf_counter() - start
