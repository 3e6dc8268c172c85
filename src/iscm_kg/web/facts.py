"""Every statement of the reasoned graph, read once from the query store and indexed for pages.

The pages need, for each resource, its statements (asserted and inferred, told apart), the
statements that point at it, its types and a readable name, for some 2,000 resources at once.
Reading every triple of the asserted and inferred graphs into dictionaries once costs a fraction
of a second and makes every later look-up a dictionary access, so no page runs a query of its own
and the site grows linearly with the graph. The rdflib graphs are read rather than the Oxigraph
query store because the store normalizes numeric literals ("23"^^xsd:positiveInteger comes back as
"23"^^xsd:integer), and a resource's RDF must give back exactly the triples of the graph.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from sys import intern
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from .. import namespaces

ID = str(namespaces.ID)
ISCM = str(namespaces.ISCM)
SCHEMA = str(namespaces.SCHEMA)
TYPE = str(RDF.type)
PREF_LABEL = str(SKOS.prefLabel)
ALT_LABEL = str(SKOS.altLabel)
LABEL = str(RDFS.label)
TITLE = str(DCTERMS.title)
_XSD_STRING = str(XSD.string)


class Lit(NamedTuple):
    """A literal: its lexical form, language tag ('' if none) and datatype IRI. (A named tuple:
    hundreds of thousands are made, hashed and compared, and a tuple does that in C.)"""

    value: str
    language: str = ""
    datatype: str = ""


Value = str | Lit  # an IRI (or a blank node as "_:label") or a literal


class Statement(NamedTuple):
    """One statement about (or pointing at) a resource: the predicate, the other end, and
    whether only the reasoner states it."""

    predicate: str
    other: Value
    inferred: bool


def sort_key(term: Value) -> tuple[int, str, str, str]:
    """Deterministic order: IRIs before literals, then by text."""
    if isinstance(term, Lit):
        return (1, term.value, term.language, term.datatype)
    return (0, term, "", "")


def is_resource(term: Value) -> bool:
    """True for an IRI of the instance namespace (a resource that has a page)."""
    return isinstance(term, str) and term.startswith(ID)


class Facts:
    """The reasoned graph as dictionaries: statements by subject and by object, types, names."""

    def __init__(self, asserted: Graph, inferred: Graph) -> None:
        with no_gc():  # millions of small objects and no cycle among them (see ``no_gc``)
            self._index(asserted, inferred)
        self._names: dict[str, str] = {}

    def _index(self, asserted: Graph, inferred: Graph) -> None:
        seen: dict[tuple[str, str, Value], bool] = {}
        for graph, is_asserted in ((asserted, True), (inferred, False)):
            for s, p, o in graph:
                key = (_value(s), intern(str(p)), _value(o))
                if is_asserted or key not in seen:
                    seen[key] = is_asserted
        out: dict[str, list[Statement]] = defaultdict(list)
        into: dict[str, list[Statement]] = defaultdict(list)
        by_predicate: dict[tuple[str, str], list[Value]] = defaultdict(list)
        inverse: dict[tuple[str, Value], list[str]] = defaultdict(list)
        for (subject, predicate, obj), is_asserted in seen.items():
            out[subject].append(Statement(predicate, obj, not is_asserted))
            by_predicate[(subject, predicate)].append(obj)
            if type(obj) is str:
                into[obj].append(Statement(predicate, subject, not is_asserted))
                inverse[(predicate, obj)].append(subject)
        for statements in (*out.values(), *into.values()):
            if len(statements) > 1:
                statements.sort(key=_statement_key)
        for values in (*by_predicate.values(), *inverse.values()):
            if len(values) > 1:
                values.sort(key=sort_key)
        self._out, self._in = out, into
        self._by_predicate, self._inverse = by_predicate, inverse
        self.resources: list[str] = sorted(
            {s for s in out if s.startswith(ID)} | {o for o in into if o.startswith(ID)}
        )
        self.resources_set = frozenset(self.resources)

    # Look-ups -----------------------------------------------------------------------------

    def out(self, subject: str) -> list[Statement]:
        """Every statement with ``subject`` as subject, sorted by predicate then value."""
        return self._out.get(subject, [])

    def into(self, obj: str) -> list[Statement]:
        """Every statement with ``obj`` as object (``other`` is the subject)."""
        return self._in.get(obj, [])

    def objects(self, subject: str, predicate: str) -> list[Value]:
        return self._by_predicate.get((subject, str(predicate)), [])

    def value(self, subject: str, predicate: str) -> Value | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def text(self, subject: str, predicate: str) -> str:
        """The first literal value of ``predicate`` (English first), or ''."""
        literals = [v for v in self.objects(subject, predicate) if isinstance(v, Lit)]
        if not literals:
            return ""
        return min(literals, key=lambda v: (v.language not in ("en", ""), v.value)).value

    def subjects_in(self, namespace: str) -> list[str]:
        """Every subject whose IRI starts with ``namespace`` (the ontology's terms, for one)."""
        return sorted(s for s in self._out if s.startswith(namespace))

    def subjects(self, predicate: str, obj: Value) -> list[str]:
        return self._inverse.get((str(predicate), obj), [])

    def types(self, subject: str) -> list[str]:
        return [t for t in self.objects(subject, TYPE) if isinstance(t, str)]

    def asserted_types(self, subject: str) -> list[str]:
        return [s.other for s in self.out(subject) if s.predicate == TYPE and not s.inferred]

    def is_a(self, subject: str, cls: str) -> bool:
        return cls in self.objects(subject, TYPE)

    def instances(self, cls: str) -> list[str]:
        return [s for s in self.subjects(TYPE, cls) if s.startswith(ID)]

    # Names ---------------------------------------------------------------------------------

    def name(self, iri: str) -> str:
        """A readable name for any IRI: a label from the graph, else one built from its facts."""
        if iri not in self._names:
            self._names[iri] = self._make_name(iri)
        return self._names[iri]

    def _make_name(self, iri: str) -> str:
        if self.is_a(iri, ISCM + "Paragraph"):
            document = self.value(iri, ISCM + "inDocument")
            label = self.text(iri, LABEL)
            return f"{self.short_name(document)} {label}" if isinstance(document, str) else label
        if self.is_a(iri, ISCM + "Objective"):
            number = self.text(iri, ISCM + "objectiveNumber")
            return f"Objective {number}: {self.text(iri, PREF_LABEL)}"
        label = self._label(iri)
        if label and self.is_a(iri, ISCM + "Actor"):
            acronyms = sorted(self._asserted_literals(iri, ALT_LABEL), key=lambda a: (len(a), a))
            if acronyms and acronyms[0] != label and len(acronyms[0]) < len(label):
                return f"{label} ({acronyms[0]})"
        if label:
            return label
        return self._described(iri)

    def short_name(self, iri: str | None) -> str:
        """A short name: a document's symbol or shortest other name, else the full name."""
        if iri is None:
            return ""
        symbol = self.text(iri, ISCM + "symbol")
        if symbol:
            return symbol
        if self.is_a(iri, ISCM + "Document"):
            names = sorted(self._asserted_literals(iri, ALT_LABEL), key=lambda a: (len(a), a))
            if names:
                return names[0]
        return self._label(iri) or self.name(iri)

    def _label(self, iri: str) -> str:
        for predicate in (PREF_LABEL, TITLE, SCHEMA + "name", str(FOAF.name)):
            found = self._asserted_literals(iri, predicate)
            if found:
                return found[0]
        found = self._asserted_literals(iri, LABEL)
        return found[0] if found else ""

    def _asserted_literals(self, iri: str, predicate: str) -> list[str]:
        values = [
            s.other
            for s in self.out(iri)
            if s.predicate == predicate and isinstance(s.other, Lit) and not s.inferred
        ]
        values.sort(key=lambda v: (v.language not in ("en", ""), v.value))
        return [v.value for v in values]

    def _described(self, iri: str) -> str:
        """A name for a resource without a label, from what it says."""
        if self.is_a(iri, ISCM + "Reference"):
            paragraph = self.value(iri, ISCM + "inParagraph")
            where = f" in {self.name(paragraph)}" if isinstance(paragraph, str) else ""
            return f"“{self.text(iri, ISCM + 'wording')}”{where}"
        if self.is_a(iri, ISCM + "EntryPoint"):
            level = self.value(iri, ISCM + "level")
            level_name = self.name(level).lower() if isinstance(level, str) else "an"
            document = self.value(iri, ISCM + "inDocument")
            number = self.text(iri, ISCM + "objectiveNumber") or _objective_number(self, iri)
            return (
                f"{self.short_name(document)}, objective {number}, {level_name} entry point: "
                f"{self.text(iri, ISCM + 'action')}"
            )
        if self.is_a(iri, str(namespaces.PREFIXES["org"]) + "Membership"):
            org = str(namespaces.PREFIXES["org"])
            member, organization, role = (
                self.value(iri, org + p) for p in ("member", "organization", "role")
            )
            return (
                f"{self.name(member) if isinstance(member, str) else '?'}: "
                f"{self.name(role).lower() if isinstance(role, str) else 'member'} of "
                f"{self.name(organization) if isinstance(organization, str) else '?'}"
            )
        for predicate in ("quotation", "statement", "activity", "profileDescription"):
            text = self.text(iri, ISCM + predicate)
            if text:
                return f"“{_shorten(text)}”"
        comment = self.text(iri, str(RDFS.comment))
        if comment:
            return _shorten(comment)
        return iri.removeprefix(ID)

    def class_name(self, cls: str) -> str:
        """The ontology's label of a class or property, else its local name."""
        labels = self._asserted_literals(cls, LABEL) or self._asserted_literals(cls, PREF_LABEL)
        if labels:
            return labels[0]
        return cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def main_type(self, iri: str) -> str | None:
        """The most specific asserted type (the first in sorted order if several)."""
        asserted = sorted(self.asserted_types(iri))
        if not asserted:
            return None
        # Prefer a type that is not a superclass of another asserted type.
        for cls in asserted:
            if not any(
                other != cls and cls in self.objects(other, str(RDFS.subClassOf))
                for other in asserted
            ):
                return cls
        return asserted[0]


def _objective_number(facts: Facts, iri: str) -> str:
    objective = facts.value(iri, ISCM + "objective")
    return facts.text(objective, ISCM + "objectiveNumber") if isinstance(objective, str) else "?"


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(term: Node, _str=str.__str__) -> Value:
    """A term as the index keeps it. Each IRI's text is kept once (``sys.intern``): the same
    IRI recurs in many triples, and rdflib's terms are objects of their own."""
    kind = type(term)
    if kind is URIRef:
        return intern(_str(term))
    if kind is Literal:
        if term.language:
            return Lit(_str(term), term.language, "")
        return Lit(_str(term), "", _str(term.datatype or _XSD_STRING))
    if kind is BNode:
        return "_:" + _str(term)
    return _value_of_subclass(term)


def _value_of_subclass(term: Node) -> Value:
    """``_value`` for subclasses of rdflib's terms (the fast path above checks exact types)."""
    if isinstance(term, Literal):
        if term.language:
            return Lit(str(term), term.language, "")
        return Lit(str(term), "", str(term.datatype or _XSD_STRING))
    if isinstance(term, BNode):
        return "_:" + str(term)
    return str(term)


def _statement_key(s: Statement) -> tuple:
    """The order of a node's statements: by predicate, then value, stated before inferred."""
    return (s.predicate, sort_key(s.other), s.inferred)


@contextmanager
def no_gc() -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector paused (restored afterwards).

    Building the index makes a few million objects, none in a reference cycle; each burst of
    allocations would otherwise start a collection that walks every object alive, the rdflib
    graphs included (about half of the index's time on a graph of 200k triples). Nothing is
    lost: objects without cycles are freed by reference counting all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def literals(values: Iterable[Value]) -> list[Lit]:
    return [v for v in values if isinstance(v, Lit)]
