"""owlrl's OWL 2 RL closure, with a driver loop that only visits the triples that can fire a rule.

owlrl (``owlrl.OWLRL.OWLRL_Semantics``) applies its rules by visiting *every* triple of the graph in
every cycle, and most of the time goes into triples that fire nothing: in each rule group the
triggering triple is a schema triple (``p rdfs:domain c``, ``c owl:unionOf l``, ``p a
owl:SymmetricProperty``, ``x owl:sameAs y`` …), and the rule body then looks the data up in the
graph. A data triple such as ``id:x skos:prefLabel "…"@en`` or ``id:x a iscm:Reference`` only ever
fires ``eq-ref`` (``x owl:sameAs x`` for each of its terms). On our graph that is about 90 % of the
visits, each one paying for five rule groups of comparisons and ``eq-ref`` lookups.

``TriggeredOWLRL`` runs owlrl's own rule methods, unchanged, on the same graph, so every rule sees
the same data; only the driver differs:

- each cycle visits the *triggering* triples only: those whose predicate is in the RDF, RDFS or
  OWL namespace (other than ``rdf:type`` and the annotation properties), and ``rdf:type`` triples
  whose class is one of ``TRIGGER_CLASSES`` (the classes owlrl's rules test for);
- ``eq-ref`` is applied once to each term, when the term first appears;
- ``prp-ap`` (annotation properties) runs in the first cycle, as owlrl does;
- a reflexive ``x owl:sameAs x`` only restates itself under ``eq-sym``, ``eq-trans`` and
  ``eq-rep-*``, so it is visited for ``eq-diff1`` alone;
- whether a triple is already known is a set lookup, not an rdflib store lookup, and every term
  is one Python object (``expand`` interns them), so the lookups compare by identity;
- while the rules run, the ``OWL``, ``RDF`` and ``RDFS`` names in ``owlrl.OWLRL`` are objects that
  hold each term as a plain attribute: rdflib's ``DefinedNamespace`` resolves every ``OWL.sameAs``
  anew, and the rules ask for about 40 such terms per visited triple.

The closure (triples and error messages) is the one owlrl computes: ``tests/test_reasoning.py``
compares the two, triple for triple, on the shipped graph and on a synthetic one. The upstream
write-up is ``docs/upstream/owlrl-triggered-closure.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import owlrl
import owlrl.OWLRL
from owlrl import DatatypeHandling
from owlrl.Namespaces import ERRNS
from owlrl.OWLRL import OWLRL_Annotation_properties, OWLRL_Semantics
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

_SCHEMA_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
_ANNOTATION_PROPERTIES = frozenset(OWLRL_Annotation_properties)
_SAME_AS = OWL.sameAs
_DIFFERENT_FROM = OWL.differentFrom
_TYPE = RDF.type

# The classes ``x rdf:type C`` that one of owlrl's rules tests for (OWLRL.py: _properties,
# _equality, _classes, _class_axioms, _schema_vocabulary). Typing with any other class fires no rule
# by itself: the rules that use such a triple find it by looking it up.
TRIGGER_CLASSES = frozenset(
    {
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.IrreflexiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.TransitiveProperty,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
        OWL.AllDisjointClasses,
        OWL.Nothing,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        RDF.Property,
    }
)


def triggers(triple: tuple[Any, Any, Any]) -> bool:
    """Whether visiting ``triple`` can fire one of owlrl's rules (apart from eq-ref and prp-ap)."""
    _, p, o = triple
    if p == _TYPE:
        return o in TRIGGER_CLASSES
    return p not in _ANNOTATION_PROPERTIES and str(p).startswith(_SCHEMA_NAMESPACES)


class _Terms:
    """A namespace whose terms, once asked for, are plain attributes (interned in ``terms``)."""

    def __init__(self, namespace: Any, terms: dict) -> None:
        self._namespace = namespace
        self._terms = terms

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        term = self._terms.setdefault(term, term)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]


@contextmanager
def _plain_namespaces(terms: dict) -> Iterator[None]:
    """Swap owlrl.OWLRL's namespace globals for ``_Terms`` (the same terms), then restore them."""
    saved = {name: getattr(owlrl.OWLRL, name) for name in ("OWL", "RDF", "RDFS")}
    for name, namespace in saved.items():
        setattr(owlrl.OWLRL, name, _Terms(namespace, terms))
    try:
        yield
    finally:
        for name, namespace in saved.items():
            setattr(owlrl.OWLRL, name, namespace)


class TriggeredOWLRL(OWLRL_Semantics):
    """``OWLRL_Semantics`` whose cycles visit only the triggering triples (see the module)."""

    _known: set | None = None
    terms: dict | None = None  # the interned terms, set by ``expand``

    def store_triple(self, t: tuple[Any, Any, Any]) -> None:
        """As owlrl's, with a set standing in for the graph lookups once the cycles start."""
        if self._known is None:
            super().store_triple(t)
        elif t not in self._known and not isinstance(t[1], Literal):
            self.added_triples.add(t)

    def closure(self) -> None:
        """owlrl's ``Core.closure`` with the driver loop described in the module docstring."""
        with _plain_namespaces(self.terms if self.terms is not None else {}):
            self._closure()

    def _closure(self) -> None:
        self.pre_process()
        if self.axioms:
            self.add_axioms()
        if self.daxioms:
            self.add_d_axioms()
        self.flush_stored_triples()
        self.one_time_rules()
        self.flush_stored_triples()

        graph = self.graph
        self._known = set(graph.triples((None, None, None)))
        seen_terms: set = set()
        bnodes: set = set()
        active: list[tuple[Any, Any, Any]] = []
        new = list(self._known)
        cycle = 0
        while True:
            cycle += 1
            self.empty_stored_triples()
            for triple in new:
                for term in triple:
                    if term not in seen_terms:  # RULE eq-ref, once per term
                        seen_terms.add(term)
                        if isinstance(term, BNode):
                            bnodes.add(term)
                        self.store_triple((term, _SAME_AS, term))
                if triggers(triple):
                    active.append(triple)
                elif cycle == 1 and triple[1] in _ANNOTATION_PROPERTIES:  # RULE prp-ap
                    self.store_triple((triple[1], _TYPE, OWL.AnnotationProperty))
            for triple in active:
                s, p, o = triple
                if p == _SAME_AS and s == o:
                    self._reflexive_same_as(s)
                    continue
                self._properties(triple, cycle)
                self._equality(triple, cycle)
                self._classes(triple, cycle)
                self._class_axioms(triple, cycle)
                self._schema_vocabulary(triple, cycle)
            new = list(self.added_triples)
            for triple in new:
                self.destination.add(triple)
            self._known.update(new)
            if not new:
                break
        self.cycles = cycle
        self._known = None

        self.bnodes = list(bnodes)
        self.post_process()
        self.flush_stored_triples()
        if self.error_messages:
            self.destination.bind("err", str(ERRNS))
            for message in self.error_messages:
                node = BNode()
                self.destination.add((node, RDF.type, ERRNS.ErrorMessage))
                self.destination.add((node, ERRNS.error, Literal(message)))

    def _reflexive_same_as(self, x: URIRef | BNode | Literal) -> None:
        """RULE eq-diff1 for ``x owl:sameAs x``, with owlrl's message."""
        if (x, _DIFFERENT_FROM, x) in self.graph:
            self.add_error(
                "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
                f"({x}, {x})"
            )


def expand(triples: Iterable[tuple[Any, Any, Any]]) -> Graph:
    """The OWL 2 RL closure of ``triples`` (a new graph), by ``TriggeredOWLRL``."""
    terms: dict = {}
    graph = Graph(store="SimpleMemory")  # no named graphs: rdflib's cheapest store
    for triple in triples:
        graph.add(tuple(terms.setdefault(term, term) for term in triple))  # type: ignore[arg-type]
    semantics = TriggeredOWLRL(graph, False, False)
    semantics.terms = terms
    # what owlrl.DeductiveClosure(...).expand does around the closure (improved_datatypes=True)
    switch = not owlrl.DeductiveClosure.improved_datatype_generic
    if switch:
        DatatypeHandling.use_Alt_lexical_conversions()
    try:
        semantics.closure()
    finally:
        if switch:
            DatatypeHandling.use_RDFLib_lexical_conversions()
    return graph
