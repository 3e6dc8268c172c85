"""SPARQL texts parsed by rdflib once per process.

rdflib's SPARQL parser (pyparsing) is slow: about 25 ms for one of our SHACL-SPARQL constraints,
more than running it on a small graph. A prepared query holds only the query's algebra and
prologue (rdflib evaluates it against whatever graph it is given, with the bindings passed at
that call), so one prepared copy serves every graph and every validation of this process. The
key is the text and the namespaces it is prepared with, so a text means what it would have meant
if parsed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from . import namespaces

Names = tuple[tuple[str, str], ...]


def names_of(prefixes: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Names:
    """Prefixes as a sorted tuple of (prefix, namespace IRI) pairs: a key for the caches."""
    if prefixes is None:
        return ()
    pairs = prefixes.items() if isinstance(prefixes, Mapping) else prefixes
    return tuple(sorted((str(p), str(ns)) for p, ns in pairs))


def prepare(text: str, prefixes: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None):
    """rdflib's ``prepareQuery(text, initNs=prefixes)``, parsed once per process. Raises what
    ``prepareQuery`` raises (never cached)."""
    return _prepare(text, names_of(prefixes))


@lru_cache(maxsize=1024)
def _prepare(text: str, names: Names):
    from rdflib.plugins.sparql import prepareQuery

    namespaces.no_graph_loading()  # never let a query make rdflib fetch graphs
    return prepareQuery(text, initNs=dict(names))
