"""Stage 3, validate: SHACL (pyshacl) over the asserted and kept inferred triples.

pyshacl runs with ``inference="none"``: the reasoning stage has already added what the ontology
implies, and letting pyshacl run OWL RL again is 10-15 times slower and can disturb results.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import namespaces
from .errors import InputError
from .load import Loaded


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


def validate(data: Graph, shapes: Graph, loaded: Loaded | None = None) -> Report:
    """Validate ``data`` against ``shapes``; map each focus node to the file that states it."""
    conforms, results, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    if not isinstance(results, Graph):  # pyshacl reports a broken shapes graph this way
        raise InputError(f"The SHACL shapes cannot be used: {text.strip()}")
    names = namespaces.new_graph()
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        files = loaded.origin_of(focus) if loaded is not None and focus is not None else []
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
    focus_count = len(set(data.subjects()))
    return Report(bool(conforms), violations, focus_count, results)


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
