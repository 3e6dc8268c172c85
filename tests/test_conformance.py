"""The fast conformance check (``iscm_kg.conformance``) finds exactly pyshacl's violations.

pyshacl is the oracle. For every invalid and valid shape fixture, the real reasoned graph, the
synthetic graph at scale 2 and the real graph broken in targeted ways, the set of
(focus node, source shape, constraint component, result path, value) the fast check finds equals
the set of pyshacl's results. That is stronger than what the pipeline needs (it only asks "is
there any violation?"; any violation, or a declined shapes graph, makes pyshacl write the report).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
from helpers import plain_pyshacl, report_results
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SH, SKOS, XSD
from rdflib.term import Node

from iscm_kg import conformance, resources, validate
from iscm_kg.cli import cli
from iscm_kg.namespaces import ID, ISCM, SCHEMA, SHAPES
from iscm_kg.pipeline import Pipeline
from iscm_kg.store import materialized

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*/*valid.ttl"))
INVALID = [p for p in FIXTURES if p.name == "invalid.ttl"]
FIELDS = (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultPath, SH.value)
SPARQL_CONSTRAINTS = 11  # sh:SPARQLConstraint nodes in shapes/*.ttl

Found = set[tuple[Node | None, ...]]


def reference(data: Graph, shapes: Graph) -> tuple[bool, Found]:
    """pyshacl's own results, called as the pipeline calls it with ``--validator pyshacl``: on a
    data graph that parses each SPARQL text once, which ``tests/test_validation_speedup.py``
    proves gives plain pyshacl's results, result for result (and is several times faster)."""
    shapes_copy = Graph()
    shapes_copy += shapes
    conforms, graph, _ = pyshacl.validate(
        validate.PreparedQueryGraph(materialized(data)),  # a union view: copied into one graph
        shacl_graph=shapes_copy,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        inplace=True,  # else pyshacl copies the data into a plain graph (our shapes add nothing)
    )
    return bool(conforms), _found(graph)


def _found(report: Graph) -> Found:
    """A report's results, each as its ``FIELDS``."""
    return {
        tuple(report.value(result, f) for f in FIELDS)
        for result in report.subjects(RDF.type, SH.ValidationResult)
    }


def fast(data: Graph, shapes: Graph, store: object = None) -> tuple[Found, conformance.Checker]:
    checker = conformance.Checker(conformance.Shapes(shapes), data, store)
    results = checker.violations()
    return {(r.focus, r.shape, r.component, r.path, r.value) for r in results}, checker


@pytest.fixture(scope="module")
def real(pipeline: Pipeline) -> Graph:
    return pipeline.store.union()


# ----------------------------------------------------------------------------------------------
# The oracle: the same results as pyshacl
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_same_results_as_pyshacl_on_each_fixture(
    fixture: Path, shapes: Graph, ontology: Graph
) -> None:
    """On an invalid fixture, also the first link of the chain: the pipeline's pyshacl run
    (``validator="pyshacl"``, prepared queries, in place) gives plain pyshacl's report, result
    for result, messages included (``tests/test_validation_speedup.py`` does the same on the
    shipped graph). Both links share one run of the pipeline's pyshacl."""
    data = Graph()
    data += ontology
    data.parse(fixture)
    if fixture.name == "invalid.ttl":
        before = set(data)
        report = validate.validate(data, shapes, validator="pyshacl")
        assert not report.conforms and report.violations
        assert set(data) == before  # pyshacl ran in place and wrote nothing into the data
        assert report_results(report.results_graph) == plain_pyshacl(data, shapes)[1]
        conforms, expected = report.conforms, _found(report.results_graph)
    else:
        conforms, expected = reference(data, shapes)
    found, _ = fast(data, shapes)
    assert found == expected
    assert conforms == (found == set())
    if fixture.name == "invalid.ttl":
        assert found


def test_fixtures_cover_every_constraint_component(shapes: Graph, ontology: Graph) -> None:
    """The invalid fixtures make the fast check report every component the shapes use."""
    components: set[Node] = set()
    for fixture in INVALID:
        data = Graph()
        data += ontology
        data.parse(fixture)
        components.update(c for _, _, c, _, _ in fast(data, shapes)[0])
    local = {str(c).removeprefix(str(SH)).removesuffix("ConstraintComponent") for c in components}
    assert local >= {
        "MinCount", "MaxCount", "Class", "Datatype", "NodeKind", "Pattern", "MinLength", "In",
        "HasValue", "LanguageIn", "UniqueLang", "MaxInclusive", "Or", "Not", "Node", "SPARQL",
    }  # fmt: skip


def test_the_real_graph_conforms_on_oxigraph(
    pipeline: Pipeline, real: Graph, shapes: Graph
) -> None:
    conforms, expected = reference(real, shapes)
    found, checker = fast(real, shapes, pipeline.query_store()._store)
    assert conforms and expected == set() and found == set()
    # every SPARQL constraint ran on Oxigraph, for all its focus nodes at once
    assert sorted(checker.engines.values()) == ["oxigraph"] * SPARQL_CONSTRAINTS
    census = checker.census()
    assert not census.lexical and census.datatype  # xsd:positiveInteger read back as xsd:integer
    twelve = [sorted(g, key=str) for g in census.merged if str(g[0]) == "12"]
    assert [{m.datatype for m in g} for g in twelve] == [
        {XSD.nonNegativeInteger, XSD.positiveInteger}
    ]


@pytest.mark.slow
def test_the_synthetic_graph_at_scale_2(scale2: Path) -> None:
    world = Pipeline(resources.layout(scale2)).reason()  # the session cache, shared
    data, shapes = world.store.union(), world.shapes()
    assert len(data) > 35000
    conforms, expected = reference(data, shapes)
    found, checker = fast(data, shapes, world.query_store()._store)
    assert conforms and expected == found == set()
    assert set(checker.engines.values()) == {"oxigraph"}


# ----------------------------------------------------------------------------------------------
# The real graph, broken on purpose
# ----------------------------------------------------------------------------------------------


def _pick(g: Graph, cls: URIRef, prop: URIRef, index: int = 0) -> URIRef:
    """The index-th instance of ``cls`` (in IRI order) that has a value of ``prop``."""
    nodes = sorted(
        n for n in g.subjects(RDF.type, cls) if isinstance(n, URIRef) and (n, prop, None) in g
    )
    return nodes[index]


def _replace(g: Graph, node: URIRef, prop: URIRef, *values: Node) -> URIRef:
    g.remove((node, prop, None))
    for value in values:
        g.add((node, prop, value))
    return node


def _child_paragraph(g: Graph) -> URIRef:
    return sorted(
        p
        for p in g.subjects(RDF.type, ISCM.Paragraph)
        if any((parent, RDF.type, ISCM.Paragraph) in g for parent in g.objects(p, DCTERMS.isPartOf))
    )[0]


def _number(g: Graph, node: URIRef) -> Literal:
    return g.value(node, ISCM.paragraphNumber)  # type: ignore[return-value]


Mutation = Callable[[Graph], URIRef]
# Each breaks a different node of the real graph; one application of all of them is one graph.
MUTATIONS: dict[str, Mutation] = {
    "required property dropped": lambda g: _replace(
        g, _pick(g, ISCM.Actor, SKOS.prefLabel), SKOS.prefLabel
    ),
    "wrong class": lambda g: _replace(
        g, r := _pick(g, ISCM.Reference, ISCM.inParagraph), ISCM.inParagraph,
        g.value(g.value(r, ISCM.inParagraph), ISCM.inDocument),
    ),
    "plain integer for a positive integer": lambda g: _replace(
        g, p := _pick(g, ISCM.Paragraph, ISCM.paragraphNumber, 3), ISCM.paragraphNumber,
        Literal(int(_number(g, p))),
    ),
    "ill-typed date": lambda g: _replace(
        g, _pick(g, ISCM.Document, DCTERMS.date), DCTERMS.date,
        Literal("2018-13-45", datatype=XSD.date),
    ),
    "lower-case code (pattern, SPARQL)": lambda g: _replace(
        g, s := _pick(g, ISCM.State, ISCM.iso3166Alpha3), ISCM.iso3166Alpha3,
        Literal(str(g.value(s, ISCM.iso3166Alpha3)).lower()),
    ),
    "French name (languageIn)": lambda g: _replace(
        g, a := _pick(g, ISCM.Actor, SKOS.prefLabel, 1), SKOS.prefLabel,
        Literal(str(g.value(a, SKOS.prefLabel)), lang="fr"),
    ),
    "two English labels (uniqueLang)": lambda g: _replace(
        g, c := _pick(g, SKOS.Concept, SKOS.prefLabel), SKOS.prefLabel,
        *g.objects(c, SKOS.prefLabel), Literal("Another label", lang="en"),
    ),
    "role outside sh:in": lambda g: _replace(
        g, _pick(g, ORG.Membership, ORG.role), ORG.role, ID["role/chair"]
    ),
    "global process in a region (hasValue)": lambda g: _replace(
        g, _pick(g, ISCM.GlobalProcess, ISCM.region), ISCM.region, ID["concept/region/africa"]
    ),
    "regional process everywhere (not)": lambda g: _replace(
        g, _pick(g, ISCM.RegionalConsultativeProcess, ISCM.region), ISCM.region,
        ID["concept/region/global"],
    ),
    "schedule without frequency (node)": lambda g: _replace(
        g, p := _pick(g, ISCM.ReviewProcess, SCHEMA.eventSchedule), SCHEMA.eventSchedule,
        s := g.value(p, SCHEMA.eventSchedule),
    ) and _replace(g, s, SCHEMA.repeatFrequency),
    "one-letter wording (minLength)": lambda g: _replace(
        g, _pick(g, ISCM.Reference, ISCM.wording, 1), ISCM.wording, Literal("x", lang="en")
    ),
    "literal where an IRI is due (nodeKind)": lambda g: _replace(
        g, _pick(g, ISCM.ObjectiveListClaim, ISCM.about), ISCM.about, Literal("the ISCMs")
    ),
    "the same claim twice (SPARQL)": lambda g: _replace(
        g, d := _pick(g, ISCM.Discrepancy, ISCM.claimA), ISCM.claimB, g.value(d, ISCM.claimA)
    ),
    "two numbers (maxCount)": lambda g: _replace(
        g, p := _pick(g, ISCM.Paragraph, ISCM.paragraphNumber, 7), ISCM.paragraphNumber,
        _number(g, p), Literal("99", datatype=XSD.positiveInteger),
    ),
    "a number Oxigraph merges with its parent's (SPARQL join)": lambda g: _replace(
        g, c := _child_paragraph(g), ISCM.paragraphNumber,
        Literal(str(_number(g, c)), datatype=XSD.nonNegativeInteger),
    ),
}  # fmt: skip


def test_mutations_of_the_real_graph(real: Graph, shapes: Graph) -> None:
    broken = Graph()
    broken += real
    focus = {name: mutate(broken) for name, mutate in MUTATIONS.items()}
    conforms, expected = reference(broken, shapes)
    found, checker = fast(broken, shapes)
    assert not conforms
    assert found == expected
    for name, node in focus.items():  # each mutation breaks its node
        assert any(r[0] == node for r in expected), name
    # the merged number: Oxigraph would find the parent's number, so that constraint ran on rdflib
    assert checker.engines[SHAPES["Paragraph-sameDocumentAsParent"]] == "rdflib"
    assert checker.engines[SHAPES["Work-hasVersions"]] == "oxigraph"
    child = focus["a number Oxigraph merges with its parent's (SPARQL join)"]
    assert (
        child,
        SHAPES.Paragraph,
        SH.SPARQLConstraintComponent,
        None,
        _number(broken, child),
    ) in found


def test_literals_oxigraph_rewrites_send_sparql_to_rdflib(real: Graph, shapes: Graph) -> None:
    """Oxigraph reads "22.50"^^xsd:decimal back as "22.5" and "@EN-GB" as "@en-gb" (rdflib keeps
    both): every SPARQL constraint then runs on rdflib, and the results are still pyshacl's."""
    broken = Graph()
    broken += real
    paragraph = _pick(broken, ISCM.Paragraph, ISCM.paragraphNumber, 11)
    decimal = Literal(f"{_number(broken, paragraph)}.50", datatype=XSD.decimal)
    _replace(broken, paragraph, ISCM.paragraphNumber, decimal)
    actor = _pick(broken, ISCM.Actor, SKOS.altLabel)
    broken.add((actor, SKOS.altLabel, Literal("Another name", lang="EN-GB")))
    conforms, expected = reference(broken, shapes)
    found, checker = fast(broken, shapes)
    assert not conforms and found == expected
    assert checker.census().lexical
    assert set(checker.engines.values()) == {"rdflib"}
    # the IRI check computes the IRI from STR("22.50"), as rdflib reads it
    computed = {r[4] for r in found if r[0] == paragraph and r[2] == SH.SPARQLConstraintComponent}
    assert any(f"/para/{decimal}" in str(v) for v in computed)


# ----------------------------------------------------------------------------------------------
# What the fast check declines, and the validate stage
# ----------------------------------------------------------------------------------------------

UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix iscm: <https://w3id.org/iscm-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:x-test:closed> a sh:NodeShape ; sh:targetClass iscm:Objective ; sh:closed true ;
    sh:ignoredProperties ( skos:prefLabel ) .
"""


def test_an_unsupported_construct_is_declined(shapes: Graph, ontology: Graph) -> None:
    extended = Graph()
    extended += shapes
    extended.parse(data=UNSUPPORTED, format="turtle")
    data = Graph()
    data += ontology
    data.parse(ROOT / "tests" / "shapes" / "Objective" / "valid.ttl")
    assert conformance.violations(data, extended) is None
    report = validate.validate(data, extended)  # so pyshacl writes the report
    conforms, expected = reference(data, extended)
    assert not report.conforms and not conforms
    closed = {v for v in report.violations if v.shape == "<urn:x-test:closed>"}
    assert closed and {v.component for v in closed} == {"Closed"}
    assert len(report.violations) == len(expected)


def test_a_sparql_text_it_cannot_rewrite_runs_on_rdflib(shapes: Graph, ontology: Graph) -> None:
    """A sub-query: $this inside it is not a join with the outer VALUES, so rdflib runs it."""
    text = (
        "SELECT $this WHERE { { SELECT $this WHERE "
        "{ FILTER NOT EXISTS { $this iscm:statedIn ?p } } } }"
    )
    extended = Graph()
    extended += shapes
    extended.set((SHAPES["Objective-statedInRule"], SH.select, Literal(text)))
    data = Graph()
    data += ontology
    data.parse(ROOT / "tests" / "shapes" / "Objective" / "invalid.ttl")
    found, checker = fast(data, extended)
    assert checker.engines[SHAPES["Objective-statedInRule"]] == "rdflib"
    assert found == reference(data, extended)[1]
    assert (
        ID["objective/14"],
        SHAPES.Objective,
        SH.SPARQLConstraintComponent,
        None,
        ID["objective/14"],
    ) in found


def test_conforming_data_never_calls_pyshacl(
    pipeline: Pipeline, real: Graph, shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("pyshacl ran")

    monkeypatch.setattr(pyshacl, "validate", refuse)
    report = validate.validate(real, shapes, store=pipeline.query_store()._store)
    assert report.conforms and report.violations == []
    assert report.nodes_validated == len(set(real.subjects()))
    assert set(report.results_graph.predicate_objects()) == {
        (RDF.type, SH.ValidationReport),
        (SH.conforms, Literal(True)),
    }
    with pytest.raises(AssertionError, match="pyshacl ran"):
        validate.validate(real, shapes, validator="pyshacl")


# ----------------------------------------------------------------------------------------------
# End to end: `iscm-kg validate` with the fast check and with pyshacl only
# ----------------------------------------------------------------------------------------------


def _validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        cli.main(["validate", "--quiet", *argv], prog_name="iscm-kg")
    return int(stop.value.code or 0), capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("data", ["shipped", "invalid"])
def test_validate_output_is_the_same_with_either_validator(
    data: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, cache_folder: Path, pipeline
) -> None:
    options = ["--cache", str(tmp_path / "cache")]
    if data == "invalid":
        options += ["--data", str(ROOT / "tests" / "cli" / "invalid-data")]
    else:  # the session's reasoned graph, not its report: the first fast run checks the graph
        part = Path(pipeline.key()) / "reasoned"
        shutil.copytree(cache_folder / part, tmp_path / "cache" / part)
    # the shipped data's report is one sentence in every format: text and JSON suffice there
    for fmt in ("text", "json", "turtle") if data == "invalid" else ("text", "json"):
        code, out = _validate(capsys, "--format", fmt, *options)
        reference_code, reference_out = _validate(
            capsys, "--format", fmt, "--validator", "pyshacl", *options
        )
        assert (code, out) == (reference_code, reference_out)
        assert code == (0 if data == "shipped" else 1)
    if data == "invalid":
        payload = json.loads(_validate(capsys, "--format", "json", *options)[1])
        assert {v["focus"] for v in payload["violations"]} >= {"id:actor/midwa"}
