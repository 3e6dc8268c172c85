"""What a release holds: one table of artefacts, each with what it is made from and its writer.

As in ODK's release, the table is the release's definition: ``release.build`` walks it in order
and writes each artefact into the staging folder; ``void.ttl`` describes (media type, size,
SHA-256) every artefact marked ``described`` that comes before it; ``index.html`` lists every file
written before it. The table, in order:

========================================  ==========================  ========
artefact                                   made from                   stage
========================================  ==========================  ========
``iscm-kg.{ttl,nt,jsonld,trig,rdf}``       the asserted graph          export
``iscm-kg-inferred.{…}``                   asserted + inferred graphs  export
``ontology.ttl``, ``shapes.ttl``           the ontology / shape files  export
``context.jsonld``                         the JSON-LD context         export
``validation-report.{ttl,json}``           the validation report       export
``queries/NAME.csv``                       each stored query, its      query
                                           example parameters
``site/``                                  the reasoned graph          site
``void.ttl``                               the dataset, the files
                                           above (not ``site/``)
``ontology.html``                          the ontology files (pyLODE) docs
``index.html``                             the files above
========================================  ==========================  ========

The inputs (``Inputs``) are computed once, on first use, so each is computed inside the stage
of the first artefact that needs it (canonicalizing the graphs in ``export``, loading the query
store in ``query``).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph

from . import description, export, index_page, ontology_docs, query
from .pipeline import Pipeline
from .stats import Stats, compute
from .store import ASSERTED, INFERRED, OxigraphStore
from .validate import Report
from .web import site as web_site

GRAPH_NAME = "iscm-kg"

# the inputs an artefact can be made from (``Artefact.made_from``)
ASSERTED_GRAPH = "asserted graph"
INFERRED_GRAPH = "inferred graph"
ONTOLOGY = "ontology files"
SHAPES = "shape files"
CONTEXT = "JSON-LD context"
REPORT = "validation report"
STORED_QUERY = "stored query"
WRITTEN = "files written before"

STAGES = {  # stage -> progress message
    "export": "Writing the exports…",
    "query": "Running the stored queries…",
    "site": "Writing the static site…",
    "docs": "Writing the ontology documentation…",
}


class Written(NamedTuple):
    """A file of the release: its size in bytes and its SHA-256 (for the DCAT description)."""

    size: int
    sha256: str


class Inputs:
    """What the writers are made from, each computed once on first use."""

    def __init__(
        self,
        pipeline: Pipeline,
        report: Report,
        pylode: subprocess.Popen | None = None,
        site: web_site.Background | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.report = report
        self.pylode = pylode  # ontology_docs.start's child process, started before the exports
        self.site = site  # the static site, being written by a forked process since validation
        self.written: dict[str, Written] = {}  # filled by the build, in table order

    @cached_property
    def prepared(self) -> export.Prepared:
        """Both graphs canonicalized and sorted once; every graph writer is fed from here."""
        graphs = {ASSERTED: self.pipeline.asserted, INFERRED: self.pipeline.inferred}
        return export.prepare(graphs, export.jsonld_context(self.pipeline.asserted))

    @cached_property
    def only_asserted(self) -> list:
        return self.prepared.triples([str(ASSERTED)])

    @cached_property
    def with_inferred(self) -> list:
        return self.prepared.triples()

    @cached_property
    def store(self) -> OxigraphStore:
        return self.pipeline.query_store()

    @cached_property
    def stats(self) -> Stats:
        return compute(self.pipeline.asserted, self.pipeline.inferred, self.pipeline.store.union())

    @cached_property
    def query_titles(self) -> dict[str, str]:
        return {name: q.title for name, q in sorted(self.pipeline.queries.items())}


# A file's writer returns its bytes; a folder's writer writes into the folder it is given and
# returns the names of the files it wrote, relative to the release ("site/index.html").
FileWriter = Callable[["Inputs", "Artefact"], bytes]
FolderWriter = Callable[["Inputs", "Artefact", Path], list[str]]


@dataclass(frozen=True)
class Artefact:
    """One entry of the release table."""

    name: str  # path in the release; "{query}" stands for each stored query's name
    made_from: tuple[str, ...]  # the inputs it is made from (the constants above)
    media_type: str | None  # None: a folder
    write: FileWriter | FolderWriter
    stage: str | None = None  # the timed stage it is written in (``STAGES``), if any
    described: bool = True  # a dcat:Distribution in void.ttl, with its checksum
    dump: bool = False  # a whole-graph download (void:dataDump)
    fmt: str = ""  # the export format (``export.FORMATS``) of a graph file
    item: str = ""  # the stored query of a "{query}" entry, once expanded

    @property
    def is_folder(self) -> bool:
        return self.media_type is None


# ---- the writers ----------------------------------------------------------------------------


def _graph(inputs: Inputs, artefact: Artefact) -> bytes:
    prepared = inputs.prepared
    inferred = INFERRED_GRAPH in artefact.made_from
    if artefact.fmt == "trig":
        quads = prepared.quads() if inferred else prepared.quads([str(ASSERTED)])
        return export.write_trig(quads, prepared.prefixes)
    triples = inputs.with_inferred if inferred else inputs.only_asserted
    return export.write(triples, artefact.fmt, prepared.prefixes)


def _ontology(inputs: Inputs, _: Artefact) -> bytes:
    ontology = Graph()
    for path in inputs.pipeline.layout.ontology_files():
        ontology.parse(path, format="turtle")
    return export.serialize_graph(ontology, "ttl")


def _shapes(inputs: Inputs, _: Artefact) -> bytes:
    return export.serialize_graph(inputs.pipeline.shapes(), "ttl")


def _context(_: Inputs, __: Artefact) -> bytes:
    return (json.dumps(export.jsonld_context(), indent=2, sort_keys=True) + "\n").encode("utf-8")


def _report_ttl(inputs: Inputs, _: Artefact) -> bytes:
    return export.serialize_graph(inputs.report.results_graph, "ttl")


def _report_json(inputs: Inputs, _: Artefact) -> bytes:
    return inputs.report.as_json().encode("utf-8")


def _query_csv(inputs: Inputs, artefact: Artefact) -> bytes:
    stored = inputs.pipeline.queries[artefact.item]
    return query.to_csv(query.run(stored, inputs.store, stored.example)).encode("utf-8")


def _site(inputs: Inputs, _: Artefact, folder: Path) -> list[str]:
    if inputs.site is not None:  # started by the build before validation: wait for it
        return inputs.site.wait()
    return web_site.write(inputs.pipeline, folder)


def _void(inputs: Inputs, _: Artefact) -> bytes:
    described = [
        description.Distribution(a.name, a.media_type or "", *inputs.written[a.name], a.dump)
        for a in expand(TABLE, inputs.pipeline.queries)
        if a.described and a.name in inputs.written
    ]
    graph = description.void(inputs.pipeline.asserted, inputs.stats, described, inputs.query_titles)
    return export.serialize_graph(graph, "ttl")


def _ontology_html(inputs: Inputs, _: Artefact) -> bytes:
    if inputs.pylode is None:  # not started beside the exports: start it now
        inputs.pylode = ontology_docs.start(inputs.pipeline.layout.ontology_files())
    return ontology_docs.finish(inputs.pylode)


def _index(inputs: Inputs, _: Artefact) -> bytes:
    version = description.version(inputs.pipeline.asserted)
    sizes = {name: info.size for name, info in inputs.written.items()}
    return index_page.page(version, inputs.stats, sizes, inputs.query_titles)


# ---- the table ------------------------------------------------------------------------------


def _graph_files() -> list[Artefact]:
    """Each export format twice: the asserted graph, and the asserted plus the inferred."""
    files = []
    for fmt, (_, ext, media_type) in export.FORMATS.items():
        for suffix, made_from in (
            ("", (ASSERTED_GRAPH,)),
            ("-inferred", (ASSERTED_GRAPH, INFERRED_GRAPH)),
        ):
            name = f"{GRAPH_NAME}{suffix}.{ext}"
            dump = fmt != "trig"  # TriG keeps the named graphs: not a plain dump of the dataset
            files.append(
                Artefact(name, made_from, media_type, _graph, "export", dump=dump, fmt=fmt)
            )
    return files


TABLE: tuple[Artefact, ...] = (
    *_graph_files(),
    Artefact("ontology.ttl", (ONTOLOGY,), "text/turtle", _ontology, "export"),
    Artefact("shapes.ttl", (SHAPES,), "text/turtle", _shapes, "export"),
    Artefact("context.jsonld", (CONTEXT,), "application/ld+json", _context, "export"),
    Artefact("validation-report.ttl", (REPORT,), "text/turtle", _report_ttl, "export"),
    Artefact("validation-report.json", (REPORT,), "application/json", _report_json, "export"),
    Artefact(
        "queries/{query}.csv",
        (STORED_QUERY, ASSERTED_GRAPH, INFERRED_GRAPH),
        "text/csv",
        _query_csv,
        "query",
    ),
    Artefact("site", (ASSERTED_GRAPH, INFERRED_GRAPH), None, _site, "site", described=False),
    Artefact("void.ttl", (ASSERTED_GRAPH, WRITTEN), "text/turtle", _void, described=False),
    Artefact("ontology.html", (ONTOLOGY,), "text/html", _ontology_html, "docs", described=False),
    Artefact("index.html", (WRITTEN,), "text/html", _index, described=False),
)


def expand(table: Iterable[Artefact], queries: Iterable[str]) -> Iterator[Artefact]:
    """The table with each "{query}" entry repeated for every stored query, in name order."""
    for artefact in table:
        if "{query}" in artefact.name:
            for name in sorted(queries):
                yield replace(artefact, name=artefact.name.format(query=name), item=name)
        else:
            yield artefact
