"""Measure ISCM-KG against the plain stack: the real graph, and synthetic graphs N times larger.

Usage::

    python benchmarks/run.py --scale 1,10,25 [--limit 120] [--query-limit 20] [--our-limit 900]
                             [--repeat 5] [--warm-query iscm-references] [--out results.json]

Scale 1 is the real graph (``data/``, reported as "real"); scale N is ``benchmarks/synthetic.py``'s
graph of about N times as many triples (fixed seed). For each scale it prints:

* the triples (asserted, inferred), from the graph our build writes;
* **our pipeline**, through its public command line in subprocesses, with a cold cache (a fresh
  ``--cache DIR`` or ``--no-cache`` when the command has them): ``iscm-kg build`` (wall time, peak
  RSS, and the stage times the build prints), ``iscm-kg validate`` (cold), ``iscm-kg query NAME``
  as a whole process with a warm cache (median of ``--repeat`` runs after one warm-up run),
  ``iscm-kg check FILE`` after one data file changed (when the command exists), and every stored
  query's time on our engine (``Pipeline.query_store()``, median of ``--repeat`` runs);
* **the plain stack**, written here, one subprocess per stage, each stage given the same input as
  our corresponding stage: load = rdflib ``Graph.parse`` of the ontology and data files; reason =
  owlrl ``DeductiveClosure(OWLRL_Semantics).expand`` (its defaults: the full closure); validate =
  ``pyshacl.validate(graph, shacl_graph=shapes)`` with its defaults, on the reasoned graph our
  build wrote; query = rdflib's ``Graph.query`` for every stored query on that same graph, with the
  parameters bound as our pipeline binds them (``query.resolve_params`` and ``query.bind``);
  export = rdflib's serializers, every format our build writes, for the asserted and the reasoned
  graph. Only the stage's own work is timed (parsing its input is not); each process's peak RSS
  is reported;
* the ratio plain/ours per stage and end to end (our end to end: the whole cold build process);
* the performance targets, each marked met / not met next to its figure. Nothing is asserted.

Limits keep a run bounded. A plain stage is stopped at ``--limit`` seconds (default 120; a
deadline inside the process, and a hard kill of the process a little later) and reported as
"> 120 s"; a stage that ran past the limit at a smaller scale is not tried at a larger one
("not run (limit reached at smaller scale)"). Each rdflib query is stopped at ``--query-limit``
seconds (default 20); once 3 queries have hit it at one scale the rest are "not run (3 queries hit
the limit)", and a query that hit it at a smaller scale is not tried at a larger one. Our own
commands are stopped at ``--our-limit`` seconds (default 900). The end-to-end sum of the plain
stack is then a lower bound ("> 500 s"), and so is the ratio.

Run time: ``--scale 1`` took 11 minutes on a busy 2-core machine before the cache existed (every
"warm" query was then a cold run); ``--scale 1,10,25`` should take roughly 20-30 minutes once
our pipeline meets its targets (most of it the plain stack running into its limits at scales 10
and 25), and much longer before: lower ``--our-limit`` and ``--repeat`` for a quick look. Prefix
with ``nice`` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if (ROOT / "src" / "iscm_kg").is_dir():  # a source checkout: measure its code
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402  (benchmarks/synthetic.py)

from iscm_kg import query, resources  # noqa: E402

MAX_QUERY_TIMEOUTS = 3
EXPORT_FORMATS = ("turtle", "nt", "json-ld", "trig", "xml")  # what our build writes
CHANGED_FILE = Path("common") / "actors.ttl"  # the data file ``iscm-kg check`` gets, edited
EDIT = '\n<actor/gfmd> <http://www.w3.org/2000/01/rdf-schema#comment> "Benchmark edit."@en .\n'
TARGETS_TEXT = {
    "real-build": "real graph: cold iscm-kg build <= 10 s",
    "real-query": "real graph: warm iscm-kg query NAME <= 0.5 s (whole process, median)",
    "real-validate": "real graph: cold iscm-kg validate <= 6 s",
    "25-build": "scale 25: cold build <= 90 s",
    "25-rss": "scale 25: peak RSS of the build <= 1.5 GB",
    "25-queries": "scale 25: every stored query <= 1 s",
    "10-ratio": "scale 10: at least 10x faster than the plain stack end to end",
}


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


@dataclass
class Measure:
    """One timed thing: ``ok`` with seconds, ``timeout`` (ran past ``limit``), ``error``, or
    ``not run`` (with the reason in ``note``)."""

    status: str
    seconds: float | None = None
    limit: float | None = None
    rss_mb: float | None = None
    note: str = ""

    def text(self) -> str:
        if self.status == "ok" and self.seconds is not None:
            return seconds_text(self.seconds)
        if self.status == "timeout":
            return f"> {self.limit:.0f} s"
        if self.status == "error":
            return "error"
        return "not run"

    @property
    def lower_bound(self) -> float | None:
        """The time, or the limit it ran past; None when unknown."""
        if self.status == "ok":
            return self.seconds
        if self.status == "timeout":
            return self.limit
        return None


def seconds_text(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 10:
        return f"{seconds:.2f} s"
    return f"{seconds:.1f} s"


@dataclass
class Process:
    """A finished (or killed) subprocess: wall time, peak RSS, output."""

    seconds: float
    rss_mb: float
    returncode: int
    killed: bool
    stdout: str
    stderr: str

    def result(self) -> dict:
        """The JSON object a benchmark job prints as its last line ({} if none)."""
        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    return {}
        return {}


def run_process(command: list[str], limit: float, cwd: Path | None = None) -> Process:
    """Run ``command`` in its own process group; kill the group after ``limit`` seconds.

    Wall time and peak RSS (``ru_maxrss`` of the child and its waited-for descendants) come from
    ``os.wait4`` on that child alone. The files earlier steps wrote are flushed to disk first
    (``os.sync``, not timed), so that no command is billed for another one's writes."""
    os.sync()
    env = dict(os.environ)
    if (ROOT / "src" / "iscm_kg").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
        )
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(limit, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Process(
            seconds=seconds,
            rss_mb=usage.ru_maxrss / 1024,
            returncode=proc.returncode,
            killed=killed.is_set(),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def cli(*args: str) -> list[str]:
    """Our command line, as ``iscm-kg`` runs it (this checkout's code in a source checkout)."""
    return [sys.executable, "-m", "iscm_kg", *args]


def job(name: str, *args: str) -> list[str]:
    """A plain-stack or engine job of this file, run in a subprocess."""
    return [sys.executable, str(Path(__file__).resolve()), "--job", name, *args]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Jobs (each runs in its own process; prints one JSON line)
# --------------------------------------------------------------------------------------------


class Deadline(BaseException):
    """Raised by ``deadline``; a BaseException so that no error handler on the way swallows it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def stop(*_: object) -> None:
        raise Deadline

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _timed(work: Callable[[], object], limit: float) -> dict:
    start = time.perf_counter()
    try:
        with deadline(limit):
            value = work()
    except Deadline:
        return {"status": "timeout", "limit": limit}
    return {"status": "ok", "seconds": time.perf_counter() - start, "value": value}


def _parse(paths: list[Path], graph=None):  # type: ignore[no-untyped-def]
    from rdflib import Graph

    graph = Graph() if graph is None else graph
    for path in paths:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return graph


def _input_files(data: Path) -> list[Path]:
    layout = resources.layout(data)
    return layout.ontology_files() + layout.data_files()


def job_plain_load(args: argparse.Namespace) -> dict:
    files = _input_files(args.data)
    result = _timed(lambda: len(_parse(files)), args.limit)
    result["triples"] = result.pop("value", None)
    return result


def job_plain_reason(args: argparse.Namespace) -> dict:
    import owlrl

    graph = _parse(_input_files(args.data))
    before = len(graph)

    def expand() -> int:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        return len(graph)

    result = _timed(expand, args.limit)
    result["triples"] = {"input": before, "closure": result.pop("value", None)}
    return result


def job_plain_validate(args: argparse.Namespace) -> dict:
    import pyshacl

    graph = _parse([args.graph])
    shapes = _parse(resources.layout(args.data).shape_files())

    def validate() -> dict:
        conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes)
        from rdflib.namespace import SH

        return {"conforms": bool(conforms), "results": len(set(results.subjects(SH.focusNode)))}

    result = _timed(validate, args.limit)
    result["outcome"] = result.pop("value", None)
    return result


def job_plain_export(args: argparse.Namespace) -> dict:
    full = _parse([args.graph])
    asserted = _parse(_input_files(args.data))

    def export() -> int:
        size = 0
        for graph in (asserted, full):
            for fmt in EXPORT_FORMATS:
                size += len(graph.serialize(format=fmt, encoding="utf-8"))
        return size

    result = _timed(export, args.limit)
    result["bytes"] = result.pop("value", None)
    return result


@dataclass(frozen=True)
class _Select:
    variables: tuple[str, ...]
    rows: tuple[tuple, ...]


class RdflibEngine:
    """rdflib's own SPARQL engine over an in-memory Graph, as a query executor."""

    def __init__(self, graph) -> None:  # type: ignore[no-untyped-def]
        self.graph = graph

    def select(self, sparql: str) -> _Select:
        result = self.graph.query(sparql)
        return _Select(tuple(str(v) for v in result.vars or ()), tuple(tuple(r) for r in result))


def job_plain_queries(args: argparse.Namespace) -> dict:
    graph = _parse([args.graph])
    engine = RdflibEngine(graph)
    stored = query.load_queries(resources.layout(args.data).queries)
    out: dict[str, dict] = {}
    timeouts = 0
    for name in args.queries.split(",") if args.queries else []:
        if timeouts >= MAX_QUERY_TIMEOUTS:
            out[name] = {"status": "not run", "note": f"{MAX_QUERY_TIMEOUTS} queries hit the limit"}
            continue
        q = stored[name]
        try:
            text = query.bind(q.text, query.resolve_params(q, q.example, engine))
        except Exception as exc:  # reported, not raised: one query's failure
            out[name] = {"status": "error", "note": str(exc)[:200]}
            continue
        result = _timed(lambda t=text: len(engine.select(t).rows), args.limit)
        result["rows"] = result.pop("value", None)
        out[name] = result
        timeouts += result["status"] == "timeout"
        print(json.dumps({"progress": name, **result}), flush=True)
    return {"queries": out}


def job_our_queries(args: argparse.Namespace) -> dict:
    """Every stored query on our engine: the pipeline's query store, median of ``repeat`` runs."""
    from iscm_kg.pipeline import Pipeline

    pipeline = Pipeline(resources.layout(args.data))
    store = pipeline.query_store()
    out: dict[str, dict] = {}
    for name, stored in sorted(pipeline.queries.items()):
        times, rows = [], 0
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            rows = len(query.run(stored, store, stored.example).rows)
            times.append(time.perf_counter() - start)
        out[name] = {"status": "ok", "seconds": statistics.median(times), "rows": rows}
    return {"queries": out, "timings": dict(pipeline.timings)}


JOBS = {
    "plain-load": job_plain_load,
    "plain-reason": job_plain_reason,
    "plain-validate": job_plain_validate,
    "plain-export": job_plain_export,
    "plain-queries": job_plain_queries,
    "our-queries": job_our_queries,
}


# --------------------------------------------------------------------------------------------
# One scale
# --------------------------------------------------------------------------------------------


@dataclass
class Settings:
    limit: float
    query_limit: float
    our_limit: float
    repeat: int
    warm_query: str
    cache: str  # "dir" (--cache DIR), "off" (--no-cache) or "none" (no cache options)
    build_json: bool  # ``build --format json`` prints the stage times as JSON
    has_check: bool


@dataclass
class ScaleResult:
    label: str
    scale: int
    data: str
    triples: dict[str, int | None] = field(default_factory=dict)
    ours: dict[str, Measure] = field(default_factory=dict)  # commands and stages
    stages: dict[str, float] = field(default_factory=dict)  # as the build prints them
    plain: dict[str, Measure] = field(default_factory=dict)
    our_queries: dict[str, Measure] = field(default_factory=dict)
    plain_queries: dict[str, Measure] = field(default_factory=dict)
    rows: dict[str, int | None] = field(default_factory=dict)  # on our engine
    plain_rows: dict[str, int | None] = field(default_factory=dict)  # on rdflib's


class Skips:
    """What ran past a limit at a smaller scale, and so is not tried at larger ones."""

    def __init__(self) -> None:
        self.stages: set[str] = set()
        self.queries: set[str] = set()


def _cold(settings: Settings, folder: Path) -> list[str]:
    """Options for a run with a cold cache: a fresh cache folder, or no cache."""
    if settings.cache == "dir":
        return ["--cache", str(folder)]
    if settings.cache == "off":
        return ["--no-cache"]
    return []


def _warm(settings: Settings, folder: Path) -> list[str]:
    """Options for a run with a warm cache: the folder a cold run filled, or the default one."""
    return ["--cache", str(folder)] if settings.cache == "dir" else []


def _from_process(proc: Process, limit: float) -> Measure:
    if proc.killed:
        return Measure("timeout", limit=limit, rss_mb=proc.rss_mb)
    if proc.returncode != 0:
        return Measure("error", rss_mb=proc.rss_mb, note=_last_line(proc.stderr))
    return Measure("ok", proc.seconds, rss_mb=proc.rss_mb)


def _from_job(proc: Process, limit: float, kind: str) -> Measure:
    """A plain-stack job: its own timing of the stage, or a timeout, or an error."""
    result = proc.result()
    if proc.killed or result.get("status") == "timeout":
        return Measure("timeout", limit=limit, rss_mb=proc.rss_mb)
    if proc.returncode != 0 or result.get("status") != "ok":
        return Measure("error", rss_mb=proc.rss_mb, note=_last_line(proc.stderr) or kind)
    return Measure("ok", result["seconds"], rss_mb=proc.rss_mb)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


_STAGE = re.compile(r"([A-Za-z][\w-]*)\s+([0-9]+(?:\.[0-9]+)?)\s*s\b")


def build_stages(stdout: str) -> dict[str, float]:
    """The stage times ``iscm-kg build`` prints: as JSON (``--format json``: "seconds") or as
    text ("time: load 0.6s, reason 11.1s, …")."""
    try:
        summary = json.loads(stdout)
        return {k: float(v) for k, v in summary.get("seconds", {}).items()}
    except (json.JSONDecodeError, AttributeError, TypeError, ValueError):
        pass
    for line in stdout.splitlines():
        if line.strip().startswith("time:"):
            return {k: float(v) for k, v in _STAGE.findall(line.split(":", 1)[1])}
    return {}


def _count_lines(path: Path) -> int | None:
    if not path.is_file():
        return None
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip() and not line.startswith(b"#"))


def measure_scale(
    label: str, scale: int, data: Path, work: Path, settings: Settings, skips: Skips
) -> ScaleResult:
    result = ScaleResult(label, scale, str(data))
    work.mkdir(parents=True, exist_ok=True)
    s = settings

    # Our pipeline: cold build.
    log(f"[{label}] iscm-kg build (cold)…")
    dist = work / "dist"
    cache = work / "cache"
    fmt = ["--format", "json"] if s.build_json else []
    proc = run_process(
        cli("build", "--data", str(data), "--out", str(dist), *fmt, *_cold(s, cache)),
        s.our_limit,
    )
    result.ours["build"] = _from_process(proc, s.our_limit)
    result.stages = build_stages(proc.stdout)
    full_graph = dist / "iscm-kg-inferred.nt"
    asserted = _count_lines(dist / "iscm-kg.nt")
    full = _count_lines(full_graph)
    result.triples = {
        "asserted": asserted,
        "inferred": full - asserted if full is not None and asserted is not None else None,
    }
    log(f"[{label}]   {result.ours['build'].text()}, {result.triples}")

    # Our pipeline: cold validate, warm query, check.
    log(f"[{label}] iscm-kg validate (cold)…")
    proc = run_process(
        cli("validate", "--data", str(data), *_cold(s, work / "cache-validate")),
        s.our_limit,
    )
    result.ours["validate"] = _from_process(proc, s.our_limit)
    log(f"[{label}] iscm-kg query {s.warm_query} (warm, {s.repeat} runs)…")
    result.ours["query-warm"] = warm_query(data, cache, s)
    if s.has_check:
        result.ours["check"] = check_command(data, cache, s)

    # Every stored query on our engine.
    log(f"[{label}] stored queries on our engine…")
    proc = run_process(
        job("our-queries", "--data", str(data), "--repeat", str(s.repeat)), s.our_limit
    )
    payload = proc.result()
    names = sorted(query.load_queries(resources.layout(data).queries))
    for name in names:
        q = payload.get("queries", {}).get(name)
        if q is None:
            result.our_queries[name] = _from_process(proc, s.our_limit)
            if result.our_queries[name].status == "ok":
                result.our_queries[name] = Measure("error", note="no result")
            continue
        result.our_queries[name] = Measure("ok", q["seconds"])
        result.rows[name] = q["rows"]
    result.ours["queries-job"] = Measure("ok", proc.seconds, rss_mb=proc.rss_mb)

    # The plain stack, stage by stage.
    load_proc = run_process(
        job("plain-load", "--data", str(data), "--limit", str(s.limit)), s.limit * 2 + 60
    )
    result.plain["load"] = _from_job(load_proc, s.limit, "load")
    log(f"[{label}] plain load: {result.plain['load'].text()}")
    parse = result.plain["load"].seconds or s.limit
    grace = 60 + 3 * parse  # parsing the input is not timed, but counts in the hard kill
    have_graph = full_graph.is_file()
    for stage, extra in (
        ("reason", []),
        ("validate", ["--graph", str(full_graph)]),
        ("export", ["--graph", str(full_graph)]),
    ):
        if stage in skips.stages:
            result.plain[stage] = Measure("not run", note="limit reached at a smaller scale")
        elif extra and not have_graph:
            result.plain[stage] = Measure("not run", note="our build wrote no reasoned graph")
        else:
            log(f"[{label}] plain {stage}…")
            proc = run_process(
                job(f"plain-{stage}", "--data", str(data), "--limit", str(s.limit), *extra),
                s.limit + grace,
            )
            result.plain[stage] = _from_job(proc, s.limit, stage)
            if result.plain[stage].status == "timeout":
                skips.stages.add(stage)
        log(f"[{label}]   plain {stage}: {result.plain[stage].text()}")

    # rdflib's engine on every stored query, on the graph our build wrote.
    to_run = [n for n in names if n not in skips.queries]
    for name in names:
        if name in skips.queries:
            result.plain_queries[name] = Measure("not run", note="limit reached at smaller scale")
    if to_run and have_graph:
        log(f"[{label}] stored queries on rdflib's engine ({len(to_run)})…")
        proc = run_process(
            job(
                "plain-queries",
                "--data",
                str(data),
                "--graph",
                str(full_graph),
                "--limit",
                str(s.query_limit),
                "--queries",
                ",".join(to_run),
            ),
            grace + len(to_run) * (s.query_limit + 10),
        )
        done = proc.result().get("queries", {})
        progress = {}
        for line in proc.stdout.splitlines():
            if line.startswith('{"progress"'):
                item = json.loads(line)
                progress[item.pop("progress")] = item
        for name in to_run:
            item = done.get(name) or progress.get(name)
            if item is None:
                status = "timeout" if proc.killed else "error"
                result.plain_queries[name] = Measure(status, limit=s.query_limit)
            else:
                result.plain_queries[name] = Measure(
                    item["status"],
                    item.get("seconds"),
                    limit=s.query_limit,
                    note=item.get("note", ""),
                )
                result.plain_rows[name] = item.get("rows")
            if result.plain_queries[name].status == "timeout":
                skips.queries.add(name)
        result.plain["query-all"] = _sum(list(result.plain_queries.values()))
        result.plain["query-all"].rss_mb = proc.rss_mb
    else:
        for name in to_run:
            result.plain_queries[name] = Measure("not run", note="no reasoned graph")
        result.plain["query-all"] = _sum(list(result.plain_queries.values()))
    return result


def warm_query(data: Path, cache: Path, s: Settings) -> Measure:
    """``iscm-kg query NAME`` as a whole process: one warm-up run, then the median of up to
    ``repeat`` runs (fewer if they add up past ``our_limit``)."""
    command = cli("query", s.warm_query, "--data", str(data), "--format", "csv")
    command += _warm(s, cache)
    first = run_process(command, s.our_limit)
    if first.killed or first.returncode != 0:
        return _from_process(first, s.our_limit)
    times, rss, spent = [], 0.0, 0.0
    while len(times) < s.repeat and spent < s.our_limit:
        proc = run_process(command, s.our_limit)
        if proc.killed or proc.returncode != 0:
            return _from_process(proc, s.our_limit)
        times.append(proc.seconds)
        rss = max(rss, proc.rss_mb)
        spent += proc.seconds
    note = f"median of {len(times)} runs" + ("" if s.cache != "none" else "; no cache: all cold")
    return Measure("ok", statistics.median(times), rss_mb=rss, note=note)


def check_command(data: Path, cache: Path, s: Settings) -> Measure:
    """``iscm-kg check FILE`` after one data file changed (on the generated copy of the data)."""
    path = data / CHANGED_FILE
    original = path.read_bytes()
    path.write_bytes(original + EDIT.encode("utf-8"))
    try:
        proc = run_process(
            cli("check", str(path), "--data", str(data), *_warm(s, cache)), s.our_limit
        )
    finally:
        path.write_bytes(original)
    measure = _from_process(proc, s.our_limit)
    measure.note = str(CHANGED_FILE)
    return measure


def _sum(measures: list[Measure]) -> Measure:
    """The total of several measures: exact if all are, else a lower bound (or unknown)."""
    if not measures:
        return Measure("not run")
    known = [m.lower_bound for m in measures if m.lower_bound is not None]
    total = sum(known)
    if all(m.status == "ok" for m in measures):
        return Measure("ok", total)
    if not known:
        return Measure("not run")
    return Measure("timeout", limit=total, note="lower bound")


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def our_stage(r: ScaleResult, stage: str) -> Measure:
    """Our time for one of the compared stages, from the stage times the build prints."""
    st = r.stages
    if not st:
        return Measure("not run", note="the build printed no stage times")
    # "query" includes the indexing our build does inside it (its "index" timer nests in it)
    keys = [k for k in st if k == ("query" if stage == "query-all" else stage)]
    if not keys:
        return Measure("not run", note=f"no '{stage}' stage")
    return Measure("ok", sum(st[k] for k in keys))


def ratio(plain: Measure, ours: Measure) -> str:
    if ours.status != "ok" or not ours.seconds or plain.lower_bound is None:
        return "-"
    value = plain.lower_bound / max(ours.seconds, 1e-4)
    text = f"{value:.0f}x" if value >= 10 else f"{value:.1f}x"
    return text if plain.status == "ok" else f"> {text}"


def ratio_value(plain: Measure, ours: Measure) -> tuple[float | None, bool]:
    """(plain / ours, exact?)"""
    if ours.status != "ok" or not ours.seconds or plain.lower_bound is None:
        return None, False
    return plain.lower_bound / ours.seconds, plain.status == "ok"


def plain_total(r: ScaleResult) -> Measure:
    return _sum([r.plain[k] for k in ("load", "reason", "validate", "query-all", "export")])


def targets(r: ScaleResult) -> dict[str, tuple[str, str]]:
    """The performance targets that apply at this scale: key -> (figure, verdict)."""

    def verdict(m: Measure, bound: float) -> tuple[str, str]:
        if m.status == "ok" and m.seconds is not None:
            return m.text(), "met" if m.seconds <= bound else "not met"
        if m.status == "timeout":
            return m.text(), "not met"
        return m.text(), "not measured"

    out: dict[str, tuple[str, str]] = {}
    if r.label == "real":
        out["real-build"] = verdict(r.ours["build"], 10)
        out["real-query"] = verdict(r.ours["query-warm"], 0.5)
        out["real-validate"] = verdict(r.ours["validate"], 6)
    if r.scale == 25:
        out["25-build"] = verdict(r.ours["build"], 90)
        rss = r.ours["build"].rss_mb
        out["25-rss"] = (
            # 1.5 GB read as 1.5e9 bytes (the stricter reading; 1.5 GiB would be 1,536 MiB)
            (f"{rss:.0f} MiB", "met" if rss * 2**20 <= 1.5e9 else "not met")
            if rss
            else ("-", "not measured")
        )
        slowest = max(
            (m for m in r.our_queries.values() if m.status == "ok"),
            key=lambda m: m.seconds or 0,
            default=None,
        )
        failed = [n for n, m in r.our_queries.items() if m.status != "ok"]
        if slowest is None or failed:
            out["25-queries"] = ("-", "not measured")
        else:
            ok = (slowest.seconds or 0) <= 1
            out["25-queries"] = (f"slowest {slowest.text()}", "met" if ok else "not met")
    if r.scale == 10:
        value, exact = ratio_value(plain_total(r), r.ours["build"])
        if value is None:
            out["10-ratio"] = ("-", "not measured")
        elif value >= 10:
            out["10-ratio"] = (f"{'' if exact else '> '}{value:.1f}x", "met")
        else:
            verdict_text = "not met" if exact else "not determined (plain stack hit the limit)"
            out["10-ratio"] = (f"{'' if exact else '> '}{value:.1f}x", verdict_text)
    return out


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _mb(m: Measure | None) -> str:
    return f"{m.rss_mb:.0f} MiB" if m is not None and m.rss_mb else "-"


def report_scale(r: ScaleResult, s: Settings) -> str:
    t = r.triples
    where = "a copy of data/" if r.label == "real" else r.data
    head = f"== {r.label} ({where}): {t.get('asserted')} asserted + {t.get('inferred')} inferred"
    out = [head + " triples =="]
    rows = []
    for stage in ("load", "reason", "validate", "query-all", "export"):
        ours, plain = our_stage(r, stage), r.plain[stage]
        rows.append([stage, ours.text(), plain.text(), ratio(plain, ours), _mb(plain)])
    total = plain_total(r)
    build = r.ours["build"]
    rows.append(["end to end", build.text(), total.text(), ratio(total, build), ""])
    out.append(_table(["stage", "ours", "plain stack", "plain/ours", "plain peak RSS"], rows))
    if r.stages:
        printed = ", ".join(f"{k} {v:.1f} s" for k, v in r.stages.items())
        out.append(f"(our build's own stage times: {printed})")
    out.append("")
    procs = [
        ["iscm-kg build (cold)", build.text(), _mb(build), build.note],
        ["iscm-kg validate (cold)", r.ours["validate"].text(), _mb(r.ours["validate"]), ""],
        [
            f"iscm-kg query {s.warm_query} (warm)",
            r.ours["query-warm"].text(),
            _mb(r.ours["query-warm"]),
            r.ours["query-warm"].note,
        ],
    ]
    if "check" in r.ours:
        c = r.ours["check"]
        procs.append(["iscm-kg check FILE", c.text(), _mb(c), c.note])
    else:
        procs.append(["iscm-kg check FILE", "n/a", "", "no check command in this version"])
    out.append(_table(["process", "time", "peak RSS", "note"], procs))
    out.append("")
    qrows = []
    for name in sorted(r.our_queries):
        ours, plain = r.our_queries[name], r.plain_queries.get(name, Measure("not run"))
        note = plain.note if plain.status in ("not run", "error") else ""
        theirs = r.plain_rows.get(name)
        if plain.status == "ok" and theirs is not None and theirs != r.rows.get(name):
            note = f"rdflib: {theirs} rows"
        qrows.append(
            [name, str(r.rows.get(name, "-")), ours.text(), plain.text(), ratio(plain, ours), note]
        )
    out.append(_table(["stored query", "rows", "ours", "rdflib", "rdflib/ours", ""], qrows))
    checks = targets(r)
    if checks:
        out.append("")
        out += [f"target: {TARGETS_TEXT[k]}: {fig} -> {v}" for k, (fig, v) in checks.items()]
    return "\n".join(out) + "\n"


def summary_markdown(results: list[ScaleResult], s: Settings) -> str:
    cols = [r.label if r.label == "real" else f"scale {r.scale}" for r in results]
    lines = ["| | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]

    def row(title: str, cell: Callable[[ScaleResult], str]) -> None:
        lines.append(f"| {title} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "triples asserted / inferred",
        lambda r: f"{r.triples['asserted']} / {r.triples['inferred']}",
    )
    row("cold build (ours)", lambda r: r.ours["build"].text())
    row("peak RSS of the build", lambda r: _mb(r.ours["build"]))
    row("plain stack end to end", lambda r: plain_total(r).text())
    row("plain / ours end to end", lambda r: ratio(plain_total(r), r.ours["build"]))
    for stage in ("load", "reason", "validate", "query-all", "export"):
        row(
            f"{stage}: ours / plain",
            lambda r, st=stage: f"{our_stage(r, st).text()} / {r.plain[st].text()}",
        )
    row("cold validate", lambda r: r.ours["validate"].text())
    row(f"warm `query {s.warm_query}` (process)", lambda r: r.ours["query-warm"].text())

    def slowest(r: ScaleResult) -> str:
        ok = {n: m for n, m in r.our_queries.items() if m.status == "ok"}
        if not ok:
            return "-"
        name = max(ok, key=lambda n: ok[n].seconds or 0)
        return f"{ok[name].text()} ({name})"

    row("slowest stored query (ours)", slowest)

    def rdflib_summary(r: ScaleResult) -> str:
        ms = list(r.plain_queries.values())
        over = sum(m.status == "timeout" for m in ms)
        skipped = sum(m.status == "not run" for m in ms)
        return f"{_sum(ms).text()} ({over} > limit, {skipped} not run)"

    row("all stored queries on rdflib", rdflib_summary)
    lines.append("")
    for r in results:
        for key, (fig, verdict) in targets(r).items():
            lines.append(f"- {TARGETS_TEXT[key]}: **{fig}**, {verdict}")
    return "\n".join(lines) + "\n"


def to_json(results: list[ScaleResult], s: Settings, seconds: float) -> str:
    import owlrl
    import pyshacl
    import rdflib

    try:
        import pyoxigraph

        oxigraph = pyoxigraph.__version__
    except (ImportError, AttributeError):
        oxigraph = None
    payload = {
        "settings": asdict(s),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "rdflib": rdflib.__version__,
            "owlrl": getattr(owlrl, "__version__", None),
            "pyshacl": pyshacl.__version__,
            "pyoxigraph": oxigraph,
        },
        "seconds": seconds,
        "scales": [
            {
                **asdict(r),
                "plain_end_to_end": asdict(plain_total(r)),
                "our_stages": {
                    st: asdict(our_stage(r, st))
                    for st in ("load", "reason", "validate", "query-all", "export")
                },
                "targets": {k: {"figure": f, "verdict": v} for k, (f, v) in targets(r).items()},
            }
            for r in results
        ],
    }
    return json.dumps(payload, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def detect(settings_args: argparse.Namespace) -> Settings:
    """Which cache options and commands this version of ``iscm-kg`` has."""
    build_help = run_process(cli("build", "--help"), 120).stdout
    top_help = run_process(cli("--help"), 120).stdout
    cache = "dir" if "--cache" in build_help else "off" if "--no-cache" in build_help else "none"
    return Settings(
        limit=settings_args.limit,
        query_limit=settings_args.query_limit,
        our_limit=settings_args.our_limit,
        repeat=settings_args.repeat,
        warm_query=settings_args.warm_query,
        cache=cache,
        build_json=bool(re.search(r"--format\b.*json", build_help, re.DOTALL)),
        has_check=bool(re.search(r"^\s+check\b", top_help, re.MULTILINE)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure ISCM-KG against the plain stack (see the module docstring)."
    )
    parser.add_argument("--scale", default="1", help="comma-separated scales; 1 is the real graph")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per plain stage")
    parser.add_argument("--query-limit", type=float, default=20.0, help="seconds per rdflib query")
    parser.add_argument("--our-limit", type=float, default=900.0, help="seconds per command")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each warm measurement")
    parser.add_argument("--warm-query", default="iscm-references")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic graphs")
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--work", type=Path, help="folder for generated data (default: a temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    # a job in a subprocess
    parser.add_argument("--job", choices=sorted(JOBS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.job:
        print(json.dumps(JOBS[args.job](args), default=str), flush=True)
        return 0

    scales = sorted({int(x) for x in args.scale.split(",") if x.strip()})
    if not scales or scales[0] < 1:
        parser.error("--scale takes whole numbers, 1 or more")
    started = time.perf_counter()
    settings = detect(args)
    cache_text = {"dir": "--cache DIR", "off": "--no-cache", "none": "none"}[settings.cache]
    log(f"cache options: {cache_text}; check command: {settings.has_check}")
    work = args.work or Path(tempfile.mkdtemp(prefix="iscm-kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    skips = Skips()
    results = []
    try:
        for scale in scales:
            label = "real" if scale == 1 else str(scale)
            log(f"[{label}] writing the data…")
            data = synthetic.generate(scale, work / f"scale-{scale}", seed=args.seed)
            r = measure_scale(label, scale, data, work / f"run-{scale}", settings, skips)
            results.append(r)
            print(report_scale(r, settings), flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print(
        f"== summary (cache: {cache_text}; limits: plain stage {args.limit:.0f} s, rdflib query "
        f"{args.query_limit:.0f} s, our commands {args.our_limit:.0f} s; {elapsed / 60:.1f} min)"
        " ==\n"
    )
    print(summary_markdown(results, settings))
    if args.out:
        args.out.write_text(to_json(results, settings, elapsed), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
