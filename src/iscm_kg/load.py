"""Stage 1, load: parse every input file into one graph, remembering which file said what.

An input is a Turtle file (``.ttl``) or a stored query (``.rq``), whose header and text are the
triples of one ``sh:SPARQLExecutable`` (``queries.catalog``).

Oxigraph's Turtle parser (Rust) reads a file about 20 times faster than rdflib's; its triples are
turned into rdflib terms (each distinct term built once) and added to the merged graph in one
pass. Two things rdflib keeps and Oxigraph does not are a language tag's case (Oxigraph lowers
it) and an explicit ``^^xsd:string`` (Oxigraph cannot tell it from a plain literal): a file that
may hold either is read by rdflib, as is any file Oxigraph rejects, so that the error message is
rdflib's sentence with its line. ``tests/test_load.py`` proves both readers give the same graph.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from . import namespaces
from .errors import InputError
from .queries.catalog import query_graph
from .queries.stored import parse_query_file

_REASON = re.compile(r"Bad syntax \((?P<why>.*?)\) at \^", re.DOTALL)
# A language tag with a capital letter, or a datatype that may be xsd:string: rdflib reads these.
_RDFLIB_ONLY = re.compile(rb"""["']@[A-Za-z0-9-]*[A-Z]|\^\^\s*\S*string""")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Loaded:
    """A merged graph and, for each subject, the files that state something about it."""

    graph: Graph
    files: list[Path]
    origins: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))

    def origin_of(self, node: Node) -> list[Path]:
        return sorted(self.origins.get(node, ()))


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; a syntax error names the file and the line."""
    graph = namespaces.new_graph()
    try:
        with _quiet_terms():  # an ill-typed literal is reported below, in one sentence
            graph.parse(path, format="turtle")
    except BadSyntax as exc:
        match = _REASON.search(str(exc))
        why = match.group("why") if match else "bad syntax"
        raise InputError(f"{path}: line {exc.lines + 1}: malformed Turtle ({why}).") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}).") from None
    except Exception as exc:  # rdflib raises many types for bad IRIs, literals, prefixes
        raise InputError(f"{path}: cannot be read as Turtle: {exc}.") from None
    ill_typed = [(s, p, o) for s, p, o in graph if isinstance(o, Literal) and o.ill_typed]
    if ill_typed:
        s, p, o = min(ill_typed)
        names = graph.namespace_manager
        raise InputError(
            f"{path}: {s.n3(names)} {p.n3(names)}: "
            f"{str(o)!r} is not a valid {o.datatype.n3(names)}."
        )
    return graph


@contextmanager
def _quiet_terms() -> Iterator[None]:
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        term_log.setLevel(level)


def load(paths: Iterable[Path]) -> Loaded:
    """Parse and merge ``paths``, recording the origin of every subject."""
    paths = list(paths)
    loaded = Loaded(namespaces.new_graph(), paths)
    terms: dict[object, Node] = {}
    for path in paths:
        if path.suffix == ".rq":
            triples = list(query_graph(parse_query_file(path)))
        else:
            triples = _read_fast(path, terms)
            if triples is None:
                triples = list(parse_turtle(path))
        for subject in {t[0] for t in triples}:
            loaded.origins[subject].add(path)
        loaded.graph.addN((s, p, o, loaded.graph) for s, p, o in triples)
    return loaded


def _read_fast(path: Path, terms: dict[object, Node]) -> list[tuple[Node, Node, Node]] | None:
    """The triples of ``path`` read by Oxigraph, or None where rdflib must read the file."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if _RDFLIB_ONLY.search(data):
        return None
    try:
        quads = list(ox.parse(data, ox.RdfFormat.TURTLE, base_iri=path.absolute().as_uri()))
    except (SyntaxError, ValueError):
        return None  # rdflib reads it again, for its message with the line
    blank: dict[str, BNode] = {}  # a label stands for one node within one file

    def term(node: object) -> Node:
        if isinstance(node, ox.BlankNode):
            found = blank.get(node.value)
            if found is None:
                found = blank[node.value] = BNode()
            return found
        found = terms.get(node)
        if found is None:
            found = terms[node] = _rdflib_term(node)
        return found

    with _quiet_terms():  # an ill-typed literal is reported by parse_turtle, in one sentence
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]
    if any(isinstance(o, Literal) and o.ill_typed for _, _, o in triples):
        return None  # rdflib reads it again, for parse_turtle's sentence
    return triples


def _rdflib_term(node: object) -> Node:
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    assert isinstance(node, ox.Literal)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    return Literal(node.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
