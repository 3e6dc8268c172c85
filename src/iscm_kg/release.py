"""The build: a complete, validated release in one folder, written all at once.

``dist/`` holds the graph in every format (asserted, and asserted plus inferred), the ontology and
the shapes alone, the JSON-LD context, the validation report, every stored query's result as CSV,
a VoID and DCAT description, HTML documentation of the ontology (pyLODE) and an index page. The
release is assembled in a temporary folder next to the target and swapped in at the end, so an
interrupted build leaves the previous release whole; a failed validation writes nothing.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from . import export, namespaces, query
from .errors import CheckFailed, InputError
from .namespaces import ID
from .pipeline import Pipeline
from .stats import Stats, compute
from .store import ASSERTED, INFERRED
from .web import site as web_site

GRAPH_NAME = "iscm-kg"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT yet
DOWNLOAD_BASE = namespaces.BASE + "release/"


class Written(NamedTuple):
    """A file of the release: its size in bytes and its SHA-256 (for the DCAT description)."""

    size: int
    sha256: str


@dataclass
class Release:
    """What a build wrote, for the summary and the tests."""

    out: Path
    files: list[str] = field(default_factory=list)
    queries_run: int = 0
    stats: Stats | None = None


def build(pipeline: Pipeline, out: Path) -> Release:
    """Validate, run every stored query, and write the release into ``out``.

    ``out`` becomes a symbolic link to a complete release folder next to it
    (``.<name>.<random>``); a new release is written beside it and the link is replaced in one
    atomic rename, so a reader always sees a whole release and an interrupted build (SIGINT or
    SIGTERM) leaves the previous one untouched and no temporary files. A lock on the folder that
    holds ``out`` makes a second build into it fail at once. An existing real
    folder ``out`` (from an older version) is exchanged for the link atomically where the system
    allows it (Linux ``renameat2``), else with two renames."""
    out = Path(out).absolute()
    if not out.parent.is_dir():
        raise InputError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    if out.exists() and not out.is_dir():
        raise InputError(f"Cannot write {out}: it is a file, not a folder.")
    export.check_target(out, folder_ok=True)
    with _lock(out), _signals_interrupt():
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        release = Release(out)
        # The static site does not depend on validation: a forked process writes it meanwhile,
        # on the other core (src/iscm_kg/web/site.py, ``Background``).
        site = web_site.Background(pipeline, staging / "site")
        try:
            site.start()
            report = pipeline.validate()
            if not report.conforms:
                raise CheckFailed(
                    "Validation failed; nothing was written.\n" + report.as_text().rstrip()
                )
            _write_all(pipeline, report, staging, release, site)
            os.chmod(staging, 0o777 & ~export._umask())
            _swap(staging, out)
        except BaseException:
            site.cancel()
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return release


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """An exclusive lock on the folder that holds ``out`` (no lock file is written), or a clear
    error at once if another build holds it."""
    fd = os.open(out.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"Another build is writing into {out.parent}; run this one when it has finished."
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM interrupts the build like Ctrl-C (SIGINT), so the clean-up runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_all(
    pipeline: Pipeline, report, folder: Path, release: Release, site: web_site.Background
) -> None:
    written: dict[str, Written] = {}  # name -> size and checksum (the bytes are not kept)

    def put(name: str, data: bytes) -> None:
        written[name] = Written(len(data), hashlib.sha256(data).hexdigest())
        export.write_atomic(folder / name, data)

    pylode = _start_ontology_html(pipeline)  # on the other core while we write the exports
    try:
        _write_files(pipeline, report, folder, put, pylode, release, written, site)
    finally:
        if pylode.poll() is None:
            pylode.kill()
            pylode.communicate()


def _write_files(
    pipeline: Pipeline, report, folder: Path, put, pylode, release: Release, written, site
) -> None:
    asserted, inferred = pipeline.asserted, pipeline.inferred
    with pipeline.stage("export", "Writing the exports…"):
        # Canonicalized and sorted once; every writer is fed the same sorted triples.
        prepared = export.prepare(
            {ASSERTED: asserted, INFERRED: inferred}, export.jsonld_context(asserted)
        )
        only_asserted = prepared.triples([str(ASSERTED)])
        with_inferred = prepared.triples()
        for fmt, (_, ext, _) in export.FORMATS.items():
            if fmt == "trig":
                put(
                    f"{GRAPH_NAME}.trig",
                    export.write_trig(prepared.quads([str(ASSERTED)]), prepared.prefixes),
                )
                put(
                    f"{GRAPH_NAME}-inferred.trig",
                    export.write_trig(prepared.quads(), prepared.prefixes),
                )
                continue
            put(f"{GRAPH_NAME}.{ext}", export.write(only_asserted, fmt, prepared.prefixes))
            put(
                f"{GRAPH_NAME}-inferred.{ext}",
                export.write(with_inferred, fmt, prepared.prefixes),
            )
        ontology = Graph()
        for path in pipeline.layout.ontology_files():
            ontology.parse(path, format="turtle")
        put("ontology.ttl", export.serialize_graph(ontology, "ttl"))
        put("shapes.ttl", export.serialize_graph(pipeline.shapes(), "ttl"))
        put("context.jsonld", (_json(export.jsonld_context()) + "\n").encode("utf-8"))
        put("validation-report.ttl", export.serialize_graph(report.results_graph, "ttl"))
        put("validation-report.json", report.as_json().encode("utf-8"))

    with pipeline.stage("query", "Running the stored queries…"):
        store = pipeline.query_store()
        for name, stored in sorted(pipeline.queries.items()):
            table = query.run(stored, store, stored.example)
            put(f"queries/{name}.csv", query.to_csv(table).encode("utf-8"))
            release.queries_run += 1

    # The static site (pages, plots, per-resource RDF, .htaccess): src/iscm_kg/web/site.py.
    # (started by ``build``; here the build waits for it, if it has not finished)
    with pipeline.stage("site", "Writing the static site…"):
        site_files = site.wait()

    release.stats = compute(asserted, inferred)
    put("void.ttl", export.serialize_graph(_void(pipeline, release.stats, written), "ttl"))
    with pipeline.stage("docs", "Writing the ontology documentation…"):
        put("ontology.html", _ontology_html(pylode))
    put("index.html", _index(pipeline, release, written))
    release.files = sorted([*written, *site_files])


def _json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


def _swap(staging: Path, out: Path) -> None:
    """Point ``out`` at ``staging`` in one atomic step, then delete the previous release."""
    link = out.with_name(f"{staging.name}.link")
    os.symlink(staging.name, link)
    try:
        if out.is_symlink() or not out.exists():
            previous = out.parent / os.readlink(out) if out.is_symlink() else None
            os.replace(link, out)  # atomic on POSIX: readers see the old or the new release
        else:  # a real folder from an older version: exchange it for the link
            _exchange(link, out)
            previous = link  # now the old folder
    except BaseException:
        if link.is_symlink():
            link.unlink()
        raise
    if previous is not None and previous.name.startswith(f".{out.name}."):
        if previous.is_symlink() or previous.is_file():
            previous.unlink()
        else:
            shutil.rmtree(previous, ignore_errors=True)


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); else two renames."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, bytes(a), at_fdcwd, bytes(b), rename_exchange) == 0:
            return
    aside = b.with_name(f"{a.name}.old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _void(pipeline: Pipeline, stats: Stats, written: dict[str, Written]) -> Graph:
    """The VoID and DCAT description: the dataset's own description plus counts and files."""
    graph = namespaces.new_graph()
    dataset = ID["dataset"]
    asserted = pipeline.asserted
    for subject in (dataset, ID["agent/iscm-kg"]):
        for triple in asserted.triples((subject, None, None)):
            graph.add(triple)
    version = str(asserted.value(dataset, DCAT_VERSION) or "")
    classes = {o for o in asserted.objects(None, RDF.type)}
    properties = {p for p in asserted.predicates()}
    graph.add((dataset, VOID.triples, Literal(stats.triples_asserted, datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    graph.add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    graph.add((dataset, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    graph.add(
        (
            dataset,
            VOID.distinctSubjects,
            Literal(len(set(asserted.subjects())), datatype=XSD.integer),
        )
    )
    for cls, count in stats.classes.items():
        part = ID[f"dataset/class/{cls.removeprefix('iscm:')}"]
        graph.add((dataset, VOID.classPartition, part))
        graph.add((part, VOID["class"], namespaces.ISCM[cls.removeprefix("iscm:")]))
        graph.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for name in sorted(written):
        media = _media_type(name)
        if media is None:
            continue
        dist = ID[f"dataset/distribution/{name}"]
        url = URIRef(f"{DOWNLOAD_BASE}{version}/{name}")
        graph.add((dataset, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.title, Literal(name)))
        graph.add((dist, DCAT.downloadURL, url))
        graph.add(
            (dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}"))
        )
        size = Literal(written[name].size, datatype=XSD.nonNegativeInteger)
        graph.add((dist, DCAT.byteSize, size))
        _checksum(graph, dist, written[name].sha256)
        if name.startswith(GRAPH_NAME) and not name.endswith(".trig"):
            graph.add((dataset, VOID.dataDump, url))
    for q in sorted(pipeline.queries):
        graph.add((dataset, DCTERMS.hasPart, ID[f"query/{q}"]))
        graph.add((ID[f"query/{q}"], RDFS.label, Literal(pipeline.queries[q].title, lang="en")))
    return graph


def _checksum(graph: Graph, dist: URIRef, sha256: str) -> None:
    """The distribution's SHA-256 (``spdx:checksum``, as DCAT 3 recommends), on a minted IRI."""
    checksum = URIRef(f"{dist}/checksum")
    graph.add((dist, namespaces.SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, namespaces.SPDX.Checksum))
    graph.add((checksum, namespaces.SPDX.algorithm, namespaces.SPDX.checksumAlgorithm_sha256))
    value = Literal(sha256, datatype=XSD.hexBinary)
    graph.add((checksum, namespaces.SPDX.checksumValue, value))


def _media_type(name: str) -> str | None:
    if name.startswith("queries/"):
        return "text/csv"
    for _, ext, media in export.FORMATS.values():
        if name.endswith("." + ext):
            return media
    return {
        "context.jsonld": "application/ld+json",
        "validation-report.json": "application/json",
        "ontology.ttl": "text/turtle",
    }.get(name)


def _start_ontology_html(pipeline: Pipeline) -> subprocess.Popen:
    """Start pyLODE on the ontology in a child process (it runs while the exports are written).

    pyLODE lists some terms in hash order and by blank-node label, so it runs with a fixed hash
    seed, on the ontology with canonical blank-node labels: the same ontology then always gives
    the same page.
    """
    files = [str(p) for p in pipeline.layout.ontology_files()]
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen(
        [sys.executable, "-c", _PYLODE_SCRIPT, *files],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _ontology_html(proc: subprocess.Popen) -> bytes:
    """The HTML documentation of the ontology that ``_start_ontology_html``'s pyLODE wrote."""
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise CheckFailed(f"pyLODE could not document the ontology: {' '.join(detail)}")
    return _sort_class_sets(stdout.decode("utf-8")).encode("utf-8")


_PYLODE_SCRIPT = """
import logging, sys
from rdflib import Graph
from rdflib.compare import to_canonical_graph
from pylode import OntPub
logging.disable(logging.INFO)
graph = Graph()
for path in sys.argv[1:]:
    graph.parse(path, format="turtle")
canonical = Graph()
for prefix, ns in graph.namespace_manager.namespaces():
    canonical.bind(prefix, ns)
for triple in sorted(to_canonical_graph(graph)):
    canonical.add(triple)
sys.stdout.buffer.write(str(OntPub(ontology=canonical).make_html()).encode("utf-8"))
"""

_JOINER = re.compile(r'\s*<span class="cardinality">(or|and|,)</span>\s*')
_CELL = re.compile(r"(<td>)(.*?)(</td>)", re.DOTALL)


def _sort_class_sets(page: str) -> str:
    """pyLODE builds "A or B or C" from a set of HTML elements, in memory-address order; sort the
    members of every such list so the page does not change from run to run."""

    def fix(match: re.Match[str]) -> str:
        body = match.group(2)
        joiners = _JOINER.findall(body)
        if not joiners or len(set(joiners)) != 1:
            return match.group(0)
        indent = re.match(r"\s*", body).group(0)
        parts = sorted(part.strip() for part in _JOINER.split(body)[::2])
        joiner = f'{indent}<span class="cardinality">{joiners[0]}</span>{indent}'
        tail = body[len(body.rstrip()) :]
        return match.group(1) + indent + joiner.join(parts) + tail + match.group(3)

    return _CELL.sub(fix, page)


def _index(pipeline: Pipeline, release: Release, written: dict[str, Written]) -> bytes:
    stats = release.stats
    rows = "\n".join(
        f'<tr><td><a href="{html.escape(name)}">{html.escape(name)}</a></td>'
        f"<td>{info.size:,}</td></tr>"
        for name, info in sorted(written.items())
    )
    queries = "\n".join(
        f'<li><a href="queries/{html.escape(n)}.csv">{html.escape(n)}</a>: '
        f"{html.escape(q.title)}</li>"
        for n, q in sorted(pipeline.queries.items())
    )
    version = html.escape(str(pipeline.asserted.value(ID["dataset"], DCAT_VERSION) or ""))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ISCM-KG {version}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}
td{{padding:0 1em}} td:nth-child(2){{text-align:right}}</style></head>
<body>
<h1>ISCM-KG {version}</h1>
<p>A linked-data knowledge graph of inter-State consultation mechanisms on migration and the
Global Compact for Safe, Orderly and Regular Migration:
{stats.triples_asserted:,} asserted and {stats.triples_inferred:,} inferred triples,
{stats.entities:,} entities.</p>
<h2>Documentation</h2>
<ul><li><a href="site/index.html">Browse the graph</a>: a page for every resource</li>
<li><a href="ontology.html">The ontology</a> (generated by pyLODE)</li>
<li><a href="void.ttl">Dataset description</a> (VoID and DCAT)</li>
<li><a href="validation-report.ttl">SHACL validation report</a>
(<a href="validation-report.json">JSON</a>)</li></ul>
<h2>Stored queries</h2>
<ul>
{queries}
</ul>
<h2>Files</h2>
<table><tr><th>file</th><th>bytes</th></tr>
{rows}
</table>
</body></html>
"""
    return page.encode("utf-8")
