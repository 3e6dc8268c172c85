"""``--param`` strings resolved to RDF terms, by the kinds the graph declares (``kinds``).

Unknown parameters, missing required ones and values the graph does not know are errors, each one
sentence naming the query, the parameter and what it accepts. A paragraph is the one kind with a
grammar of its own ('50', '22b', '§43(b)(iii)'), looked up in the document parameter's document.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.term import Node

from .. import namespaces
from ..errors import QueryError
from .kinds import Kind, lookup, read_kinds
from .stored import Param, StoredQuery

if TYPE_CHECKING:
    from .runner import Executor

PARAGRAPH = "paragraph"  # the kind whose values are paragraphs of the query's document


def resolve_params(
    query: StoredQuery, given: dict[str, str], executor: Executor
) -> dict[str, Node]:
    """Turn ``--param`` strings into RDF terms; unknown, missing and bad values are errors."""
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise QueryError(
            f"{query.name}: unknown parameter {', '.join(unknown)} (parameters: {known})."
        )
    kinds = read_kinds(executor, {p.kind for p in query.params if p.kind != PARAGRAPH})
    values: dict[str, Node] = {}
    for param in sorted(query.params, key=lambda p: p.kind == PARAGRAPH):  # paragraphs last
        raw = given.get(param.name, param.default)
        if raw is None:
            raise QueryError(
                f"{query.name}: the parameter '{param.name}' is required ({param.description})."
            )
        where = f"{query.name}: parameter '{param.name}'"
        if param.kind == PARAGRAPH:
            term: Node | None = _paragraph(raw.strip(), values.get("document"), executor, where)
        else:
            term = lookup(_kind(kinds, param, where), raw.strip(), executor, where)
        if term is not None:
            values[param.variable] = term
    return values


def _kind(kinds: dict[str, Kind], param: Param, where: str) -> Kind:
    if param.kind not in kinds:
        raise QueryError(f"{where}: the graph declares no parameter kind '{param.kind}'.")
    return kinds[param.kind]


def _paragraph(raw: str, document: Node | None, executor: Executor, where: str) -> URIRef:
    """'50', '22b', '43biii', '§43(b)(iii)', '43.b.iii' and '43/b/iii' all name §43(b)(iii)."""
    key = re.sub(r"[^0-9a-z]", "", raw.lower())
    if document is None:
        raise QueryError(f"{where}: a paragraph needs a document.")
    sparql = namespaces.sparql_prologue() + (
        "SELECT ?p ?n ?sub WHERE { VALUES ?doc { " + document.n3() + " } "
        "?p a iscm:Paragraph ; iscm:inDocument ?doc ; iscm:paragraphNumber ?n . "
        "OPTIONAL { ?p iscm:subdivision ?sub } }"
    )
    for row in executor.select(sparql).rows:
        p, n, sub = row
        if f"{n}{str(sub or '').replace('.', '')}" == key:
            return p  # type: ignore[return-value]
    raise QueryError(f"{where}: no paragraph '{raw}' is cited in that document.")
