"""Parameter kinds: what a parameter's value names, read from the graph, and the value lookup.

Each kind is an ``iscm:ParameterKind`` of the graph (``queries/catalog.ttl``), named by its
``skos:notation`` in a query header's ``# param:`` line. A kind says where its values are
(``iscm:valueClass``: its instances; ``iscm:valueSuperClass``: its subclasses;
``iscm:valueNamespace``: IRIs that start with it) and which property holds the short value a user
types (``iscm:valueKey``, matched without regard to case; without one, the last segment of the
value's IRI). ``iscm:allValue`` is the word that leaves the parameter unbound. A kind with none of
these takes the typed text as it is (a plain literal).

Error messages are read from the same data: an ``iscm:enumerated`` kind lists its values (in the
order of the class's ``owl:oneOf`` list, or by key; whole numbers in a row as "1 to 23"); another
kind names the key and gives the kind's ``skos:example`` values. So a new objective, level or State
is a change of the data, never of this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node, _is_valid_uri

from .. import namespaces
from ..errors import QueryError

if TYPE_CHECKING:
    from .runner import Executor


@dataclass(frozen=True)
class Kind:
    """One parameter kind, as the graph declares it."""

    iri: URIRef
    name: str
    label: str
    value_class: URIRef | None = None
    super_class: URIRef | None = None
    namespaces: tuple[Literal, ...] = ()  # xsd:anyURI literals
    keys: tuple[URIRef, ...] = ()
    key_label: str | None = None  # the label of the key property, when there is one
    all_value: str | None = None
    examples: tuple[str, ...] = ()
    enumerated: bool = False

    @property
    def literal(self) -> bool:
        """A kind whose values are the typed text itself."""
        return self.value_class is None and self.super_class is None and not self.namespaces


_KINDS = """
SELECT ?kind ?name ?label ?class ?super ?namespace ?key ?keyLabel ?all ?example ?enumerated
WHERE {
  VALUES ?name { %s }
  ?kind a iscm:ParameterKind ; skos:notation ?name .
  OPTIONAL { ?kind rdfs:label ?label }
  OPTIONAL { ?kind iscm:valueClass ?class }
  OPTIONAL { ?kind iscm:valueSuperClass ?super }
  OPTIONAL { ?kind iscm:valueNamespace ?namespace }
  OPTIONAL { ?kind iscm:valueKey ?key OPTIONAL { ?key rdfs:label ?keyLabel } }
  OPTIONAL { ?kind iscm:allValue ?all }
  OPTIONAL { ?kind skos:example ?example }
  OPTIONAL { ?kind iscm:enumerated ?enumerated }
}"""


def read_kinds(executor: Executor, names: set[str]) -> dict[str, Kind]:
    """The kinds named ``names`` that the graph declares, by name."""
    if not names:
        return {}
    wanted = " ".join(Literal(n).n3() for n in sorted(names))
    rows = executor.select(namespaces.sparql_prologue() + _KINDS % wanted).rows
    found: dict[str, dict[str, set[Node]]] = defaultdict(lambda: defaultdict(set))
    columns = ("kind", "name", "label", "class", "super", "namespace", "key", "keyLabel", "all")
    columns += ("example", "enumerated")
    for row in rows:
        fields = found[str(row[1])]
        for column, term in zip(columns, row, strict=True):
            if term is not None:
                fields[column].add(term)
    return {name: _kind(name, fields) for name, fields in found.items()}


def _one(fields: dict[str, set[Node]], column: str) -> Node | None:
    return min(fields.get(column, ()), default=None)


def _kind(name: str, fields: dict[str, set[Node]]) -> Kind:
    keys = tuple(sorted(fields.get("key", ())))
    key_label = _one(fields, "keyLabel") if len(keys) == 1 else None
    enumerated = _one(fields, "enumerated")
    all_value = _one(fields, "all")
    return Kind(
        iri=_one(fields, "kind"),  # type: ignore[arg-type]
        name=name,
        label=str(_one(fields, "label") or name),
        value_class=_one(fields, "class"),  # type: ignore[arg-type]
        super_class=_one(fields, "super"),  # type: ignore[arg-type]
        namespaces=tuple(sorted(fields.get("namespace", ()))),  # type: ignore[arg-type]
        keys=keys,  # type: ignore[arg-type]
        key_label=str(key_label) if key_label is not None else None,
        all_value=str(all_value) if all_value is not None else None,
        examples=tuple(sorted(str(e) for e in fields.get("example", ()))),
        enumerated=enumerated is not None and enumerated.toPython() is True,
    )


# --------------------------------------------------------------------------------------------
# Looking a value up
# --------------------------------------------------------------------------------------------


def lookup(kind: Kind, raw: str, executor: Executor, where: str) -> Node | None:
    """The term that ``raw`` names among the kind's values (None: ``all``, left unbound)."""
    if kind.literal:
        return Literal(raw)
    if kind.all_value is not None and raw.casefold() == kind.all_value.casefold():
        return None
    if raw.startswith(("http://", "https://")):
        return _by_iri(kind, raw, executor, where)
    wanted = Literal(raw.casefold()).n3()
    rows = executor.select(_values_query(kind, f"FILTER (LCASE(STR(?key)) = {wanted})")).rows
    names: dict[str, str] = {}
    for value, _, name in rows:
        names[str(value)] = min(names.get(str(value), str(name or "")), str(name or ""))
    found = sorted(names.items())
    if not found:
        raise QueryError(f"{where}: {_unknown(kind, raw, executor)}.")
    if len(found) > 1:
        options = "; ".join(f"{name} <{iri}>".lstrip() for iri, name in found)
        raise QueryError(f"{where}: '{raw}' is ambiguous: {options}. Give the IRI instead.")
    return URIRef(found[0][0])


def _by_iri(kind: Kind, raw: str, executor: Executor, where: str) -> URIRef:
    if not _is_valid_uri(raw):
        raise QueryError(f"{where}: '{raw}' is not a valid IRI.")
    iri = URIRef(raw)
    if not executor.select(_values_query(kind, iri=iri)).rows:
        raise QueryError(f"{where}: no {kind.label} in the graph has the IRI {raw}.")
    return iri


def _values_query(kind: Kind, condition: str = "", iri: URIRef | None = None) -> str:
    """The kind's values ``?value`` with their keys ``?key`` and names ``?name``: those whose key
    meets ``condition``, or the one ``iri`` if it is a value (whatever its key)."""
    patterns = [f"VALUES ?value {{ {iri.n3()} }}"] if iri is not None else []
    if kind.value_class is not None:
        patterns.append(f"?value a {kind.value_class.n3()} .")
    if kind.super_class is not None:
        patterns.append(f"?value rdfs:subClassOf {kind.super_class.n3()} .")
        patterns.append(f"FILTER (?value != {kind.super_class.n3()})")
    if kind.namespaces:
        tests = " || ".join(f"STRSTARTS(STR(?value), STR({ns.n3()}))" for ns in kind.namespaces)
        patterns.append(f"FILTER ({tests})")
    if iri is None and kind.keys:
        patterns.append(f"?value {'|'.join(k.n3() for k in kind.keys)} ?key .")
    elif iri is None:
        patterns.append('BIND (REPLACE(STR(?value), "^.*/", "") AS ?key)')
    patterns += [condition, "OPTIONAL { ?value skos:prefLabel ?name }"]
    body = "\n  ".join(p for p in patterns if p)
    select = "SELECT DISTINCT ?value ?key ?name WHERE {\n  " + body + "\n}"
    return namespaces.sparql_prologue() + select


def _unknown(kind: Kind, raw: str, executor: Executor) -> str:
    """Why ``raw`` is not a value of the kind, naming the accepted values."""
    if kind.enumerated:
        accepted = _listed(_keys_in_order(kind, executor))
        if kind.all_value is not None:
            accepted = f"{accepted} or {kind.all_value}" if accepted else kind.all_value
        article = "an" if kind.label[:1].lower() in "aeiou" else "a"
        return f"'{raw}' is not {article} {kind.label} ({accepted})"
    if len(kind.keys) > 1:
        called = " is called"
    elif kind.key_label is not None:
        called = f" with the {kind.key_label}"
    else:
        called = ""
    examples = f" (e.g. {', '.join(kind.examples)})" if kind.examples else ""
    return f"no {kind.label}{called} '{raw}'{examples}"


def _keys_in_order(kind: Kind, executor: Executor) -> list[str]:
    """Each value's key: in the order of the value class's ``owl:oneOf`` list, else by key."""
    keys: dict[str, str] = {}
    for value, key, _ in executor.select(_values_query(kind)).rows:
        keys[str(value)] = min(keys.get(str(value), str(key)), str(key))
    position: dict[str, int] = {}
    if kind.value_class is not None:
        sparql = namespaces.sparql_prologue() + (
            "SELECT ?value (COUNT(?step) AS ?position) WHERE { "
            f"{kind.value_class.n3()} owl:oneOf ?list . ?list rdf:rest* ?step . "
            "?step rdf:rest* ?node . ?node rdf:first ?value } GROUP BY ?value"
        )
        position = {str(v): int(p) for v, p in executor.select(sparql).rows}  # type: ignore[arg-type]
    numeric = all(k.isdigit() for k in keys.values())
    return [
        keys[v]
        for v in sorted(
            keys,
            key=lambda v: (
                position.get(v, len(position) + 1),
                int(keys[v]) if numeric else 0,
                keys[v].casefold(),
            ),
        )
    ]


def _listed(keys: list[str]) -> str:
    """'1 to 23' for whole numbers in a row, else 'a, b, c'."""
    if len(keys) > 2 and all(k.isdigit() for k in keys):
        numbers = [int(k) for k in keys]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{numbers[0]} to {numbers[-1]}"
    return ", ".join(keys)
