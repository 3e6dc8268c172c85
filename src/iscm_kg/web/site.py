"""The static site: every page, plot and per-resource RDF file, written into one folder.

``write(pipeline, folder)`` writes what the server serves, so a portal can host the graph with
any web server (or none: the pages open from the file system):

- ``index.html`` and one folder per index page (``iscms/index.html`` …);
- for each resource ``id/X/index.html``, ``index.ttl``, ``index.nt``, ``index.jsonld``;
- ``plots/NAME.svg``, ``assets/site.css``;
- ``.htaccess``: content negotiation for Apache (``Accept: text/turtle`` on ``/id/X`` gives
  ``id/X/index.ttl`` …), for a host that serves this folder;
- ``w3id.htaccess``: the redirect recipe for the w3id.org repository (the file to submit as
  ``iscm-kg/.htaccess`` there), which sends each ``https://w3id.org/iscm-kg/id/X`` to the hosted
  file that fits the request's Accept header.

The release build writes into a fresh staging folder and swaps it in whole, so the files here are
written plainly (no per-file fsync: several thousand small files). From ``PARALLEL_FROM``
resources on, forked processes draw the plots and write the resource pages while this one writes
the index pages (the bytes do not depend on it: ``tests/web/test_site.py``). ``Background`` runs
all of it in a forked process of its own, which the release build starts before validating.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..pipeline import Pipeline
from .pages import ASSETS, Site, _file_of
from .rdf import MEDIA_TYPES

HTACCESS = """\
# ISCM-KG static site: content negotiation for Apache httpd (mod_rewrite, mod_headers, mod_mime).
# Put this folder (dist/site/) on the host; this file must be allowed to set rewrite rules
# (AllowOverride FileInfo Indexes). A request for a resource, /id/X, gets id/X/index.ttl,
# index.nt or index.jsonld when its Accept header asks for Turtle, N-Triples or JSON-LD, and
# id/X/index.html otherwise. The same files are linked from each page.

DirectoryIndex index.html
DirectorySlash Off
AddType text/html;charset=utf-8 .html
AddType text/turtle;charset=utf-8 .ttl
AddType application/n-triples;charset=utf-8 .nt
AddType application/ld+json .jsonld
AddType image/svg+xml .svg
AddType text/css;charset=utf-8 .css

RewriteEngine On

# A browser asks for HTML first: give it the page.
RewriteCond %{REQUEST_FILENAME} -d
RewriteCond %{HTTP_ACCEPT} text/html [OR]
RewriteCond %{HTTP_ACCEPT} application/xhtml\\+xml
RewriteRule ^(id/.+?)/?$ $1/index.html [L]

RewriteCond %{REQUEST_FILENAME} -d
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^(id/.+?)/?$ $1/index.ttl [L]

RewriteCond %{REQUEST_FILENAME} -d
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^(id/.+?)/?$ $1/index.nt [L]

RewriteCond %{REQUEST_FILENAME} -d
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^(id/.+?)/?$ $1/index.jsonld [L]

RewriteCond %{REQUEST_FILENAME} -d
RewriteRule ^(id/.+?)/?$ $1/index.html [L]

# Index pages (iscms/, objectives/ …) without the trailing slash.
RewriteCond %{REQUEST_FILENAME} -d
RewriteRule ^([^.]+?)/?$ $1/index.html [L]

<IfModule mod_headers.c>
  <FilesMatch "\\.(html|ttl|nt|jsonld)$">
    Header append Vary Accept
  </FilesMatch>
</IfModule>
"""

W3ID_HTACCESS = """\
# ISCM-KG: redirect recipe for https://w3id.org/iscm-kg/ (submit as iscm-kg/.htaccess to the
# w3id.org repository, https://github.com/perma-id/w3id.org).
# Set ISCM_SITE to where the built dist/site/ folder is hosted (any static host will do: the
# rules below choose the file, so the host needs no content negotiation of its own), and
# ISCM_RELEASE to where dist/ is hosted (for the ontology).

RewriteEngine On
RewriteRule ^ - [E=ISCM_SITE:https://example.org/iscm-kg/site]
RewriteRule ^ - [E=ISCM_RELEASE:https://example.org/iscm-kg]

# Resources: https://w3id.org/iscm-kg/id/X
RewriteCond %{HTTP_ACCEPT} text/html [OR]
RewriteCond %{HTTP_ACCEPT} application/xhtml\\+xml
RewriteRule ^id/(.+)$ %{ENV:ISCM_SITE}/id/$1/index.html [R=303,L,NE]

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^id/(.+)$ %{ENV:ISCM_SITE}/id/$1/index.ttl [R=303,L,NE]

RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^id/(.+)$ %{ENV:ISCM_SITE}/id/$1/index.nt [R=303,L,NE]

RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^id/(.+)$ %{ENV:ISCM_SITE}/id/$1/index.jsonld [R=303,L,NE]

RewriteRule ^id/(.+)$ %{ENV:ISCM_SITE}/id/$1/index.html [R=303,L,NE]

# The ontology: https://w3id.org/iscm-kg/ontology
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^ontology$ %{ENV:ISCM_RELEASE}/ontology.ttl [R=303,L]
RewriteRule ^ontology$ %{ENV:ISCM_RELEASE}/ontology.html [R=303,L]

# Anything else: the site's home page.
RewriteRule ^$ %{ENV:ISCM_SITE}/index.html [R=302,L]
"""


PARALLEL_FROM = 400  # resources; below this, one process writes the site
_CHUNKS_PER_WORKER = 8  # resource pages come in this many chunks per worker (load balance)
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write(
    pipeline: Pipeline,
    folder: Path,
    site: Site | None = None,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> list[str]:
    """Write the static site into ``folder``; the written files, relative to its parent.

    From ``parallel_from`` resources on, ``workers`` forked processes (default: one per CPU, at
    most 4) draw the plots and write the resource pages, taking runs of consecutive resources
    as they become free, while this process writes the index pages; otherwise this process
    writes everything. Every file's bytes are the same either way."""
    site = site or Site(pipeline)
    folder = Path(folder)
    writer = _Writer(folder)
    paths = site.paths()
    resources = [p for p in paths if p.startswith("/id/")]
    indexes = [p for p in paths if not p.startswith("/id/")]
    workers = workers or min(os.cpu_count() or 1, 4)
    forked = (
        workers > 1 and len(resources) >= parallel_from and "fork" in mp.get_all_start_methods()
    )
    with _frozen_heap():
        if not forked:
            _write_indexes(site, writer, indexes)
            _write_plots(site, writer)
            for path in resources:
                _write_resource(site, writer, path)
            return sorted(writer.written)
        site.run_plot_queries()  # here, so that no forked process touches the query store
        writer.made_for(indexes)  # the folders forked processes would otherwise race to make
        size = max(1, -(-len(resources) // (workers * _CHUNKS_PER_WORKER)))
        tasks: list[list[str] | None] = [None]  # None: the plots, the longest task, first
        tasks += [resources[i : i + size] for i in range(0, len(resources), size)]
        global _FORKED
        _FORKED = (site, folder, frozenset(writer.made))
        try:
            with mp.get_context("fork").Pool(workers, initializer=_quiet) as pool:
                done = pool.imap_unordered(_write_task, tasks)
                _write_indexes(site, writer, indexes)
                for names in done:
                    writer.written.extend(names)
        finally:
            _FORKED = None
    return sorted(writer.written)


class Background:
    """The static site, written into ``folder`` by a forked process from ``start`` on, so that
    the caller can do other work meanwhile (the release build validates and writes the exports
    on the other core); ``wait`` gives the files. Where processes cannot be forked, or if
    ``start`` was not called, ``wait`` writes the site itself (``write``)."""

    def __init__(self, pipeline: Pipeline, folder: Path, workers: int | None = None) -> None:
        self.pipeline, self.folder, self.workers = pipeline, Path(folder), workers
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def start(self) -> None:
        """Fork the process that writes the site. The reasoned graph, its origins and the
        query store are made first, here, so that neither process makes them twice."""
        if "fork" not in mp.get_all_start_methods() or self._process is not None:
            return
        pipeline = self.pipeline
        pipeline.asserted, pipeline.inferred, pipeline.loaded  # noqa: B018 - made before the fork
        pipeline.query_store()
        context = mp.get_context("fork")
        self._conn, theirs = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_write_in_background,
            args=(pipeline, self.folder, self.workers, theirs, self._conn),
            name="iscm-kg-site",
        )
        self._process.start()
        theirs.close()
        # its own process group, for ``cancel`` (it sets it too: whichever runs first; an error
        # means it has already set it, or already stopped)
        with suppress(OSError):
            os.setpgid(self._process.pid, self._process.pid)

    def wait(self) -> list[str]:
        """The written files, as ``write`` gives them; the process's own error, raised again
        here, if it failed."""
        if self._process is None or self._conn is None:
            return write(self.pipeline, self.folder, workers=self.workers)
        try:
            kind, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                "The process writing the static site stopped with exit code "
                f"{self._process.exitcode} before it finished."
            ) from None
        finally:
            self._conn.close()
        self._process.join()
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the process and its workers if it still runs (the folder is the caller's to
        remove, once this returns).

        The process leads a process group of its own, which its pool's workers join when they
        are forked; one ``SIGKILL`` to the group stops them all at once, wherever each one is.
        (A ``SIGTERM`` unwound by an exception could land inside a fork's lock handling and
        leave the process hung, and killing it alone would leave its workers behind.)"""
        process = self._process
        if process is None or process.pid is None:
            return
        with suppress(ProcessLookupError, PermissionError):  # else the group has ended already
            os.killpg(process.pid, signal.SIGKILL)
        process.join()
        if self._conn is not None:
            self._conn.close()


def _write_in_background(
    pipeline: Pipeline, folder: Path, workers: int | None, conn: Connection, ours: Connection
) -> None:
    # The caller's end of the pipe, inherited by the fork: closed, so that a caller that has
    # gone away makes the answer's ``send`` fail rather than wait for a reader forever.
    ours.close()
    # A process group of its own (see ``Background.cancel``); Ctrl-C is the caller's to handle
    # (it cancels us); a SIGTERM from elsewhere stops the group, workers included.
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_group)
    try:
        conn.send(("ok", write(pipeline, folder, workers=workers)))
    except BaseException as exc:  # every failure goes back to the caller, raised there
        try:
            conn.send(("error", exc))
        except Exception:  # an error that cannot be pickled: its text
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _stop_group(signum: int, _frame: object) -> None:
    if os.getpgid(0) == os.getpid():  # the background process, leader of the group
        os.killpg(0, signal.SIGKILL)
    os._exit(128 + signum)  # a pool worker forked before its initializer reset the handler


def _quiet() -> None:
    """In a worker of the pool: Ctrl-C is for the process that owns the pool, and SIGTERM (the
    pool's ``terminate``) ends the worker at once, without a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the objects alive before the site out of the garbage collector's walks
    (``gc.freeze``) while the site is written, and thaw them after (unless they were frozen
    before).

    Rendering makes many short-lived objects, and every few thousand allocations start a
    collection; a full one walks every object alive, the graphs included. Frozen objects are
    skipped, and a forked process then does not touch (copy) their memory pages either."""
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


class _Writer:
    """Writes files under a folder, making each subfolder once."""

    def __init__(self, folder: Path, made: frozenset[str] = frozenset()) -> None:
        self.root = str(folder)
        self.name = folder.name
        self.made: set[str] = set(made)
        self.written: list[str] = []

    def made_for(self, paths: list[str]) -> None:
        """Make the folders of the index pages at ``paths`` (and the site's own)."""
        for path in paths:
            self._folder(os.path.dirname(_file_of(path)[1:]))
        for name in ("", "plots", "assets", "id"):
            self._folder(name)

    def _folder(self, relative: str) -> None:
        if relative not in self.made:  # one mkdir per folder, not one per file
            os.makedirs(os.path.join(self.root, relative), exist_ok=True)
            self.made.add(relative)

    def put(self, relative: str, data: bytes) -> None:
        self._folder(os.path.dirname(relative))
        # os.open and os.write: no buffered file object for a file written in one call
        handle = os.open(os.path.join(self.root, relative), _FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
        self.written.append(f"{self.name}/{relative}")


def _write_indexes(site: Site, writer: _Writer, indexes: list[str]) -> None:
    """The index pages, the stylesheet and the two .htaccess files."""
    for path in indexes:
        writer.put(_file_of(path)[1:], site.page(path, static=True) or b"")
    for name in ASSETS:
        writer.put(f"assets/{name}", site.asset(name) or b"")
    writer.put(".htaccess", HTACCESS.encode("utf-8"))
    writer.put("w3id.htaccess", W3ID_HTACCESS.encode("utf-8"))


def _write_plots(site: Site, writer: _Writer) -> None:
    for name in site.plot_names():
        writer.put(f"plots/{name}.svg", site.plot(name) or b"")


def _write_resource(site: Site, writer: _Writer, path: str) -> None:
    """A resource's page and its Turtle, N-Triples and JSON-LD."""
    base = _file_of(path)[1:]
    writer.put(base, site.page(path, static=True) or b"")
    stem = base.removesuffix("html")
    described = site.rdf_all(path)
    for fmt in MEDIA_TYPES:
        writer.put(stem + fmt, described.get(fmt, b""))


_FORKED: tuple[Site, Path, frozenset[str]] | None = None  # what a forked process writes from


def _write_task(paths: list[str] | None) -> list[str]:
    """In a forked process: the plots (``None``) or the pages of the resources at ``paths``."""
    assert _FORKED is not None
    site, folder, made = _FORKED
    writer = _Writer(folder, made)
    if paths is None:
        _write_plots(site, writer)
    else:
        for path in paths:
            _write_resource(site, writer, path)
    return writer.written
