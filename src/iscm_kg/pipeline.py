"""The stages in order, with their timings: load, reason, validate (query and export follow)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from . import fidelity, namespaces
from . import load as load_stage
from . import query as query_stage
from . import reason as reason_stage
from . import validate as validate_stage
from .errors import CheckFailed
from .resources import Layout
from .store import ASSERTED, INFERRED, MemoryStore, OxigraphStore

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Pipeline:
    """One run over a layout: the store, the loaded files, and what each stage found."""

    layout: Layout
    progress: Progress = _quiet
    store: MemoryStore = field(default_factory=MemoryStore)
    timings: dict[str, float] = field(default_factory=dict)
    loaded: load_stage.Loaded | None = None
    reasoned: reason_stage.Reasoned | None = None
    report: validate_stage.Report | None = None
    _shapes: Graph | None = None
    _query_store: OxigraphStore | None = None
    queries: dict[str, query_stage.StoredQuery] = field(default_factory=dict)

    def stage(self, name: str, message: str) -> _Timer:
        """Time a stage (added to ``timings``) and announce it on the progress channel."""
        self.progress(message)
        return _Timer(self.timings, name)

    def load(self) -> Pipeline:
        with self.stage("load", "Loading the ontology and data…"):
            files = self.layout.ontology_files() + self.layout.data_files()
            self.loaded = load_stage.load(files)
            self.queries = query_stage.load_queries(self.layout.queries)
            catalog = query_stage.catalog(self.queries.values())
            prefix = f"{namespaces.ID}query/"
            for node in set(catalog.subjects()):
                name = str(node).removeprefix(prefix).split("/")[0]  # query/<name>[/parameter/…]
                if name in self.queries:
                    self.loaded.origins[node].add(self.queries[name].path)
            self.loaded.graph += catalog
            self.store.put(ASSERTED, self.loaded.graph)
        return self

    def reason(self) -> Pipeline:
        if self.loaded is None:
            self.load()
        with self.stage("reason", "Reasoning (OWL 2 RL)…"):
            self.reasoned = reason_stage.reason(self.store.get(ASSERTED))
            self.store.put(INFERRED, self.reasoned.inferred)
        if self.reasoned.errors:
            messages = [self._with_files(m) for m in sorted(self.reasoned.errors)]
            raise CheckFailed("The data is inconsistent with the ontology: " + "; ".join(messages))
        return self

    def _with_files(self, message: str) -> str:
        """An owlrl message, with the data files that state each resource it names."""
        files = set()
        for iri in re.findall(r"https?://\S+", message):
            if iri.startswith(str(namespaces.ISCM)):
                continue  # a class of the ontology, not a resource of the data
            files.update(str(p) for p in self.loaded.origin_of(URIRef(iri.rstrip(".,;"))))
        return message + (f" (in {', '.join(sorted(files))})" if files else "")

    def shapes(self) -> Graph:
        if self._shapes is None:
            self._shapes = load_stage.load(self.layout.shape_files()).graph
        return self._shapes

    def validate(self) -> validate_stage.Report:
        if self.reasoned is None:
            self.reason()
        shapes = self.shapes()
        with self.stage("validate", "Validating against the SHACL shapes…"):
            self.report = validate_stage.validate(self.store.union(), shapes, self.loaded)
            # and every verbatim literal is in its source (one verdict with the shapes)
            self.report = fidelity.extend(self.report, self.store.union(), self.loaded)
        return self.report

    def query_store(self) -> OxigraphStore:
        """The reasoned graph in the store the stored queries run on (built once)."""
        if self._query_store is None:
            if self.reasoned is None:
                self.reason()
            with self.stage("index", "Indexing the graph for queries…"):
                store = OxigraphStore()
                for name in self.store.names():
                    store.put(name, self.store.get(name))
                self._query_store = store
        return self._query_store

    @property
    def asserted(self) -> Graph:
        return self.store.get(ASSERTED)

    @property
    def inferred(self) -> Graph:
        return self.store.get(INFERRED)


class _Timer:
    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> _Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.timings[self.name] = (
            self.timings.get(self.name, 0.0) + time.perf_counter() - self.start
        )
