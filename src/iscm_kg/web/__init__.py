"""The graph on the web: ``iscm-kg serve`` (a read-only SPARQL endpoint, YASGUI, the stored
queries over HTTP, and a page for every resource)."""
