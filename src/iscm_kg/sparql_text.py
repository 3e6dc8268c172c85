"""SPARQL texts parsed by rdflib once per process.

rdflib's SPARQL parser (pyparsing) is slow: about 25 ms for one of our SHACL-SPARQL constraints,
more than running it on a small graph. A prepared query holds only the query's algebra and
prologue (rdflib evaluates it against whatever graph it is given, with the bindings passed at
that call), so one prepared copy serves every graph and every validation of this process. The
key is the text and the namespaces it is prepared with, so a text means what it would have meant
if parsed again. Leading ``PREFIX`` declarations count in any order (pySHACL writes a
constraint's declarations in an order that changes each time the shapes are read): reordering
them changes nothing when no prefix is declared twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from . import namespaces

Names = tuple[tuple[str, str], ...]

_PROLOGUE = re.compile(r"(?:\s*PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^<>\s]*>)+", re.IGNORECASE)
_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z0-9_.-]*):\s*<([^<>\s]*)>", re.IGNORECASE)


def names_of(prefixes: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Names:
    """Prefixes as a sorted tuple of (prefix, namespace IRI) pairs: a key for the caches."""
    if prefixes is None:
        return ()
    pairs = prefixes.items() if isinstance(prefixes, Mapping) else prefixes
    return tuple(sorted((str(p), str(ns)) for p, ns in pairs))


def prepare(text: str, prefixes: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None):
    """rdflib's ``prepareQuery(text, initNs=prefixes)``, parsed once per process. Raises what
    ``prepareQuery`` raises (never cached)."""
    names = names_of(prefixes)
    key = _key(text)
    found = _PREPARED.get((key, names))
    if found is None:
        from rdflib.plugins.sparql import prepareQuery

        namespaces.no_graph_loading()  # never let a query make rdflib fetch graphs
        found = prepareQuery(text, initNs=dict(names))  # the text itself: errors keep their lines
        if len(_PREPARED) >= _LIMIT:
            _PREPARED.pop(next(iter(_PREPARED)))  # the oldest
        _PREPARED[(key, names)] = found
    return found


_PREPARED: dict[tuple[str, Names], Any] = {}
_LIMIT = 1024


@lru_cache(maxsize=1024)  # pyshacl asks for the same text once per focus node
def _key(text: str) -> str:
    """The text with its leading ``PREFIX`` declarations sorted (unless a prefix is declared
    twice, where the order matters)."""
    prologue = _PROLOGUE.match(text)
    if prologue is None:
        return text
    declared = _DECLARATION.findall(prologue.group(0))
    if len({prefix for prefix, _ in declared}) != len(declared):
        return text
    head = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in sorted(declared))
    return head + text[prologue.end() :]
