"""Stage 4, query: stored SPARQL queries with a header, safe parameters, and result formats.

A stored query is ``queries/<name>.rq``; its comment header gives a title, a description,
keywords and parameters::

    # title: Where does a version of the compact refer to ISCMs, by wording?
    # description: ...
    #   (continuation lines are indented)
    # keywords: references, ISCM
    # param: document | document | A-RES-73-195 | The version of the compact, by short name.

A parameter line is ``name | kind | default (or "required") | description [| variable]``. Each
parameter binds the query variable of the same name, or the variable the fifth field names.
Values are resolved to RDF terms (a document's short name to
its IRI, an actor's label or acronym to its IRI …) and bound with a ``VALUES`` block inserted at
the start of the outermost ``WHERE`` group: the value is a term, never text pasted into the query.
A parameter set to ``all`` (where its kind allows it) stays unbound.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from . import namespaces
from .errors import QueryError
from .namespaces import ID, ISCM, SCHEMA
from .store import XSD_STRING, SelectResult

KINDS = ("document", "paragraph", "objective", "level", "actor", "iscm-type", "state", "text")
_ALL = "all"
_HEADER_KEYS = ("title", "description", "keywords", "param", "example")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_NAMED_KINDS = ("actor", "concept", "framework", "process")
# The parameters marker, and the VALUES line after it that holds the default bindings.
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)#@parameters[ \t]*\n(?:[ \t]*VALUES\b[^\n]*(?:\n|$))?", re.MULTILINE
)


class Executor(Protocol):
    """Anything that runs SELECT queries: the local store or a remote SPARQL endpoint."""

    def select(self, sparql: str) -> SelectResult: ...


@dataclass(frozen=True)
class Param:
    """One declared parameter of a stored query."""

    name: str
    kind: str
    default: str | None  # None: required
    description: str
    variable: str  # the query variable it binds: the name, unless the header gives another


@dataclass(frozen=True)
class StoredQuery:
    """A query file with its header."""

    name: str
    path: Path
    title: str
    description: str
    keywords: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    example: dict[str, str] = field(default_factory=dict)  # values for a demonstration run

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class Table:
    """Query results: column names and rows of RDF terms (None where unbound)."""

    columns: list[str]
    rows: list[list[Node | None]] = field(default_factory=list)


def parse_query_file(path: Path) -> StoredQuery:
    """Read a ``.rq`` file and its comment header."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror}).") from None
    fields: dict[str, list[str]] = {key: [] for key in _HEADER_KEYS}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:]
        match = re.match(r"\s?(\w+):\s?(.*)$", body)
        if match and match.group(1) in _HEADER_KEYS:
            current = match.group(1)
            fields[current].append(match.group(2).strip())
        elif current in ("description", "title") and body.startswith("   "):
            fields[current][-1] += " " + body.strip()
        else:
            current = None
    params = tuple(_parse_param(path, line) for line in fields["param"])
    return StoredQuery(
        name=path.stem,
        path=path,
        title=" ".join(fields["title"]) or path.stem,
        description=" ".join(fields["description"]),
        keywords=tuple(k.strip() for k in ",".join(fields["keywords"]).split(",") if k.strip()),
        params=params,
        text=text,
        example=dict(
            pair.strip().split("=", 1)
            for line in fields["example"]
            for pair in line.split()
            if "=" in pair
        ),
    )


def _parse_param(path: Path, line: str) -> Param:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) not in (4, 5) or parts[1] not in KINDS:
        raise QueryError(
            f"{path}: bad parameter line '# param: {line}': write 'name | kind | default or "
            f"required | description [| variable]' with kind one of {', '.join(KINDS)}."
        )
    name, kind, default, description = parts[:4]
    variable = parts[4].lstrip("?") if len(parts) == 5 else name
    return Param(name, kind, None if default == "required" else default, description, variable)


def load_queries(folder: Path) -> dict[str, StoredQuery]:
    """Every stored query of ``folder``, by name."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def find_query(name_or_file: str, folder: Path) -> StoredQuery:
    """A stored query by name, or any ``.rq`` file by path."""
    if name_or_file.endswith(".rq") or "/" in name_or_file:
        path = Path(name_or_file)
        if not path.is_file():
            raise QueryError(f"No query file {name_or_file}.")
        return parse_query_file(path)
    queries = load_queries(folder)
    if name_or_file not in queries:
        close = [n for n in queries if name_or_file in n or n in name_or_file]
        hint = f" Did you mean {', '.join(close)}?" if close else " 'iscm-kg queries' lists them."
        raise QueryError(f"No stored query named '{name_or_file}'.{hint}")
    return queries[name_or_file]


def check_text(query: StoredQuery) -> None:
    """Reject what we never run (federated queries, updates, queries without WHERE)."""
    body = _strip_comments(query.text)
    if _SERVICE.search(body):
        raise QueryError(f"{query.name}: SERVICE (federated queries) is not allowed.")
    if not re.search(r"\bSELECT\b", body, re.IGNORECASE):
        raise QueryError(f"{query.name}: only SELECT queries can be run.")
    if not _WHERE.search(body):
        raise QueryError(f"{query.name}: the query needs an explicit WHERE {{ … }} group.")


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


_PREPARED: dict[str, object] = {}


def _prepare(text: str, name: str) -> object:
    """Parse with rdflib (once per text) to report a syntax error by line and column."""
    if text not in _PREPARED:
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        namespaces.no_graph_loading()  # never let a query make rdflib fetch graphs
        try:
            _PREPARED[text] = prepareQuery(text)
        except ParseException as exc:
            raise QueryError(
                f"{name}: SPARQL syntax error at line {exc.lineno}, column {exc.col}: "
                f"{exc.line.strip()!r}."
            ) from None
        except Exception as exc:  # rdflib raises plain exceptions for unknown prefixes etc.
            raise QueryError(f"{name}: the query cannot be parsed: {exc}.") from None
    return _PREPARED[text]


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


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
    values: dict[str, Node] = {}
    for param in sorted(query.params, key=lambda p: p.kind == "paragraph"):  # paragraphs last
        raw = given.get(param.name, param.default)
        if raw is None:
            raise QueryError(
                f"{query.name}: the parameter '{param.name}' is required ({param.description})."
            )
        term = _resolve(param, raw.strip(), values, executor, query.name)
        if term is not None:
            values[param.variable] = term
    return values


def _resolve(
    param: Param, raw: str, bound: dict[str, Node], executor: Executor, name: str
) -> Node | None:
    where = f"{name}: parameter '{param.name}'"
    if param.kind == "text":
        return Literal(raw)
    if param.kind == "level":
        levels = {"regional": ISCM.RegionalLevel, "global": ISCM.GlobalLevel, _ALL: None}
        if raw.lower() not in levels:
            raise QueryError(f"{where}: '{raw}' is not a level (regional, global or all).")
        return levels[raw.lower()]
    if param.kind == "iscm-type":
        types = {
            "rcp": ISCM.RegionalConsultativeProcess,
            "irf": ISCM.InterRegionalForum,
            "global": ISCM.GlobalProcess,
            _ALL: None,
        }
        if raw.lower() not in types:
            raise QueryError(f"{where}: '{raw}' is not an ISCM type (rcp, irf, global or all).")
        return types[raw.lower()]
    if param.kind == "objective":
        if not raw.isdigit() or not 1 <= int(raw) <= 23:
            raise QueryError(f"{where}: '{raw}' is not an objective number (1 to 23).")
        return ID[f"objective/{int(raw)}"]
    if param.kind == "document":
        iri = ID[f"document/{raw}"]
        if not _exists(executor, iri, ISCM.Document):
            raise QueryError(
                f"{where}: no document '{raw}' (e.g. A-RES-73-195, gcm-zero-draft-rev1)."
            )
        return iri
    if param.kind == "state":
        iri = ID[f"state/{raw.upper()}"]
        if not _exists(executor, iri, ISCM.State):
            raise QueryError(f"{where}: no State with the ISO 3166-1 alpha-3 code '{raw}'.")
        return iri
    if param.kind == "paragraph":
        return _paragraph(raw, bound.get("document"), executor, where)
    return _actor(raw, executor, where)


def _exists(executor: Executor, iri: URIRef, cls: URIRef) -> bool:
    sparql = (
        namespaces.sparql_prologue()
        + f"SELECT ?x WHERE {{ VALUES ?x {{ {iri.n3()} }} ?x a {cls.n3()} }}"
    )
    return bool(executor.select(sparql).rows)


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


def _actor(raw: str, executor: Executor, where: str) -> URIRef:
    """An IRI, a label or an acronym of an actor, concept, framework or process."""
    if raw.startswith(("http://", "https://")):
        iri = URIRef(raw)
        sparql = namespaces.sparql_prologue() + f"SELECT ?p WHERE {{ {iri.n3()} ?p ?o }} LIMIT 1"
        if not executor.select(sparql).rows:
            raise QueryError(f"{where}: nothing in the graph has the IRI {raw}.")
        return iri
    label = Literal(raw.casefold())
    sparql = namespaces.sparql_prologue() + (
        "SELECT DISTINCT ?x ?name WHERE { VALUES ?wanted { " + label.n3() + " } "
        "?x skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l . "
        "FILTER (LCASE(STR(?l)) = ?wanted) "
        "FILTER ("
        + " || ".join(f'STRSTARTS(STR(?x), "{ID}{kind}/")' for kind in _NAMED_KINDS)
        + ") "
        "?x skos:prefLabel ?name } ORDER BY ?x"
    )
    rows = executor.select(sparql).rows
    found = sorted({(str(r[0]), str(r[1])) for r in rows})
    if not found:
        raise QueryError(f"{where}: no actor or category is called '{raw}'.")
    if len(found) > 1:
        options = "; ".join(f"{label} <{iri}>" for iri, label in found)
        raise QueryError(f"{where}: '{raw}' is ambiguous: {options}. Give the IRI instead.")
    return URIRef(found[0][0])


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
            match = _WHERE.search(line)
            if match:
                return _WHERE.search(text, offset)  # type: ignore[return-value]
        offset += len(line)
    raise QueryError("the query needs an explicit WHERE { … } group.")


def run(query: StoredQuery, executor: Executor, given: dict[str, str] | None = None) -> Table:
    """Check, bind and run a stored query."""
    check_text(query)
    values = resolve_params(query, given or {}, executor)
    text = bind(query.text, values, [p.variable for p in query.params])
    try:
        result = executor.select(text)
    except QueryError:
        raise
    except Exception as exc:  # an engine's own error (Oxigraph raises SyntaxError, OSError…)
        _prepare(query.text, query.name)  # rdflib's parser words a syntax error best
        raise QueryError(f"{query.name}: the query failed: {exc}.") from None
    return Table(list(result.variables), [list(r) for r in result.rows])


# --------------------------------------------------------------------------------------------
# Result formats
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Queries as data
# --------------------------------------------------------------------------------------------


def catalog(queries: Iterable[StoredQuery]) -> Graph:
    """The stored queries as RDF, in the style of the SIB sparql-examples collections: one
    ``sh:SPARQLExecutable`` per query with its text, title, description, keywords and parameters."""
    graph = namespaces.new_graph()
    collection = ID["query"]
    graph.add((collection, RDF.type, DCAT.Catalog))
    graph.add((collection, RDFS.label, Literal("ISCM-KG stored queries", lang="en")))
    for q in queries:
        node = ID[f"query/{q.name}"]
        graph.add((collection, DCTERMS.hasPart, node))
        for cls in (SH.SPARQLExecutable, SH.SPARQLSelectExecutable):
            graph.add((node, RDF.type, cls))
        graph.add((node, SCHEMA.identifier, Literal(q.name)))
        graph.add((node, RDFS.label, Literal(q.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(q.description, lang="en")))
        graph.add((node, SH.select, Literal(q.text)))
        graph.add((node, DCTERMS.isPartOf, collection))
        for keyword in q.keywords:
            graph.add((node, SCHEMA.keywords, Literal(keyword, lang="en")))
        for param in q.params:
            pnode = ID[f"query/{q.name}/parameter/{param.name}"]
            graph.add((node, ISCM.parameter, pnode))
            graph.add((pnode, RDF.type, ISCM.QueryParameter))
            graph.add((pnode, RDFS.label, Literal(param.name)))
            graph.add((pnode, RDFS.comment, Literal(param.description, lang="en")))
            graph.add((pnode, ISCM.parameterKind, Literal(param.kind)))
            graph.add((pnode, ISCM.queryVariable, Literal(param.variable)))
            if param.default is not None:
                graph.add((pnode, ISCM.defaultValue, Literal(param.default)))
    return graph
