"""Source fidelity: every verbatim literal is in the source document its provenance names.

docs/data-conventions.md, golden rule 1: quotations, wordings, entry-point cells, statements and
the other properties the ontology marks ``iscm:verbatim true`` are copied from the source named
by the node's ``prov:wasDerivedFrom``. The four source documents are ``iscm:SourceDocument``
nodes whose ``iscm:fileName`` names their text in ``sources/`` (shipped with the package, so the
check works installed too). ``iscm_kg.verbatim`` decides "found"; this module finds what to check
and, for a literal that is not found, the closest passage of the source, so a contributor sees
what differs.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH
from rdflib.term import Node

from . import namespaces, resources, validate, verbatim
from .load import Loaded
from .namespaces import ISCM, SHAPES
from .validate import Report

# The constraint component of a fidelity result in a validation report.
SOURCE_FIDELITY = SHAPES.SourceFidelity

# Where the check looks, from a focus node: the steps the ``check`` command follows backwards to
# find which nodes a change can make unfaithful (see ``iscm_kg.check``).
_PROVENANCE_READS: tuple[tuple[tuple[URIRef, bool], ...], ...] = (
    ((PROV.wasDerivedFrom, True), (ISCM.fileName, True)),
    ((PROV.wasDerivedFrom, True), (RDF.type, True)),
)


def verbatim_properties(graph: Graph) -> tuple[URIRef, ...]:
    """The properties whose literals are copied character for character from a source: those the
    ontology marks ``iscm:verbatim true``."""
    return tuple(
        sorted(
            p
            for p, flag in graph.subject_objects(ISCM.verbatim)
            if isinstance(p, URIRef) and isinstance(flag, Literal) and flag.value is True
        )
    )


def reads(graph: Graph) -> tuple[tuple[tuple[URIRef, bool], ...], ...]:
    """The paths the check reads from a focus node (for ``iscm_kg.check``'s dependency walk)."""
    return (*(((p, True),) for p in verbatim_properties(graph)), *_PROVENANCE_READS)


_WORD = re.compile(r"\S+")


@dataclass(frozen=True, order=True)
class Unfaithful:
    """A verbatim literal that is not in the source its node names."""

    node: URIRef
    prop: URIRef
    literal: Literal
    documents: tuple[URIRef, ...]
    closest: str
    what: str  # the property's label: "quotation", "objective label"

    def message(self) -> str:
        names = ", ".join(_local(d) for d in self.documents)
        text = f"the {self.what} is not in {names}"
        return text + (f"; closest passage: \u201c{self.closest}\u201d" if self.closest else "")


@dataclass
class Fidelity:
    """What a fidelity check found: the unfaithful literals and the sources it could not read."""

    checked: int
    unfaithful: list[Unfaithful]
    missing_sources: list[str]


def sources_dir() -> Path:
    """The folder of the source texts: in the package when installed, else in the checkout."""
    return resources.root() / "sources"


def source_documents(graph: Graph) -> dict[URIRef, str]:
    """The source documents (``iscm:SourceDocument`` with an ``iscm:fileName``) and their files."""
    return {
        doc: str(name)
        for doc, name in graph.subject_objects(ISCM.fileName)
        if isinstance(doc, URIRef) and (doc, RDF.type, ISCM.SourceDocument) in graph
    }


def check(
    graph: Graph, nodes: Iterable[Node] | None = None, sources: Path | None = None
) -> Fidelity:
    """Check the verbatim literals of ``nodes`` (default: every node) against their sources."""
    sources = sources_dir() if sources is None else sources
    documents = source_documents(graph)
    wanted = None if nodes is None else set(nodes)
    found: list[Unfaithful] = []
    missing: set[str] = set()
    checked = 0
    for prop in verbatim_properties(graph):
        for node, value in graph.subject_objects(prop):
            if not isinstance(node, URIRef) or not isinstance(value, Literal):
                continue
            if wanted is not None and node not in wanted:
                continue
            named = sorted(d for d in graph.objects(node, PROV.wasDerivedFrom) if d in documents)
            files = [sources / documents[d] for d in named]
            readable = [f for f in files if f.is_file()]
            missing.update(f.name for f in files if not f.is_file())
            if not readable:
                continue
            checked += 1
            if any(_found(f, str(value)) for f in readable):
                continue
            closest = closest_passage(verbatim.load_source(readable[0]), str(value))
            what = str(graph.value(prop, RDFS.label) or _local(prop))
            found.append(Unfaithful(node, prop, value, tuple(named), closest, what))
    return Fidelity(checked, sorted(found), sorted(missing))


@functools.lru_cache(maxsize=65536)
def _found(source: Path, text: str) -> bool:
    """Whether ``text`` is in the source file, once per pair: the same quotation is often stated
    by several resources (and by every world of the synthetic graphs)."""
    return verbatim.load_source(source).find(text)


def closest_passage(source: verbatim.SourceText, literal: str, context: int = 2) -> str:
    """The passage of ``source`` most like ``literal``: the window of as many words with the most
    words in common, refined with difflib, plus ``context`` words either side (normalized text)."""
    words = _WORD.findall(" ".join(source.lines))
    wanted = _WORD.findall(verbatim.normalize(literal).replace("\u2026", " "))
    if not words or not wanted:
        return ""
    size = min(len(wanted), len(words))
    lower = [w.lower() for w in words]
    target = Counter(w.lower() for w in wanted)
    window = Counter(lower[:size])
    score = sum((window & target).values())  # words in common, kept up to date as it slides
    scores = [(score, 0)]
    for start in range(1, len(words) - size + 1):
        out, new = lower[start - 1], lower[start + size - 1]
        if window[out] <= target[out]:
            score -= 1
        window[out] -= 1
        window[new] += 1
        if window[new] <= target[new]:
            score += 1
        scores.append((score, start))
    best = sorted(scores, key=lambda s: (-s[0], s[1]))[:5]
    joined = " ".join(wanted)

    def ratio(start: int) -> float:
        return difflib.SequenceMatcher(None, " ".join(words[start : start + size]), joined).ratio()

    start = max((s for _, s in best), key=lambda s: (ratio(s), -s))
    lo, hi = max(0, start - context), min(len(words), start + size + context)
    text = " ".join(words[lo:hi])
    return ("\u2026" if lo > 0 else "") + text + ("\u2026" if hi < len(words) else "")


def _local(node: Node) -> str:
    text = str(node)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
            break
    return text


def extend(report: Report, graph: Graph, loaded: Loaded | None, nodes=None) -> Report:
    """``report`` plus one violation per unfaithful literal of ``nodes`` (default: all), in its
    list and in its results graph (component ``shapes:SourceFidelity``), so that ``validate``
    and ``check`` give one verdict for the shapes and the sources together."""
    found = check(graph, nodes)
    if not found.unfaithful:
        return report
    names = namespaces.new_graph()
    results = report.results_graph
    root = results.value(None, RDF.type, SH.ValidationReport)
    if root is None:
        root = BNode()
        results.add((root, RDF.type, SH.ValidationReport))
    results.set((root, SH.conforms, Literal(False)))
    violations = list(report.violations)
    for item in found.unfaithful:
        result = BNode()
        for p, o in (
            (RDF.type, SH.ValidationResult),
            (SH.focusNode, item.node),
            (SH.resultPath, item.prop),
            (SH.value, item.literal),
            (SH.resultSeverity, SH.Violation),
            (SH.sourceConstraintComponent, SOURCE_FIDELITY),
            (SH.resultMessage, Literal(item.message(), lang="en")),
        ):
            results.add((result, p, o))
        results.add((root, SH.result, result))
        files = loaded.origin_of(item.node) if loaded is not None else []
        violations.append(
            validate.Violation(
                file=", ".join(validate._display_path(p) for p in files) or "(inferred)",
                focus=validate._short(names, item.node),
                path=validate._short(names, item.prop),
                component="SourceFidelity",
                message=item.message(),
                value=validate._short(names, item.literal),
                severity="Violation",
                shape="",
            )
        )
    return validate.Report(False, sorted(violations), report.nodes_validated, results)
