"""Counts that describe the graph: triples, instances per class, references, entry points."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .namespaces import ID, ISCM


@dataclass
class Stats:
    """The counts ``iscm-kg stats`` prints and the build puts in the VoID description."""

    triples_asserted: int
    triples_inferred: int
    entities: int
    classes: dict[str, int] = field(default_factory=dict)
    references_per_document: dict[str, int] = field(default_factory=dict)
    entry_points: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_text(self) -> str:
        lines = [
            f"triples asserted: {self.triples_asserted}",
            f"triples inferred: {self.triples_inferred}",
            f"entities (IRIs under {ID}): {self.entities}",
            "",
            "instances per class:",
        ]
        lines += [f"  {name:40} {n:6}" for name, n in self.classes.items()]
        lines += ["", "references per document:"]
        lines += [f"  {name:40} {n:6}" for name, n in self.references_per_document.items()]
        lines += ["", "entry points per document and level:"]
        for doc, levels in self.entry_points.items():
            lines += [f"  {doc:28} {level:12} {n:6}" for level, n in levels.items()]
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def _short(term: URIRef) -> str:
    text = str(term)
    for ns, prefix in ((str(ISCM), "iscm:"), (str(ID), "")):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return text


def compute(asserted: Graph, inferred: Graph, full: Graph | None = None) -> Stats:
    """Count over the asserted graph, with class memberships from the reasoned one. ``full``:
    the two graphs' union where the caller holds it already (a copy costs seconds at scale)."""
    if full is None:
        full = asserted + inferred
    classes: dict[str, int] = {}
    for cls in sorted(set(full.objects(None, RDF.type))):
        if isinstance(cls, URIRef) and str(cls).startswith(str(ISCM)):
            classes[_short(cls)] = len(set(full.subjects(RDF.type, cls)))
    refs: dict[str, int] = {}
    for ref in full.subjects(RDF.type, ISCM.Reference):
        for para in full.objects(ref, ISCM.inParagraph):
            for doc in full.objects(para, ISCM.inDocument):
                key = _short(doc).removeprefix("document/")
                refs[key] = refs.get(key, 0) + 1
    eps: dict[str, dict[str, int]] = {}
    for ep in full.subjects(RDF.type, ISCM.EntryPoint):
        doc = _short(full.value(ep, ISCM.inDocument)).removeprefix("document/")
        level = _short(full.value(ep, ISCM.level)).removeprefix("iscm:")
        eps.setdefault(doc, {}).setdefault(level, 0)
        eps[doc][level] += 1
    entities = {
        s for s in asserted.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))
    }
    return Stats(
        triples_asserted=len(asserted),
        triples_inferred=len(inferred),
        entities=len(entities),
        classes=classes,
        references_per_document=dict(sorted(refs.items())),
        entry_points={d: dict(sorted(v.items())) for d, v in sorted(eps.items())},
    )
