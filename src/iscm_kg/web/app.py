"""The web application (Starlette, an ASGI framework): routes, content negotiation, limits.

Routes:

- ``/sparql``: the SPARQL 1.1 Protocol endpoint (GET and POST); in a browser, without a query,
  the YASGUI editor with one tab per stored query;
- ``/queries`` and ``/queries/NAME[.csv|.json]?param=value``: the stored queries, with the rows
  of ``iscm-kg query NAME --param …``;
- ``/static/…``: the page assets (YASGUI, style sheet, script), shipped in the package;
- anything else: the resource pages (``pages.Site``) at the path of each IRI, as HTML, Turtle,
  N-Triples or JSON-LD by the Accept header or a ``.ttl``/``.nt``/``.jsonld`` suffix.

Every query runs in a worker process with a time limit (``workers.QueryPool``); the server
itself never touches the query engine while serving, so a slow query cannot stall it.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import IscmKgError
from ..queries.binding import bind
from ..queries.formats import to_csv, to_json
from ..queries.parameters import resolve_params
from ..queries.runner import Executor
from ..queries.stored import StoredQuery
from . import query_pages, sparql
from .sparql import Refused
from .workers import Limits, QueryPool, StoredJob

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 3 * sparql.MAX_QUERY_BYTES + 1024  # a form-encoded query may triple in size

SVG = "image/svg+xml"
EXTRA_NAV = (("Stored queries", "/queries"), ("SPARQL", "/sparql"))
PAGE_TYPES = ("text/html", "text/turtle", "application/n-triples", "application/ld+json")
RDF_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld"}
RDF_FORMATS = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
}
MEDIA_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "jsonld": "application/ld+json",
    "html": "text/html; charset=utf-8",
}
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class Site(Protocol):
    """What the resource pages offer the server (``iscm_kg.web.pages.Site``)."""

    def page(self, path: str) -> bytes | None: ...

    def rdf(self, path: str, fmt: str) -> bytes | None: ...


@dataclass(frozen=True)
class Settings:
    """The server's limits (``iscm-kg serve --help`` lists the options that set them)."""

    timeout: float = 10.0
    workers: int = 2
    max_query_bytes: int = sparql.MAX_QUERY_BYTES
    max_result_bytes: int = 20_000_000
    memory: int | None = 2 * 1024**3
    cache_entries: int = 16384


class _Cache:
    """A bounded map of finished answers (the graph never changes while the server runs):
    at most ``size`` entries and about ``max_bytes`` of page bodies."""

    def __init__(self, size: int, max_bytes: int = 256 * 1024**2) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Any, Any] = OrderedDict()

    @staticmethod
    def _weight(value: Any) -> int:
        return len(value) if isinstance(value, bytes) else 1024

    def get(self, key: Any) -> Any:
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        if key in self._items:
            self.bytes -= self._weight(self._items[key])
        self._items[key] = value
        self.bytes += self._weight(value)
        self._items.move_to_end(key)
        while len(self._items) > self.size or self.bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.bytes -= self._weight(dropped)


class _SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _refusal(exc: Refused, chrome: query_pages.Chrome | None = None) -> Response:
    """The refusal as one line of text, or as an HTML page when ``chrome`` is given."""
    if chrome is not None:
        return Response(
            query_pages.error_page(exc.status, exc.message, chrome),
            exc.status,
            media_type=MEDIA_TYPES["html"],
        )
    return PlainTextResponse(exc.message + "\n", exc.status)


def _wants_html(request: Request) -> bool:
    accept = sparql.acceptable(request.headers.get("accept", ""))
    return bool(accept) and accept[0] in ("text/html", "application/xhtml+xml")


def _safe_path(path: str) -> bool:
    """No dot segments, backslashes or control characters in a page path."""
    if "\\" in path or any(ord(c) < 32 for c in path):
        return False
    return not any(part in (".", "..") for part in path.split("/"))


def create_app(
    pipeline: Any,
    settings: Settings | None = None,
    site: Site | None = None,
    site_factory: Callable[[Any], Site] | None = None,
) -> Starlette:
    """The application for a reasoned ``Pipeline``: its query store feeds the workers, its
    stored queries become ``/queries/NAME``, and ``site`` (by default ``pages.Site(pipeline)``
    when that module is installed) answers the resource pages."""
    settings = settings or Settings()
    store = pipeline.query_store()
    stored: Mapping[str, StoredQuery] = dict(sorted(pipeline.queries.items()))
    tabs = [(name, _ready_text(q, store)) for name, q in stored.items()]
    if site is None:
        site = _default_site(pipeline, site_factory)
    chrome = _chrome(site)
    limits = Limits(settings.timeout, settings.max_result_bytes, settings.memory)
    pool = QueryPool(store._store, settings.workers, limits)
    tables = _Cache(settings.cache_entries)
    pages = _Cache(settings.cache_entries)
    yasgui = query_pages.yasgui_page(tabs, chrome)

    async def sparql_endpoint(request: Request) -> Response:
        if request.method == "GET" and not request.query_params and _wants_html(request):
            return Response(yasgui, media_type=MEDIA_TYPES["html"])
        try:
            body = await _body(request, MAX_BODY_BYTES)
            text, params = sparql.read_request(
                request.method,
                request.headers.get("content-type", ""),
                request.url.query,
                body,
                settings.max_query_bytes,
            )
            job = sparql.job(
                text, params, request.headers.get("accept", ""), settings.max_query_bytes
            )
            answer = await pool.run(job)
        except Refused as exc:
            return _refusal(exc)
        media_type = answer.media_type
        if media_type.startswith("text/") or media_type == "application/n-triples":
            media_type += "; charset=utf-8"
        return Response(answer.body, headers={"content-type": media_type, "vary": "Accept"})

    async def queries_index(request: Request) -> Response:
        return Response(query_pages.query_index(stored, chrome), media_type=MEDIA_TYPES["html"])

    async def stored_query(request: Request) -> Response:
        name = request.path_params["name"]
        fmt = None
        for suffix in ("csv", "json", "html"):
            if name.endswith("." + suffix):
                name, fmt = name[: -len(suffix) - 1], suffix
        if name not in stored:
            return _refusal(
                Refused(404, f"No stored query named '{name}'."), chrome if fmt is None else None
            )
        if fmt is None:
            accept = sparql.acceptable(request.headers.get("accept", ""))
            chosen = sparql.choose(
                accept, ("text/html", "text/csv", "application/sparql-results+json")
            )
            fmt = {"text/csv": "csv", "application/sparql-results+json": "json"}.get(
                chosen or "", "html"
            )
        q = stored[name]
        given = {k: v for k, v in request.query_params.multi_items()}
        key = (name, tuple(sorted(given.items())))
        table = tables.get(key)
        if table is None:
            try:
                table = await pool.run(StoredJob(q, key[1]))
            except Refused as exc:
                if fmt == "html":
                    page = query_pages.query_page(q, given, None, exc.message, chrome)
                    return Response(page, exc.status, media_type=MEDIA_TYPES["html"])
                return _refusal(exc)
            tables.put(key, table)
        vary = {"vary": "Accept"}
        if fmt == "csv":
            body, media_type = to_csv(table), "text/csv; charset=utf-8"
        elif fmt == "json":
            body, media_type = to_json(table), "application/sparql-results+json"
        else:
            body = query_pages.query_page(q, given, table, None, chrome)
            media_type = MEDIA_TYPES["html"]
        return Response(body, headers={"content-type": media_type, **vary})

    async def resource_page(request: Request) -> Response:
        path = request.url.path
        if not _safe_path(path):
            return _refusal(Refused(404, "No such page."), chrome)
        fmt = None
        for suffix, name in RDF_SUFFIXES.items():
            if path.endswith(suffix):
                path, fmt = path[: -len(suffix)], name
        asked = request.query_params.get("format")
        if fmt is None and asked is not None:
            fmt = asked if asked in MEDIA_TYPES else None
            if fmt is None:
                message = f"Unknown format '{asked}': use html, ttl, nt or jsonld."
                return _refusal(Refused(400, message))
        if fmt is None:
            chosen = sparql.choose(sparql.acceptable(request.headers.get("accept", "")), PAGE_TYPES)
            fmt = RDF_FORMATS.get(chosen or "", "html")
        body = await _cached_page(path, fmt)
        index = body is None and fmt == "html" and not path.endswith("/")
        if index and await _cached_page(path + "/", fmt) is not None:  # /iscms → /iscms/
            return RedirectResponse(path + "/", 301)
        if body is None:
            if fmt == "html" and path == "/":
                return Response(query_pages.home_page(chrome), media_type=MEDIA_TYPES["html"])
            return _refusal(Refused(404, f"No page at {path}."), chrome if fmt == "html" else None)
        return Response(body, headers={"content-type": MEDIA_TYPES[fmt], "vary": "Accept"})

    async def _cached_page(path: str, fmt: str) -> bytes | None:
        key = (path, fmt)
        body = pages.get(key)
        if body is None:
            body = await _render(site, path, fmt)
            if body is not None:
                pages.put(key, body)
        return body

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        body = site.asset(name) if site is not None and hasattr(site, "asset") else None
        if body is None:
            return _refusal(Refused(404, f"No asset {name}."))
        media_type = "text/css; charset=utf-8" if name.endswith(".css") else None
        return Response(body, media_type=media_type)

    async def plot(request: Request) -> Response:
        name = request.path_params["name"]
        key = ("plot", name)
        body = pages.get(key)
        if body is None and site is not None and hasattr(site, "plot"):
            body = await run_in_threadpool(site.plot, name)
            if body is not None:
                pages.put(key, body)
        if body is None:
            return _refusal(Refused(404, f"No plot {name}."))
        return Response(body, media_type=SVG)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.stop()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/queries", queries_index),
        Route("/queries/", lambda r: RedirectResponse("/queries", 301)),
        Route("/queries/{name}", stored_query),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/assets/{name}", asset),
        Route("/plots/{name}", plot),
        Route("/favicon.ico", lambda r: FileResponse(STATIC / "favicon.svg", media_type=SVG)),
        Route("/{path:path}", resource_page),
    ]
    middleware = [
        Middleware(_SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept"],
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    return app


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (read no further)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"The request body is over {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"The request body is over {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def _render(site: Site | None, path: str, fmt: str) -> bytes | None:
    if site is None:
        return None
    if fmt == "html":
        return await run_in_threadpool(site.page, path)
    return await run_in_threadpool(site.rdf, path, fmt)


def _ready_text(q: StoredQuery, store: Executor) -> str:
    """A stored query's text with its default (or example) parameter values bound."""
    given = {
        p.name: q.example[p.name] for p in q.params if p.default is None and p.name in q.example
    }
    try:
        return bind(q.text, resolve_params(q, given, store))
    except IscmKgError:
        return q.text


def _chrome(site: Site | None) -> query_pages.Chrome:
    """The resource pages' menu and style sheet on the query pages, when the pages are there."""
    if site is None or not hasattr(site, "asset") or site.asset("site.css") is None:
        return query_pages.PLAIN
    from .pages import NAV

    return query_pages.Chrome(
        nav=tuple(NAV) + EXTRA_NAV, stylesheets=("/assets/site.css", "/static/web.css")
    )


def _default_site(pipeline: Any, factory: Callable[[Any], Site] | None) -> Site | None:
    if factory is not None:
        return factory(pipeline)
    try:
        from .pages import Site as PagesSite  # the resource pages, when installed
    except ImportError:
        return None
    return PagesSite(pipeline, extra_nav=EXTRA_NAV)
