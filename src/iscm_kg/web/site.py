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
written plainly (no per-file fsync: several thousand small files).
"""

from __future__ import annotations

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


def write(pipeline: Pipeline, folder: Path, site: Site | None = None) -> list[str]:
    """Write the static site into ``folder``; the written files, relative to its parent."""
    site = site or Site(pipeline)
    folder = Path(folder)
    written: list[str] = []

    made: set[str] = set()

    def put(relative: str, data: bytes) -> None:
        parent = os.path.dirname(relative)
        if parent not in made:  # one mkdir per folder, not one per file
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        with open(folder / relative, "wb") as handle:
            handle.write(data)
        written.append(f"{folder.name}/{relative}")

    for path in site.paths():
        page = site.page(path, static=True)
        assert page is not None
        base = _file_of(path)[1:]
        put(base, page)
        if path.startswith("/id/"):
            stem = base.removesuffix("html")
            for fmt in MEDIA_TYPES:
                data = site.rdf(path, fmt)
                assert data is not None
                put(stem + fmt, data)
    for name in site.plot_names():
        put(f"plots/{name}.svg", site.plot(name) or b"")
    for name in ASSETS:
        put(f"assets/{name}", site.asset(name) or b"")
    put(".htaccess", HTACCESS.encode("utf-8"))
    put("w3id.htaccess", W3ID_HTACCESS.encode("utf-8"))
    return sorted(written)
