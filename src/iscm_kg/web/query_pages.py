"""The HTML of the query pages: YASGUI at ``/sparql``, the stored queries at ``/queries``.

Plain HTML with escaped values, no template engine and no inline script: the pages load only
files from ``/static`` (the server sends a Content-Security-Policy that forbids anything else).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .. import namespaces
from ..queries.formats import Table
from ..queries.stored import StoredQuery

TITLE = "ISCM-KG"


def local_path(iri: str) -> str | None:
    """The server path of one of the graph's own IRIs (``…/iscm-kg/id/x`` → ``/id/x``)."""
    if iri.startswith(namespaces.BASE):
        return "/" + iri[len(namespaces.BASE) :]
    return None


def compact(iri: str) -> str:
    """An IRI with the project's prefixes (``id:actor/x``), or whole."""
    best = ""
    for prefix, namespace in namespaces.PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    return f"{name}:{iri[len(best) :]}" if best else iri


@dataclass(frozen=True)
class Chrome:
    """What every query page shares with the resource pages: the menu and the style sheets."""

    nav: tuple[tuple[str, str], ...] = (("Stored queries", "/queries"), ("SPARQL", "/sparql"))
    stylesheets: tuple[str, ...] = ("/static/web.css",)


PLAIN = Chrome()


def layout(
    title: str,
    body: str,
    head: str = "",
    scripts: Iterable[str] = (),
    chrome: Chrome = PLAIN,
) -> bytes:
    """A whole page: the site's menu, then ``body``."""
    script_tags = "".join(f'<script src="{escape(s)}"></script>' for s in scripts)
    styles = "".join(f'<link rel="stylesheet" href="{escape(s)}">' for s in chrome.stylesheets)
    links = "".join(f'<a href="{escape(href)}">{escape(text)}</a>\n' for text, href in chrome.nav)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {TITLE}</title>"
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        f"{styles}{head}</head><body>"
        '<header class="site"><nav aria-label="Site">\n<a class="home" href="/">ISCM-KG</a>\n'
        f"{links}</nav></header>"
        f"<main>{body}</main>{script_tags}</body></html>\n"
    )
    return page.encode("utf-8")


def cell_html(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        href = local_path(iri) or iri
        return f'<a href="{escape(href)}">{escape(compact(iri))}</a>'
    if isinstance(term, BNode):
        return escape(f"_:{term}")
    assert isinstance(term, Literal)
    return escape(str(term))


def table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell_html(t)}</td>" for t in row) + "</tr>" for row in table.rows
    )
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def home_page(chrome: Chrome = PLAIN) -> bytes:
    """A plain home page, used when the resource pages are not installed."""
    body = (
        "<h1>ISCM-KG</h1><p>A knowledge graph of inter-State consultation mechanisms on "
        "migration and the Global Compact for Migration.</p><ul>"
        '<li><a href="/queries">Stored queries</a></li>'
        '<li><a href="/sparql">SPARQL endpoint</a></li></ul>'
    )
    return layout("Home", body, chrome=chrome)


def query_index(queries: Mapping[str, StoredQuery], chrome: Chrome = PLAIN) -> bytes:
    items = "".join(
        f'<li><a href="/queries/{escape(name)}">{escape(name)}</a>: {escape(q.title)}</li>'
        for name, q in queries.items()
    )
    body = (
        "<h1>Stored queries</h1><p>Each runs on the reasoned graph exactly as "
        "<code>iscm-kg query NAME</code> does; add <code>.csv</code> or <code>.json</code> to a "
        "query's address for its rows as data.</p>"
        f'<ul class="queries">{items}</ul>'
    )
    return layout("Stored queries", body, chrome=chrome)


def query_page(
    stored: StoredQuery,
    given: Mapping[str, str],
    table: Table | None,
    error: str | None = None,
    chrome: Chrome = PLAIN,
) -> bytes:
    """One stored query: its question, its parameters as a form, its rows and its text."""
    name = stored.name
    fields = []
    for p in stored.params:
        value = given.get(p.name, p.default or "")
        default = "required" if p.default is None else f"default: {p.default}"
        fields.append(
            f'<label><span class="param">{escape(p.name)}</span> '
            f'<input name="{escape(p.name)}" value="{escape(value)}"> '
            f'<span class="hint">{escape(p.kind)}, {escape(default)}. '
            f"{escape(p.description)}</span></label>"
        )
    form = (
        f'<form method="get" action="/queries/{escape(name)}" class="params">'
        + "".join(fields)
        + '<button type="submit">Run</button></form>'
        if stored.params
        else "<p>This query takes no parameters.</p>"
    )
    query_string = urlencode(list(given.items()))
    suffix = f"?{query_string}" if query_string else ""
    if error is not None:
        results = f'<p class="error" role="alert">{escape(error)}</p>'
    elif table is not None:
        count = len(table.rows)
        results = (
            f'<p class="count">{count} row{"s" if count != 1 else ""} · '
            f'<a href="/queries/{escape(name)}.csv{escape(suffix)}">CSV</a> · '
            f'<a href="/queries/{escape(name)}.json{escape(suffix)}">JSON</a></p>'
            + table_html(table)
        )
    else:
        results = ""
    keywords = ", ".join(stored.keywords)
    body = (
        f'<p class="crumbs"><a href="/queries">Stored queries</a> &rsaquo; {escape(name)}</p>'
        f"<h1>{escape(stored.title)}</h1>"
        f'<p class="description">{escape(stored.description)}</p>'
        + (f'<p class="keywords">Keywords: {escape(keywords)}</p>' if keywords else "")
        + "<h2>Parameters</h2>"
        + form
        + '<h2>Results</h2><div class="results">'
        + results
        + "</div>"
        + f'<h2>Query</h2><pre class="sparql"><code>{escape(stored.text)}</code></pre>'
        + f"<p>From the command line: <code>iscm-kg query {escape(name)}"
        + "".join(f" --param {escape(k)}={escape(v)}" for k, v in given.items())
        + "</code></p>"
    )
    return layout(stored.title, body, chrome=chrome)


def yasgui_page(tabs: Iterable[tuple[str, str]], chrome: Chrome = PLAIN) -> bytes:
    """The query editor (YASGUI) with one ready tab per stored query."""
    data = json.dumps([{"name": n, "query": q} for n, q in tabs], ensure_ascii=False)
    data = data.replace("</", "<\\/")  # the JSON stays inside its script element
    body = (
        "<h1>SPARQL endpoint</h1>"
        "<p>Queries run on the reasoned graph: the default graph is the union of the named "
        "graphs <code>https://w3id.org/iscm-kg/graph/asserted</code> and "
        "<code>…/graph/inferred</code>, which <code>GRAPH</code> and <code>FROM NAMED</code> "
        "reach by name. Read-only; each query has a time limit. Each tab holds a stored "
        'query; <a href="/queries">the stored queries</a> also have pages of their own.</p>'
        '<div id="yasgui"></div>'
        f'<script type="application/json" id="stored-queries">{data}</script>'
    )
    head = '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
    scripts = ["/static/yasgui/yasgui.min.js", "/static/sparql.js"]
    return layout("SPARQL", body, head, scripts, chrome)


def error_page(status: int, message: str, chrome: Chrome = PLAIN) -> bytes:
    body = f'<h1>Error {status}</h1><p class="error">{escape(message)}</p>'
    return layout(f"Error {status}", body, chrome=chrome)
