"""``iscm-kg diff OLD NEW``: what a change does to the graph, resource by resource, in words.

Each side is a data folder, a release folder (its ``iscm-kg.nt``), an RDF file, or a git
revision (its data, ontology and queries, read with ``git archive``). Both sides become the
asserted graph the pipeline loads (ontology, data and the stored-query catalog), so any two kinds
compare. Blank nodes are compared by their canonical labels (``rdflib.compare``): a file whose
statements are only reordered shows no change.

The words come from the graph: a resource is named by its label (``skos:prefLabel``,
``rdfs:label``, ``dcterms:title`` …, else its IRI), a property by its ``rdfs:label`` in the
ontology (else its local name), a class by its label, plural with an "s". Output: ``text`` for
people, ``md`` for a pull request's job summary, ``turtle`` for the added and removed triples.
The command is a report: exit 0 whatever it finds, 2 for a side it cannot read.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from . import export, namespaces
from .errors import InputError
from .load import parse_turtle
from .namespaces import ID
from .pipeline import Pipeline
from .resources import Layout

Triple = tuple[Node, Node, Node]
_LABELS = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name)
_NOT_DETAILS = {RDF.type, PROV.wasDerivedFrom, RDF.first, RDF.rest}
_SHORT = 70  # longer literals are cut in the text
_DETAILS = 8  # facts shown per resource


# ---------------------------------------------------------------------------------- the sides


@dataclass
class Side:
    """One side of a comparison: what it was read from, and its graph."""

    name: str
    graph: Graph


def read_side(spec: str, layout: Layout) -> Side:
    """A data folder, a release folder, an RDF file or a git revision, as a graph."""
    path = Path(spec)
    if path.is_dir():
        release = path / "iscm-kg.nt"
        if release.is_file():
            return Side(spec, _parse_file(release))
        return Side(spec, _load(Layout(layout.ontology, layout.shapes, path, layout.queries)))
    if path.is_file():
        return Side(spec, _parse_file(path))
    return Side(spec, _revision(spec, layout))


def _parse_file(path: Path) -> Graph:
    if path.suffix == ".nt":
        graph = namespaces.new_graph()
        try:
            graph.parse(path, format="nt")
        except Exception as exc:
            raise InputError(f"{path}: cannot be read as N-Triples: {exc}.") from None
        return graph
    if path.suffix == ".ttl":
        return parse_turtle(path)
    raise InputError(f"{path}: not a data folder, a release folder, a .ttl or an .nt file.")


def _load(layout: Layout) -> Graph:
    pipeline = Pipeline(layout).load()
    assert pipeline.loaded is not None
    return pipeline.loaded.graph


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120
    )


def _revision(spec: str, layout: Layout) -> Graph:
    """The graph of a git revision: its data, ontology and queries folders (the ontology and
    queries of an installed package are looked for next to the data folder; those the revision
    lacks are taken from the layout)."""
    found = _git(
        layout.data if layout.data.is_dir() else Path.cwd(), "rev-parse", "--show-toplevel"
    )
    if found.returncode != 0:
        raise InputError(
            f"{spec}: not a folder or file, and {layout.data} is not in a git checkout."
        )
    root = Path(found.stdout.decode().strip()).resolve()
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if commit.returncode != 0:
        raise InputError(f"{spec}: not a folder, a file or a git revision of {root}.")
    sha = commit.stdout.decode().strip()
    data = layout.data.resolve()
    with tempfile.TemporaryDirectory(prefix="iscm-kg-diff-") as tmp:
        folders = {}
        for name in ("data", "ontology", "queries"):
            here = getattr(layout, name).resolve()
            if not here.is_relative_to(root):  # an installed package's: the checkout's own, if any
                here = data.parent / name if name != "data" else here
            if not here.is_relative_to(root):
                folders[name] = getattr(layout, name)  # the same on both sides
                continue
            rel = here.relative_to(root).as_posix()
            archive = _git(root, "archive", "--format=tar", sha, "--", rel)
            if archive.returncode != 0:
                folders[name] = getattr(layout, name)  # the revision has no such folder
                continue
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(tmp, filter="data")
            folders[name] = Path(tmp) / rel
        return _load(
            Layout(folders["ontology"], layout.shapes, folders["data"], folders["queries"])
        )


# ------------------------------------------------------------------------------ the changes


@dataclass
class Diff:
    """The triples only in OLD and only in NEW, and both graphs (for words)."""

    old: Side
    new: Side
    removed: set[Triple]
    added: set[Triple]
    resources: list[Resource] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed


@dataclass
class Resource:
    """One resource the change touches, with what it gains and loses."""

    node: Node
    status: str  # "added", "removed" or "changed"
    added: list[Triple]
    removed: list[Triple]


def canonical_triples(graph: Graph) -> set[Triple]:
    """The triples of ``graph``, blank nodes labelled canonically. Only the triples with a blank
    node are canonicalized (their labels depend on nothing else), which is cheap."""
    plain = {t for t in graph if not any(isinstance(x, BNode) for x in t)}
    with_blanks = namespaces.new_graph()
    for t in graph:
        if t not in plain:
            with_blanks.add(t)
    if len(with_blanks):
        plain |= set(to_canonical_graph(with_blanks))
    return plain


def compare(old: Side, new: Side) -> Diff:
    """What changes from ``old`` to ``new``, grouped by resource."""
    before, after = canonical_triples(old.graph), canonical_triples(new.graph)
    old, new = _canonical_side(old, before), _canonical_side(new, after)
    diff = Diff(old, new, before - after, after - before)
    subjects_before = {s for s, _, _ in before}
    subjects_after = {s for s, _, _ in after}
    added_by: dict[Node, list[Triple]] = defaultdict(list)
    removed_by: dict[Node, list[Triple]] = defaultdict(list)
    owner_old, owner_new = _owners(before), _owners(after)
    for t in diff.added:
        added_by[owner_new.get(t[0], t[0])].append(t)
    for t in diff.removed:
        removed_by[owner_old.get(t[0], t[0])].append(t)
    for node in sorted(set(added_by) | set(removed_by), key=_sort_key):
        if node not in subjects_before:
            status = "added"
        elif node not in subjects_after:
            status = "removed"
        else:
            status = "changed"
        diff.resources.append(
            Resource(
                node,
                status,
                sorted(added_by.get(node, []), key=_triple_key),
                sorted(removed_by.get(node, []), key=_triple_key),
            )
        )
    return diff


def _canonical_side(side: Side, triples: set[Triple]) -> Side:
    """The side with its graph as canonical triples (only rebuilt when it has blank nodes), so
    the words find the types and labels of blank nodes under their canonical labels."""
    if all(t in side.graph for t in triples):
        return side
    graph = namespaces.new_graph()
    for t in triples:
        graph.add(t)
    return Side(side.name, graph)


def _owners(triples: set[Triple]) -> dict[Node, Node]:
    """For each blank node, the named resource it hangs from (a list, a restriction)."""
    parent: dict[Node, Node] = {}
    for s, _, o in triples:
        if isinstance(o, BNode) and o not in parent:
            parent[o] = s
    owners = {}
    for node in parent:
        top, seen = node, set()
        while isinstance(top, BNode) and top in parent and top not in seen:
            seen.add(top)
            top = parent[top]
        owners[node] = top
    return owners


def _sort_key(node: Node) -> tuple[str, str]:
    return (type(node).__name__, str(node))


def _triple_key(t: Triple) -> tuple:
    return tuple(_sort_key(x) for x in t)


# -------------------------------------------------------------------------------- the words


class Words:
    """Names of resources, properties and classes, read from the two graphs."""

    def __init__(self, diff: Diff) -> None:
        self.graphs = (diff.new.graph, diff.old.graph)
        # identifiers: dcterms:identifier and its sub-properties (a document's symbol)
        narrower = {
            p for g in self.graphs for p in g.subjects(RDFS.subPropertyOf, DCTERMS.identifier)
        }
        self.identifiers = [DCTERMS.identifier, *sorted(narrower, key=str)]

    def _value(self, node: Node, predicates: Iterable[Node]) -> str | None:
        for predicate in predicates:
            for graph in self.graphs:
                values = sorted(graph.objects(node, predicate), key=_literal_rank)
                if values:
                    return str(values[0])
        return None

    def name(self, node: Node) -> str:
        """A resource by its label, else its IRI (relative to the project's base)."""
        if isinstance(node, Literal):
            text = str(node)
            return f"\u201c{text[:_SHORT] + '…' if len(text) > _SHORT else text}\u201d"
        label = self._value(node, _LABELS)
        if label is None:
            return iri(node)
        whole = self._whole(node)
        return f"{whole} {label}" if whole else label

    def pair(self, old: Node, new: Node) -> tuple[str, str]:
        """Two values of one property; two long texts are shown around where they differ, so a
        changed word past the cut is seen ("…to assess the implementation…")."""
        if not (isinstance(old, Literal) and isinstance(new, Literal)):
            return self.name(old), self.name(new)
        a, b = str(old), str(new)
        if len(a) <= _SHORT and len(b) <= _SHORT:
            return self.name(old), self.name(new)
        start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 0)
        start = max(0, a.rfind(" ", 0, max(0, start - 20)) + 1) if start > 20 else 0

        def window(text: str) -> str:
            cut = text[start : start + _SHORT]
            return (
                "\u201c"
                + ("…" if start else "")
                + cut
                + ("…" if start + _SHORT < len(text) else "")
                + "\u201d"
            )

        return window(a), window(b)

    def _whole(self, node: Node) -> str | None:
        """The identifier of the nearest whole a part belongs to (``dcterms:isPartOf``): a
        paragraph labelled "§47" is named "A/RES/73/195 §47"."""
        seen = {node}
        for _ in range(8):
            parents = sorted({p for g in self.graphs for p in g.objects(node, DCTERMS.isPartOf)})
            if not parents or parents[0] in seen:
                return None
            node = parents[0]
            seen.add(node)
            found = self._value(node, self.identifiers)
            if found:
                return found
        return None

    def property(self, node: Node) -> str:
        return self._value(node, (RDFS.label, SKOS.prefLabel)) or _split(_local(node))

    def kind(self, node: Node) -> str:
        """The class of a resource (its first asserted type, by name), in sentence case."""
        types = sorted({t for g in self.graphs for t in g.objects(node, RDF.type)}, key=str)
        if not types:
            return "resource"
        label = self._value(types[0], (RDFS.label, SKOS.prefLabel)) or _split(_local(types[0]))
        words = label.split(" ")
        if all(not w[:1].isupper() for w in words[1:]) and not words[0].isupper():
            words[0] = words[0][:1].lower() + words[0][1:]  # "Reference" but "UN body"
        return " ".join(words)

    def titled(self, node: Node) -> str:
        """``Label (iri)``, or the IRI alone when there is no label."""
        if isinstance(node, Literal) or self._value(node, _LABELS) is None:
            return iri(node)
        return f"{self.name(node)} ({iri(node)})"

    def details(self, triples: Iterable[Triple], skip: set[Node] = frozenset()) -> str:
        """``property: value; …`` for the links and short texts of a resource (at most eight)."""
        parts = []
        for _, p, o in triples:
            if p in _NOT_DETAILS or p in skip or isinstance(o, BNode):
                continue
            parts.append(f"{self.property(p)}: {self.name(o)}")
        if len(parts) > _DETAILS:
            parts = [*parts[:_DETAILS], f"and {len(parts) - _DETAILS} more"]
        return "; ".join(parts)


def _literal_rank(value: Node) -> tuple:
    language = getattr(value, "language", None)
    return (language not in ("en", None), str(value))


def iri(node: Node) -> str:
    text = str(node)
    if isinstance(node, BNode):
        return "(a blank node)"
    return text.removeprefix(str(ID))


def _local(node: Node) -> str:
    return re.split(r"[#/]", str(node).rstrip("/#"))[-1]


def _split(name: str) -> str:
    """A local name in words: ``foundingYear`` is "founding year", ``SPARQLExecutable`` is
    "SPARQL executable"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return " ".join(w if w.isupper() else w.lower() for w in spaced.split())


_INVARIANT = ("series", "species", "information")


def _plural(noun: str) -> str:
    """The plural of a class name: its head noun (before "on", "of", "for", "in") takes the
    ending, each side of an "or" too ("state or territory", "process on migration")."""
    for preposition in (" on ", " of ", " for ", " in "):
        if preposition in noun:
            head, tail = noun.split(preposition, 1)
            return _plural(head) + preposition + tail
    if " or " in noun:
        return " or ".join(_plural(part) for part in noun.split(" or "))
    words = noun.split(" ")
    words[-1] = _plural_word(words[-1])
    return " ".join(words)


def _plural_word(word: str) -> str:
    if word.lower().endswith(_INVARIANT) or word.endswith(("sses", "ies")):
        return word  # invariant, or a class named in the plural (owl:AllDisjointClasses)
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


# ------------------------------------------------------------------------------ the reports


@dataclass
class Line:
    """One sentence of the report, and the lines under it."""

    text: str
    items: list[str] = field(default_factory=list)


def sentences(diff: Diff) -> dict[str, list[Line]]:
    """The report's sentences: added and removed resources grouped by class, then changes."""
    words = Words(diff)
    out: dict[str, list[Line]] = {"added": [], "removed": [], "changed": []}
    for status, verb in (("added", "adds"), ("removed", "removes")):
        groups: dict[str, list[Resource]] = defaultdict(list)
        for r in diff.resources:
            if r.status == status:
                groups[words.kind(r.node)].append(r)
        for kind, members in sorted(groups.items()):
            triples = [r.added if status == "added" else r.removed for r in members]
            shared = _shared(triples)
            noun = kind if len(members) == 1 else _plural(kind)
            head = f"{verb} {len(members)} {noun}"
            if shared and len(members) > 1:
                head += (
                    " ("
                    + "; ".join(f"{words.property(p)}: {words.name(o)}" for p, o in shared)
                    + ")"
                )
            items = []
            for r, ts in zip(members, triples, strict=True):
                detail = words.details(
                    ts, skip={p for p, _ in shared} if len(members) > 1 else set()
                )
                items.append(words.titled(r.node) + (f": {detail}" if detail else ""))
            if len(members) == 1:
                out[status].append(Line(f"{verb} the {noun} {items[0]}"))
            else:
                out[status].append(Line(head, items))
    for r in diff.resources:
        if r.status != "changed":
            continue
        out["changed"].append(Line(f"{words.titled(r.node)}: " + "; ".join(_changes(r, words))))
    return out


def _shared(groups: list[list[Triple]]) -> list[tuple[Node, Node]]:
    """The (property, link) pairs every member has, links to resources only, at most two."""
    common = None
    for triples in groups:
        pairs = {(p, o) for _, p, o in triples if isinstance(o, URIRef) and p not in _NOT_DETAILS}
        common = pairs if common is None else common & pairs
    return sorted(common or (), key=lambda po: (str(po[0]), str(po[1])))[:2]


def _changes(r: Resource, words: Words) -> list[str]:
    by_property: dict[Node, tuple[list[Node], list[Node]]] = defaultdict(lambda: ([], []))
    for _, p, o in r.removed:
        by_property[p][0].append(o)
    for _, p, o in r.added:
        by_property[p][1].append(o)
    phrases = []
    for p in sorted(by_property, key=lambda n: words.property(n)):
        gone, new = by_property[p]
        name = words.property(p)
        if len(gone) == 1 and len(new) == 1:
            before, after = words.pair(gone[0], new[0])
            phrases.append(f"changes the {name} from {before} to {after}")
            continue
        if new:
            phrases.append(f"adds {name} " + ", ".join(words.name(o) for o in new))
        if gone:
            phrases.append(f"removes {name} " + ", ".join(words.name(o) for o in gone))
    return phrases


def _counts(diff: Diff) -> str:
    n = {
        s: sum(1 for r in diff.resources if r.status == s) for s in ("added", "removed", "changed")
    }
    return (
        f"{n['added']} resource(s) added, {n['removed']} removed, {n['changed']} changed; "
        f"{len(diff.added)} triple(s) added, {len(diff.removed)} removed."
    )


def as_text(diff: Diff, brief: bool = False) -> str:
    """Sentences for people; ``brief`` leaves out the list of resources under each group."""
    head = f"From {diff.old.name} to {diff.new.name}: "
    if diff.empty:
        return head + "no change.\n"
    lines = [head + _counts(diff)]
    said = sentences(diff)
    for status, title in (("added", "Added"), ("removed", "Removed"), ("changed", "Changed")):
        found = said[status]
        if found:
            lines.append(f"\n{title}:")
            for line in found:
                lines.append(f"  {line.text}")
                if not brief:
                    lines.extend(f"    {item}" for item in line.items)
    return "\n".join(lines) + "\n"


def as_markdown(diff: Diff, brief: bool = False) -> str:
    """Markdown (a pull request's job summary, a changelog entry)."""
    head = f"### Graph diff: `{diff.old.name}` → `{diff.new.name}`\n\n"
    if diff.empty:
        return head + "No change to the graph.\n"
    parts = [head + _counts(diff) + "\n"]
    said = sentences(diff)
    for status, title in (("added", "Added"), ("removed", "Removed"), ("changed", "Changed")):
        if said[status]:
            parts.append(f"\n**{title}**\n")
            for line in said[status]:
                parts.append(f"- {_md(line.text)}")
                if not brief:
                    parts.extend(f"  - {_md(item)}" for item in line.items)
    return "\n".join(parts) + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def as_turtle(diff: Diff, brief: bool = False) -> str:
    """The removed and the added triples, as two Turtle documents under comment headers."""
    out = [f"# iscm-kg diff: from {diff.old.name} to {diff.new.name}\n"]
    for title, triples in (("removed", diff.removed), ("added", diff.added)):
        graph = namespaces.new_graph()
        for t in triples:
            graph.add(t)
        out.append(f"# ---- {len(triples)} triple(s) {title} ----\n")
        if triples:
            out.append(export.serialize_graph(graph, "ttl").decode("utf-8"))
    return "".join(out)


FORMATTERS = {"text": as_text, "md": as_markdown, "turtle": as_turtle}


def run(old: str, new: str, layout: Layout) -> Diff:
    """Read both sides and compare them."""
    return compare(read_side(old, layout), read_side(new, layout))
