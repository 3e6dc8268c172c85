"""Stored SPARQL queries, by job.

- ``stored``: a ``queries/<name>.rq`` file and its comment header (``StoredQuery``), text checks;
- ``kinds``: the parameter kinds, declared in the graph, and the lookup of a typed value;
- ``parameters``: ``--param`` strings resolved to RDF terms;
- ``binding``: the resolved terms bound into the query text with a ``VALUES`` block;
- ``runner``: check, resolve, bind and run (``run``), on any ``Executor``;
- ``formats``: the result table and its writers (CSV, JSON, Markdown, aligned text);
- ``catalog``: a stored query as RDF (``sh:SPARQLExecutable``), read by the load stage.
"""
