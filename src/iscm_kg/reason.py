"""Stage 2, reason: the OWL 2 RL closure (owlrl), kept apart from the asserted triples.

Two drivers of owlrl's rules are offered (``REASONERS``): ``fast`` (the default) visits only the
triples that can fire a rule (``owlrl_fast``), ``owlrl`` is owlrl's own loop, the reference. Both
give the same closure; ``tests/test_reasoning.py`` proves the kept inferences equal. The Rust
reasoner ``reasonable`` was measured too and is not offered: it has no property chains
(``prp-spo2``) nor ``scm-dom``/``scm-rng`` and misses 412 of our 4,618 inferences
(``docs/performance.md``).

owlrl expands a graph in place and adds much that no user needs (RFC: RDFLib/OWL-RL issues 43, 51,
63). We reason over a copy and keep only new triples about our own resources, minus trivia:

kept: class memberships from subclasses, domains and ranges (an RCP is also an ISCM, an
``org:OrganizationalCollaboration``, an ``org:Organization``); values of super-properties
(``skos:prefLabel`` gives ``rdfs:label``, ``iscm:associatedWith`` gives ``org:linkedTo``);
inverses (``iscm:referencedBy``, ``dcterms:hasPart``, ``iscm:states``); symmetric
``iscm:correspondsTo``; property chains (a subparagraph's ``iscm:objective`` from its parent, a
reference's ``iscm:underObjective``); the transitive closure of our own subclass and subproperty
axioms.

dropped: triples whose subject is a literal, a blank node, or an ``rdf:``/``rdfs:``/``owl:``/
``xsd:`` term or a term of a reused vocabulary (SKOS, DCTERMS, PROV, ORG, FOAF, schema.org);
reflexive ``owl:sameAs``, ``rdfs:subClassOf``, ``rdfs:subPropertyOf``,
``owl:equivalentClass``/``Property``; memberships of ``owl:Thing``, ``rdfs:Resource``,
``owl:NamedIndividual`` and other RDF/OWL meta-classes; ``owl:Nothing`` axioms; and literals that
only restate an asserted value in another lexical form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from . import namespaces, owlrl_fast
from .errors import InputError

REASONERS = ("fast", "owlrl")
DEFAULT_REASONER = "fast"

ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"
_META = {str(RDF), str(RDFS), str(OWL), str(XSD)}
# Terms of the W3C and other vocabularies we reuse: inferences about them are theirs, not ours.
_FOREIGN_VOCABULARIES = {
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "http://xmlns.com/foaf/0.1/",
    "https://schema.org/",
    "http://purl.org/vocab/vann/",
}
_REFLEXIVE = {
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
}
_TRIVIAL_TYPES = {
    OWL.Thing,
    RDFS.Resource,
    OWL.NamedIndividual,
    RDFS.Class,
    OWL.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDFS.Datatype,
    RDF.List,
}


@dataclass
class Reasoned:
    """The kept inferences, what was dropped, and any inconsistency owlrl found."""

    inferred: Graph
    dropped: int = 0
    errors: list[str] = field(default_factory=list)
    by_predicate: Counter[str] = field(default_factory=Counter)


_NOT_OURS = tuple(sorted(_META | _FOREIGN_VOCABULARIES))


def _in_meta_namespace(term: URIRef) -> bool:
    return str(term).startswith(_NOT_OURS)


def _trivial(triple: tuple, asserted: Graph) -> bool:
    """Whether an inferred triple is noise (see the module docstring for the list)."""
    s, p, o = triple
    if s is o and p in _REFLEXIVE:  # the commonest case first: owlrl's x owl:sameAs x
        return True
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode):
        return True
    if _in_meta_namespace(s) or str(p).startswith(ERRNS) or s == OWL.Nothing:
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p in (RDF.type, RDFS.subClassOf) and o in _TRIVIAL_TYPES:
        return True
    if isinstance(o, Literal):
        # the same value in another lexical form (owlrl normalizes datatypes)
        return any(isinstance(x, Literal) and x.eq(o) for x in asserted.objects(s, p))
    return False


def closure(asserted: Graph, reasoner: str = DEFAULT_REASONER) -> Graph:
    """The OWL 2 RL closure of ``asserted`` (a new graph) by the named driver of owlrl's rules."""
    if reasoner not in REASONERS:
        raise InputError(f"Unknown reasoner '{reasoner}': use one of {', '.join(REASONERS)}.")
    if reasoner == "fast":
        return owlrl_fast.expand(asserted)
    graph = Graph()
    graph += asserted
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return graph


def reason(asserted: Graph, reasoner: str = DEFAULT_REASONER) -> Reasoned:
    """Compute the OWL RL closure of ``asserted`` and keep the useful new triples."""
    full = closure(asserted, reasoner)
    result = Reasoned(namespaces.new_graph())
    err = URIRef(ERRNS + "error")
    for message in full.subjects(RDF.type, URIRef(ERRNS + "ErrorMessage")):
        result.errors.extend(str(m) for m in full.objects(message, err))
    known = set(asserted)
    names: dict[Node, str] = {}
    kept = []
    for triple in full:
        if triple in known:
            continue
        if _trivial(triple, asserted):
            result.dropped += 1
            continue
        kept.append(triple)
        p = triple[1]
        name = names.get(p)
        if name is None:
            name = names[p] = p.n3(result.inferred.namespace_manager)
        result.by_predicate[name] += 1
    result.inferred.addN((s, p, o, result.inferred) for s, p, o in kept)
    return result
