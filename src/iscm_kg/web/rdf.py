"""One resource's description as Turtle, N-Triples or JSON-LD, for content negotiation.

The description is the resource's concise bounded description: every statement with the resource
as subject, asserted and inferred (the data mint IRIs for every node, so there are no blank nodes
to follow). Turtle and N-Triples are written by pyoxigraph (a few microseconds each, against some
milliseconds for rdflib's serializers, which matters for thousands of files); JSON-LD is built
directly in compact form with the project's prefixes as its context. The statements are sorted
and the prefixes fixed, so the bytes depend only on the graph.
"""

from __future__ import annotations

import functools
import json
import json.encoder

import pyoxigraph as ox

from .. import namespaces
from .facts import ID, TYPE, Facts, Lit, Statement

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Turtle names instances by their full IRI (a prefixed name cannot hold "/" unescaped).
_TURTLE_PREFIXES = {p: str(ns) for p, ns in sorted(namespaces.PREFIXES.items()) if p != "id"}
_CONTEXT = {p: str(ns) for p, ns in sorted(namespaces.PREFIXES.items())}


def describe(facts: Facts, iri: str, fmt: str) -> bytes:
    """The description of ``iri`` in ``fmt`` ("ttl", "nt" or "jsonld")."""
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"Unknown format '{fmt}': use one of {', '.join(MEDIA_TYPES)}.")
    return descriptions(facts, iri, (fmt,))[fmt]


def descriptions(
    facts: Facts, iri: str, formats: tuple[str, ...] = tuple(MEDIA_TYPES)
) -> dict[str, bytes]:
    """The description of ``iri`` in each of ``formats`` (the statements are converted once)."""
    statements = facts.out(iri)
    out: dict[str, bytes] = {}
    triples = None
    for fmt in formats:
        if fmt == "jsonld":
            out[fmt] = _jsonld(iri, statements)
            continue
        if triples is None:
            subject = _ox(iri)
            triples = [ox.Triple(subject, _named(s.predicate), _ox(s.other)) for s in statements]
        if fmt == "nt":
            out[fmt] = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        else:
            text = ox.serialize(
                triples, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES
            ).decode("utf-8")
            lines = text.split("\n")
            head = sorted(line for line in lines if line.startswith("@prefix "))
            body = [line for line in lines if not line.startswith("@prefix ")]
            out[fmt] = ("\n".join(head) + "\n\n" + "\n".join(body)).encode("utf-8")
    return out


@functools.lru_cache(maxsize=1 << 20)
def _named(iri: str) -> ox.NamedNode:
    """An IRI as a pyoxigraph term, made once (the same predicates and objects recur)."""
    return ox.NamedNode(iri)


def _ox(term: str | Lit) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if type(term) is str:
        if term.startswith("_:"):
            return ox.BlankNode(term[2:])
        return _named(term)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=_named(term.datatype or _XSD_STRING))


def _jsonld(iri: str, statements: list[Statement]) -> bytes:
    node: dict[str, object] = {"@id": _compact(iri)}
    for statement in statements:
        if statement.predicate == TYPE and isinstance(statement.other, str):
            node.setdefault("@type", []).append(_compact(statement.other))  # type: ignore[union-attr]
            continue
        key = _compact(statement.predicate)
        node.setdefault(key, []).append(_value(statement.other))  # type: ignore[union-attr]
    for values in node.values():
        if isinstance(values, list) and len(values) > 1:
            values.sort(key=json_order)
    document = {"@context": _CONTEXT, **node}
    # One line per node, keys sorted: Python's fast (C) JSON encoder only runs without indent.
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


_encode = json.encoder.encode_basestring  # how json.dumps(..., ensure_ascii=False) writes a str


def json_order(value: str | dict[str, str]) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False)`` for a string or a flat object of
    strings (a JSON-LD value), built directly: the order of a property's values."""
    if type(value) is str:
        return _encode(value)
    return "{" + ", ".join(f"{_encode(k)}: {_encode(value[k])}" for k in sorted(value)) + "}"


def _value(term: str | Lit) -> dict[str, str]:
    if isinstance(term, str):
        return {"@id": _compact(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype in ("", _XSD_STRING):
        return {"@value": term.value}
    if term.datatype == _LANG_STRING:  # pragma: no cover - a langString always has a language
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype)}


@functools.lru_cache(maxsize=1 << 20)
def _compact(iri: str) -> str:
    """``iri`` as a compact IRI with a project prefix, if one fits (never for "_:" nodes)."""
    if iri.startswith("_:"):
        return iri
    best = ""
    for prefix, namespace in _CONTEXT.items():
        if iri.startswith(namespace) and len(namespace) > len(_CONTEXT.get(best, "")):
            best = prefix
    if not best:
        return iri
    local = iri[len(_CONTEXT[best]) :]
    if local.startswith("//") or not local:
        return iri
    return f"{best}:{local}"


def resource_iri(path: str) -> str | None:
    """The IRI served at a site path ("/id/actor/x" -> "https://w3id.org/iscm-kg/id/actor/x")."""
    if not path.startswith("/id/") or len(path) <= 4:
        return None
    return ID + path[len("/id/") :]


def resource_path(iri: str) -> str:
    """The site path of a resource IRI."""
    return "/id/" + iri[len(ID) :]


_ACCEPTED = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
}


def negotiate(accept: str | None) -> str:
    """The representation an HTTP Accept header asks for: "html", "ttl", "nt" or "jsonld".

    The supported type with the highest q-value wins (the first listed on a tie); a header that
    names none of them (or ``*/*`` only) gets HTML, as a browser would."""
    best, best_q = "html", 0.0
    for item in (accept or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        fmt = _ACCEPTED.get(media.lower())
        if fmt is None:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = fmt, q
    return best if best_q > 0 else "html"
