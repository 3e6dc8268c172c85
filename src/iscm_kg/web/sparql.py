"""The SPARQL 1.1 Protocol, read-only: what a request asks, what is refused, which format answers.

Nothing here runs a query. A request becomes a ``QueryJob`` (the text, the dataset it names, the
media types the client accepts) after these checks, each refusal a ``Refused`` with an HTTP
status and one sentence:

- updates (the ``update`` parameter, ``application/sparql-update``, or a text that starts with
  INSERT, DELETE, LOAD, CLEAR, DROP …) are refused with 403: the endpoint is read-only;
- ``SERVICE`` (a federated query) is refused with 403: Oxigraph would fetch the remote endpoint
  (decided in the worker, see below);
- ``FROM``, ``FROM NAMED``, ``default-graph-uri`` and ``named-graph-uri`` may only name the
  graph's own named graphs: any other IRI (``file:``, ``http:`` …) is refused with 403;
- a text over the size limit is refused with 413, one nested too deeply with 400 (Oxigraph's
  parser is recursive and a deep enough nesting would crash it).

The checks on the text use a small tokenizer (comments, strings, IRIs, names), which only chooses
the wording of a refusal. The check that decides about ``SERVICE`` runs in the query worker,
with Oxigraph's own parser (``workers.service_free``): a lexer of ours could be fooled,
Oxigraph's parser is the one that would run the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..store import ASSERTED, INFERRED

GRAPHS = (str(ASSERTED), str(INFERRED))
MAX_QUERY_BYTES = 100_000
MAX_NESTING = 200
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

# Media types, by the kind of result they can carry. The first of each list is the default.
RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json")
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}
# A format chosen with ``?format=`` (handy in a browser) instead of the Accept header.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


class Refused(Exception):
    """A request the endpoint will not answer: an HTTP status and one plain sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryJob:
    """A checked query, ready for a worker."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    has_dataset: bool = False  # the text has FROM / FROM NAMED clauses of its own
    accept: tuple[str, ...] = field(default=())  # acceptable media types, best first; () = any


# --------------------------------------------------------------------------------------------
# Reading a request
# --------------------------------------------------------------------------------------------


def read_request(
    method: str, content_type: str, url_query: str, body: bytes, limit: int = MAX_QUERY_BYTES
) -> tuple[str, list[tuple[str, str]]]:
    """The query text and the other protocol parameters of a GET or POST request."""
    params = parse_qsl(url_query, keep_blank_values=True)
    mime = content_type.split(";")[0].strip().lower()
    text: str | None = None
    if method == "POST":
        if mime == "application/sparql-update":
            raise Refused(403, "This endpoint is read-only: SPARQL updates are refused.")
        if mime == "application/sparql-query":
            text = _decode(body)
        elif mime == "application/x-www-form-urlencoded":
            params += parse_qsl(_decode(body), keep_blank_values=True)
        else:
            raise Refused(
                415,
                f"POST a query as application/x-www-form-urlencoded or application/sparql-query, "
                f"not {mime or 'a body without a content type'}.",
            )
    names = [k for k, _ in params]
    if "update" in names:
        raise Refused(403, "This endpoint is read-only: SPARQL updates are refused.")
    queries = [v for k, v in params if k == "query"]
    if text is not None:
        if queries:
            raise Refused(400, "Give the query once: in the body or as a parameter, not both.")
        queries = [text]
    if not queries:
        raise Refused(400, "No query: give one as the 'query' parameter (SPARQL 1.1 Protocol).")
    if len(queries) > 1:
        raise Refused(400, "Give one 'query' parameter, not several.")
    check_size(queries[0], limit)
    return queries[0], [(k, v) for k, v in params if k != "query"]


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "The query is not valid UTF-8.") from None


def check_size(text: str, limit: int = MAX_QUERY_BYTES) -> None:
    size = len(text.encode("utf-8"))
    if size > limit:
        raise Refused(
            413, f"The query is {size} bytes long; this endpoint takes queries up to {limit} bytes."
        )


# --------------------------------------------------------------------------------------------
# The query text
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7-\uffff]+)
  | (?P<pname>[\w\u00b7-\uffff.-]*:[\w\u00b7-\uffff.:%\\-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query (comments and spaces dropped)."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("comment", "space"):
            out.append(Token(kind, match.group()))
    return out


def nesting(text: str) -> int:
    """The deepest nesting of brackets, counted on the raw text (strings included)."""
    depth = deepest = 0
    for char in text:
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth = max(0, depth - 1)
    return deepest


def check_text(text: str, limit: int = MAX_QUERY_BYTES) -> tuple[bool, list[Token]]:
    """Refuse an update, a foreign dataset or an over-deep query; return whether the text names
    its own dataset (FROM / FROM NAMED), and its tokens. (SERVICE is refused by the worker.)"""
    check_size(text, limit)
    if nesting(text) > MAX_NESTING:
        raise Refused(400, f"The query nests brackets more than {MAX_NESTING} levels deep.")
    toks = tokens(text)
    words = [t for t in toks if t.kind == "word"]
    first = next((t.text.upper() for t in words if t.text.upper() not in ("PREFIX", "BASE")), "")
    if first in UPDATE_KEYWORDS:
        raise Refused(403, f"This endpoint is read-only: SPARQL updates ({first} …) are refused.")
    prefixes = _prefixes(toks)
    sources = _dataset(toks, prefixes)
    for iri in sources:
        check_graph(iri, "FROM")
    return bool(sources) or _has_from(toks), toks


def mentions_service(toks: list[Token]) -> bool:
    """A word starting with SERVICE, or a prefixed name whose prefix is SERVICE: the forms
    Oxigraph may read as the keyword (it accepts ``SERVICESILENT<…>`` and ``SERVICE:x``). This
    only words the refusal; ``workers.service_free`` decides."""
    for tok in toks:
        upper = tok.text.upper()
        if tok.kind == "word" and upper.startswith("SERVICE"):
            return True
        if tok.kind == "pname" and upper.split(":", 1)[0].startswith("SERVICE"):
            return True
    return False


def _prefixes(toks: list[Token]) -> dict[str, str]:
    found = {}
    for i, tok in enumerate(toks[:-2]):
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and toks[i + 2].kind == "iri":
            found[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
    return found


def _has_from(toks: list[Token]) -> bool:
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in _before_where(toks))


def _before_where(toks: list[Token]) -> list[Token]:
    for i, tok in enumerate(toks):
        if tok.text == "{":
            return toks[:i]
    return toks


def _dataset(toks: list[Token], prefixes: dict[str, str]) -> list[str]:
    """The IRIs of the text's FROM and FROM NAMED clauses."""
    head = _before_where(toks)
    out = []
    for i, tok in enumerate(head):
        if tok.kind != "word" or tok.text.upper() != "FROM":
            continue
        target = head[i + 1] if i + 1 < len(head) else None
        if target is not None and target.kind == "word" and target.text.upper() == "NAMED":
            target = head[i + 2] if i + 2 < len(head) else None
        if target is None:
            continue
        if target.kind == "iri":
            out.append(target.text[1:-1])
        elif target.kind == "pname":
            prefix, local = target.text.split(":", 1)
            out.append(prefixes.get(prefix, prefix + ":") + local)
        else:
            out.append(target.text)
    return out


def check_graph(iri: str, where: str) -> None:
    """Only the graph's own named graphs can make a dataset."""
    if iri not in GRAPHS:
        raise Refused(
            403,
            f"{where} <{iri}> is refused: this endpoint reads only its own named graphs "
            f"<{GRAPHS[0]}> and <{GRAPHS[1]}>, nothing from files or the web.",
        )


def job(
    text: str,
    params: list[tuple[str, str]],
    accept_header: str,
    limit: int = MAX_QUERY_BYTES,
) -> QueryJob:
    """A checked ``QueryJob`` from the query text and the request's other parameters."""
    has_dataset, _ = check_text(text, limit)
    defaults = tuple(v for k, v in params if k == "default-graph-uri")
    named = tuple(v for k, v in params if k == "named-graph-uri")
    for iri in defaults:
        check_graph(iri, "default-graph-uri")
    for iri in named:
        check_graph(iri, "named-graph-uri")
    formats = [v for k, v in params if k == "format"]
    if formats:
        name = formats[-1].lower()
        if name not in FORMAT_NAMES and name not in FORMAT_NAMES.values():
            raise Refused(
                400, f"Unknown format '{formats[-1]}': use one of {', '.join(FORMAT_NAMES)}."
            )
        accept: tuple[str, ...] = (FORMAT_NAMES.get(name, name),)
    else:
        accept = acceptable(accept_header)
    return QueryJob(text, defaults, named, has_dataset, accept)


# --------------------------------------------------------------------------------------------
# Content negotiation
# --------------------------------------------------------------------------------------------


def acceptable(header: str) -> tuple[str, ...]:
    """The media types of an Accept header, best first (ties keep the header's order)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime = fields[0].lower()
        if not mime:
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    quality = float(f[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, ALIASES.get(mime, mime)))
    ranked.sort()
    return tuple(m for _, _, m in ranked)


def choose(accept: tuple[str, ...], offers: tuple[str, ...]) -> str | None:
    """The first acceptable offer (the default offer when anything is accepted)."""
    for mime in accept:
        if mime in offers:
            return mime
        if mime == "*/*":
            return offers[0]
        if mime.endswith("/*") and (found := [o for o in offers if o.startswith(mime[:-1])]):
            return found[0]
    return offers[0] if not accept else None
