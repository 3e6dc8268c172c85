"""Query results: the table of RDF terms and its writers (CSV, JSON, Markdown, aligned text)."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..store import XSD_STRING


@dataclass
class Table:
    """Query results: column names and rows of RDF terms (None where unbound)."""

    columns: list[str]
    rows: list[list[Node | None]] = field(default_factory=list)


def cell(term: Node | None) -> str:
    """A term as a plain string: an IRI, a literal's lexical form, '' when unbound."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(table: Table) -> str:
    """W3C SPARQL 1.1 Query Results CSV: header, then lexical values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([cell(t) for t in row])
    return out.getvalue()


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)  # a simple literal (xsd:string) is written plain
    return out


def to_json(table: Table) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    bindings = [
        {c: _json_term(t) for c, t in zip(table.columns, row, strict=True) if t is not None}
        for row in table.rows
    ]
    payload = {"head": {"vars": table.columns}, "results": {"bindings": bindings}}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def to_markdown(table: Table) -> str:
    """A Markdown table (pipes escaped, line breaks folded)."""

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(esc(cell(t)) for t in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def to_text_table(table: Table, width: int = 48) -> str:
    """Aligned columns for people; long cells wrap within ``width`` characters."""
    rows = [[cell(t) for t in row] for row in table.rows]
    widths = [
        min(width, max([len(c)] + [len(r[i]) for r in rows])) for i, c in enumerate(table.columns)
    ]

    def render(values: Iterable[str]) -> list[str]:
        wrapped = [textwrap.wrap(v, w) or [""] for v, w in zip(values, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        return [
            "  ".join(
                (w[i] if i < len(w) else "").ljust(widths[j]) for j, w in enumerate(wrapped)
            ).rstrip()
            for i in range(height)
        ]

    out = render(table.columns)
    out.append("  ".join("-" * w for w in widths))
    for row in rows:
        out.extend(render(row))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


FORMATTERS = {"table": to_text_table, "csv": to_csv, "json": to_json, "md": to_markdown}
