"""The graph on the web: a page for every resource, index pages, plots, per-resource RDF and the
static site (``pages.Site``, ``site.write``), and ``iscm-kg serve`` (a read-only SPARQL endpoint,
YASGUI, the stored queries over HTTP, and those pages)."""
