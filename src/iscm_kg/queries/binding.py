"""Bind resolved parameter values into a query's text with a ``VALUES`` block.

The value is a term, never text pasted into the query: a parameter cannot change what the query
says, only which terms its variables take.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib.term import Node

from ..errors import QueryError
from .stored import WHERE

# The parameters marker, and the VALUES line after it that holds the default bindings.
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)#@parameters[ \t]*\n(?:[ \t]*VALUES\b[^\n]*(?:\n|$))?", re.MULTILINE
)


def values_block(variables: Sequence[str], values: dict[str, Node]) -> str:
    """``VALUES ?a { <x> }`` or ``VALUES (?a ?b) { (<x> UNDEF) }``: each variable's term, or
    ``UNDEF`` for a parameter left unbound (``all``)."""
    cells = [values[v].n3() if v in values else "UNDEF" for v in variables]
    if len(variables) == 1:
        return f"VALUES ?{variables[0]} {{ {cells[0]} }}"
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ ({' '.join(cells)}) }}"


def bind(text: str, values: dict[str, Node], variables: Sequence[str] | None = None) -> str:
    """The query with its parameters bound by a ``VALUES`` block over ``variables`` (default: the
    bound ones).

    A stored query holds its parameters' block on the line after a ``#@parameters`` comment,
    already bound to the defaults (or the header's example values), so the file runs as it is in
    any SPARQL 1.1 engine; binding replaces that line. A query with the marker and no block gets
    one after the marker; a query without the marker, at the start of its outermost WHERE group.
    Where the block stands matters: inside an ordered subquery it keeps the order that
    ``GROUP_CONCAT`` lists are built in (a join with values outside it may reorder the rows).
    """
    variables = list(variables) if variables is not None else sorted(values)
    if not variables:
        return text
    block = values_block(variables, values)
    marker = _BLOCK.search(text)
    if marker:
        indent = marker.group("indent")
        return (
            text[: marker.start()]
            + f"{indent}#@parameters\n{indent}{block}\n"
            + text[marker.end() :]
        )
    match = _first_where(text)
    return text[: match.end()] + f" {block} " + text[match.end() :]


def _first_where(text: str) -> re.Match[str]:
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            match = WHERE.search(line)
            if match:
                return WHERE.search(text, offset)  # type: ignore[return-value]
        offset += len(line)
    raise QueryError("the query needs an explicit WHERE { … } group.")
