"""Stage 5, export: deterministic serializations, base rewriting, atomic writes.

The same graph always gives the same bytes: blank nodes get canonical labels (``rdflib.compare``),
triples are written in sorted order, prefixes are fixed, and nothing depends on hash seeds or the
clock. ``rewrite_base`` moves every ``https://w3id.org/iscm-kg/`` IRI under another base: the IRIs
themselves, ``xsd:anyURI`` literals, and the texts of stored queries and namespace declarations
(``sh:select``, ``sh:namespace``, ``vann:preferredNamespaceUri``, ``void:uriSpace``), so a
portal that mints its own IRIs also gets queries that work on them. Nothing else changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, SH, VOID, XSD

from . import namespaces
from .errors import InputError

FORMATS = {
    # name: (rdflib format, file extension, media type)
    "ttl": ("turtle", "ttl", "text/turtle"),
    "nt": ("nt", "nt", "application/n-triples"),
    "jsonld": ("json-ld", "jsonld", "application/ld+json"),
    "trig": ("trig", "trig", "application/trig"),
    "xml": ("xml", "rdf", "application/rdf+xml"),
}
_TEXT_IRIS = {SH.select, SH.namespace, namespaces.VANN.preferredNamespaceUri, VOID.uriSpace}


def canonical(graph: Graph) -> Graph:
    """The graph with blank nodes relabelled canonically, inserted in sorted order.

    Only the triples that hold a blank node go through ``rdflib.compare`` (a blank node's label is
    computed from the triples it is in, so the others cannot change it; canonicalizing the whole
    graph cost seconds for the few hundred blank nodes of the ontology's lists)."""
    with_bnodes = [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    triples: list = [t for t in graph if not (isinstance(t[0], BNode) or isinstance(t[2], BNode))]
    if with_bnodes:
        part = Graph()
        for triple in with_bnodes:
            part.add(triple)
        triples.extend(to_canonical_graph(part))
    out = namespaces.new_graph()
    for prefix, ns in graph.namespace_manager.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(triples, key=_sort_key):
        out.add(triple)
    return out


def _terms(graph: Graph) -> Iterable:
    for s, _, o in graph:
        yield s
        yield o


def _sort_key(triple: tuple) -> tuple:
    return tuple(
        (
            type(t).__name__,
            str(t),
            str(getattr(t, "datatype", "") or ""),
            str(getattr(t, "language", "") or ""),
        )
        for t in triple
    )


def rewrite_base(graph: Graph, new_base: str) -> Graph:
    """Every IRI under the project's base moved under ``new_base``; nothing else touched."""
    if not new_base.startswith(("http://", "https://")) or not new_base.endswith(("/", "#")):
        raise InputError(f"--base must be an http(s) IRI ending in / or #, not '{new_base}'.")
    old = namespaces.BASE

    def move(term):
        return rebase_iri(term, new_base) if isinstance(term, URIRef) else term

    out = namespaces.new_graph()
    for prefix, ns in graph.namespace_manager.namespaces():
        if str(ns).startswith(old):
            out.bind(prefix, new_base + str(ns)[len(old) :], override=True, replace=True)
    for s, p, o in graph:
        if isinstance(o, Literal) and (p in _TEXT_IRIS or o.datatype == XSD.anyURI):
            o = Literal(str(o).replace(old, new_base), lang=o.language, datatype=o.datatype)
        out.add((move(s), move(p), move(o)))
    return out


def rebase_iri(iri: URIRef, new_base: str) -> URIRef:
    """One IRI moved under ``new_base`` if it is under the project's base."""
    old = namespaces.BASE
    return URIRef(new_base + str(iri)[len(old) :]) if str(iri).startswith(old) else iri


def merge(graphs: Iterable[Graph]) -> Graph:
    """One graph holding all ``graphs``, with the prefixes of the first."""
    graphs = list(graphs)
    out = namespaces.new_graph()
    if graphs:
        for prefix, ns in graphs[0].namespace_manager.namespaces():
            out.bind(prefix, ns, override=True, replace=True)
    for graph in graphs:
        out += graph
    return out


def serialize_graph(
    graph: Graph, fmt: str, base: str | None = namespaces.BASE, is_canonical: bool = False
) -> bytes:
    """One graph in one format, deterministically (pass ``is_canonical`` for a graph that already
    went through ``canonical``, to skip the relabelling)."""
    rdf_format = _format(fmt)
    if not is_canonical:
        graph = canonical(graph)
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "jsonld":
        return _jsonld(graph, base)
    if fmt == "ttl":
        if base is None:
            return graph.serialize(format=rdf_format, encoding="utf-8")
        return graph.serialize(format=rdf_format, encoding="utf-8", base=base + "id/")
    if fmt == "xml":
        return _rdf_xml(graph)
    return graph.serialize(format=rdf_format, encoding="utf-8")


def serialize_dataset(
    graphs: dict[URIRef, Graph], fmt: str = "trig", is_canonical: bool = False
) -> bytes:
    """Named graphs in TriG: the prefixes once, then each graph (sorted by name) as a block of
    Turtle, its lines exactly as the Turtle writer gave them. rdflib's own TriG writer orders
    graphs by hash, so we assemble the blocks ourselves. Pass ``is_canonical`` for graphs that
    already went through ``canonical``."""
    if fmt != "trig":
        raise InputError("Only TriG keeps named graphs apart.")
    header: set[str] = set()
    blocks: list[str] = []
    for name in sorted(graphs):
        lines = (
            serialize_graph(graphs[name], "ttl", base=None, is_canonical=is_canonical)
            .decode("utf-8")
            .split("\n")
        )
        # The prologue is the leading run of @prefix lines; everything after it is kept as it
        # is (no indentation: a line may be inside a multi-line literal).
        start = 0
        while start < len(lines) and (lines[start].startswith("@prefix") or not lines[start]):
            if lines[start]:
                header.add(lines[start])
            start += 1
        blocks.append(f"<{name}> {{\n" + "\n".join(lines[start:]).rstrip() + "\n}\n")
    return ("\n".join(sorted(header)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _jsonld(graph: Graph, base: str) -> bytes:
    context = jsonld_context(graph)
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    items = data.get("@graph", [data] if "@id" in data else [])
    items = sorted(items, key=lambda node: str(node.get("@id", "")))
    out = {"@context": context, "@graph": [_sorted_node(n) for n in items]}
    return (json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _sorted_node(value, ordered: bool = False):
    """Sort keys and the values of multi-valued properties; an ``@list`` keeps its order."""
    if isinstance(value, dict):
        return {k: _sorted_node(v, ordered=(k == "@list")) for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sorted_node(v) for v in value]
    if isinstance(value, list):
        return sorted((_sorted_node(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def jsonld_context(graph: Graph | None = None) -> dict[str, str]:
    """The JSON-LD context: the project's prefixes (also shipped as ``context.jsonld``)."""
    names = graph.namespace_manager.namespaces() if graph is not None else ()
    prefixes = {p: str(ns) for p, ns in names} or {
        p: str(ns) for p, ns in namespaces.PREFIXES.items()
    }
    return dict(sorted(prefixes.items()))


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")
    return FORMATS[fmt][0]


def check_target(path: Path, folder_ok: bool = False) -> None:
    """Fail early, in one sentence, if ``path`` cannot be written: its folder is missing, is not
    a folder or is not writable, or ``path`` itself is a folder (unless ``folder_ok``). The
    folder is probed by creating and removing a temporary file, which also works for root and
    read-only file systems."""
    path = Path(path)
    parent = path.parent
    if not parent.exists():
        raise InputError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not parent.is_dir():
        raise InputError(f"Cannot write {path}: {parent} is not a folder.")
    if path.is_dir() and not folder_ok:
        raise InputError(f"Cannot write {path}: it is a folder; give a file name.")
    if path.exists() and not path.is_dir() and folder_ok:
        raise InputError(f"Cannot write {path}: it is a file, not a folder.")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
    except OSError:
        raise InputError(f"Cannot write {path}: the folder {parent} is not writable.") from None
    os.close(fd)
    os.unlink(probe)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file.

    Missing folders are created (``check_target`` first where the user names the path); a path
    that cannot be written is an ``InputError`` naming it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"Cannot write {path}: {exc.strerror}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _rdf_xml(graph: Graph) -> bytes:
    """Flat RDF/XML (one rdf:Description per subject), subjects and properties in sorted order.

    rdflib's RDF/XML writers order subjects by hash, and its "pretty" writer drops statements
    about list nodes; this writer does neither.
    """
    prefixes: dict[str, str] = {"rdf": str(RDF)}
    for prefix, ns in graph.namespace_manager.namespaces():
        prefixes.setdefault(prefix, str(ns))
    by_namespace = {ns: p for p, ns in prefixes.items()}

    def qname(predicate: URIRef) -> str:
        text = str(predicate)
        cut = max(text.rfind("#"), text.rfind("/")) + 1
        ns, local = text[:cut], text[cut:]
        if ns not in by_namespace:
            by_namespace[ns] = (
                f"ns{len([p for p in by_namespace.values() if p.startswith('ns')]) + 1}"
            )
            prefixes[by_namespace[ns]] = ns
        return f"{by_namespace[ns]}:{local}"

    def node_attr(term) -> str:
        if isinstance(term, BNode):
            return f"rdf:nodeID={quoteattr(str(term))}"
        return f"rdf:about={quoteattr(str(term))}"

    body: list[str] = []
    for subject in sorted(set(graph.subjects()), key=lambda t: (type(t).__name__, str(t))):
        body.append(f"  <rdf:Description {node_attr(subject)}>")
        for p, o in sorted(
            graph.predicate_objects(subject), key=lambda po: _sort_key((po[0], po[1]))
        ):
            name = qname(p)
            if isinstance(o, URIRef):
                body.append(f"    <{name} rdf:resource={quoteattr(str(o))}/>")
            elif isinstance(o, BNode):
                body.append(f"    <{name} rdf:nodeID={quoteattr(str(o))}/>")
            else:
                attrs = ""
                if o.language:
                    attrs = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype is not None:
                    attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
                body.append(f"    <{name}{attrs}>{escape(str(o))}</{name}>")
        body.append("  </rdf:Description>")
    declarations = "".join(f"\n    xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(prefixes.items()))
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}>'
    return (head + "\n" + "\n".join(body) + "\n</rdf:RDF>\n").encode("utf-8")
