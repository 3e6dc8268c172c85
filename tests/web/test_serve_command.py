"""``iscm-kg serve`` as a user runs it: a process that loads the graph once, answers on
loopback, and stops cleanly (with its query workers) on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from server_helpers import free_port

from iscm_kg.cli import main


def tree(pid: int) -> list[int]:
    """The descendants of a process."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    found = [int(c) for c in children.stdout.split()]
    return found + [d for c in found for d in tree(c)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_serve_answers_and_stops_on_interrupt(tmp_path) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "iscm_kg", "serve", "--port", str(port), "--timeout", "5"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            try:
                ready = httpx.get(f"{url}/queries/iscms-by-region.csv", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert ready.status_code == 200
        assert ready.text.splitlines()[0] == "region,rcp,irf,global_process"
        ask = httpx.post(f"{url}/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert ask.json() == {"head": {}, "boolean": True}
        descendants = tree(proc.pid)
        assert len(descendants) >= 3  # the fork server and two query workers
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
    log.seek(0)
    output = log.read()
    assert code == 0, output
    assert (
        f"Serving ISCM-KG at {url}/ (SPARQL endpoint {url}/sparql; query time limit 5 s)." in output
    )
    assert "Traceback" not in output
    time.sleep(1)
    assert [pid for pid in descendants if alive(pid)] == []


def test_bad_port_and_timeout_are_usage_errors(capsys) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert capsys.readouterr().err == "iscm-kg: --port must be between 1 and 65535, not 70000.\n"
    assert main(["serve", "--timeout", "0"]) == 2
    assert (
        capsys.readouterr().err
        == "iscm-kg: --timeout must be a positive number of seconds, not 0.0.\n"
    )
