"""Queries run in worker processes, so that a query past its time limit can be stopped.

pyoxigraph cannot interrupt a running query, and a query is native code that holds no lock the
server could take back. So every query (SPARQL from ``/sparql`` and the stored queries) runs in
one of a few worker processes, each with its own in-memory copy of the graph (loaded from an
N-Quads dump, a few hundredths of a second). When a query runs past the limit the server kills
its worker, answers 503, and starts a new one; the other workers answer the next requests at
once. A worker that dies (a crash in the engine, the memory limit) is replaced the same way.

Workers come from a fork server (``multiprocessing``'s ``forkserver``: a clean process that
imported the query modules once), never from a fork of the server itself, whose threads could
hold locks at the moment of the fork.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import resource
import shutil
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import anyio.to_thread
import pyoxigraph as ox

from .. import namespaces
from ..errors import QueryError
from ..queries.formats import Table
from ..queries.runner import run as run_stored_query
from ..queries.stored import StoredQuery
from ..store import OxigraphStore
from . import sparql
from .sparql import QueryJob, Refused

MAX_RESULT_BYTES = 20_000_000
MEMORY_LIMIT = 2 * 1024**3  # address space of one worker, bytes
# Workers yield the CPU to the server process, so pages and cached answers stay quick while a
# heavy query runs (on two cores, two busy workers would otherwise starve it).
WORKER_NICENESS = 5

# Turtle prefixes: the project's, less id: (its local names hold slashes, which Turtle escapes).
PREFIXES = {name: str(ns) for name, ns in namespaces.PREFIXES.items() if name != "id"}
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Answer:
    """A worker's answer: a body and its media type."""

    media_type: str
    body: bytes


@dataclass(frozen=True)
class StoredJob:
    """A stored query with its parameters, run exactly as ``iscm-kg query`` runs it."""

    query: StoredQuery
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_result_bytes: int = MAX_RESULT_BYTES
    memory: int | None = MEMORY_LIMIT


# --------------------------------------------------------------------------------------------
# Inside a worker
# --------------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _Bounded:
    """A file-like sink that refuses to grow past a size."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def service_free(text: str) -> bool:
    """Whether Oxigraph's own parser reads no SERVICE clause in ``text``.

    Every spelling of the keyword contains the letters s-e-r-v-i-c-e (Oxigraph does not decode
    ``\\u`` escapes outside strings), so a text without them is free of it. Otherwise each
    occurrence is replaced by a word of the same length that is no keyword: if the text still
    parses, every occurrence was inside a string, an IRI, a name or a comment.
    """
    if not re.search("service", text, re.IGNORECASE):
        return True
    masked = re.sub("service", "zzzzzzz", text, flags=re.IGNORECASE)
    try:
        ox.Store().query(masked)  # an empty store; the result is never read
    except SyntaxError:
        return False
    return True


def run_sparql(store: ox.Store, job: QueryJob, max_bytes: int) -> Answer:
    """Run a checked query and serialize its result in the best acceptable format."""
    if not service_free(job.text):
        if sparql.mentions_service(sparql.tokens(job.text)):
            raise Refused(
                403,
                "SERVICE (a federated query) is refused: this endpoint answers from its own "
                "graph only.",
            )
        raise Refused(400, "The query is not valid SPARQL, or uses SERVICE, which is refused.")
    options: dict[str, Any] = {}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif not job.has_dataset:
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(job.text, **options)
    except SyntaxError as exc:
        raise Refused(400, f"SPARQL syntax error: {exc}.") from None
    if isinstance(result, ox.QueryTriples):
        offers, formats = sparql.GRAPH_TYPES, _GRAPH_FORMATS
    else:
        offers, formats = sparql.RESULTS_TYPES, _RESULT_FORMATS
    media_type = sparql.choose(job.accept, offers)
    if media_type is None:
        kind = "a graph" if isinstance(result, ox.QueryTriples) else "results"
        raise Refused(
            406, f"This query gives {kind}, which this endpoint sends as {', '.join(offers)}."
        )
    sink = _Bounded(max_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            _serialize_graph(result, sink, formats[media_type], max_bytes)
        else:
            result.serialize(sink, format=formats[media_type])
    except _TooLarge:
        raise Refused(
            422,
            f"The result is larger than {max_bytes} bytes: add a LIMIT or ask for fewer variables.",
        ) from None
    except OSError as exc:  # the engine's own errors while evaluating
        raise Refused(400, f"The query failed: {exc}.") from None
    return Answer(media_type, b"".join(sink.parts))


def _serialize_graph(
    triples: ox.QueryTriples, sink: _Bounded, fmt: ox.RdfFormat, max_bytes: int
) -> None:
    """Triples sorted (each subject's statements together, the same bytes every time) and, in
    Turtle, written with the project's prefixes."""
    collected = []
    for triple in triples:
        collected.append(triple)
        if len(collected) * 40 > max_bytes:  # bounds memory: a triple takes 40 bytes or more
            raise _TooLarge
    collected.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    ox.serialize(collected, sink, fmt, prefixes=prefixes)


def run_stored(store: OxigraphStore, job: StoredJob) -> Table:
    try:
        return run_stored_query(job.query, store, dict(job.params))
    except QueryError as exc:
        raise Refused(400, str(exc)) from None


def worker_main(conn: Connection, dataset: str, max_result_bytes: int, memory: int | None) -> None:
    """A worker's life: load the graph, say ready, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    os.nice(WORKER_NICENESS)
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = OxigraphStore()
    store._store.bulk_load(path=dataset, format=ox.RdfFormat.N_QUADS)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if isinstance(job, StoredJob):
                reply: tuple[str, Any] = ("ok", run_stored(store, job))
            else:
                reply = ("ok", run_sparql(store._store, job, max_result_bytes))
        except Refused as exc:
            reply = ("refused", (exc.status, exc.message))
        except MemoryError:
            reply = ("refused", (503, "The query needed more memory than a query may use."))
        except Exception as exc:  # anything else is the engine's: say so in one line
            reply = ("refused", (500, f"The query failed: {type(exc).__name__}: {exc}."))
        conn.send(reply)


# --------------------------------------------------------------------------------------------
# In the server
# --------------------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


class QueryPool:
    """A few worker processes with the graph, and the time limit on each query."""

    def __init__(self, store: ox.Store, size: int = 2, limits: Limits | None = None) -> None:
        self.size = max(1, size)
        self.limits = limits or Limits()
        self._folder = Path(tempfile.mkdtemp(prefix="iscm-kg-serve-"))
        self._dataset = self._folder / "graph.nq"
        store.dump(output=str(self._dataset), format=ox.RdfFormat.N_QUADS)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([__name__])
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.replaced = 0  # workers started after a timeout or a crash

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def _spawn(self) -> _Worker:
        return await anyio.to_thread.run_sync(self._spawn_blocking)

    def _spawn_blocking(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(theirs, str(self._dataset), self.limits.max_result_bytes, self.limits.memory),
            daemon=True,
            name="iscm-kg-query-worker",
        )
        process.start()
        theirs.close()
        if not ours.poll(120) or ours.recv()[0] != "ready":
            process.kill()
            raise RuntimeError("A query worker did not start.")
        worker = _Worker(process, ours)
        self._all.add(worker)
        return worker

    async def run(self, job: QueryJob | StoredJob) -> Any:
        """Run a job in an idle worker within the time limit; ``Refused`` on any failure."""
        timeout = self.limits.timeout
        start = time.monotonic()
        while True:
            try:
                worker = await asyncio.wait_for(self._idle.get(), timeout)
            except TimeoutError:
                raise Refused(
                    503, f"Every query worker stayed busy for {timeout:g} s; try again later."
                ) from None
            if worker.process.is_alive():
                break
            self._replace(worker)  # it died while idle (killed from outside)
        remaining = max(0.0, timeout - (time.monotonic() - start))
        try:
            kind, value = await anyio.to_thread.run_sync(self._exchange, worker, job, remaining)
        except _Timeout:
            self._replace(worker)
            raise Refused(
                503, f"The query ran past the time limit of {timeout:g} s and was stopped."
            ) from None
        except _Died:
            self._replace(worker)
            raise Refused(
                500, "The query stopped the query engine (too deep or too much memory)."
            ) from None
        except BaseException:  # the request was cancelled: the worker's state is unknown
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        if kind == "refused":
            raise Refused(*value)
        return value

    @staticmethod
    def _exchange(worker: _Worker, job: object, timeout: float) -> tuple[str, Any]:
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                raise _Timeout
            return worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise _Died from None

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background."""
        self._kill(worker)
        self.replaced += 1
        task = asyncio.get_running_loop().create_task(self._refill())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refill(self) -> None:
        self._idle.put_nowait(await self._spawn())

    def _kill(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def pids(self) -> Sequence[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            self._kill(worker)
        shutil.rmtree(self._folder, ignore_errors=True)
