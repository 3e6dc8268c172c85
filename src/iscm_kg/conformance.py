"""A fast answer to one question: does the data conform to the SHACL shapes?

pyshacl (``validate.py``) evaluates every constraint once per focus node and builds a result for
every failing branch of an ``sh:or``; on large graphs that is most of the build. This module
compiles the shapes graph into set-at-a-time checks and returns the violations as
``(focus, sourceShape, sourceConstraintComponent, resultPath, value)`` tuples, which the
pipeline uses only to decide whether pyshacl must run: no violation gives pyshacl's own empty
report; any violation, or a shapes graph this module does not fully understand, runs pyshacl,
so that every report with results is pyshacl's own.

How each part is evaluated, and why it is exact:

- Targets, values and the SHACL Core constraints are evaluated in Python on the very rdflib
  graph pyshacl is given, with pyshacl's own rules (the same term equality, ill-typed literal
  test, string form, regular expressions, language matching and literal comparison): Oxigraph
  stores some literals in a canonical form (``"22"^^xsd:positiveInteger`` is read back as
  ``"22"^^xsd:integer``, language tags in lower case), which these constraints could see.
- SHACL-SPARQL constraints run once per constraint for all focus nodes on a pyoxigraph store
  holding the same triples (``$this`` becomes ``?this``, bound by a ``VALUES`` table at the head
  of the top-level group; a query whose ``$this`` could mean something else there is run per
  focus node with rdflib instead, as pyshacl does). A census of the data's literals decides
  where Oxigraph could answer differently from rdflib: a lexical form or language tag it
  would change sends every SPARQL constraint to rdflib; a datatype it would change sends the
  queries that read datatypes or match literal constants; two literals it would merge send the
  queries that join a variable bound to such literals under the same predicates.

``violations`` returns ``None`` (it declines) for anything else: another constraint component,
a complex property path, a severity, ``sh:deactivated``, SHACL rules, custom components, an
implicit class target, a SPARQL text it cannot rewrite safely. It never guesses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from . import sparql_text

# The predicates the fast path understands on a shape (anything else in the sh: namespace, or
# the SHACL-AF vocabulary, makes it decline).
_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.hasValue,
    SH.languageIn,
    SH.uniqueLang,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH["or"],
    SH["not"],
    SH.node,
    SH.property,
    SH.sparql,
}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf}
_ANNOTATIONS = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.path}
_SH_ELSEWHERE = {  # sh: terms allowed on nodes that are not shapes
    SH.declare,
    SH.prefix,
    SH.namespace,
    SH.prefixes,
    SH.select,
    SH.message,
}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
_ALLOWED_TYPES = _SHAPE_TYPES | {SH.SPARQLConstraint}
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


class Unsupported(Exception):
    """The shapes graph uses something the fast path does not evaluate exactly."""


@dataclass(frozen=True)
class Result:
    """One violation, as the fields of a pyshacl result (``None`` where pyshacl has none)."""

    focus: Node
    shape: Node
    component: URIRef
    path: Node | None
    value: Node | None


@dataclass
class _Sparql:
    node: Node
    text: str  # with the PREFIX declarations pyshacl puts before it


@dataclass
class _Shape:
    node: Node
    path: URIRef | None  # a predicate (or the predicate of an inverse path)
    inverse: bool
    path_node: Node | None  # sh:path's object, as pyshacl reports it
    params: dict[URIRef, list[Node]]
    sparql: list[_Sparql]


# ----------------------------------------------------------------------------------------------
# Compiling the shapes graph
# ----------------------------------------------------------------------------------------------


class Shapes:
    """The shapes graph, compiled; raises ``Unsupported`` for anything not evaluated here."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._check_vocabulary()
        nodes = self._shape_nodes()
        self.shapes = {node: self._compile(node) for node in nodes}
        self.targeted = sorted(
            (n for n in nodes if any(graph.objects(n, t) for t in _TARGETS)), key=str
        )

    def _check_vocabulary(self) -> None:
        g = self.graph
        if (None, OWL.imports, None) in g:
            raise Unsupported("owl:imports in the shapes graph")
        allowed = _PARAMETERS | _TARGETS | _ANNOTATIONS | _SH_ELSEWHERE | {SH.inversePath}
        for p in set(g.predicates()):
            if str(p).startswith(str(SH)) and p not in allowed:
                raise Unsupported(f"shapes use {p}")
        for t in set(g.objects(None, RDF.type)):
            if str(t).startswith(str(SH)) and t not in _ALLOWED_TYPES:
                raise Unsupported(f"shapes graph has a node typed {t}")

    def _shape_nodes(self) -> set[Node]:
        g = self.graph
        nodes: set[Node] = set()
        for t in _SHAPE_TYPES:
            nodes.update(g.subjects(RDF.type, t))
        for p in _TARGETS | {SH.path}:
            nodes.update(g.subjects(p, None))
        todo = list(nodes)
        while todo:
            node = todo.pop()
            found: list[Node] = []
            found.extend(g.objects(node, SH.property))
            found.extend(g.objects(node, SH.node))
            found.extend(g.objects(node, SH["not"]))
            for members in g.objects(node, SH["or"]):
                found.extend(_items(g, members))
            for member in found:
                if member not in nodes:
                    nodes.add(member)
                    todo.append(member)
        return nodes

    def _compile(self, node: Node) -> _Shape:
        g = self.graph
        types = set(g.objects(node, RDF.type))
        if types - _SHAPE_TYPES - {RDFS.Resource}:
            raise Unsupported(f"shape {node} has another type (an implicit class target?)")
        params: dict[URIRef, list[Node]] = defaultdict(list)
        for p, o in g.predicate_objects(node):
            if p in _PARAMETERS:
                params[p].append(o)
            elif str(p).startswith(str(SH)) and p not in _TARGETS | _ANNOTATIONS:
                raise Unsupported(f"shape {node} uses {p}")
        paths = list(g.objects(node, SH.path))
        path: URIRef | None = None
        inverse = False
        if len(paths) > 1:
            raise Unsupported(f"shape {node} has two paths")
        if paths:
            path_node = paths[0]
            if isinstance(path_node, URIRef):
                path = path_node
            else:
                inner = list(g.predicate_objects(path_node))
                if len(inner) != 1 or inner[0][0] != SH.inversePath:
                    raise Unsupported(f"shape {node} has a complex path")
                if not isinstance(inner[0][1], URIRef):
                    raise Unsupported(f"shape {node} has a complex path")
                path, inverse = inner[0][1], True
        for p, values in params.items():
            many = p in (SH["class"], SH.pattern, SH.hasValue, SH.property, SH.sparql, SH.node)
            many = many or p in (SH["or"], SH["not"])
            if len(values) > 1 and not many:
                raise Unsupported(f"shape {node} has two values of {p}")
        if SH.flags in params and SH.pattern not in params:
            raise Unsupported(f"shape {node} has sh:flags without sh:pattern")
        if SH.uniqueLang in params and path is None:
            raise Unsupported(f"node shape {node} has sh:uniqueLang")
        sparql = [self._sparql(c) for c in params.pop(SH.sparql, [])]
        if sparql and path is not None:
            raise Unsupported(f"property shape {node} has a SPARQL constraint")
        return _Shape(node, path, inverse, paths[0] if paths else None, dict(params), sparql)

    def _sparql(self, node: Node) -> _Sparql:
        g = self.graph
        allowed = {RDF.type, SH.select, SH.prefixes, SH.message, RDFS.label, RDFS.comment}
        if any(p not in allowed for p in g.predicates(node)):
            raise Unsupported(f"SPARQL constraint {node} has properties not understood here")
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise Unsupported(f"SPARQL constraint {node} needs exactly one sh:select")
        prefixes: dict[str, str] = {}
        for holder in g.objects(node, SH.prefixes):
            for declaration in g.objects(holder, SH.declare):
                prefix = g.value(declaration, SH.prefix)
                namespace = g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise Unsupported(f"an incomplete sh:declare for {node}")
                prefixes[str(prefix)] = str(namespace)
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
        return _Sparql(node, f"{header}\n{selects[0]}")


def _items(graph: Graph, head: Node) -> list[Node]:
    """The members of an RDF list (``Unsupported`` if it is not a well-formed list)."""
    items: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil:
        if head in seen:
            raise Unsupported("a cyclic RDF list in the shapes graph")
        seen.add(head)
        first = list(graph.objects(head, RDF.first))
        rest = list(graph.objects(head, RDF.rest))
        if len(first) != 1 or len(rest) != 1:
            raise Unsupported("a malformed RDF list in the shapes graph")
        items.append(first[0])
        head = rest[0]
    return items


# ----------------------------------------------------------------------------------------------
# Evaluating
# ----------------------------------------------------------------------------------------------


class Checker:
    """Evaluates compiled shapes on one data graph (and a pyoxigraph store with its triples)."""

    def __init__(self, shapes: Shapes, data: Graph, store: Any = None) -> None:
        self.shapes = shapes
        self.data = data
        self._store = store
        self._index: dict[tuple[URIRef, bool], dict[Node, list[Node]]] = {}
        self._instances: dict[Node, set[Node]] = {}
        self._census: Census | None = None
        self._compiled_patterns: dict[tuple[str, int], re.Pattern[str]] = {}
        self.engines: dict[Node, str] = {}  # SPARQL constraint -> "oxigraph" or "rdflib"

    def violations(self) -> list[Result]:
        out: list[Result] = []
        for node in self.shapes.targeted:
            out.extend(self.evaluate(self.shapes.shapes[node], self.focus_nodes(node)))
        return out

    # -- targets, values, classes ---------------------------------------------------------------

    def focus_nodes(self, node: Node) -> set[Node]:
        """pyshacl's ``Shape.focus_nodes``: targetNode, targetClass (with subclasses), ..."""
        g, found = self.shapes.graph, set()
        found.update(g.objects(node, SH.targetNode))
        for cls in g.objects(node, SH.targetClass):
            found.update(self.instances(cls))
        for p in g.objects(node, SH.targetSubjectsOf):
            found.update(s for s, _ in self.data.subject_objects(p))
        for p in g.objects(node, SH.targetObjectsOf):
            found.update(o for _, o in self.data.subject_objects(p))
        return found

    def instances(self, cls: Node) -> set[Node]:
        """The nodes with an rdf:type that is ``cls`` or a subclass of it in the data graph."""
        found = self._instances.get(cls)
        if found is None:
            found = set(self.data.subjects(RDF.type, cls))
            for sub in self.data.transitive_subjects(RDFS.subClassOf, cls):
                if sub != cls:
                    found.update(self.data.subjects(RDF.type, sub))
            self._instances[cls] = found
        return found

    def _values(self, shape: _Shape, focus: Node) -> list[Node]:
        key = (shape.path, shape.inverse)
        index = self._index.get(key)
        if index is None:
            index = defaultdict(list)
            for s, o in self.data.subject_objects(shape.path):
                if shape.inverse:
                    index[o].append(s)
                else:
                    index[s].append(o)
            self._index[key] = index
        return index.get(focus, [])

    # -- one shape, all its focus nodes at once --------------------------------------------------

    def evaluate(self, shape: _Shape, focus: Iterable[Node]) -> list[Result]:
        focus = list(focus)
        if not focus:
            return []
        if shape.path is not None:
            values = {f: self._values(shape, f) for f in focus}
        else:
            values = {f: [f] for f in focus}
        out: list[Result] = []
        params = shape.params

        def each(component: URIRef, failing) -> None:
            for f, vs in values.items():
                for v in vs:
                    if failing(v):
                        out.append(Result(f, shape.node, component, shape.path_node, v))

        for n in params.get(SH.minCount, []):
            for f, vs in values.items():
                if not len(vs) >= int(n.value):
                    out.append(
                        Result(f, shape.node, SH.MinCountConstraintComponent, shape.path_node, None)
                    )
        for n in params.get(SH.maxCount, []):
            for f, vs in values.items():
                if not len(vs) <= int(n.value):
                    out.append(
                        Result(f, shape.node, SH.MaxCountConstraintComponent, shape.path_node, None)
                    )
        for cls in params.get(SH["class"], []):
            members = self.instances(cls)
            each(
                SH.ClassConstraintComponent,
                lambda v, m=members: isinstance(v, Literal) or v not in m,
            )
        for datatype in params.get(SH.datatype, []):
            each(SH.DatatypeConstraintComponent, lambda v, d=datatype: not _datatype_matches(v, d))
        for kind in params.get(SH.nodeKind, []):
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            each(SH.NodeKindConstraintComponent, lambda v, k=_NODE_KINDS[kind]: not _kind(v, k))
        flags = params.get(SH.flags, [None])[0]
        for pattern in params.get(SH.pattern, []):
            matcher = self._pattern(pattern, flags)
            each(SH.PatternConstraintComponent, lambda v, m=matcher: not _matches(v, m))
        for n in params.get(SH.minLength, []):
            each(SH.MinLengthConstraintComponent, lambda v, n=n.value: not _min_length(v, n))
        for n in params.get(SH.maxLength, []):
            each(SH.MaxLengthConstraintComponent, lambda v, n=n.value: not _max_length(v, n))
        for members in params.get(SH["in"], []):
            allowed = set(_items(self.shapes.graph, members))
            each(SH.InConstraintComponent, lambda v, a=allowed: v not in a)
        for value in params.get(SH.hasValue, []):
            for f, vs in values.items():
                if not any(v == value for v in vs):
                    out.append(
                        Result(f, shape.node, SH.HasValueConstraintComponent, shape.path_node, None)
                    )
        for tags in params.get(SH.languageIn, []):
            wanted = _languages(self.shapes.graph, tags)
            each(SH.LanguageInConstraintComponent, lambda v, w=wanted: not _language_in(v, w))
        for flag in params.get(SH.uniqueLang, []):
            if not isinstance(flag, Literal) or not isinstance(flag.value, bool):
                raise Unsupported("sh:uniqueLang is not a boolean")
            if flag.value:
                for f, vs in values.items():
                    for _ in _duplicate_languages(vs):
                        out.append(
                            Result(
                                f,
                                shape.node,
                                SH.UniqueLangConstraintComponent,
                                shape.path_node,
                                None,
                            )
                        )
        for key, component, test in _RANGES:
            for bound in params.get(key, []):
                if not isinstance(bound, Literal):
                    raise Unsupported(f"{key} is not a literal")
                each(component, lambda v, b=bound, t=test: not _in_range(v, b, t))
        for members in params.get(SH["or"], []):
            options = [self.shapes.shapes[m] for m in _items(self.shapes.graph, members)]
            candidates = {v for vs in values.values() for v in vs}
            passing = set()
            for option in options:
                failing = {r.focus for r in self.evaluate(option, candidates - passing)}
                passing.update(candidates - passing - failing)
            each(SH.OrConstraintComponent, lambda v, p=passing: v not in p)
        for member in params.get(SH["not"], []):
            candidates = {v for vs in values.values() for v in vs}
            failing = {r.focus for r in self.evaluate(self.shapes.shapes[member], candidates)}
            each(SH.NotConstraintComponent, lambda v, f=failing: v not in f)
        for member in params.get(SH.node, []):
            candidates = {v for vs in values.values() for v in vs}
            failing = {r.focus for r in self.evaluate(self.shapes.shapes[member], candidates)}
            each(SH.NodeConstraintComponent, lambda v, f=failing: v in f)
        for member in params.get(SH.property, []):
            candidates = {v for vs in values.values() for v in vs}
            out.extend(self.evaluate(self.shapes.shapes[member], candidates))
        for constraint in shape.sparql:
            out.extend(self._evaluate_sparql(shape, constraint, set(focus)))
        return out

    def _pattern(self, pattern: Node, flags: Node | None) -> re.Pattern[str]:
        if not isinstance(pattern, Literal):
            raise Unsupported("sh:pattern is not a literal")
        re_flags = 0
        if flags is not None:
            text = str(flags.value if isinstance(flags, Literal) else flags).lower()
            re_flags |= re.I if "i" in text else 0
            re_flags |= re.M if "m" in text else 0
        source = (
            str(pattern.value)
            if pattern.value is not None and len(pattern.value) > 1
            else str(pattern)
        )
        key = (source, re_flags)
        if key not in self._compiled_patterns:
            self._compiled_patterns[key] = re.compile(source, re_flags)
        return self._compiled_patterns[key]

    # -- SHACL-SPARQL ----------------------------------------------------------------------------

    def _evaluate_sparql(
        self, shape: _Shape, constraint: _Sparql, focus: set[Node]
    ) -> list[Result]:
        namespaces = {p: str(ns) for p, ns in self.data.namespaces()}
        plan = _planned(constraint.text, sparql_text.names_of(namespaces))
        on_oxigraph = plan is not None and all(isinstance(f, URIRef) for f in focus)
        if on_oxigraph:
            on_oxigraph = self.census().safe_for(plan)
        self.engines[constraint.node] = "oxigraph" if on_oxigraph else "rdflib"
        rows: list[tuple[Node, Node | None, Node | None]] = []
        redo: set[Node] = set()
        if on_oxigraph:
            for this, path, value in self._run_oxigraph(plan, focus, namespaces):
                if isinstance(path, Literal) or isinstance(value, Literal) or this not in focus:
                    redo.add(this)  # a literal Oxigraph may have changed: rdflib gives this row
                else:
                    rows.append((this, path, value))
        else:
            redo = focus
        if redo:
            rows.extend(self._run_rdflib(constraint.text, redo & focus))
        out = []
        for this, path, value in sorted(set(rows), key=lambda r: tuple(map(str, r))):
            out.append(
                Result(
                    this,
                    shape.node,
                    SH.SPARQLConstraintComponent,
                    path,
                    this if value is None else value,
                )
            )
        return out

    def _run_rdflib(
        self, text: str, focus: Iterable[Node]
    ) -> list[tuple[Node, Node | None, Node | None]]:
        """Per focus node, as pyshacl runs it: ``$this`` pre-bound, the graph's prefixes known."""
        prepared = sparql_text.prepare(text, self.data.namespaces())
        rows = []
        for f in focus:
            for row in self.data.query(prepared, initBindings={"this": f}):
                found = row.asdict()
                if found.get("failure") is not None:
                    raise Unsupported("a SPARQL constraint reports ?failure")
                this, path, value = found.get("this"), found.get("path"), found.get("value")
                if this is None and path is None and value is None:
                    continue
                rows.append((this or f, path, value))
        return rows

    def _run_oxigraph(
        self, plan: _Plan, focus: set[Node], namespaces: dict[str, str]
    ) -> list[tuple[Node, Node | None, Node | None]]:
        import pyoxigraph as ox

        from .store import _from_oxigraph

        store = self._oxigraph()
        table = " ".join(f"<{f}>" for f in sorted(focus, key=str))
        text = plan.head + f"VALUES ?this {{ {table} }}\n" + plan.tail
        answer = store.query(
            text,
            prefixes=namespaces,
            use_default_graph_as_union=True,
        )
        if not isinstance(answer, ox.QuerySolutions):
            raise Unsupported("a SPARQL constraint is not a SELECT query")
        names = {v.value for v in answer.variables}
        rows = []
        for solution in answer:
            this = _from_oxigraph(solution["this"]) if "this" in names else None
            path = _from_oxigraph(solution["path"]) if "path" in names else None
            value = _from_oxigraph(solution["value"]) if "value" in names else None
            if this is None:
                raise Unsupported("a SPARQL constraint whose ?this is unbound")
            rows.append((this, path, value))
        return rows

    def _oxigraph(self) -> Any:
        if self._store is None:
            import pyoxigraph as ox

            store = ox.Store()
            data = self.data.serialize(format="nt", encoding="utf-8")
            store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
            self._store = store
        return self._store

    def census(self) -> Census:
        if self._census is None:
            self._census = Census(self.data)
        return self._census


# ----------------------------------------------------------------------------------------------
# pyshacl's rules for single values (string_based_constraints.py, value_constraints.py, …)
# ----------------------------------------------------------------------------------------------


def _datatype_matches(v: Node, rule: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _actual_datatype(v, rule)
    if rule == RDF.langString and v.language:
        return _actual_datatype(v, rule)
    return False


def _actual_datatype(v: Literal, rule: Node) -> bool:
    value = v.value
    checks: dict[Node, Any] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    kind = checks.get(rule)
    return True if kind is None else isinstance(value, kind)


def _kind(v: Node, kinds: tuple[type, ...]) -> bool:
    if isinstance(v, BNode):
        return BNode in kinds
    if isinstance(v, Literal):
        return Literal in kinds
    return URIRef in kinds


def _string(v: Node) -> str:
    if (
        isinstance(v, Literal)
        and v.value is not None
        and v.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(v.value)
    return str(v)


def _matches(v: Node, matcher: re.Pattern[str]) -> bool:
    if isinstance(v, BNode):
        return False
    text = _string(v)
    return bool(matcher.match(text) or matcher.search(text))


def _min_length(v: Node, n: Any) -> bool:
    if n == 0:
        return True
    return False if isinstance(v, BNode) else len(_string(v)) >= n


def _max_length(v: Node, n: Any) -> bool:
    return False if isinstance(v, BNode) else len(_string(v)) <= n


def _languages(graph: Graph, head: Node) -> set[str]:
    wanted = set()
    for tag in _items(graph, head):
        if not isinstance(tag, Literal) or not isinstance(tag.value, str):
            raise Unsupported("sh:languageIn has a member that is not a string")
        wanted.add(str(tag.value).lower())
    return wanted


def _language_in(v: Node, wanted: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language)
    return "*" in wanted or lang.lower() in wanted or lang.split("-")[0].lower() in wanted


def _duplicate_languages(values: Iterable[Node]) -> set[str]:
    seen: set[str] = set()
    duplicates: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            low = str(v.language).lower()
            (duplicates if low in seen else seen).add(low)
    return duplicates


def _in_range(v: Node, bound: Literal, test) -> bool:
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return test(compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


_RANGES = (
    (SH.minInclusive, SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
    (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
    (SH.minExclusive, SH.MinExclusiveConstraintComponent, lambda c: c > 0),
    (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, lambda c: c < 0),
)


# ----------------------------------------------------------------------------------------------
# SHACL-SPARQL on Oxigraph: the rewrite and when it is exact
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """A SPARQL constraint rewritten for all focus nodes: ``head + VALUES + tail``."""

    head: str
    tail: str
    reads_datatypes: bool  # DATATYPE, sameTerm, a literal constant in a pattern, a computed number
    joins: tuple[frozenset[URIRef] | None, ...]  # per literal join: its predicates (None: any)


_NAME = r"[$?][A-Za-z_][A-Za-z0-9_]*"
_SELECT = re.compile(
    r"^(?P<prefixes>(\s*PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^<>\s]*>)*)"
    rf"(?P<select>\s*SELECT\s+(DISTINCT\s+)?(?P<vars>({_NAME}\s+)*{_NAME})\s*(WHERE\s*)?\{{)",
    re.IGNORECASE,
)
_FORBIDDEN = re.compile(
    r"\b(VALUES|MINUS|SERVICE|GRAPH|FROM|GROUP|HAVING|ORDER|LIMIT|OFFSET)\b"
    r"|\$(value|PATH|currentShape|shapesGraph)\b|[$?]failure\b",
    re.IGNORECASE,
)
# The functions whose meaning is the same in rdflib and Oxigraph on the literals the census lets
# through (REGEX and REPLACE only with a pattern of letters, digits and ^ $ . * + ? / \ -).
_FUNCTIONS = {
    "Builtin_STR",
    "Builtin_CONCAT",
    "Builtin_STRENDS",
    "Builtin_STRSTARTS",
    "Builtin_CONTAINS",
    "Builtin_REPLACE",
    "Builtin_REGEX",
    "Builtin_IF",
    "Builtin_BOUND",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
    "Builtin_isIRI",
    "Builtin_isURI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_STRLEN",
}
_ARITHMETIC = {"AdditiveExpression", "MultiplicativeExpression", "UnaryMinus", "UnaryPlus"}
_SIMPLE_REGEX = re.compile(r"[A-Za-z0-9^$.*+?/\\ -]*")


@lru_cache(maxsize=256)
def _planned(text: str, names: sparql_text.Names) -> _Plan | None:
    """``_plan`` once per text, namespaces and process (parsing the text is most of its cost)."""
    return _plan(text, dict(names))


def _plan(text: str, namespaces: dict[str, str]) -> _Plan | None:
    """How to run a constraint on Oxigraph for all focus nodes at once (None: per node, rdflib).

    ``$this`` becomes ``?this``, bound by a ``VALUES`` table as the first element of the
    top-level group: a join, which is pre-binding for every element of that group and inside
    its ``EXISTS``. Declined: a sub-query, ``VALUES``, ``MINUS``, aggregates or solution
    modifiers, a variable pyshacl pre-binds other than ``$this``, ``$this`` in a ``FILTER`` or
    ``BIND`` of a nested group (there ``?this`` would be unbound, where pre-binding binds it), a
    function outside ``_FUNCTIONS``.
    """
    import functools

    from rdflib.plugins.sparql.algebra import translatePName, translatePrologue, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found = _SELECT.match(text)
    if found is None or _FORBIDDEN.search(text):
        return None
    names = {name[1:] for name in found.group("vars").split()}
    if not names <= {"this", "value", "path"} or "this" not in names:
        return None
    try:
        parsed = parseQuery(text)
        prologue = translatePrologue(parsed[0], None, namespaces)
        tree = traverse(parsed[1], visitPost=functools.partial(translatePName, prologue=prologue))
    except Exception:
        return None
    where = _get(tree, "where")
    if not isinstance(where, CompValue) or where.name != "GroupGraphPatternSub":
        return None
    if not all(_nested_ok(graph) for part in _get(where, "part") or [] for graph in _groups(part)):
        return None

    triples: list[tuple[Any, Any, Any]] = []
    binds: dict[Variable, list[Any]] = defaultdict(list)
    reads = False
    unknown = False

    def walk(node: Any, in_filter: bool = False) -> None:
        nonlocal reads, unknown
        if isinstance(node, CompValue):
            name = node.name
            if name == "TriplesBlock":
                for block in _get(node, "triples") or []:
                    flat = list(block)
                    for i in range(0, len(flat) - 2, 3):
                        triples.append((flat[i], flat[i + 1], flat[i + 2]))
                        reads = reads or isinstance(flat[i + 2], Literal)
            elif name == "SubSelect":
                unknown = True
            elif name.startswith(("Builtin_", "Aggregate_")) or name == "Function":
                if name not in _FUNCTIONS:
                    unknown = True
                if name in ("Builtin_REPLACE", "Builtin_REGEX"):
                    pattern = _unwrap(_get(node, "pattern"))
                    simple = isinstance(pattern, Literal) and _SIMPLE_REGEX.fullmatch(str(pattern))
                    if not simple or _get(node, "flags") is not None:
                        unknown = True
            elif name in _ARITHMETIC and (_get(node, "other") or name.startswith("Unary")):
                reads = reads or not in_filter
            if name == "Bind":
                binds[_get(node, "var")].append(_get(node, "expr"))
                in_filter = False
            if name == "Filter":
                in_filter = True
            for value in node.values():
                walk(value, in_filter)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value, in_filter)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, in_filter)

    walk(where)
    if unknown:
        return None
    joins: list[frozenset[URIRef] | None] = []
    for var in {o for _, _, o in triples if isinstance(o, Variable)}:
        uses = [p for _, p, o in triples if o == var]
        if len(uses) + len(binds.get(var, [])) < 2:
            continue
        predicates: set[URIRef] = set()
        for p in uses:
            constants = _predicates(p, where)
            if constants is None or var in binds:
                joins.append(None)
                break
            predicates.update(constants)
        else:
            joins.append(frozenset(predicates))
    start = found.end("select")
    head = found.group("prefixes") + "\n" + found.group("select").replace("$this", "?this") + "\n"
    tail = text[start:].replace("$this", "?this")
    return _Plan(head, tail, reads, tuple(joins))


def _get(node: Any, key: str) -> Any:
    """A key of a parse-tree node (``CompValue.get`` returns the key itself when it is absent)."""
    return dict.get(node, key)


def _nested_ok(group: Any) -> bool:
    """No FILTER or BIND of a nested group (or of its nested groups) mentions ``?this``."""
    for part in _get(group, "part") or []:
        if part.name in ("Filter", "Bind") and _mentions(part, Variable("this")):
            return False
        if not all(_nested_ok(graph) for graph in _groups(part)):
            return False
    return True


def _mentions(node: Any, var: Variable) -> bool:
    if node == var:
        return True
    if isinstance(node, dict):
        return any(_mentions(v, var) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_mentions(v, var) for v in node)
    return False


def _groups(part: Any) -> list[Any]:
    """The nested groups of one element of a group (OPTIONAL, UNION branches, a { } group)."""
    name = getattr(part, "name", "")
    if name == "OptionalGraphPattern":
        return [_get(part, "graph")]
    if name == "GroupOrUnionGraphPattern":
        return list(_get(part, "graph") or [])
    if name == "GroupGraphPatternSub":
        return [part]
    return []


def _predicates(p: Any, where: Any) -> set[URIRef] | None:
    """The predicates a triple pattern's predicate can be: a constant IRI, or a variable that
    every solution binds to a constant (a top-level BIND, or one BIND in every UNION branch)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    path = p
    while isinstance(path, CompValue) and path.name in (
        "PathAlternative",
        "PathSequence",
        "PathElt",
    ):
        parts = _get(path, "part")
        if path.name == "PathElt" and _get(path, "mod"):
            return None
        if isinstance(parts, list):
            if len(parts) != 1:
                return None
            parts = parts[0]
        path = parts
    if isinstance(path, URIRef):
        return {path}
    if not isinstance(path, Variable):
        return None
    for part in _get(where, "part") or []:
        if part.name == "Bind" and _get(part, "var") == path:
            constant = _constant(_get(part, "expr"))
            return None if constant is None else {constant}
        if part.name == "GroupOrUnionGraphPattern":
            found: set[URIRef] = set()
            for branch in _get(part, "graph") or []:
                binds = [
                    b
                    for b in _get(branch, "part") or []
                    if b.name == "Bind" and _get(b, "var") == path
                ]
                constant = _constant(_get(binds[0], "expr")) if len(binds) == 1 else None
                if constant is None:
                    return None
                found.add(constant)
            if found:
                return found
    return None


def _unwrap(expr: Any) -> Any:
    """An expression without the one-child wrappers of rdflib's parse tree."""
    from rdflib.plugins.sparql.parserutils import CompValue

    while isinstance(expr, CompValue) and list(expr.keys()) == ["expr"]:
        expr = _get(expr, "expr")
    return expr


def _constant(expr: Any) -> URIRef | None:
    expr = _unwrap(expr)
    return expr if isinstance(expr, URIRef) else None


class Census:
    """Which literals of the data Oxigraph would store differently, and what that can change.

    Every distinct literal is read back from a probe store: ``lexical`` is true if a lexical form
    or a language tag would change, ``datatype`` if only a datatype would
    (``"5"^^xsd:positiveInteger`` as ``xsd:integer``); ``merged`` lists the groups of literals of
    the data that would become one term (``"5"^^xsd:positiveInteger`` and
    ``"5"^^xsd:nonNegativeInteger``), ``predicates`` the predicates each literal is a value of.
    """

    def __init__(self, data: Graph) -> None:
        predicates: dict[Literal, set[URIRef]] = defaultdict(set)
        for _, p, o in data:
            if isinstance(o, Literal):
                predicates[o].add(p)
        literals = sorted(predicates, key=lambda t: (str(t), t.language or "", str(t.datatype)))
        self.lexical = False
        self.datatype = False
        groups: dict[Literal, list[Literal]] = defaultdict(list)
        for original, form in zip(literals, _as_stored(literals), strict=True):
            if str(form) != str(original) or (form.language or "") != (original.language or ""):
                self.lexical = True
            elif form.datatype != original.datatype:
                self.datatype = True
            groups[form].append(original)
        self.merged = [members for members in groups.values() if len(members) > 1]
        self.predicates = predicates

    def safe_for(self, plan: _Plan) -> bool:
        """Whether Oxigraph gives the rows rdflib gives for this plan on this data."""
        if self.lexical:
            return False
        if (self.datatype or self.merged) and plan.reads_datatypes:
            return False
        for joined in plan.joins:
            for members in self.merged:
                if joined is None or sum(1 for m in members if self.predicates[m] & joined) > 1:
                    return False
        return True


def _as_stored(literals: list[Literal]) -> list[Literal]:
    """Each literal as an Oxigraph store gives it back (as the rdflib term store.py makes)."""
    import pyoxigraph as ox

    from .store import _from_oxigraph

    probe = ox.Store()
    predicate, default = ox.NamedNode("urn:x-probe:p"), ox.DefaultGraph()
    quads = []
    for i, term in enumerate(literals):
        if term.language:
            value = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None:
            value = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            value = ox.Literal(str(term))
        quads.append(ox.Quad(ox.NamedNode(f"urn:x-probe:{i}"), predicate, value, default))
    probe.bulk_extend(quads)
    out: list[Any] = [None] * len(literals)
    for quad in probe:
        out[int(quad.subject.value[len("urn:x-probe:") :])] = _from_oxigraph(quad.object)
    return out


# ----------------------------------------------------------------------------------------------
# The entry point
# ----------------------------------------------------------------------------------------------


def violations(data: Graph, shapes: Graph, store: Any = None) -> list[Result] | None:
    """The violations of ``shapes`` in ``data`` (``store``: a pyoxigraph Store with the same
    triples in its default graph or as the union of its named graphs; built if ``None``), or
    ``None`` if the shapes use something this module does not evaluate exactly."""
    try:
        compiled = Shapes(shapes)
        return Checker(compiled, data, store).violations()
    except Unsupported:
        return None
    except Exception:  # a shapes graph pyshacl may reject with its own message: let it say so
        return None
