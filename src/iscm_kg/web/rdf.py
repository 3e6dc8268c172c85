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
    if fmt == "jsonld":
        return _jsonld(iri, facts.out(iri))
    import pyoxigraph as ox

    subject = _ox(ox, iri)
    triples = [
        ox.Triple(subject, ox.NamedNode(s.predicate), _ox(ox, s.other)) for s in facts.out(iri)
    ]
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if fmt == "ttl":
        text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES).decode(
            "utf-8"
        )
        lines = text.split("\n")
        head = sorted(line for line in lines if line.startswith("@prefix "))
        body = [line for line in lines if not line.startswith("@prefix ")]
        return ("\n".join(head) + "\n\n" + "\n".join(body)).encode("utf-8")
    raise ValueError(f"Unknown format '{fmt}': use one of {', '.join(MEDIA_TYPES)}.")


def _ox(ox, term: str | Lit):
    if isinstance(term, Lit):
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or _XSD_STRING))
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)


def _jsonld(iri: str, statements: list[Statement]) -> bytes:
    node: dict[str, object] = {"@id": _compact(iri)}
    for statement in statements:
        if statement.predicate == TYPE and isinstance(statement.other, str):
            node.setdefault("@type", []).append(_compact(statement.other))  # type: ignore[union-attr]
            continue
        key = _compact(statement.predicate)
        node.setdefault(key, []).append(_value(statement.other))  # type: ignore[union-attr]
    for values in node.values():
        if isinstance(values, list):
            values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    document = {"@context": _CONTEXT, **node}
    # One line per node, keys sorted: Python's fast (C) JSON encoder only runs without indent.
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


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


@functools.lru_cache(maxsize=65536)
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
