"""The project's namespaces and the fixed prefix table every graph and export uses."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/iscm-kg/"
ISCM = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SHAPES = Namespace(BASE + "shapes#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = BASE + "ontology"

PREFIXES: dict[str, Namespace] = {
    "iscm": ISCM,
    "id": ID,
    "shapes": SHAPES,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "foaf": Namespace(str(FOAF)),
    "schema": SCHEMA,
    "sh": Namespace(str(SH)),
    "void": Namespace(str(VOID)),
    "dcat": Namespace(str(DCAT)),
    "vann": VANN,
}


def new_graph() -> Graph:
    """An empty graph that knows exactly the project's prefixes (and no rdflib defaults)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX lines for every project prefix, for queries that are built in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def no_graph_loading() -> None:
    """Never let rdflib's SPARQL engine fetch graphs from the network (FROM / FROM NAMED). Called
    before rdflib's SPARQL engine is first used; importing it is left until then (it is slow)."""
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
