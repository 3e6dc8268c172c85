"""The ontology: documented, internally consistent, OWL 2 DL-satisfiable, and covering the data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from iscm_kg import load, resources
from iscm_kg.namespaces import ISCM

ONTOLOGY = resources.layout().ontology / "iscm.ttl"

# The datatypes of the OWL 2 datatype map that HermiT supports; others (xsd:date, xsd:gYear,
# xsd:duration) are outside OWL 2 DL, so the DL check reads their values as strings.
OWL2_DATATYPES = {
    XSD.string,
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.boolean,
    XSD.anyURI,
    XSD.dateTime,
    XSD.decimal,
    RDF.langString,
    RDF.PlainLiteral,
    RDFS.Literal,
}


def _own_terms(graph: Graph, kind) -> list[URIRef]:
    return sorted(t for t in graph.subjects(RDF.type, kind) if str(t).startswith(str(ISCM)))


def test_ontology_has_iri_and_version_iri(ontology: Graph) -> None:
    """The ontology IRI is pinned; the version IRI follows the package version."""
    from iscm_kg import __version__

    node = URIRef("https://w3id.org/iscm-kg/ontology")
    assert (node, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(node, OWL.versionIRI) == URIRef(f"{node}/{__version__}")


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_has_label_and_definition(ontology: Graph, kind) -> None:
    """Every class and property of ours has an English rdfs:label and skos:definition."""
    missing = [
        t
        for t in _own_terms(ontology, kind)
        if ontology.value(t, RDFS.label) is None or ontology.value(t, SKOS.definition) is None
    ]
    assert not missing
    assert len(_own_terms(ontology, kind)) > 10


def test_every_property_has_domain_and_range(ontology: Graph) -> None:
    """Every object and datatype property of ours declares a domain and a range."""
    props = _own_terms(ontology, OWL.ObjectProperty) + _own_terms(ontology, OWL.DatatypeProperty)
    missing = [
        p
        for p in props
        if ontology.value(p, RDFS.domain) is None or ontology.value(p, RDFS.range) is None
    ]
    assert not missing


def test_core_vocabulary_of_the_spec_is_declared(ontology: Graph) -> None:
    """The pinned classes and properties of the vocabulary contract all exist."""
    classes = [
        "InterStateConsultationMechanism",
        "RegionalConsultativeProcess",
        "InterRegionalForum",
        "GlobalProcess",
        "UNRegionalCommission",
        "IntergovernmentalOrganization",
        "Document",
        "Paragraph",
        "Objective",
        "Reference",
        "EntryPoint",
    ]
    props = [
        "inDocument",
        "paragraphNumber",
        "subdivision",
        "objective",
        "objectiveNumber",
        "statedIn",
        "inParagraph",
        "refersTo",
        "wording",
        "quotation",
        "level",
        "action",
        "engagement",
        "associatedWith",
        "correspondsTo",
    ]
    for name in classes:
        assert (ISCM[name], RDF.type, OWL.Class) in ontology, name
    for name in props:
        assert (ISCM[name], None, None) in ontology, name
    assert (ISCM.correspondsTo, RDF.type, OWL.SymmetricProperty) in ontology


def test_disjointness_the_spec_states(ontology: Graph) -> None:
    """RCP, IRF and global process are pairwise disjoint; ISCMs, UN Regional Commissions and IGOs
    are disjoint from one another."""
    groups = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(node, OWL.members)
        groups.append(set(ontology.items(members)))
    assert any(
        {ISCM.RegionalConsultativeProcess, ISCM.InterRegionalForum, ISCM.GlobalProcess} <= g
        for g in groups
    )
    assert any(
        {
            ISCM.InterStateConsultationMechanism,
            ISCM.UNRegionalCommission,
            ISCM.IntergovernmentalOrganization,
        }
        <= g
        for g in groups
    )


def test_definitions_of_iscm_types_quote_the_source(ontology: Graph) -> None:
    """The definitions of ISCM, RCP, IRF and global process are the Zero Draft Rev 1 analysis's
    footnotes, verbatim, with that document as dcterms:source."""
    from iscm_kg.verbatim import load_source

    source = load_source(
        Path(__file__).resolve().parents[1]
        / "sources"
        / "iom-ipd-references-in-gcm-zero-draft-rev1.txt"
    )
    doc = URIRef("https://w3id.org/iscm-kg/id/document/iom-ipd-references-in-gcm-zero-draft-rev1")
    for cls in (
        ISCM.InterStateConsultationMechanism,
        ISCM.RegionalConsultativeProcess,
        ISCM.InterRegionalForum,
        ISCM.GlobalProcess,
    ):
        definition = ontology.value(cls, SKOS.definition)
        assert source.find(str(definition)), cls
        assert (cls, URIRef("http://purl.org/dc/terms/source"), doc) in ontology


def test_data_uses_only_declared_terms(pipeline) -> None:
    """Graph health: every iscm: class and property the data uses is declared in the ontology."""
    ontology = load.parse_turtle(ONTOLOGY)
    declared = set(ontology.subjects())
    used = {p for p in pipeline.asserted.predicates() if str(p).startswith(str(ISCM))}
    used |= {o for o in pipeline.asserted.objects(None, RDF.type) if str(o).startswith(str(ISCM))}
    assert sorted(used - declared) == []


def _for_hermit(graph: Graph) -> Graph:
    """The graph with non-OWL 2 datatypes read as strings (see OWL2_DATATYPES)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            o = Literal(str(o), datatype=XSD.string)
        elif p == RDFS.range and str(o).startswith(str(XSD)) and o not in OWL2_DATATYPES:
            o = XSD.string
        out.add((s, p, o))
    return out


def _hermit(graph: Graph, tmp_path: Path) -> list[str]:
    """HermiT's unsatisfiable classes of ``graph`` (``owl:Nothing`` aside), once it has found
    the graph consistent; an inconsistent graph fails the test with HermiT's message.

    HermiT is the one owlready2 ships, run as its command line asks: ``-k`` checks that
    ``owl:Thing`` is satisfiable (consistency), ``-U`` lists the classes equivalent to
    ``owl:Nothing``. (owlready2's ``sync_reasoner_hermit`` also classifies every property and
    instance, ``-c -O -D -I``, which this check does not read: six times the work.)"""
    owlready2 = pytest.importorskip("owlready2")
    from owlready2 import reasoning

    if shutil.which("java") is None:
        pytest.fail("The OWL 2 DL check needs Java (HermiT); install a JRE.")
    path = tmp_path / "graph.nt"
    _for_hermit(graph).serialize(path, format="nt", encoding="utf-8")
    command = [
        owlready2.JAVA_EXE,
        f"-Xmx{reasoning.JAVA_MEMORY}M",
        "-XX:+UseSerialGC",  # one collector thread: the suite's other worker has the other core
        "-cp",
        reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-k",
        "-U",
        path.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or f"{OWL.Thing} is satisfiable." not in done.stdout:
        message = (done.stderr.strip().splitlines() or ["no output"])[0]
        raise AssertionError(f"HermiT finds the graph inconsistent: {message}")
    _, _, listed = done.stdout.partition("Classes equivalent to 'owl:Nothing':")
    return sorted(
        line.strip().strip("<>")
        for line in listed.splitlines()
        if line.strip() not in ("", "owl:Nothing")
    )


def test_hermit_finds_an_unsatisfiable_class_and_an_inconsistency(tmp_path: Path) -> None:
    """The check above can fail: HermiT names an unsatisfiable class, and refuses a graph
    where one individual is in two disjoint classes."""
    ex = "https://example.org/"
    graph = Graph()
    graph.parse(
        data=f"""
        @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> . @prefix ex: <{ex}> .
        ex:o a owl:Ontology .
        ex:B a owl:Class ; owl:disjointWith ex:C . ex:C a owl:Class .
        ex:A a owl:Class ; rdfs:subClassOf ex:B, ex:C .
        """,
        format="turtle",
    )
    assert _hermit(graph, tmp_path) == [f"{ex}A"]
    graph.add((URIRef(f"{ex}x"), RDF.type, URIRef(f"{ex}B")))
    graph.add((URIRef(f"{ex}x"), RDF.type, URIRef(f"{ex}C")))
    with pytest.raises(
        AssertionError,
        match=r"^HermiT finds the graph inconsistent: .*Exception: Inconsistent ontology$",
    ):
        _hermit(graph, tmp_path)


def test_ontology_is_satisfiable_under_owl2_dl(ontology: Graph, tmp_path: Path) -> None:
    """HermiT finds no unsatisfiable class in the ontology."""
    assert _hermit(ontology, tmp_path) == []


def test_ontology_and_data_are_consistent_under_owl2_dl(pipeline, tmp_path: Path) -> None:
    """HermiT finds the ontology together with all the asserted data consistent."""
    assert _hermit(pipeline.asserted, tmp_path) == []
