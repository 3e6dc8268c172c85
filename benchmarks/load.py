"""Load benchmark for ``iscm-kg serve``: 16 concurrent clients for 30 s from loopback.

    python benchmarks/load.py                 # starts `iscm-kg serve` on a free loopback port
    python benchmarks/load.py --url http://127.0.0.1:8000   # a server already running

The clients send a fixed mix: 60 % resource pages (the home page, the index pages and every
resource page, as HTML) and 40 % stored queries (``/queries/NAME.csv`` with each query's example
parameters); with ``--sparql``, a tenth of the requests send the same queries' SPARQL text to
``/sparql`` instead, which runs it every time. It prints requests per second, p50/p95/p99
latency and errors for each kind. The loop is bounded in time (``--seconds``) and in count
(``--max-requests``) and stops by itself; it sends nothing but to loopback.

Targets on the project's 2-core machine: no error, pages p95 <= 100 ms, stored queries p95 <=
500 ms. This is a measurement, not a test: it exits 0 whatever the numbers (1 only when it
cannot run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from iscm_kg import query, resources  # noqa: E402
from iscm_kg.web.serve import is_loopback  # noqa: E402

BASE = "https://w3id.org/iscm-kg/"
HTML = {"Accept": "text/html"}
CSV = {"Accept": "text/csv"}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass(frozen=True)
class Request:
    kind: str  # "page", "stored query" or "sparql"
    method: str
    path: str
    headers: dict[str, str]
    data: dict[str, str] | None = None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def loopback(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "iscm_kg", "serve", "--quiet", "--port", str(port)]
    proc = subprocess.Popen([*command, "--timeout", str(timeout)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("The server stopped while starting.")
        try:
            httpx.get(f"{url}/queries", timeout=5)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("The server did not start within 600 s.")


def page_paths(url: str) -> list[str]:
    """The home page, the pages it links to, and a page for every resource IRI of the graph."""
    paths = {"/", "/queries", "/sparql"}
    home = httpx.get(url + "/", headers=HTML, timeout=60).text
    for href in re.findall(r'href="(/[^"#?]*)"', home):
        if not href.startswith("/static/") and not href.endswith((".css", ".svg", ".ttl")):
            paths.add(href)
    sparql = (
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
        f'FILTER (STRSTARTS(STR(?s), "{BASE}id/")) }} ORDER BY ?s'
    )
    rows = httpx.post(url + "/sparql", data={"query": sparql}, headers=CSV, timeout=60)
    rows.raise_for_status()
    for iri in rows.text.splitlines()[1:]:
        paths.add("/" + iri.strip().removeprefix(BASE))
    return sorted(paths)


def requests(url: str, with_pages: bool) -> list[Request]:
    """The distinct requests the clients draw from."""
    out: list[Request] = []
    if with_pages:
        out += [Request("page", "GET", p, HTML) for p in page_paths(url)]
    else:
        out += [Request("page", "GET", p, HTML) for p in ("/", "/queries", "/sparql")]
    stored = query.load_queries(resources.layout().queries)
    for name, q in stored.items():
        suffix = f"?{urlencode(q.example)}" if q.example else ""
        out.append(Request("stored query", "GET", f"/queries/{name}.csv{suffix}", CSV))
    texts = httpx.get(url + "/sparql", headers=HTML, timeout=60).text
    tabs = re.search(r'id="stored-queries">(.*?)</script>', texts, re.S)
    if tabs:
        import json

        for tab in json.loads(tabs.group(1).replace("<\\/", "</")):
            out.append(Request("sparql", "POST", "/sparql", CSV, {"query": tab["query"]}))
    return out


def mix(pool: list[Request], seed: int, size: int, sparql: bool) -> list[Request]:
    """A deterministic sequence: 60 % pages, 40 % stored queries (with ``sparql``: 50 % pages,
    40 % stored queries, 10 % the stored queries' SPARQL sent to /sparql)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Request]] = defaultdict(list)
    for r in pool:
        by_kind[r.kind].append(r)
    weights = (
        {"page": 5, "stored query": 4, "sparql": 1} if sparql else {"page": 6, "stored query": 4}
    )
    kinds = [k for k in weights if by_kind[k]]
    chosen = rng.choices(kinds, [weights[k] for k in kinds], k=size)
    return [rng.choice(by_kind[k]) for k in chosen]


async def client(
    url: str, sequence: list[Request], stop_at: float, budget: list[int], tally: Tally
) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for r in sequence:
            if time.monotonic() >= stop_at or budget[0] <= 0:
                return
            budget[0] -= 1
            start = time.perf_counter()
            try:
                response = await http.request(r.method, r.path, headers=r.headers, data=r.data)
                ok = response.status_code == 200
                problem = f"{response.status_code} {r.path}"
            except httpx.HTTPError as exc:
                ok, problem = False, f"{type(exc).__name__} {r.path}"
            tally.latencies[r.kind].append(time.perf_counter() - start)
            if not ok:
                tally.errors[r.kind].append(problem)


async def run_load(
    url: str, pool: list[Request], clients: int, seconds: float, max_requests: int, sparql: bool
) -> tuple[Tally, float]:
    tally = Tally()
    budget = [max_requests]
    start = time.monotonic()
    stop_at = start + seconds
    per_client = max_requests // clients + 1
    await asyncio.gather(
        *(
            client(url, mix(pool, seed, per_client, sparql), stop_at, budget, tally)
            for seed in range(clients)
        )
    )
    return tally, time.monotonic() - start


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(tally: Tally, elapsed: float, clients: int) -> None:
    total = sum(len(v) for v in tally.latencies.values())
    print(f"\n{clients} clients, {elapsed:.1f} s, {total} requests, {total / elapsed:.0f} req/s")
    print("| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in ("page", "stored query", "sparql"):
        values = tally.latencies.get(kind)
        if not values:
            continue
        ms = [v * 1000 for v in values]
        print(
            f"| {kind} | {len(values)} | {len(values) / elapsed:.0f} | "
            f"{percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} | "
            f"{max(ms):.1f} | {len(tally.errors.get(kind, []))} |"
        )
    for kind, problems in tally.errors.items():
        print(f"errors ({kind}), first five: {problems[:5]}")


def recovery(url: str) -> None:
    """A query past the time limit, then at once a normal one: how long does the second wait?"""
    start = time.perf_counter()
    stopped = httpx.post(url + "/sparql", data={"query": SLOW}, timeout=120)
    waited = time.perf_counter() - start
    start = time.perf_counter()
    after = httpx.post(url + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=120)
    print(
        f"\nrecovery: the slow query got {stopped.status_code} after {waited:.2f} s; "
        f"the next query got {after.status_code} in {(time.perf_counter() - start) * 1000:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (loopback only); default: start one")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=10.0, help="for the server started here")
    parser.add_argument("--no-pages", action="store_true", help="no resource pages in the mix")
    parser.add_argument("--no-warmup", action="store_true", help="no visit of each URL first")
    parser.add_argument("--sparql", action="store_true", help="10 %% of requests to /sparql")
    parser.add_argument("--recovery", action="store_true", help="also time a stop and the next")
    args = parser.parse_args()
    if args.url and not loopback(args.url):
        parser.error("--url must be a loopback address (127.0.0.0/8, ::1 or localhost).")
    if not 0 < args.seconds <= 300 or not 0 < args.clients <= 256:
        parser.error("--seconds must be in (0, 300] and --clients in (0, 256].")
    proc = None
    url = args.url
    if url is None:
        started = time.perf_counter()
        proc, url = start_server(args.timeout)
        print(f"server started in {time.perf_counter() - started:.1f} s at {url}")
    try:
        pool = requests(url, with_pages=not args.no_pages)
        kinds = {k: sum(r.kind == k for r in pool) for k in ("page", "stored query", "sparql")}
        print(f"distinct requests: {kinds}; load average {os.getloadavg()[0]:.2f}")
        if not args.no_warmup:
            start = time.perf_counter()
            with httpx.Client(base_url=url, timeout=60) as http:
                for r in pool:
                    http.request(r.method, r.path, headers=r.headers, data=r.data)
            print(f"warm-up (each request once, in turn): {time.perf_counter() - start:.1f} s")
        server_cpu = cpu_seconds(proc.pid) if proc is not None else None
        client_cpu = time.process_time()
        tally, elapsed = asyncio.run(
            run_load(url, pool, args.clients, args.seconds, args.max_requests, args.sparql)
        )
        report(tally, elapsed, args.clients)
        used = f"client {time.process_time() - client_cpu:.1f} s"
        if proc is not None and server_cpu is not None:
            used += f", server main process {cpu_seconds(proc.pid) - server_cpu:.1f} s"
        print(f"CPU used during the load: {used}; load average {os.getloadavg()[0]:.2f}")
        if args.recovery:
            recovery(url)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
