"""The stages in order, with their timings: load, reason, validate (query and export follow).

The reasoned graph and the validation report are kept in the cache (``cache.py``), keyed by a hash
of every input; a run whose inputs are unchanged reads them back instead of computing them.
What is read from the cache is read lazily: ``query_store()`` loads the cached N-Triples straight
into Oxigraph, and the rdflib graphs (``asserted``, ``inferred``, ``loaded``, ``store``) are only
parsed when someone asks for them.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from . import cache as cache_stage
from . import fidelity, namespaces
from . import load as load_stage
from . import reason as reason_stage
from . import validate as validate_stage
from .errors import CheckFailed
from .queries.stored import StoredQuery, load_queries
from .resources import Layout
from .store import ASSERTED, INFERRED, MemoryStore, OxigraphStore

Progress = Callable[[str], None]
DEFAULT_CACHE = "default"  # ``Pipeline(cache=...)``: the user's cache folder (cache.default_folder)
_ROLES = ("ontology", "data", "queries")  # the folders whose files can state triples
_FILES = {ASSERTED: "asserted.nt", INFERRED: "inferred.nt"}


def _quiet(_: str) -> None:
    pass


class Pipeline:
    """One run over a layout: the graphs, the loaded files, and what each stage found.

    ``cache`` is a folder, ``None`` (no cache) or ``DEFAULT_CACHE``; ``reasoner`` one of
    ``reason.REASONERS``.
    """

    def __init__(
        self,
        layout: Layout,
        progress: Progress = _quiet,
        cache: Path | str | None = DEFAULT_CACHE,
        reasoner: str = reason_stage.DEFAULT_REASONER,
        validator: str = validate_stage.DEFAULT_VALIDATOR,
    ) -> None:
        if reasoner not in reason_stage.REASONERS:
            raise CheckFailed(
                f"Unknown reasoner '{reasoner}': use one of {', '.join(reason_stage.REASONERS)}."
            )
        if validator not in validate_stage.VALIDATORS:
            names = ", ".join(validate_stage.VALIDATORS)
            raise CheckFailed(f"Unknown validator '{validator}': use one of {names}.")
        self.layout = layout
        self.progress = progress
        self.reasoner = reasoner
        self.validator = validator  # validate.VALIDATORS: "pyshacl" never reads a cached report
        if cache == DEFAULT_CACHE:
            cache = cache_stage.default_folder()
        self.cache = cache_stage.Cache(Path(cache)) if cache is not None else None
        self.timings: dict[str, float] = {}
        self.report: validate_stage.Report | None = None
        self._store = MemoryStore()  # the one place that holds the rdflib named graphs
        self._loaded: load_stage.Loaded | None = None
        self._reasoned: reason_stage.Reasoned | None = None
        self._cached: Path | None = None  # the cache part of the reasoned graph, once known
        self._summary: dict | None = None  # its reasoning.json
        self._key: str | None = None
        self._shapes: Graph | None = None
        self._queries: dict[str, StoredQuery] | None = None
        self._query_store: OxigraphStore | None = None

    def stage(self, name: str, message: str) -> _Timer:
        """Time a stage (added to ``timings``) and announce it on the progress channel."""
        self.progress(message)
        return _Timer(self.timings, name)

    # ----------------------------------------------------------------------------------------
    # Inputs and the cache key
    # ----------------------------------------------------------------------------------------

    def _folder(self, role: str) -> Path:
        return getattr(self.layout, role)

    def _inputs(self) -> dict[str, list[tuple[str, Path]]]:
        files = {
            "ontology": self.layout.ontology_files(),
            "shapes": self.layout.shape_files(),
            "data": self.layout.data_files(),
            "queries": self.layout.query_files(),
        }
        inputs = {
            role: [(p.relative_to(self._folder(role)).as_posix(), p) for p in paths]
            for role, paths in files.items()
        }
        # the source texts: the validation report includes the fidelity check against them
        inputs["sources"] = [(p.name, p) for p in sorted(fidelity.sources_dir().glob("*.txt"))]
        return inputs

    def key(self) -> str:
        """The cache key of this run's inputs (every file, the reasoner, the program)."""
        if self._key is None:
            self._key = cache_stage.key(self._inputs(), self.reasoner)
        return self._key

    def _relative(self, path: Path) -> str:
        for role in _ROLES:
            try:
                return f"{role}/{path.relative_to(self._folder(role)).as_posix()}"
            except ValueError:
                continue
        return path.as_posix()

    def _absolute(self, name: str) -> Path:
        role, _, rest = name.partition("/")
        return self._folder(role) / rest if role in _ROLES else Path(name)

    # ----------------------------------------------------------------------------------------
    # The stages
    # ----------------------------------------------------------------------------------------

    @property
    def queries(self) -> dict[str, StoredQuery]:
        """The stored queries, by name."""
        if self._queries is None:
            self._queries = load_queries(self.layout.queries)
        return self._queries

    def load(self) -> Pipeline:
        """Parse the ontology, the data and the stored queries (always from the files)."""
        with self.stage("load", "Loading the ontology, data and queries…"):
            files = (
                self.layout.ontology_files() + self.layout.data_files() + self.layout.query_files()
            )
            loaded = load_stage.load(files)
            self._loaded = loaded
            self._store.put(ASSERTED, loaded.graph)
        return self

    def reason(self) -> Pipeline:
        """The reasoned graph: read from the cache, or loaded, reasoned and cached."""
        if self._reasoned is None and self._cached is None:
            part = self.cache.read(self.key(), "reasoned") if self.cache else None
            if part is None and self.cache is not None:
                with self.cache.lock(self.key()):  # another process may be computing it
                    part = self.cache.read(self.key(), "reasoned")
                    if part is None:
                        self._reason()
            elif part is None:
                self._reason()
            if part is not None:
                self._use_cached(part)
        errors = self._reasoned.errors if self._reasoned else self._summary["errors"]
        if errors:
            messages = [self._with_files(m) for m in sorted(errors)]
            raise CheckFailed("The data is inconsistent with the ontology: " + "; ".join(messages))
        return self

    def _reason(self) -> None:
        if self._loaded is None:
            self.load()
        with self.stage("reason", "Reasoning (OWL 2 RL)…"):
            self._reasoned = reason_stage.reason(self._store.get(ASSERTED), self.reasoner)
            self._store.put(INFERRED, self._reasoned.inferred)
        if self.cache is not None:
            with self.stage("cache", "Caching the reasoned graph…"):
                part = self.cache.write(self.key(), "reasoned", self._write_reasoned)
                if part is not None:
                    self._cached = part

    def _write_reasoned(self, folder: Path) -> None:
        for name, file in _FILES.items():
            self._store.get(name).serialize(folder / file, format="nt", encoding="utf-8")
        origins = {
            _node_key(node): sorted(self._relative(p) for p in paths)
            for node, paths in self._loaded.origins.items()
        }
        summary = {
            "errors": self._reasoned.errors,
            "dropped": self._reasoned.dropped,
            "by_predicate": dict(sorted(self._reasoned.by_predicate.items())),
            "files": [self._relative(p) for p in self._loaded.files],
            "origins": dict(sorted(origins.items())),
        }
        (folder / "reasoning.json").write_text(json.dumps(summary, ensure_ascii=False) + "\n")
        self._summary = summary

    def _use_cached(self, part: Path) -> None:
        self.progress("Reading the reasoned graph from the cache…")
        self._cached = part
        self._summary = json.loads((part / "reasoning.json").read_text())

    def _graphs(self) -> None:
        """Make sure the rdflib graphs are in the store: parsed from the cache, or computed."""
        if self._store.names() == sorted(_FILES) or (self._loaded and not self._cached):
            return
        if self._cached is None:
            self.reason()
        if self._cached is not None and INFERRED not in self._store.names():
            with self.stage("read", "Reading the cached graphs…"):
                for name, file in _FILES.items():
                    self._store.put(name, _parse_nt(self._cached / file))

    def _with_files(self, message: str) -> str:
        """An owlrl message, with the data files that state each resource it names."""
        files = set()
        for iri in re.findall(r"https?://\S+", message):
            if iri.startswith(str(namespaces.ISCM)):
                continue  # a class of the ontology, not a resource of the data
            files.update(str(p) for p in self._origin_of(URIRef(iri.rstrip(".,;"))))
        return message + (f" (in {', '.join(sorted(files))})" if files else "")

    def _origin_of(self, node: Node) -> list[Path]:
        if self._loaded is not None:
            return self._loaded.origin_of(node)
        names = self._summary["origins"].get(_node_key(node), []) if self._summary else []
        return sorted(self._absolute(n) for n in names)

    def shapes(self) -> Graph:
        if self._shapes is None:
            self._shapes = load_stage.load(self.layout.shape_files()).graph
        return self._shapes

    def validate(self) -> validate_stage.Report:
        """The SHACL report of the reasoned graph: read from the cache, or computed and cached."""
        if self.report is not None:
            return self.report
        self.reason()
        if self.cache is None:
            return self._validate()
        reuse = self.validator != "pyshacl"  # the reference path runs, it is not read back
        part = self.cache.read(self.key(), "validated") if reuse else None
        if part is None:
            with self.cache.lock(self.key()):  # another process may be computing it
                part = self.cache.read(self.key(), "validated") if reuse else None
                if part is None:
                    return self._validate()
        summary = json.loads((part / "report.json").read_text())
        results = _parse_nt(part / "results.nt")
        self.report = validate_stage.report(
            summary["conforms"], results, summary["nodes_validated"], self._origin_of
        )
        return self.report

    def _validate(self) -> validate_stage.Report:
        shapes = self.shapes()
        union = self.store.union()
        # the fast check runs its SPARQL constraints on the store the queries use (built once)
        store = self.query_store()._store if self.validator == "fast" else None
        with self.stage("validate", "Validating against the SHACL shapes…"):
            computed = validate_stage.validate(union, shapes, None, self.validator, store)
            # and every verbatim literal is in its source (one verdict with the shapes)
            computed = fidelity.extend(computed, union, None)
        if self.cache is not None:
            self.cache.write(
                self.key(), "validated", lambda folder: _write_report(folder, computed)
            )
        # the report is built from the results as the cache keeps them, so that a cached report
        # and a computed one are the same
        results = _parse_nt_bytes(computed.results_graph.serialize(format="nt", encoding="utf-8"))
        self.report = validate_stage.report(
            computed.conforms, results, computed.nodes_validated, self._origin_of
        )
        return self.report

    def query_store(self) -> OxigraphStore:
        """The reasoned graph in the store the stored queries run on (built once)."""
        if self._query_store is None:
            self.reason()
            with self.stage("index", "Indexing the graph for queries…"):
                store = OxigraphStore()
                for name, file in _FILES.items():
                    if self._cached is not None:
                        store.load_file(name, self._cached / file)
                    else:
                        store.put(name, self._store.get(name))
                self._query_store = store
        return self._query_store

    # ----------------------------------------------------------------------------------------
    # What the stages found, parsed from the cache on first use
    # ----------------------------------------------------------------------------------------

    @property
    def store(self) -> MemoryStore:
        """The asserted and inferred rdflib graphs, by name (``store.union()`` for both)."""
        self._graphs()
        return self._store

    @property
    def asserted(self) -> Graph:
        self._graphs()
        return self._store.get(ASSERTED)

    @property
    def inferred(self) -> Graph:
        self._graphs()
        return self._store.get(INFERRED)

    @property
    def loaded(self) -> load_stage.Loaded | None:
        """The loaded files and the origin of every subject (None before ``load``/``reason``)."""
        if self._loaded is None and self._summary is not None:
            origins: defaultdict[Node, set[Path]] = defaultdict(set)
            for key, names in self._summary["origins"].items():
                origins[_node(key)] = {self._absolute(n) for n in names}
            files = [self._absolute(n) for n in self._summary["files"]]
            self._loaded = load_stage.Loaded(self.asserted, files, origins)
        return self._loaded

    @property
    def reasoned(self) -> reason_stage.Reasoned | None:
        """The kept inferences and what the reasoner found (None before ``reason``)."""
        if self._reasoned is None and self._summary is not None:
            self._reasoned = reason_stage.Reasoned(
                self.inferred,
                dropped=self._summary["dropped"],
                errors=list(self._summary["errors"]),
                by_predicate=Counter(self._summary["by_predicate"]),
            )
        return self._reasoned


def _node_key(node: Node) -> str:
    return node.n3()


def _node(key: str) -> Node:
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key[1:-1])


class _SameLabels(dict):
    """A blank-node context for rdflib's N-Triples parser that keeps the labels of the file."""

    def get(self, label: str, default: object = None) -> BNode:  # type: ignore[override]
        return BNode(label)


def _parse_nt(path: Path) -> Graph:
    graph = namespaces.new_graph()
    graph.parse(path, format="nt", bnode_context=_SameLabels())
    return graph


def _parse_nt_bytes(data: bytes) -> Graph:
    graph = namespaces.new_graph()
    graph.parse(data=data, format="nt", bnode_context=_SameLabels())
    return graph


def _write_report(folder: Path, report: validate_stage.Report) -> None:
    report.results_graph.serialize(folder / "results.nt", format="nt", encoding="utf-8")
    summary = {"conforms": report.conforms, "nodes_validated": report.nodes_validated}
    (folder / "report.json").write_text(json.dumps(summary) + "\n")


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
