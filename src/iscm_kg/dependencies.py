"""Which nodes a change of triples can make valid or invalid: the reach of the shapes.

The SHACL results of a focus node depend only on the triples a validator reads when it starts
from that node: along each property path, then the types of the values (``sh:class``), the
values' own shapes (``sh:node``, ``sh:or`` …) and the patterns of SHACL-SPARQL constraints, which
may walk several steps and backwards. Each such walk is a *signature*, a sequence of steps
``(predicate, forward?)`` (``None`` for any predicate), read off the shapes graph; no rule about
our data is written here.

A change is a triple added or removed, here or in what reasoning derives from it (a
super-property, an inverse, a symmetric property, a domain or range type, a property chain): the
rules come from the ontology in the graph. A node is *affected* when it has a change itself, or
when one of its signatures reaches, after some steps, a node with a change on the next step.
Validating the affected nodes (pyshacl's ``focus_nodes``) then gives exactly the results a full
validation gives for them; every other node's results are unchanged.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from . import sparql_text

Step = tuple[URIRef | None, bool]  # (predicate or None for any, True = subject to object)
Signature = tuple[Step, ...]
Triple = tuple[Node, URIRef, Node | None]  # object None: "some value" (a derived type)

_THIS = Variable("this")
_NESTED = (SH.node, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["or"], SH["and"], SH.xone)
_AT_FOCUS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class Unbounded(Exception):
    """The shapes read the graph in a way this analysis does not bound (validate everything)."""


# ------------------------------------------------------------------------------------ shapes


def signatures(shapes: Graph, data: Graph | None = None) -> frozenset[Signature]:
    """Every walk a validator may make from a focus node of any targeted shape; where a SPARQL
    constraint allows several walks, the one cheapest to follow backwards in ``data``."""
    out: set[Signature] = set()
    prefixes = _prefixes(shapes)
    fan = Fan.of(data)
    for shape in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        out |= _shape(shapes, shape, (prefixes, fan), ())
    return frozenset(out)


def _shape(shapes: Graph, shape: Node, context: tuple, stack: tuple) -> set[Signature]:
    """The walks made when validating one node against ``shape``, relative to that node."""
    if shape in stack:
        raise Unbounded(f"the shape {shape} refers to itself")
    stack = (*stack, shape)
    out: set[Signature] = {()}
    at_values: set[Signature] = set()
    if (shape, SH["class"], None) in shapes:
        at_values.add(((RDF.type, True),))
    if shapes.value(shape, SH.closed) is not None:
        at_values.add(((None, True),))
    for link in _NESTED:
        for nested in shapes.objects(shape, link):
            at_values |= _shape(shapes, nested, context, stack)
    for link in _LISTS:
        for head in shapes.objects(shape, link):
            for member in Collection(shapes, head):
                at_values |= _shape(shapes, member, context, stack)
    for prop in shapes.objects(shape, SH.property):
        at_values |= _shape(shapes, prop, context, stack)
    for link in _AT_FOCUS:
        for predicate in shapes.objects(shape, link):
            out.add(((predicate, True),))
    for constraint in shapes.objects(shape, SH.sparql):
        text = shapes.value(constraint, SH.select)
        if text is None:
            raise Unbounded(f"the SPARQL constraint {constraint} has no sh:select")
        out |= _sparql(str(text), *context)
    path = shapes.value(shape, SH.path)
    walks = [()] if path is None else _path(shapes, path)
    for walk in walks:
        out.add(walk)
        out |= {walk + tail for tail in at_values}
    return out


def _path(shapes: Graph, path: Node) -> list[Signature]:
    """The step sequences a SHACL property path denotes."""
    if isinstance(path, URIRef):
        return [((path, True),)]
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return [tuple((p, not fwd) for p, fwd in reversed(w)) for w in _path(shapes, inverse)]
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return [w for member in Collection(shapes, alternatives) for w in _path(shapes, member)]
    if (path, RDF.first, None) in shapes:
        parts = [_path(shapes, member) for member in Collection(shapes, path)]
        return [tuple(itertools.chain(*combo)) for combo in itertools.product(*parts)]
    raise Unbounded(f"the property path {path} repeats (zero-or-more, one-or-more)")


def _prefixes(shapes: Graph) -> dict[str, str]:
    return {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(None, SH.declare)
    }


def _sparql(text: str, prefixes: dict[str, str], fan: Fan) -> set[Signature]:
    """For each triple pattern of a SELECT (filters, unions and EXISTS included), one walk from
    ``$this`` to one of its ends through the patterns matched together with it, then across it.

    One walk per pattern suffices: in any solution, the patterns of the pattern's own group and of
    the groups around it are all matched, so the walk exists in the data whenever the pattern reads
    a triple. (A walk through a sibling UNION branch would not.) Of the possible walks, the one
    that is cheapest to follow backwards in this graph is taken (``Fan``), so that a change to one
    paragraph does not reach every paragraph of its document through a join on the document.
    """
    query = sparql_text.prepare(text, prefixes)
    edges = list(_patterns(query.algebra, ()))
    literal = {o for _, p, o, _ in edges if isinstance(p, URIRef) and fan.literal_only(p)}
    literal |= {o for _, _, o, _ in edges if isinstance(o, Literal)}
    out: set[Signature] = {()}
    for s, p, o, scope in edges:
        allowed = [e for e in edges if scope[: len(e[3])] == e[3]]
        walks = _cheapest(allowed, literal, fan)
        step_p = p if isinstance(p, URIRef) else None
        ends = [
            (walks[n][0], not forward, n, forward)
            for n, forward in ((s, True), (o, False))
            if n in walks and n not in literal
        ]
        if not ends:
            raise Unbounded("a SPARQL constraint reads triples not connected to $this")
        _, _, start, forward = min(ends, key=lambda e: e[:2])  # the cheaper end, else the subject
        out.add((*walks[start][1], (step_p, forward)))
    return out


def _cheapest(edges: list, literal: set[Node], fan: Fan) -> dict[Node, tuple[float, Signature]]:
    """From ``$this`` to every node of the pattern graph, the walk that is cheapest to follow
    backwards (the sum of the logarithms of the fan of each step); never through a literal."""
    best: dict[Node, tuple[float, Signature]] = {_THIS: (0.0, ())}
    queue = [(0.0, 0, _THIS)]
    counter = itertools.count(1)
    done: set[Node] = set()
    while queue:
        cost, _, node = heapq.heappop(queue)
        if node in done or node in literal:
            continue
        done.add(node)
        for s, p, o, _ in edges:
            step_p = p if isinstance(p, URIRef) else None
            for start, end, forward in ((s, o, True), (o, s, False)):
                if start != node:
                    continue
                total = cost + fan.cost(step_p, forward)
                if end not in best or total < best[end][0]:
                    best[end] = (total, (*best[node][1], (step_p, forward)))
                    heapq.heappush(queue, (total, next(counter), end))
    return best


class Fan:
    """How many nodes one backward step reaches on average, per predicate, in a graph: following
    ``(p, forward)`` backwards from an object finds its subjects (fan-in), following
    ``(p, backward)`` backwards from a subject finds its objects (fan-out). Counted when first
    asked, for the few predicates of the SPARQL constraints."""

    def __init__(self, graph: Graph | None) -> None:
        self.graph = graph
        self.counts: dict[Node, tuple[int, int, int, bool]] = {}

    @classmethod
    def of(cls, graph: Graph | None) -> Fan:
        return cls(graph)

    def _count(self, predicate: Node) -> tuple[int, int, int, bool]:
        if predicate not in self.counts:
            n, subjects, objects, literal = 0, set(), set(), True
            if self.graph is not None:
                for s, _, o in self.graph.triples((None, predicate, None)):
                    n += 1
                    subjects.add(s)
                    objects.add(o)
                    literal = literal and isinstance(o, Literal)
            self.counts[predicate] = (n, len(subjects), len(objects), literal and n > 0)
        return self.counts[predicate]

    def literal_only(self, predicate: Node) -> bool:
        return self._count(predicate)[3]

    def cost(self, predicate: Node | None, forward: bool) -> float:
        if predicate is None:
            value = 10.0 if self.graph is not None else 1.0  # any predicate: assume a wide fan
        else:
            n, subjects, objects, _ = self._count(predicate)
            value = n / max(1, objects if forward else subjects)
        return math.log(max(value, 1.0)) + 1e-3  # + a little per step: shorter wins ties


# Parts of a query matched only in some solutions: each gets a scope of its own.
_BRANCHES = {
    "Union": ("p1", "p2"),
    "LeftJoin": ("p2",),
    "Minus": ("p2",),
    "Builtin_EXISTS": ("graph",),
    "Builtin_NOTEXISTS": ("graph",),
    "OptionalGraphPattern": ("graph",),
    "MinusGraphPattern": ("graph",),
    "GroupOrUnionGraphPattern": ("graph",),
}


def _patterns(value: object, scope: tuple) -> Iterator[tuple[Node, Node, Node, tuple]]:
    """The triple patterns anywhere in a parsed query, each with its scope (a tuple of nested
    branch ids); a blank node, path or collection in a pattern becomes a fresh variable."""
    if isinstance(value, CompValue):
        branches = _BRANCHES.get(value.name, ())
        for key, item in value.items():
            if key == "triples":
                for group in item:
                    flat = list(group)
                    for i in range(0, len(flat) - 2, 3):
                        s, p, o = (_term(t) for t in flat[i : i + 3])
                        yield s, p, o, scope
            elif key in branches:
                if value.name == "GroupOrUnionGraphPattern" and isinstance(item, list):
                    for branch in item:
                        yield from _patterns(branch, (*scope, id(branch)))
                else:
                    yield from _patterns(item, (*scope, id(item)))
            else:
                yield from _patterns(item, scope)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _patterns(item, scope)


def _term(term: object) -> Node:
    if isinstance(term, (URIRef, Literal, Variable)):
        return term
    return Variable(f"_anon{id(term)}")


# --------------------------------------------------------------------------------- inference


@dataclass
class Entailment:
    """What reasoning derives from one triple, read from the ontology in the graph."""

    supers: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    typed_subject: set[Node] = field(default_factory=set)
    typed_object: set[Node] = field(default_factory=set)
    chains: list[tuple[URIRef, tuple[URIRef, ...]]] = field(default_factory=list)

    @classmethod
    def of(cls, graph: Graph) -> Entailment:
        rules = cls()
        for p, q in graph.subject_objects(RDFS.subPropertyOf):
            if p != q:
                rules.supers[p].add(q)
        for p, q in graph.subject_objects(OWL.equivalentProperty):
            rules.supers[p].add(q)
            rules.supers[q].add(p)
        for p, q in graph.subject_objects(OWL.inverseOf):
            rules.inverses[p].add(q)
            rules.inverses[q].add(p)
        rules.symmetric = set(graph.subjects(RDF.type, OWL.SymmetricProperty))
        rules.typed_subject = set(graph.subjects(RDFS.domain, None))
        rules.typed_object = set(graph.subjects(RDFS.range, None))
        for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
            members = tuple(Collection(graph, head))
            if isinstance(prop, URIRef) and all(isinstance(m, URIRef) for m in members):
                rules.chains.append((prop, members))  # type: ignore[arg-type]
        return rules

    def closure(self, delta: Iterable[Triple], graph: Graph) -> set[Triple]:
        """``delta`` and everything reasoning may add or take away because of it."""
        seen: set[Triple] = set()
        todo = list(delta)
        while todo:
            triple = todo.pop()
            if triple in seen:
                continue
            seen.add(triple)
            s, p, o = triple
            todo.extend((s, q, o) for q in self.supers.get(p, ()))
            if o is not None and not isinstance(o, Literal):
                todo.extend((o, q, s) for q in self.inverses.get(p, ()))
                if p in self.symmetric:
                    todo.append((o, p, s))
                # a range types the object, unless another, unchanged triple types it the same
                if p in self.typed_object and all((x, p, o) in seen for x in graph.subjects(p, o)):
                    todo.append((o, RDF.type, None))
            if p in self.typed_subject and all((s, p, y) in seen for y in graph.objects(s, p)):
                todo.append((s, RDF.type, None))
            for prop, members in self.chains:
                for j, member in enumerate(members):
                    if member != p:
                        continue
                    starts = _walk(graph, {s}, members[:j], forward=False)
                    ends = _walk(graph, {o}, members[j + 1 :], forward=True) if o else {None}
                    todo.extend((n, prop, y) for n in starts for y in ends)
        return seen


def _walk(graph: Graph, nodes: set, steps: tuple, forward: bool) -> set:
    """Follow ``steps`` forward from ``nodes``, or backward (last step first)."""
    for step in steps if forward else reversed(steps):
        nxt = set()
        for node in nodes:
            if forward:
                nxt.update(graph.objects(node, step))
            else:
                nxt.update(graph.subjects(step, node))
        nodes = nxt
    return nodes


# ---------------------------------------------------------------------------------- affected


def changes_at(triples: Iterable[Triple]) -> dict[Node, set[Step]]:
    """For each node, the steps (predicate, direction) whose triples changed there."""
    at: dict[Node, set[Step]] = defaultdict(set)
    for s, p, o in triples:
        at[s].add((p, True))
        if o is not None and not isinstance(o, Literal):
            at[o].add((p, False))
    return at


def affected(changes: dict[Node, set[Step]], graph: Graph, sigs: Iterable[Signature]) -> set[Node]:
    """The nodes whose validation results the changes can alter (see the module docstring)."""
    by_step: dict[Step, set[Node]] = defaultdict(set)
    for node, steps in changes.items():
        for step in steps:
            by_step[step].add(node)
    out: set[Node] = set(changes)
    for sig in set(sigs):
        for j, (predicate, forward) in enumerate(sig):
            if predicate is None:
                starts = {n for (p, f), ns in by_step.items() if f == forward for n in ns}
            else:
                starts = by_step.get((predicate, forward), set()) | by_step.get(
                    (None, forward), set()
                )
            if starts:
                out |= _back(graph, starts, sig[:j])
    return out


def _back(graph: Graph, nodes: set[Node], steps: Signature) -> set[Node]:
    """The nodes from which ``steps`` lead to one of ``nodes``."""
    for predicate, forward in reversed(steps):
        nxt: set[Node] = set()
        for node in nodes:
            if isinstance(node, Literal):
                continue
            if forward:
                nxt.update(graph.subjects(predicate, node))
            else:
                nxt.update(graph.objects(node, predicate))
        nodes = nxt
        if not nodes:
            break
    return nodes


# ------------------------------------------------------------------------- focused validation


def focused_shapes(shapes: Graph, data: Graph, focus: Iterable[Node]) -> Graph:
    """A copy of ``shapes`` whose targets are only the ``focus`` nodes each shape targets.

    Every target (``sh:targetClass`` with the subclasses the data graph states,
    ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, ``sh:targetNode``) becomes ``sh:targetNode``
    for the focus nodes it selects: validating with these shapes gives exactly the results the
    full shapes give those nodes. (pyshacl's own ``focus_nodes`` option also filters the value
    nodes of nested shapes such as ``sh:or`` members, which loses results.)
    """
    wanted = set(focus)
    out = Graph()
    for prefix, namespace in shapes.namespace_manager.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in shapes:
        if triple[1] not in _TARGETS:
            out.add(triple)
    if (None, SH.target, None) in shapes:
        raise Unbounded("a shape has a SHACL-AF custom target")
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if (shape, RDF.type, RDFS.Class) in shapes:
            raise Unbounded(f"the shape {shape} is also a class (an implicit target)")
    for shape in {s for t in _TARGETS for s in shapes.subjects(t, None)}:
        selected: set[Node] = set()
        for cls in shapes.objects(shape, SH.targetClass):
            for sub in _subclasses(data, cls):
                selected.update(n for n in data.subjects(RDF.type, sub) if n in wanted)
        for p in shapes.objects(shape, SH.targetSubjectsOf):
            selected.update(n for n in wanted if (n, p, None) in data)
        for p in shapes.objects(shape, SH.targetObjectsOf):
            selected.update(n for n in wanted if (None, p, n) in data)
        selected.update(n for n in shapes.objects(shape, SH.targetNode) if n in wanted)
        for node in selected:
            out.add((shape, SH.targetNode, node))
    return out


def _subclasses(data: Graph, cls: Node) -> set[Node]:
    found, todo = {cls}, [cls]
    while todo:
        for sub in data.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found
