"""Stage 3, validate: SHACL (pyshacl) over the asserted and kept inferred triples.

pyshacl runs with ``inference="none"``: the reasoning stage has already added what the ontology
implies, and letting pyshacl run OWL RL again is 10-15 times slower and can disturb results.

pyshacl evaluates a SPARQL-based constraint by calling the data graph's ``query`` with the same
text for every focus node, and rdflib parses the text again each time: 1,127 parses for our 9
SPARQL constraints, about 70 % of the validation. The data graph is therefore a
``PreparedQueryGraph``, whose ``query`` parses each text once; it views the caller's store (no
copy), and pyshacl runs ``inplace`` so that it does not copy it into a plain graph. Our shapes
have no SHACL rules, so nothing is written to the data (the proposal for pySHACL itself:
``docs/upstream/pyshacl-prepared-queries.md``).

Before pyshacl, the ``fast`` validator (the default) asks ``conformance.violations`` whether the
data has any violation at all: set-at-a-time, and SHACL-SPARQL on Oxigraph. If it finds none,
the report is the one pyshacl gives for conforming data (``sh:conforms true``, no result);
if it finds one, or declines the shapes, pyshacl runs as before, so every report with results
is pyshacl's own. ``pyshacl`` skips the fast check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from . import namespaces, sparql_text
from .errors import InputError
from .load import Loaded
from .store import materialized

VALIDATORS = ("fast", "pyshacl")
DEFAULT_VALIDATOR = "fast"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, as people read it."""

    file: str
    focus: str
    path: str
    component: str
    message: str
    value: str
    severity: str
    shape: str


@dataclass
class Report:
    """The outcome of a validation run."""

    conforms: bool
    violations: list[Violation]
    nodes_validated: int
    results_graph: Graph = field(repr=False)

    def as_text(self) -> str:
        if not self.violations:
            return f"The data conforms: {self.nodes_validated} nodes validated, no violations.\n"
        lines = [f"{len(self.violations)} violation(s) of the shapes:"]
        for v in self.violations:
            lines.append(
                f"{v.file}: {v.focus}: {v.path or '(node)'}: {v.component}: {v.message}"
                + (f" (value: {v.value})" if v.value else "")
            )
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        payload = {
            "conforms": self.conforms,
            "nodes_validated": self.nodes_validated,
            "violations": [asdict(v) for v in self.violations],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        if text.startswith(str(namespaces.ID)):
            return "id:" + text[len(str(namespaces.ID)) :]
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return f"<{text}>"
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager)
    return str(node)  # a blank node: a path expression or an anonymous shape


def _component(graph: Graph, node: Node | None) -> str:
    text = _short(graph, node)
    return text.removeprefix("sh:").removesuffix("ConstraintComponent") or text


class PreparedQueryGraph(Graph):
    """A view of another graph's store whose ``query`` parses each SPARQL text only once per
    process (``sparql_text.prepare``).

    A text is prepared with the namespaces ``Graph.query`` would give it (the graph's own unless
    ``initNs`` is passed), so the prepared query means what the text would have meant.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: dict[str, Any] | None = None,
        initBindings: dict[str, Node] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ):
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            query_object = sparql_text.prepare(query_object, initNs or self.namespaces())
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def validate(
    data: Graph,
    shapes: Graph,
    loaded: Loaded | None = None,
    validator: str = DEFAULT_VALIDATOR,
    store: Any = None,
) -> Report:
    """Validate ``data`` against ``shapes``; map each focus node to the file that states it.

    ``validator``: ``fast`` (the conformance check first, pyshacl only if it finds a violation
    or declines) or ``pyshacl``; ``store``: a pyoxigraph Store holding the triples of ``data``
    (as its default graph or the union of its named graphs) for the fast check, else it builds
    one."""
    namespaces.no_graph_loading()
    origin_of = loaded.origin_of if loaded is not None else None
    if validator not in VALIDATORS:
        raise InputError(f"Unknown validator '{validator}': use one of {', '.join(VALIDATORS)}.")
    if validator == "fast":
        from . import conformance

        if conformance.violations(data, shapes, store) == []:
            return report(True, conforming(), len(set(data.subjects())), origin_of)
    import pyshacl  # imported here: commands that do not validate need not load it

    shapes_copy = Graph()  # pyshacl adds RDFS axioms to the shapes graph it is given
    shapes_copy += shapes
    conforms, results, text = pyshacl.validate(
        PreparedQueryGraph(materialized(data)),
        shacl_graph=shapes_copy,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        inplace=True,
    )
    if not isinstance(results, Graph):  # pyshacl reports a broken shapes graph this way
        raise InputError(f"The SHACL shapes cannot be used: {text.strip()}")
    return report(bool(conforms), results, len(set(data.subjects())), origin_of)


def conforming() -> Graph:
    """The results graph pyshacl gives for data that conforms: a report, ``sh:conforms true``."""
    graph = Graph()
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(True)))
    return graph


def report(
    conforms: bool,
    results: Graph,
    nodes_validated: int,
    origin_of: Callable[[Node], list[Path]] | None = None,
) -> Report:
    """The report of a results graph (from pyshacl, or read back from the cache)."""
    names = namespaces.new_graph()
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        files = origin_of(focus) if origin_of is not None and focus is not None else []
        violations.append(
            Violation(
                file=", ".join(_display_path(p) for p in files) or "(inferred)",
                focus=_short(names, focus),
                path=_path_text(results, result, names),
                component=_component(names, results.value(result, SH.sourceConstraintComponent)),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=_short(names, results.value(result, SH.value)),
                severity=_component(names, results.value(result, SH.resultSeverity)),
                shape=_short(names, results.value(result, SH.sourceShape)),
            )
        )
    violations.sort()
    return Report(conforms, violations, nodes_validated, results)


def _path_text(results: Graph, result: Node, names: Graph) -> str:
    path = results.value(result, SH.resultPath)
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _short(names, inverse)
    return _short(names, path)


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
