"""Measure the pipeline: stage times, query times on both engines, export sizes and times, and an
Oxigraph server next to the embedded store. Prints figures and ratios; asserts nothing.

Usage: python benchmarks/run.py [--repeat N] [--rdflib-timeout SECONDS] [--no-server]
"""

from __future__ import annotations

import argparse
import resource
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from iscm_kg import export, query, resources
from iscm_kg.endpoint import Endpoint
from iscm_kg.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from triplestore import load_turtle, oxigraph_server


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Deadline(BaseException):
    """Raised by ``deadline``; a BaseException so that no error handler on the way swallows it."""


@contextmanager
def deadline(seconds: float):
    def stop(*_):
        raise Deadline

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rdflib-timeout", type=float, default=20.0)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()

    print("== pipeline stages (one run) ==")
    pipeline = Pipeline(resources.layout())
    pipeline.validate()
    pipeline.query_store()
    for stage, seconds in pipeline.timings.items():
        print(f"  {stage:10} {seconds:7.2f} s")
    print(
        f"  triples asserted {len(pipeline.asserted)}, inferred {len(pipeline.inferred)}; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )

    print("\n== stored queries: Oxigraph (used) vs rdflib's engine ==")
    queries = query.load_queries(resources.layout().queries)
    ox_store, rdflib_store = pipeline.query_store(), pipeline.store
    rows_total, ox_total = 0, 0.0
    print(f"  {'query':34} {'rows':>5} {'oxigraph':>10} {'rdflib':>10} {'ratio':>8}")
    for name, stored in sorted(queries.items()):
        ox_time, table = timed(lambda s=stored: query.run(s, ox_store, s.example), args.repeat)
        rows_total += len(table.rows)
        ox_total += ox_time
        try:
            with deadline(args.rdflib_timeout):
                rd_time, _ = timed(lambda s=stored: query.run(s, rdflib_store, s.example), 1)
            rd_text, ratio = f"{rd_time:9.3f}s", f"{rd_time / ox_time:7.0f}x"
        except Deadline:
            rd_text, ratio = f">{args.rdflib_timeout:.0f}s".rjust(10), "-"
        print(f"  {name:34} {len(table.rows):5d} {ox_time:9.3f}s {rd_text} {ratio:>8}")
    print(f"  all {len(queries)} queries on Oxigraph: {ox_total:.2f} s, {rows_total} rows")

    print("\n== exports: size and time (median) ==")
    full = export.canonical(export.merge([pipeline.asserted, pipeline.inferred]))
    for fmt in export.FORMATS:
        if fmt == "trig":
            graphs = {name: pipeline.store.get(name) for name in pipeline.store.names()}
            seconds, data = timed(lambda g=graphs: export.serialize_dataset(g), args.repeat)
        else:
            seconds, data = timed(
                lambda f=fmt: export.serialize_graph(full, f, is_canonical=True), args.repeat
            )
        print(f"  {fmt:7} {len(data) / 1e6:7.2f} MB {seconds:7.2f} s")
    seconds, _ = timed(
        lambda: export.canonical(export.merge([pipeline.asserted, pipeline.inferred])), 1
    )
    print(f"  canonical ordering of the full graph (once per build): {seconds:.2f} s")

    if args.no_server:
        return
    print("\n== Oxigraph server (SPARQL 1.1 protocol) vs embedded ==")
    with oxigraph_server() as base:
        data = export.serialize_graph(full, "ttl", is_canonical=True)
        seconds = load_turtle(base, data)
        print(
            f"  load {len(data) / 1e6:.1f} MB of Turtle through the Graph Store Protocol: "
            f"{seconds:.2f} s"
        )
        endpoint = Endpoint(f"{base}/query")
        server_total = 0.0
        for stored in queries.values():
            seconds, _ = timed(lambda s=stored: query.run(s, endpoint, s.example), args.repeat)
            server_total += seconds
        print(
            f"  all {len(queries)} queries: server {server_total:.2f} s, embedded "
            f"{ox_total:.2f} s (ratio {server_total / ox_total:.1f}x)"
        )


if __name__ == "__main__":
    main()
