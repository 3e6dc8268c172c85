"""A stored query: a ``queries/<name>.rq`` file and its comment header.

The header gives a title, a description, keywords, parameters and example values::

    # title: Where does a version of the compact refer to ISCMs, by wording?
    # description: ...
    #   (continuation lines are indented)
    # keywords: references, ISCM
    # param: document | document | A-RES-73-195 | The version of the compact, by short name.
    # example: document=A-RES-73-195

A parameter line is ``name | kind | default (or "required") | description [| variable]``; the
kind is the ``skos:notation`` of an ``iscm:ParameterKind`` of the graph (``queries/catalog.ttl``).
Each parameter binds the query variable of the same name, or the variable the fifth field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import sparql_text
from ..errors import QueryError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_HEADER_KEYS = ("title", "description", "keywords", "param", "example")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    """One declared parameter of a stored query."""

    name: str
    kind: str  # the notation of its parameter kind
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


def parse_query_file(path: Path) -> StoredQuery:
    """Read a ``.rq`` file and its comment header."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text ({exc.reason}).") from None
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
    if len(parts) not in (4, 5) or not _NAME.fullmatch(parts[1]):
        raise QueryError(
            f"{path}: bad parameter line '# param: {line}': write 'name | kind | default or "
            f"required | description [| variable]'."
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
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    if _SERVICE.search(body):
        raise QueryError(f"{query.name}: SERVICE (federated queries) is not allowed.")
    if not re.search(r"\bSELECT\b", body, re.IGNORECASE):
        raise QueryError(f"{query.name}: only SELECT queries can be run.")
    if not WHERE.search(body):
        raise QueryError(f"{query.name}: the query needs an explicit WHERE {{ … }} group.")


def prepare(text: str, name: str) -> object:
    """Parse with rdflib (once per text and process) to report a syntax error by line and
    column."""
    from pyparsing import ParseException

    try:
        return sparql_text.prepare(text)
    except ParseException as exc:
        raise QueryError(
            f"{name}: SPARQL syntax error at line {exc.lineno}, column {exc.col}: "
            f"{exc.line.strip()!r}."
        ) from None
    except Exception as exc:  # rdflib raises plain exceptions for unknown prefixes etc.
        raise QueryError(f"{name}: the query cannot be parsed: {exc}.") from None
