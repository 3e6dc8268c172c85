"""A stored query as RDF, in the style of the SIB sparql-examples collections.

Each ``.rq`` file is a source of triples like a Turtle file (the load stage reads both): one
``sh:SPARQLExecutable`` with its text, title, description, keywords and parameters, part of the
catalogue ``id:query`` that ``queries/catalog.ttl`` describes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from .. import namespaces
from ..namespaces import ID, ISCM, SCHEMA
from .stored import StoredQuery

CATALOG = ID["query"]


def query_graph(q: StoredQuery) -> Graph:
    """The triples one stored query states."""
    graph = namespaces.new_graph()
    node = ID[f"query/{q.name}"]
    graph.add((CATALOG, DCTERMS.hasPart, node))
    for cls in (SH.SPARQLExecutable, SH.SPARQLSelectExecutable):
        graph.add((node, RDF.type, cls))
    graph.add((node, SCHEMA.identifier, Literal(q.name)))
    graph.add((node, RDFS.label, Literal(q.title, lang="en")))
    graph.add((node, RDFS.comment, Literal(q.description, lang="en")))
    graph.add((node, SH.select, Literal(q.text)))
    graph.add((node, DCTERMS.isPartOf, CATALOG))
    for keyword in q.keywords:
        graph.add((node, SCHEMA.keywords, Literal(keyword, lang="en")))
    for param in q.params:
        pnode = ID[f"query/{q.name}/parameter/{param.name}"]
        graph.add((node, ISCM.parameter, pnode))
        graph.add((pnode, RDF.type, ISCM.QueryParameter))
        graph.add((pnode, RDFS.label, Literal(param.name)))
        graph.add((pnode, RDFS.comment, Literal(param.description, lang="en")))
        graph.add((pnode, ISCM.parameterKind, Literal(param.kind)))
        graph.add((pnode, ISCM.queryVariable, Literal(param.variable)))
        if param.default is not None:
            graph.add((pnode, ISCM.defaultValue, Literal(param.default)))
    return graph


def catalog(queries: Iterable[StoredQuery]) -> Graph:
    """The triples of several stored queries (without the catalogue's own description)."""
    graph = namespaces.new_graph()
    for q in queries:
        graph += query_graph(q)
    return graph
