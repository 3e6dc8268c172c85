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
resources on, forked processes share the resource pages (the bytes do not depend on it).
"""

from __future__ import annotations

import multiprocessing as mp
import os
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


PARALLEL_FROM = 5000  # resources; below this, one process writes the site


def write(
    pipeline: Pipeline,
    folder: Path,
    site: Site | None = None,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> list[str]:
    """Write the static site into ``folder``; the written files, relative to its parent.

    A large graph's resource pages are rendered and written by ``workers`` forked processes
    (default: one per CPU, at most 4), each taking every n-th resource; the index pages, plots
    and the rest are written here first. Every file's bytes are the same either way."""
    site = site or Site(pipeline)
    folder = Path(folder)
    writer = _Writer(folder)
    resources = [p for p in site.paths() if p.startswith("/id/")]
    for path in site.paths():
        if not path.startswith("/id/"):
            writer.put(_file_of(path)[1:], site.page(path, static=True) or b"")
    for name in site.plot_names():
        writer.put(f"plots/{name}.svg", site.plot(name) or b"")
    for name in ASSETS:
        writer.put(f"assets/{name}", site.asset(name) or b"")
    writer.put(".htaccess", HTACCESS.encode("utf-8"))
    writer.put("w3id.htaccess", W3ID_HTACCESS.encode("utf-8"))
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers > 1 and len(resources) >= parallel_from and "fork" in mp.get_all_start_methods():
        global _FORKED
        _FORKED = (site, folder)
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                shares = [resources[i::workers] for i in range(workers)]
                for names in pool.map(_write_share, shares):
                    writer.written.extend(names)
        finally:
            _FORKED = None
    else:
        for path in resources:
            _write_resource(site, writer, path)
    return sorted(writer.written)


class _Writer:
    """Writes files under a folder, making each subfolder once."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.made, self.written = folder, set(), []

    def put(self, relative: str, data: bytes) -> None:
        parent = os.path.dirname(relative)
        if parent not in self.made:  # one mkdir per folder, not one per file
            os.makedirs(self.folder / parent, exist_ok=True)
            self.made.add(parent)
        with open(self.folder / relative, "wb") as handle:
            handle.write(data)
        self.written.append(f"{self.folder.name}/{relative}")


def _write_resource(site: Site, writer: _Writer, path: str) -> None:
    """A resource's page and its Turtle, N-Triples and JSON-LD."""
    base = _file_of(path)[1:]
    writer.put(base, site.page(path, static=True) or b"")
    stem = base.removesuffix("html")
    for fmt in MEDIA_TYPES:
        writer.put(stem + fmt, site.rdf(path, fmt) or b"")


_FORKED: tuple[Site, Path] | None = None  # what a forked worker writes from


def _write_share(paths: list[str]) -> list[str]:
    assert _FORKED is not None
    site, folder = _FORKED
    writer = _Writer(folder)
    for path in paths:
        _write_resource(site, writer, path)
    return writer.written
