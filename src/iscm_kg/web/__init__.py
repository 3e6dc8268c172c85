"""Web pages of the graph: a page for every resource, index pages, plots, per-resource RDF and the
static site (``pages.Site``, ``site.write``)."""
