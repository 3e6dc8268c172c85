"""Stage 5, export: deterministic serializations, base rewriting, atomic writes.

The same graph always gives the same bytes: blank nodes get canonical labels (``rdflib.compare``),
triples are written in sorted order, prefixes are fixed, and nothing depends on hash seeds or the
clock. ``rewrite_base`` moves every ``https://w3id.org/iscm-kg/`` IRI under another base: the IRIs
themselves, ``xsd:anyURI`` literals, and the texts of stored queries and namespace declarations
(``sh:select``, ``sh:namespace``, ``vann:preferredNamespaceUri``, ``void:uriSpace``), so a
portal that mints its own IRIs also gets queries that work on them. Nothing else changes.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
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
    """The graph with blank nodes relabelled by W3C RDFC-1.0 (pyoxigraph), inserted in sorted
    order. Only the triples that hold a blank node are canonicalized: a label is computed from
    the triples the blank node is in, so the others cannot change it."""
    prepared = prepare({_DEFAULT: graph}, _prefixes(graph))
    out = namespaces.new_graph()
    for prefix, ns in graph.namespace_manager.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    back: dict = {}
    for triple in prepared.triples():
        out.add(tuple(_from_ox(term, back) for term in triple))
    return out


def _from_ox(term, cache: dict):
    found = cache.get(term)
    if found is None:
        if isinstance(term, ox.NamedNode):
            found = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            found = BNode(term.value)
        elif term.language:
            found = Literal(term.value, lang=term.language)
        elif term.datatype.value == _XSD_STRING:
            found = Literal(term.value)
        else:
            found = Literal(term.value, datatype=URIRef(term.datatype.value))
        cache[term] = found
    return found


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
    """One graph in one format, deterministically: its triples canonicalized and sorted once
    (``prepare``) and written by ``write``. ``is_canonical`` is accepted for callers of the old
    API and changes nothing (canonicalization is cheap now)."""
    _format(fmt)
    if fmt == "ttl" and len(graph) <= _SMALL:
        return _rdflib_turtle(graph, base)
    prepared = prepare({_DEFAULT: graph}, _prefixes(graph))
    return write(prepared.triples(), fmt, prepared.prefixes, base)


def serialize_dataset(
    graphs: dict[URIRef, Graph], fmt: str = "trig", is_canonical: bool = False
) -> bytes:
    """Named graphs in TriG, graphs and triples in sorted order (``is_canonical`` is ignored)."""
    if fmt != "trig":
        raise InputError("Only TriG keeps named graphs apart.")
    first = next(iter(graphs.values()), None)
    prepared = prepare(graphs, _prefixes(first))
    return write_trig(prepared.quads(), prepared.prefixes)


# --- The fast path: pyoxigraph terms, canonicalized and sorted once, written by pyoxigraph. ---

_DEFAULT = URIRef("urn:x-iscm-kg:default-graph")
_SMALL = 5000  # graphs up to this size keep rdflib's Turtle, which nests blank nodes as [ ... ]


class Prepared:
    """Named graphs as sorted lists of canonical pyoxigraph triples, with the prefixes to write.

    Built once per build (``prepare``) and fed to every writer: canonicalization and sorting
    happen here and nowhere else."""

    def __init__(self, graphs: dict[str, list[ox.Triple]], prefixes: dict[str, str]) -> None:
        self.graphs = graphs
        self.prefixes = prefixes

    def triples(self, names: Iterable[str] | None = None) -> list[ox.Triple]:
        """The sorted union of the named graphs (all of them by default), without duplicates."""
        chosen = [self.graphs[n] for n in (sorted(self.graphs) if names is None else names)]
        if len(chosen) == 1:
            return chosen[0]
        out: list[ox.Triple] = []
        for triple in heapq.merge(*chosen, key=str):  # each list is sorted already
            if not out or out[-1] != triple:
                out.append(triple)
        return out

    def quads(self, names: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of the named graphs (all by default), graph by graph in sorted order."""
        for name in sorted(self.graphs) if names is None else sorted(names):
            graph = ox.NamedNode(name)
            for t in self.graphs[name]:
                yield ox.Quad(t.subject, t.predicate, t.object, graph)


def prepare(graphs: dict[URIRef, Graph], prefixes: dict[str, str] | None = None) -> Prepared:
    """Convert rdflib graphs to pyoxigraph triples, give blank nodes their W3C RDFC-1.0 labels
    (computed once over all the graphs together, and only over the quads that hold a blank node:
    a label depends on nothing else), and sort every graph by its N-Triples text."""
    convert = _Converter()
    plain: dict[str, list[ox.Triple]] = {}
    with_bnodes: list[ox.Quad] = []
    for name, graph in graphs.items():
        key = str(name)
        node = ox.NamedNode(key)
        kept = plain.setdefault(key, [])
        for s, p, o in graph:
            triple = ox.Triple(convert(s), convert(p), convert(o))
            if isinstance(s, BNode) or isinstance(o, BNode):
                with_bnodes.append(ox.Quad(triple.subject, triple.predicate, triple.object, node))
            else:
                kept.append(triple)
    if with_bnodes:
        dataset = ox.Dataset(with_bnodes)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        for quad in dataset:
            plain[quad.graph_name.value].append(quad.triple)
    for triples in plain.values():
        triples.sort(key=str)
    return Prepared(plain, dict(sorted((prefixes or _prefixes(None)).items())))


class _Converter:
    """rdflib terms to pyoxigraph terms, each distinct term converted once."""

    def __init__(self) -> None:
        self.cache: dict = {}

    def __call__(self, term):
        found = self.cache.get(term)
        if found is None:
            found = self.cache[term] = _to_ox(term)
        return found


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def write(
    triples: list[ox.Triple],
    fmt: str,
    prefixes: dict[str, str],
    base: str | None = namespaces.BASE,
) -> bytes:
    """Sorted canonical triples in one format (``nt``, ``ttl``, ``xml``, ``jsonld``; TriG is
    ``write_trig``). Turtle declares ``@base <base + "id/">`` like before; IRIs under it are written
    in full, so the body does not depend on the base."""
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if fmt == "ttl":
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_in_names(prefixes))
        head = f"@base <{base}id/> .\n" if base is not None else ""
        return _with_prefixes(body, prefixes, head)
    if fmt == "xml":
        return _sorted_xmlns(ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes))
    if fmt == "jsonld":
        return _jsonld(triples, prefixes)
    if fmt == "trig":
        return write_trig(
            [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples],
            prefixes,
        )
    raise InputError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")


def write_trig(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """Quads (already in graph, then triple order) in TriG, one block per named graph."""
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_in_names(prefixes))
    return _with_prefixes(body, prefixes, "")


def _in_names(prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes the Turtle and TriG writers may use in prefixed names: not ``id:``, whose
    local parts hold ``/`` (``document/A-RES-73-195``), which pyoxigraph writes escaped
    (``id:document\\/A-RES-73-195``): valid Turtle 1.1, but Virtuoso 7 and people read it wrong.
    Those IRIs are written in full; the ``@prefix id:`` line stays for whoever edits the file."""
    return {p: ns for p, ns in prefixes.items() if p != "id"}


def _with_prefixes(body: bytes, prefixes: dict[str, str], head: str) -> bytes:
    """pyoxigraph's Turtle/TriG with its prologue replaced by ours: ``head`` then the prefixes in
    sorted order, then a blank line. Literals never span lines in its output (it escapes line
    breaks), so the prologue is exactly the leading run of ``@prefix`` lines."""
    cut = 0
    while body.startswith(b"@prefix ", cut):
        cut = body.index(b"\n", cut) + 1
    lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return (head + lines + "\n").encode("utf-8") + memoryview(body)[cut:]


_XMLNS = re.compile(r'\s+xmlns:([A-Za-z_][\w.-]*)="([^"]*)"')


def _sorted_xmlns(data: bytes) -> bytes:
    """RDF/XML with the namespace declarations of ``rdf:RDF`` in sorted order, one a line."""
    start = data.index(b"<rdf:RDF")
    end = data.index(b">", start)
    found = dict(_XMLNS.findall(data[start:end].decode("utf-8")))
    declarations = "".join(f'\n    xmlns:{p}="{ns}"' for p, ns in sorted(found.items()))
    return data[:start] + ("<rdf:RDF" + declarations).encode("utf-8") + memoryview(data)[end:]


def _jsonld(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD built from sorted triples: ``{"@context": prefixes, "@graph": nodes}``,
    one node per subject sorted by ``@id``, keys sorted, IRIs as ``prefix:local`` where a prefix
    fits, one value bare and several sorted in a list, well-formed RDF lists as ``@list``."""
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    compacted: dict[str, str] = {}

    def iri(value: str) -> str:
        found = compacted.get(value)
        if found is None:
            found = value
            for prefix, ns in by_length:
                if value.startswith(ns) and len(value) > len(ns):
                    local = value[len(ns) :]
                    if not local.startswith("//"):
                        found = f"{prefix}:{local}"
                    break
            compacted[value] = found
        return found

    def node_id(term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else iri(term.value)

    subjects: dict = {}
    referenced: dict = {}
    for t in triples:
        subjects.setdefault(t.subject, []).append(t)
        if isinstance(t.object, ox.BlankNode):
            referenced[t.object] = referenced.get(t.object, 0) + 1
    lists = _list_nodes(subjects, referenced)

    def value(term):
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if term.language:
                return {"@language": term.language, "@value": term.value}
            if datatype == _XSD_STRING:
                return term.value
            return {"@type": iri(datatype), "@value": term.value}
        if term in lists:
            return {"@list": [value(item) for item in lists[term]]}
        return {"@id": node_id(term)}

    consumed = {node for head in lists for node in _chain(head, subjects)}

    def node(subject) -> dict:
        out: dict = {"@id": node_id(subject)}
        props: dict[str, list] = {}
        for t in subjects[subject]:
            if t.predicate.value == _RDF_TYPE and not isinstance(t.object, ox.Literal):
                props.setdefault("@type", []).append(node_id(t.object))
            else:
                props.setdefault(iri(t.predicate.value), []).append(value(t.object))
        for key, values in props.items():
            if len(values) > 1:
                values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True))
            out[key] = values[0] if len(values) == 1 else values
        return out

    order = sorted((node_id(s), s) for s in subjects if s not in consumed)
    if not order:
        empty = {"@context": prefixes, "@graph": []}
        return (json.dumps(empty, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    # The bytes json.dumps(document, indent=2, sort_keys=True) gives, one node at a time (a
    # whole document tree of dicts costs several times the output's size in memory). Its
    # strings never hold a line break, so indenting every line is exact.
    context = json.dumps(prefixes, indent=2, ensure_ascii=False, sort_keys=True)
    head = '{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": [\n'
    parts = [head.encode("utf-8")]
    last = len(order) - 1
    for index, (_, subject) in enumerate(order):
        text = indented_json(node(subject), "    ")
        parts.append(("    " + text + (",\n" if index < last else "\n")).encode("utf-8"))
    parts.append(b"  ]\n}\n")
    return b"".join(parts)


def indented_json(value: object, indent: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)`` with every line after
    the first prefixed by ``indent``, for the strings, lists and dicts of a JSON-LD node.

    The standard library's encoder is pure Python as soon as ``indent`` is set; this one calls its
    C string encoder and is several times faster (the JSON-LD exports were most of the export
    stage). ``tests/test_exports.py`` checks it against ``json.dumps``."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{_encode_string(key)}: {indented_json(value[key], inner)}"
            for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [inner + indented_json(item, inner) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value)


_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]
_RDF_TYPE = str(RDF.type)
_RDF_FIRST = str(RDF.first)
_RDF_REST = str(RDF.rest)
_RDF_NIL = str(RDF.nil)
_XSD_STRING = str(XSD.string)


def _list_nodes(subjects: dict, referenced: dict) -> dict:
    """Heads of well-formed RDF lists → their items. A list node is a blank node with exactly one
    ``rdf:first`` and one ``rdf:rest`` and nothing else, referenced once; a head is a list node
    that is not the ``rdf:rest`` of another. Anything else stays as plain nodes."""

    def cell(node):
        its = subjects.get(node)
        if not isinstance(node, ox.BlankNode) or referenced.get(node) != 1 or not its:
            return None
        if len(its) != 2 or {t.predicate.value for t in its} != {_RDF_FIRST, _RDF_REST}:
            return None
        first = next(t.object for t in its if t.predicate.value == _RDF_FIRST)
        rest = next(t.object for t in its if t.predicate.value == _RDF_REST)
        return first, rest

    rests = {t.object for its in subjects.values() for t in its if t.predicate.value == _RDF_REST}
    heads: dict = {}
    for node in subjects:
        if node in rests or cell(node) is None:
            continue
        items, seen, current = [], set(), node
        while not (isinstance(current, ox.NamedNode) and current.value == _RDF_NIL):
            parts = cell(current)
            if parts is None or current in seen:
                items = None
                break
            seen.add(current)
            items.append(parts[0])
            current = parts[1]
        if items is not None:
            heads[node] = items
    return heads


def _chain(head, subjects: dict) -> list:
    """The list nodes of the list that starts at ``head``."""
    out, current = [], head
    while isinstance(current, ox.BlankNode):
        out.append(current)
        current = next(t.object for t in subjects[current] if t.predicate.value == _RDF_REST)
    return out


def _prefixes(graph: Graph | None) -> dict[str, str]:
    return jsonld_context(graph)


def _rdflib_turtle(graph: Graph, base: str | None) -> bytes:
    """rdflib's Turtle (it nests blank nodes as ``[ ... ]``) of the canonical graph, for the small
    files (ontology, shapes, reports): readable, and fast enough at their size."""
    graph = canonical(graph)
    if base is None:
        return graph.serialize(format="turtle", encoding="utf-8")
    return graph.serialize(format="turtle", encoding="utf-8", base=base + "id/")


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
