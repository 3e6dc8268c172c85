"""Facts a person reads in the four source documents and the reference tables, checked in the graph.

Each test names the file and the section it reads. The expected values are written here by hand
from the sources, not computed from the data; where the graph disagrees with a source, the test is
marked ``xfail(strict=True)`` with the precise problem, so that fixing the data makes it fail loudly
until the mark is removed.

Files: ``sources/iom-ipd-references-in-gcm-adopted-text.txt`` (ADOPTED),
``sources/iom-ipd-references-in-gcm-zero-draft-rev1.txt`` (ZERO, which also holds the GRCP 7
Highlights and the list of active ISCMs), ``sources/iom-information-note-iscms-and-gcm.txt`` (NOTE),
``sources/icmpd-input-to-unsg-report-on-gcm.txt`` (ICMPD), and ``reference/*.tsv``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import read_tsv
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from iscm_kg.namespaces import ID, ISCM, SCHEMA, sparql_prologue
from iscm_kg.pipeline import Pipeline
from iscm_kg.validate import Report

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"

ADOPTED = ID["document/iom-ipd-references-in-gcm-adopted-text"]
ZERO = ID["document/iom-ipd-references-in-gcm-zero-draft-rev1"]
NOTE = ID["document/iom-information-note-iscms-and-gcm"]
ICMPD = ID["document/icmpd-input-to-unsg-report-on-gcm"]
SOURCE_DOCUMENTS = (ADOPTED, ZERO, NOTE, ICMPD)

GCM = "A-RES-73-195"
ZERO_DRAFT = "gcm-zero-draft-rev1"
MODALITIES = "A-RES-71-280"
IMRF_FORMAT = "A-RES-73-326"

# A plain namespace: rdflib's XSD warns when pytest probes module attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def iri(path: str) -> URIRef:
    """An instance IRI from its path below the base (``actor/gfmd``)."""
    return ID[path]


def para(document: str, citation: str) -> URIRef:
    """A paragraph IRI from a document key and a citation like ``43/b/iii`` or ``22``."""
    return ID[f"document/{document}/para/{citation}"]


def short(node: Node) -> str:
    """An IRI below the base without the base, for readable assertion messages."""
    return str(node).removeprefix(str(ID))


def shorts(nodes: Iterable[Node]) -> set[str]:
    return {short(node) for node in nodes}


def select(graph: Graph, query: str) -> list[tuple[Node, ...]]:
    """Rows of a SELECT query over ``graph`` with the project's prefixes."""
    result = graph.query(sparql_prologue() + query)
    return [tuple(row) for row in result if isinstance(row, tuple)]


@pytest.fixture(scope="module")
def graph(pipeline: Pipeline) -> Graph:
    """The asserted and inferred triples together, as the stored queries see them."""
    return pipeline.store.union()


# ---------------------------------------------------------------------------------------------
# The list of active ISCMs (ZERO, after the GRCP 7 Highlights: "Regional Consultative Processes
# on Migration²", "Inter-regional Forums on Migration³", "Global Processes on Migration⁴")
# ---------------------------------------------------------------------------------------------

RCP_LIST = iri("section/zero/rcp-list")
IRF_LIST = iri("section/zero/irf-list")
GLOBAL_LIST = iri("section/zero/global-process-list")


@dataclass(frozen=True)
class Listed:
    """One entry of the list: its actor IRI, section, heading and name as printed."""

    key: str
    section: URIRef
    heading: str | None
    printed: str

    @property
    def actor(self) -> URIRef:
        return iri(f"actor/{self.key}")

    @property
    def full_name(self) -> str:
        """The printed name without its parenthetical acronyms (the data's skos:prefLabel)."""
        return re.sub(r"\s+", " ", re.sub(r"\s*\([^)]*\)", "", self.printed)).strip()

    @property
    def acronyms(self) -> set[str]:
        """The names given in a trailing parenthesis: ``(RCM or Puebla Process)``."""
        match = re.search(r"\(([^)]*)\)$", self.printed)
        if match is None:
            return set()
        inside = match.group(1).removeprefix("formerly ")
        return set(inside.split(" or "))


EN_DASH, EM_DASH = "\u2013", "\u2014"

# Line by line as printed (ZERO lines 294-390). "Eastern Partnership Panel on Migration, Mobility
# and Integrated Border Management Budapest Process" is one line of the text extraction holding
# two processes.
# fmt: off
ACTIVE_ISCMS: tuple[Listed, ...] = (
    Listed("almaty-process", RCP_LIST, "Europe (Eurasia)",
           "Almaty Process on Refugee Protection and International Migration"),
    Listed("eap-panel", RCP_LIST, "Europe (Eurasia)",
           "Eastern Partnership Panel on Migration, Mobility and Integrated Border Management"),
    Listed("budapest-process", RCP_LIST, "Europe (Eurasia)", "Budapest Process"),
    Listed("prague-process", RCP_LIST, "Europe (Eurasia)", "Prague Process"),
    Listed("arcp", RCP_LIST, "Middle East",
           "Arab Regional Consultative Process on Migration and Refugee Affairs (ARCP)"),
    Listed("igad-rcp", RCP_LIST, "Africa",
           "Intergovernmental Authority on Development (IGAD) Regional Consultative Process on "
           "Migration (IGAD-RCP)"),
    Listed("midcom", RCP_LIST, "Africa",
           "Migration Dialogue from the Common Market for Eastern and Southern Africa Member "
           "States (MIDCOM)"),
    Listed("midcas", RCP_LIST, "Africa", "Migration Dialogue for Central African States (MIDCAS)"),
    Listed("midsa", RCP_LIST, "Africa", "Migration Dialogue for Southern Africa (MIDSA)"),
    Listed("midwa", RCP_LIST, "Africa", "Migration Dialogue for West Africa (MIDWA)"),
    Listed("colombo-process", RCP_LIST, "Asia and Pacific",
           "Regional Consultative Process on Overseas Employment and Contractual Labour for "
           "Countries of Origin in Asia (Colombo Process)"),
    Listed("pidc", RCP_LIST, "Asia and Pacific",
           "Pacific Immigration Directors' Conference (PIDC)"),
    Listed("rcm", RCP_LIST, "Americas",
           "Regional Conference on Migration (RCM or Puebla Process)"),
    Listed("sacm", RCP_LIST, "Americas", "South American Conference on Migration (SACM)"),
    Listed("cmc", RCP_LIST, "Americas", "Caribbean Migration Consultations (CMC)"),
    Listed("ocam", RCP_LIST, "Americas",
           "Central American Commission of Migration Directors (OCAM)"),
    Listed("five-plus-five-dialogue", IRF_LIST, f"Africa {EN_DASH} Europe",
           "5+5 Dialogue on Migration in the Western Mediterranean"),
    Listed("khartoum-process", IRF_LIST, f"Africa {EN_DASH} Europe",
           "EU-Horn of Africa Migration Route Initiative (Khartoum Process)"),
    Listed("rabat-process", IRF_LIST, f"Africa {EN_DASH} Europe",
           "Euro-African Dialogue on Migration and Development (Rabat Process)"),
    Listed("acp-eu-dialogue", IRF_LIST, "Africa - Asia -- Americas - Europe",
           f"African, Caribbean and Pacific Group of States (ACP) {EM_DASH} European Union (EU) "
           "Dialogue on Migration"),
    Listed("fibemyd", IRF_LIST, "Americas - Europe",
           "Ibero-American Forum on Migration and Development (FIBEMYD)"),
    Listed("eu-celac-dialogue", IRF_LIST, "Americas - Europe",
           f"European Union {EN_DASH} Latin America and the Caribbean Structured and "
           "Comprehensive Biregional Dialogue on Migration (EU-CELAC)"),
    Listed("riam", IRF_LIST, "Americas - Europe",
           "Ibero-American Network of Migration Authorities (RIAM)"),
    Listed("asem-dg-conference", IRF_LIST, "Asia - Europe",
           f"The Asia {EN_DASH} European Union Meeting's (ASEM) Conference of the Directors "
           "General of Immigration and Management of Migratory Flows"),
    Listed("abu-dhabi-dialogue", IRF_LIST, f"Asia {EN_DASH} Middle East",
           "Ministerial Consultation on Overseas Employment and Contractual Labour for Countries "
           "of Origin and Destination in Asia (Abu Dhabi Dialogue)"),
    Listed("igc", IRF_LIST, "Europe - Asia - Americas",
           "Inter-Governmental Consultations on Migration, Asylum and Refugees (IGC)"),
    Listed("bali-process", IRF_LIST,
           f"Europe {EN_DASH} Asia {EN_DASH} Americas {EN_DASH} the Middle East",
           "Bali Process on People Smuggling, Trafficking in Persons and Related Transnational "
           "Crime"),
    Listed("pafom", IRF_LIST, "Intra-African",
           "Pan-African Forum on migration "
           "(formerly Intra-Regional Forum on Migration in Africa)"),
    Listed("gfmd", GLOBAL_LIST, None, "Global Forum on Migration and Development (GFMD)"),
    Listed("idm", GLOBAL_LIST, None, "International Dialogue on Migration (IDM)"),
    Listed("un-hld", GLOBAL_LIST, None,
           "United Nations High-Level Dialogue on International Migration and Development "
           "(UN HLD IM)"),
)
# fmt: on

LIST_CLASS = {
    RCP_LIST: ISCM.RegionalConsultativeProcess,
    IRF_LIST: ISCM.InterRegionalForum,
    GLOBAL_LIST: ISCM.GlobalProcess,
}


def zero_text() -> str:
    return (SOURCES / "iom-ipd-references-in-gcm-zero-draft-rev1.txt").read_text(encoding="utf-8")


def test_the_hand_written_list_is_the_printed_list() -> None:
    """ZERO, list of active ISCMs: every name and heading above is printed there, verbatim."""
    text = zero_text()
    for entry in ACTIVE_ISCMS:
        assert entry.printed in text, entry.printed
        if entry.heading is not None:
            assert f"\n{entry.heading}\n" in text, entry.heading


def test_rcps_per_region_heading() -> None:
    """ZERO, "Regional Consultative Processes on Migration²": how many RCPs under each heading."""
    per_heading = Counter(e.heading for e in ACTIVE_ISCMS if e.section == RCP_LIST)
    assert per_heading == {
        "Europe (Eurasia)": 4,
        "Middle East": 1,
        "Africa": 5,
        "Asia and Pacific": 2,
        "Americas": 4,
    }


@pytest.mark.parametrize(
    ("section", "count"), [(RCP_LIST, 16), (IRF_LIST, 12), (GLOBAL_LIST, 3)], ids=short
)
def test_each_list_has_its_members_and_no_others(graph: Graph, section: URIRef, count: int) -> None:
    """ZERO, the three lists of active ISCMs: 16 RCPs, 12 IRFs, 3 global processes, and no other
    actor is iscm:listedIn these sections."""
    expected = {e.actor for e in ACTIVE_ISCMS if e.section == section}
    assert len(expected) == count
    assert shorts(graph.subjects(ISCM.listedIn, section)) == shorts(expected)


@pytest.mark.parametrize("entry", ACTIVE_ISCMS, ids=lambda e: e.key)
def test_listed_iscm_is_typed_headed_and_named(graph: Graph, entry: Listed) -> None:
    """ZERO, list of active ISCMs: each entry's class (by its list), heading (iscm:listedUnder,
    verbatim), full name (skos:prefLabel, the printed name without parenthetical acronyms) and the
    names in its trailing parenthesis (skos:altLabel)."""
    actor = entry.actor
    assert (actor, RDF.type, LIST_CLASS[entry.section]) in graph
    assert (actor, ISCM.listedIn, entry.section) in graph
    headings = {str(h) for h in graph.objects(actor, ISCM.listedUnder)}
    assert headings == ({entry.heading} if entry.heading else set())
    assert {str(label) for label in graph.objects(actor, SKOS.prefLabel)} == {entry.full_name}
    alt = {str(label) for label in graph.objects(actor, SKOS.altLabel)}
    assert entry.acronyms <= alt, f"{entry.key}: altLabels {alt} lack {entry.acronyms - alt}"


def test_gfmd_is_a_global_process(graph: Graph) -> None:
    """ZERO, "Global Processes on Migration⁴" (and NOTE, "Inter-State Consultation Mechanisms
    (ISCMs)": "Global processes on migration, such as the Global Forum on Migration and
    Development - GFMD"): the GFMD is a global process, not an RCP or IRF."""
    types = set(graph.objects(iri("actor/gfmd"), RDF.type))
    assert ISCM.GlobalProcess in types
    assert ISCM.InterStateConsultationMechanism in types
    assert not types & {ISCM.RegionalConsultativeProcess, ISCM.InterRegionalForum}


def test_colombo_process_names(graph: Graph) -> None:
    """ZERO, RCPs, "Asia and Pacific": "Regional Consultative Process on Overseas Employment and
    Contractual Labour for Countries of Origin in Asia (Colombo Process)"."""
    actor = iri("actor/colombo-process")
    assert graph.value(actor, SKOS.prefLabel) == Literal(
        "Regional Consultative Process on Overseas Employment and Contractual Labour for "
        "Countries of Origin in Asia",
        lang="en",
    )
    assert Literal("Colombo Process", lang="en") in set(graph.objects(actor, SKOS.altLabel))


def test_rcm_names(graph: Graph) -> None:
    """ZERO, RCPs, "Americas": "Regional Conference on Migration (RCM or Puebla Process)"."""
    actor = iri("actor/rcm")
    assert graph.value(actor, SKOS.prefLabel) == Literal(
        "Regional Conference on Migration", lang="en"
    )
    alt = set(graph.objects(actor, SKOS.altLabel))
    assert {Literal("RCM", lang="en"), Literal("Puebla Process", lang="en")} <= alt


# ---------------------------------------------------------------------------------------------
# Formal associations (NOTE, footnote i of "Inter-State Consultation Mechanisms (ISCMs)")
# ---------------------------------------------------------------------------------------------

FOOTNOTE_I = {("midwa", "ecowas"), ("midcom", "comesa"), ("arcp", "las")}


@pytest.mark.parametrize(
    ("iscm", "organization"),
    [
        ("midwa", "ecowas"),
        ("midcom", "comesa"),
        ("arcp", "las"),
    ],
)
def test_formal_association_of_footnote_i(graph: Graph, iscm: str, organization: str) -> None:
    """NOTE, footnote i: "the Migration Dialogue from the Common Market for Eastern and Southern
    Africa Member States (MIDCOM) is associated with the Common Market for Eastern and Southern
    Africa (COMESA), the Migration Dialogue for West Africa (MIDWA) with the Economic Community of
    West African States (ECOWAS), the Arab Regional Consultative Process on Migration and Refugee
    Affairs (ARCP) with the League of Arab States"."""
    assert (iri(f"actor/{iscm}"), ISCM.associatedWith, iri(f"actor/{organization}")) in graph


def test_no_other_formal_associations(graph: Graph) -> None:
    """NOTE, footnote i: the only formal associations the sources state are those three."""
    pairs = {(short(s), short(o)) for s, o in graph.subject_objects(ISCM.associatedWith)}
    expected = {(f"actor/{s}", f"actor/{o}") for s, o in FOOTNOTE_I}
    assert pairs <= expected, f"unexpected: {pairs - expected}"


# ---------------------------------------------------------------------------------------------
# Objectives and paragraphs
# ---------------------------------------------------------------------------------------------


def test_objective_6_paragraph_in_each_version(graph: Graph) -> None:
    """ADOPTED: the entry-point row "Objective 6. Recruitment and labour" quotes "Build upon the
    work of existing bilateral, subregional and regional platforms...", which the annex cites as
    §22b; ZERO: the same row quotes "Build upon the work of existing regional platforms...", cited
    as §21c. So objective 6 is §22 of A/RES/73/195 and §21 of the Zero Draft Rev 1
    (reference/objectives.tsv row 6 agrees)."""
    stated = set(graph.objects(iri("objective/6"), ISCM.statedIn))
    assert shorts(stated) == shorts({para(GCM, "22"), para(ZERO_DRAFT, "21")})


def test_objective_23_only_in_the_adopted_text(graph: Graph) -> None:
    """reference/objectives.tsv row 23: objective 23 is §39 of A/RES/73/195; the Zero Draft Rev 1
    had 22 objectives (ZERO's own tables go no further than objective 21)."""
    stated = set(graph.objects(iri("objective/23"), ISCM.statedIn))
    assert shorts(stated) == shorts({para(GCM, "39")})


def test_all_23_objectives_with_official_titles(graph: Graph) -> None:
    """reference/objectives.tsv: the 23 objectives, their official titles and the paragraphs that
    state them in each version."""
    rows = read_tsv("objectives.tsv")
    assert len(rows) == 23
    objectives = set(graph.subjects(RDF.type, ISCM.Objective))
    assert shorts(objectives) == {f"objective/{n}" for n in range(1, 24)}
    for row in rows:
        objective = iri(f"objective/{row['number']}")
        assert graph.value(objective, SKOS.prefLabel) == Literal(row["title"], lang="en"), row
        expected = {para(GCM, row["final_paragraph"])}
        if row["zero_draft_rev1_paragraph"]:
            expected.add(para(ZERO_DRAFT, row["zero_draft_rev1_paragraph"]))
        assert shorts(graph.objects(objective, ISCM.statedIn)) == shorts(expected), row["number"]


def test_paragraph_nesting_43_b_iii(pipeline: Pipeline) -> None:
    """ADOPTED, "References to IGOs": "International financial institutions §§ 26d; 39d; 43biii",
    and the quotation "…Receiving voluntary financial contributions…" (§43biii): the paragraph node
    §43(b)(iii) of A/RES/73/195 and its parents."""
    asserted = pipeline.asserted
    p43, p43b, p43biii = para(GCM, "43"), para(GCM, "43/b"), para(GCM, "43/b/iii")
    assert (p43biii, DCTERMS.isPartOf, p43b) in asserted
    assert (p43b, DCTERMS.isPartOf, p43) in asserted
    assert (p43, DCTERMS.isPartOf, iri(f"document/{GCM}")) in asserted
    assert asserted.value(p43biii, RDFS.label) == Literal("§43(b)(iii)")
    assert asserted.value(p43biii, ISCM.subdivision) == Literal("b.iii")
    assert asserted.value(p43biii, ISCM.paragraphNumber) == Literal(
        43, datatype=XSD.positiveInteger
    )
    assert asserted.value(p43biii, ISCM.inDocument) == iri(f"document/{GCM}")
    assert asserted.value(p43b, ISCM.subdivision) == Literal("b")
    assert (p43, ISCM.subdivision, None) not in asserted


@pytest.mark.parametrize(
    ("subparagraph", "parent"),
    [((GCM, "22/b"), (GCM, "22")), ((ZERO_DRAFT, "21/c"), (ZERO_DRAFT, "21"))],
    ids=["adopted-22b", "zero-21c"],
)
def test_subparagraph_inherits_its_objective(
    pipeline: Pipeline, subparagraph: tuple[str, str], parent: tuple[str, str]
) -> None:
    """ADOPTED, "Existing bilateral, subregional and regional platforms" (§22b) and ZERO,
    "Existing regional platforms" (§21c), both under "Objective 6. Recruitment and labour" in the
    entry-point tables: after reasoning the subparagraph has objective 6, inferred from its parent
    (owl:propertyChainAxiom dcterms:isPartOf / iscm:objective), not asserted."""
    child, objective = para(*subparagraph), iri("objective/6")
    assert (child, DCTERMS.isPartOf, para(*parent)) in pipeline.asserted
    assert (child, ISCM.objective, objective) not in pipeline.asserted
    assert (child, ISCM.objective, objective) in pipeline.store.union()


# ---------------------------------------------------------------------------------------------
# Which paragraphs mention the GFMD and the regional consultative processes (the annex tables)
# ---------------------------------------------------------------------------------------------


def referenced_paragraphs(
    graph: Graph, referent: URIRef, source: URIRef, document: str
) -> set[str]:
    """Paragraphs of ``document`` that references from ``source`` to ``referent`` point at."""
    rows = select(
        graph,
        f"""SELECT DISTINCT ?p WHERE {{
            ?ref a iscm:Reference ; iscm:refersTo <{referent}> ; iscm:inParagraph ?p ;
                 prov:wasDerivedFrom <{source}> .
            ?p iscm:inDocument <{ID}document/{document}> .
        }}""",
    )
    return {short(row[0]).removeprefix(f"document/{document}/para/") for row in rows}


@pytest.mark.parametrize(
    ("source", "document", "expected"),
    [
        (ADOPTED, GCM, {"3", "34/f", "36/b", "43/c", "47", "51"}),
        (ZERO, ZERO_DRAFT, {"3", "44", "48"}),
    ],
    ids=["adopted", "zero"],
)
def test_paragraphs_mentioning_the_gfmd(
    graph: Graph, source: URIRef, document: str, expected: set[str]
) -> None:
    """ADOPTED, "References to ISCMs": "Global Forum on Migration and Development §3; §34f; §36b;
    §43c; §47; §51"; ZERO, annex table: "GFMD § 3; §44; §48" (and its "GFMD:" quotations)."""
    assert referenced_paragraphs(graph, iri("actor/gfmd"), source, document) == expected


@pytest.mark.parametrize(
    ("source", "document", "expected"),
    [(ADOPTED, GCM, {"47", "50", "52"}), (ZERO, ZERO_DRAFT, {"44", "47", "48"})],
    ids=["adopted", "zero"],
)
def test_paragraphs_mentioning_regional_consultative_processes(
    graph: Graph, source: URIRef, document: str, expected: set[str]
) -> None:
    """ADOPTED, "References to ISCMs": "regional consultative process on migration §47; §50;
    §52"; ZERO, annex table: "Regional consultative process on migration §44; §47; §48"."""
    referent = iri("concept/regional-consultative-processes")
    assert referenced_paragraphs(graph, referent, source, document) == expected


# ---------------------------------------------------------------------------------------------
# Counts, as claims with their sources
# ---------------------------------------------------------------------------------------------

EXACTLY, AT_LEAST, MORE_THAN = ISCM.Exactly, ISCM.AtLeast, ISCM.MoreThan

# (source, thing counted, count, qualifier), read in the sources:
COUNT_CLAIMS: tuple[tuple[URIRef, str, int, URIRef], ...] = (
    # NOTE, "Inter-State Consultation Mechanisms (ISCMs)": "There are currently 17 RCPs, 12 IRFs
    # and 1 global process on migration: over 200 States and territories participate..."
    (NOTE, "concept/regional-consultative-processes", 17, EXACTLY),
    (NOTE, "concept/inter-regional-forums", 12, EXACTLY),
    (NOTE, "concept/global-processes", 1, EXACTLY),
    (NOTE, "concept/count/states-and-territories-in-iscms", 200, MORE_THAN),
    # NOTE, introduction: "While 156 States have endorsed the GCM"
    (NOTE, "concept/count/states-endorsing-gcm", 156, EXACTLY),
    # NOTE, "ICSMs and the GCM preparatory process": "at least 9 ISCMs formulated formal
    # positions"; Annex III, existing engagement: "at least 14 ISCMs formulated formal positions"
    (NOTE, "concept/count/iscms-with-formal-positions", 9, AT_LEAST),
    (NOTE, "concept/count/iscms-with-formal-positions", 14, AT_LEAST),
    # NOTE, footnote v: "brings together 38 entities ... These 8 entities form the Network's
    # Executive Committee"
    (NOTE, "concept/count/un-network-entities", 38, EXACTLY),
    (NOTE, "concept/count/un-network-executive-committee", 8, EXACTLY),
    # ZERO, footnote ²: "Currently there are 16 active RCPs."; footnote ³: "Only active IRFs (12)
    # are listed here."; the global list names three processes
    (ZERO, "concept/regional-consultative-processes", 16, EXACTLY),
    (ZERO, "concept/inter-regional-forums", 12, EXACTLY),
    (ZERO, "concept/global-processes", 3, EXACTLY),
)


def count_claims(graph: Graph) -> dict[tuple[str, str], set[tuple[int, str]]]:
    """(source, thing counted) -> {(count, qualifier)} of the graph's iscm:CountClaim nodes."""
    found: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    rows = select(
        graph,
        """SELECT ?src ?of ?n ?q WHERE {
            ?c a iscm:CountClaim ; iscm:countOf ?of ; iscm:count ?n ; iscm:countQualifier ?q ;
               prov:wasDerivedFrom ?src .
        }""",
    )
    for src, of, n, qualifier in rows:
        assert isinstance(n, Literal)
        found[(str(src), short(of))].add((int(n.toPython()), str(qualifier)))
    return found


@pytest.mark.parametrize(
    ("source", "counted"),
    sorted({(source, counted) for source, counted, _, _ in COUNT_CLAIMS}),
    ids=lambda v: short(v).removeprefix("document/"),
)
def test_count_claims(graph: Graph, source: URIRef, counted: str) -> None:
    """NOTE and ZERO (sections in COUNT_CLAIMS): each count the source states, with its qualifier
    ("at least", "over") and its source, and no other count of the same thing from that source."""
    expected = {(n, str(q)) for s, c, n, q in COUNT_CLAIMS if (s, c) == (source, counted)}
    assert count_claims(graph)[(str(source), counted)] == expected


def test_zero_list_counts_agree_with_the_list(graph: Graph) -> None:
    """ZERO, list of active ISCMs: the footnotes' counts (16 RCPs, 12 IRFs) and the 3 global
    processes are the numbers of entries the list prints."""
    sizes = {
        "concept/regional-consultative-processes": len(
            set(graph.subjects(ISCM.listedIn, RCP_LIST))
        ),
        "concept/inter-regional-forums": len(set(graph.subjects(ISCM.listedIn, IRF_LIST))),
        "concept/global-processes": len(set(graph.subjects(ISCM.listedIn, GLOBAL_LIST))),
    }
    claims = count_claims(graph)
    for counted, size in sizes.items():
        assert claims[(str(ZERO), counted)] == {(size, str(EXACTLY))}


def test_rcp_and_global_process_counts_differ_across_sources(graph: Graph) -> None:
    """NOTE, "Inter-State Consultation Mechanisms (ISCMs)" vs ZERO, footnotes ² and ⁴: the two
    sources count the RCPs (17 vs 16) and the global processes (1 vs 3) differently, so each pair
    of claims is linked by a counts-differ discrepancy."""
    linked = {
        frozenset(shorts({a, b}))
        for d in graph.subjects(ISCM.discrepancyKind, iri("concept/discrepancy/counts-differ"))
        for a in graph.objects(d, ISCM.claimA)
        for b in graph.objects(d, ISCM.claimB)
    }
    assert frozenset({"claim/note/count/rcps", "claim/zero/count/rcps"}) in linked
    assert (
        frozenset({"claim/note/count/global-processes", "claim/zero/count/global-processes"})
        in linked
    )


# ---------------------------------------------------------------------------------------------
# Follow-up and review (NOTE, body, Annex I and Annex III)
# ---------------------------------------------------------------------------------------------


def invitation_grounds(graph: Graph, invitee: URIRef) -> set[str]:
    """The paragraphs (iscm:legalGround) of the note's invitations that name ``invitee``."""
    rows = select(
        graph,
        f"""SELECT DISTINCT ?p WHERE {{
            ?i a iscm:Invitation ; iscm:invitee <{invitee}> ; iscm:legalGround ?p ;
               prov:wasDerivedFrom <{NOTE}> .
        }}""",
    )
    return {short(row[0]).removeprefix("document/") for row in rows}


def test_paragraphs_inviting_regional_consultative_processes(graph: Graph) -> None:
    """NOTE, Annex I: GCM Paragraph 47 ("we invite the Global Forum on Migration and Development,
    regional consultative processes..."), 50 ("including the United Nations regional economic
    commissions or regional consultative processes"), 52 ("we invite forums such as the IOM
    International Dialogue on Migration, regional consultative processes"); A/RES/73/326
    Paragraph 10 ("Invites relevant subregional, regional ... and regional consultative processes
    on migration") and 12 ("Invites forums such as ..., regional consultative processes on
    migration"). Footnote x agrees for the GCM: "Paragraphs 47, 50 and 52."."""
    assert invitation_grounds(graph, iri("concept/regional-consultative-processes")) == {
        f"{GCM}/para/47",
        f"{GCM}/para/50",
        f"{GCM}/para/52",
        f"{IMRF_FORMAT}/para/10",
        f"{IMRF_FORMAT}/para/12",
    }


def test_a_res_73_326_invites_regional_and_subregional_bodies_in_paragraph_10(graph: Graph) -> None:
    """NOTE, Annex I, A/RES/73/326 Paragraph 10: "Invites relevant subregional, regional and
    cross-regional processes, platforms and organizations ... to review the implementation of the
    Global Compact, within their respective regions" (footnote iv: "UN GA A/RES/73/326,
    Paragraph 10.")."""
    invitee = iri(
        "concept/subregional-regional-cross-regional-processes-platforms-and-organizations"
    )
    in_73_326 = {g for g in invitation_grounds(graph, invitee) if g.startswith(IMRF_FORMAT)}
    assert in_73_326 == {f"{IMRF_FORMAT}/para/10"}


def test_a_res_73_326_invites_un_regional_commissions_only_in_paragraph_10(graph: Graph) -> None:
    """NOTE, Annex I, A/RES/73/326: only Paragraph 10 invites the United Nations regional economic
    commissions ("including the United Nations regional economic commissions and regional
    consultative processes on migration"); Paragraph 7 requests the Secretary-General."""
    grounds = invitation_grounds(graph, iri("concept/un-regional-commissions"))
    assert {g for g in grounds if g.startswith(IMRF_FORMAT)} == {f"{IMRF_FORMAT}/para/10"}


def test_legal_grounds_of_un_regional_commissions(graph: Graph) -> None:
    """NOTE, Annex III, row "Legal grounds for engagement in the GCM", column UN ReCs: "Mandate:
    GCM Modalities Resolution, §§ 12 and 22(a); GCM § 50." (the modalities resolution is
    A/RES/71/280, "Some Relevant References")."""
    profile = iri("profile/note/un-regional-commissions")
    assert graph.value(profile, ISCM.roleOf) == iri("concept/un-regional-commissions")
    assert shorts(graph.objects(profile, ISCM.legalGround)) == shorts(
        {para(MODALITIES, "12"), para(MODALITIES, "22/a"), para(GCM, "50")}
    )
    assert graph.value(profile, ISCM.legalGroundText) == Literal(
        "Mandate: GCM Modalities Resolution, §§ 12 and 22(a); GCM § 50.", lang="en"
    )


def schedule_of(graph: Graph, process: URIRef) -> URIRef:
    schedules = list(graph.objects(process, SCHEMA.eventSchedule))
    assert len(schedules) == 1, f"{short(process)} has {len(schedules)} schedules"
    schedule = schedules[0]
    assert isinstance(schedule, URIRef)
    return schedule


def test_imrf_every_four_years_from_2022(graph: Graph) -> None:
    """NOTE, "International Migration Review Forum (IMRF)": "The IMRF will convene every four
    years, starting in 2022."; Annex I, Paragraph 49(c): "The International Migration Review Forum
    shall take place every four years beginning in 2022"."""
    schedule = schedule_of(graph, iri("actor/imrf"))
    assert graph.value(schedule, SCHEMA.repeatFrequency) == Literal("P4Y", datatype=XSD.duration)
    assert graph.value(schedule, SCHEMA.startDate) == Literal("2022", datatype=XSD.gYear)
    assert para(GCM, "49/c") in set(graph.objects(schedule, ISCM.legalGround))


def test_regional_reviews_every_four_years_from_2020(graph: Graph) -> None:
    """NOTE, "ISCMs and GCM implementation, follow-up and review": "to review the implementation
    of the GCM at four-year intervals, beginning in 2020"; "International Migration Review Forum
    (IMRF)": "every four years beginning in 2020"; Annex I, GCM Paragraph 50."""
    process = iri("process/regional-reviews")
    schedule = schedule_of(graph, process)
    assert graph.value(schedule, SCHEMA.repeatFrequency) == Literal("P4Y", datatype=XSD.duration)
    assert graph.value(schedule, SCHEMA.startDate) == Literal("2020", datatype=XSD.gYear)
    assert shorts(graph.objects(process, ISCM.legalGround)) == shorts(
        {para(GCM, "50"), para(IMRF_FORMAT, "10")}
    )
    assert (process, ISCM.informs, iri("actor/imrf")) in graph


def test_gfmd_annual_informal_exchange(graph: Graph) -> None:
    """NOTE, Annex I, GCM Paragraph 51: "We invite the Global Forum on Migration and Development
    to provide a space for annual informal exchange on the implementation of the Global Compact,
    and to report ... to the International Migration Review Forum" (footnote xvii)."""
    process = iri("process/gfmd-annual-exchange")
    assert graph.value(process, SCHEMA.organizer) == iri("actor/gfmd")
    schedule = schedule_of(graph, process)
    assert graph.value(schedule, SCHEMA.repeatFrequency) == Literal("P1Y", datatype=XSD.duration)
    assert shorts(graph.objects(process, ISCM.legalGround)) == shorts({para(GCM, "51")})
    assert (process, ISCM.informs, iri("actor/imrf")) in graph


# ---------------------------------------------------------------------------------------------
# ICMPD's five themes (ICMPD, section 1 and section 3 "Annex of relevant frameworks")
# ---------------------------------------------------------------------------------------------

ICMPD_THEMES = {
    1: "Fulfill human rights obligations with respect to migrants",
    2: "Reduce irregular migration and migrant smuggling, and end trafficking in persons",
    3: "Promote regular migration pathways",
    4: "Promote migrants\u2019 contributions in countries of origin, transit and destination",
    5: "Promote cooperation and partnership",
}

THEME_5_DIALOGUES = {
    "Bali Process": "bali-process",
    "Budapest Process": "budapest-process",
    "Khartoum Process": "khartoum-process",
    "Prague Process": "prague-process",
    "Rabat Process": "rabat-process",
}


def test_icmpd_five_themes(graph: Graph) -> None:
    """ICMPD, section 1: "organised around 5 main thematic objectives or principles", headed
    "1. Fulfill human rights obligations with respect to migrants" ... "5. Promote cooperation
    and partnership" (repeated in section 3, the annex)."""
    scheme = iri("scheme/icmpd-themes")
    assert shorts(graph.objects(scheme, SKOS.hasTopConcept)) == {
        f"concept/icmpd-theme/{n}" for n in ICMPD_THEMES
    }
    for n, title in ICMPD_THEMES.items():
        theme = iri(f"concept/icmpd-theme/{n}")
        assert (theme, RDF.type, ISCM.Theme) in graph
        assert graph.value(theme, SKOS.prefLabel) == Literal(title, lang="en")
        assert (theme, PROV.wasDerivedFrom, ICMPD) in graph


def test_icmpd_theme_5_dialogues_are_the_listed_actors(graph: Graph) -> None:
    """ICMPD, theme 5 ("e.g. Bali, Budapest, Khartoum, Prague and Rabat Processes") and annex item
    5 ("international migration dialogues such as the Bali, Budapest, Khartoum, Prague and Rabat
    Processes"): the five dialogues are the actors of ZERO's list of active ISCMs, each named by
    exactly one actor IRI."""
    listed = {e.actor for e in ACTIVE_ISCMS}
    dialogues = {iri(f"actor/{key}") for key in THEME_5_DIALOGUES.values()}
    assert dialogues <= listed
    actors = set(graph.subjects(RDF.type, ISCM.Actor))
    for name, key in THEME_5_DIALOGUES.items():
        named = {s for s in graph.subjects(RDFS.label, Literal(name, lang="en")) if s in actors}
        assert shorts(named) == {f"actor/{key}"}, f"{name}: {shorts(named)}"
    theme = iri("concept/icmpd-theme/5")
    listings = {
        item
        for listing in graph.subjects(ISCM.underTheme, theme)
        if (listing, RDF.type, ISCM.FrameworkListing) in graph
        for item in graph.objects(listing, ISCM.listedItem)
    }
    assert dialogues <= listings, f"annex lacks {shorts(dialogues - listings)}"
    commitments = {
        actor
        for rec in graph.subjects(ISCM.underTheme, theme)
        if (rec, RDF.type, ISCM.Recommendation) in graph
        for actor in graph.objects(rec, ISCM.mentions)
    }
    assert dialogues <= commitments, f"commitments lack {shorts(dialogues - commitments)}"
    icmpd_actors = {
        o
        for s in graph.subjects(PROV.wasDerivedFrom, ICMPD)
        for p in (ISCM.mentions, ISCM.listedItem)
        for o in graph.objects(s, p)
        if (o, RDF.type, ISCM.InterStateConsultationMechanism) in graph
    }
    assert icmpd_actors - listed <= {iri("actor/mtm")}, shorts(icmpd_actors - listed)


# ---------------------------------------------------------------------------------------------
# Memberships (reference/members.tsv)
# ---------------------------------------------------------------------------------------------

TSV_KEY = {"midsa": "midsa", "prague": "prague-process", "midwa": "midwa", "igad_rcp": "igad-rcp"}
MEMBER, DERIVED = iri("role/member"), iri("concept/confidence/derived")


def member_rows(tsv_key: str) -> list[dict[str, str]]:
    """The rows of reference/members.tsv with role member for one ISCM."""
    rows = read_tsv("members.tsv")
    return [r for r in rows if r["iscm_key"] == tsv_key and r["role"] == "member"]


def members_in_graph(graph: Graph, actor: URIRef) -> dict[str, set[str]]:
    """ISO code -> confidences of the org:Membership nodes with role member in ``actor``."""
    found: dict[str, set[str]] = defaultdict(set)
    for membership in graph.subjects(ORG.organization, actor):
        if (membership, ORG.role, MEMBER) in graph:
            for state in graph.objects(membership, ORG.member):
                code = short(state).removeprefix("state/")
                found[code] |= shorts(graph.objects(membership, ISCM.confidence))
    return found


@pytest.mark.parametrize(("tsv_key", "count"), [("midsa", 16), ("prague", 49)])
def test_number_of_member_states(graph: Graph, tsv_key: str, count: int) -> None:
    """reference/members.tsv, counted by hand: MIDSA has 16 member rows ("IOM: Member States (16
    States)"), the Prague Process 49."""
    rows = member_rows(tsv_key)
    assert len({r["iso3"] for r in rows}) == count
    members = members_in_graph(graph, iri(f"actor/{TSV_KEY[tsv_key]}"))
    assert set(members) == {r["iso3"] for r in rows}


@pytest.mark.parametrize(("tsv_key", "count"), [("midwa", 11), ("igad_rcp", 8)])
def test_derived_rows_carry_derived_confidence(graph: Graph, tsv_key: str, count: int) -> None:
    """reference/members.tsv: the rows whose note starts with "DERIVED"/"derived:" (MIDWA's 11
    ECOWAS members filled in, IGAD-RCP's 8 IGAD members) carry iscm:confidence
    <concept/confidence/derived>; the ISCM's other member rows do not."""
    rows = member_rows(tsv_key)
    derived = {r["iso3"] for r in rows if r["note"].lower().startswith("derived")}
    assert len(derived) == count
    members = members_in_graph(graph, iri(f"actor/{TSV_KEY[tsv_key]}"))
    assert set(members) == {r["iso3"] for r in rows}
    for code, confidences in members.items():
        if code in derived:
            assert confidences == {short(DERIVED)}, code
        else:
            assert short(DERIVED) not in confidences, code


# ---------------------------------------------------------------------------------------------
# Provenance and shapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [ISCM.Reference, ISCM.EntryPoint, ISCM.Claim, ISCM.ParagraphExcerpt],
    ids=lambda c: str(c).rsplit("#", 1)[-1],
)
def test_exactly_one_source_document(graph: Graph, cls: URIRef) -> None:
    """docs/data-conventions.md, rule 2, over all four sources: every Reference, EntryPoint, Claim
    and ParagraphExcerpt has exactly one prov:wasDerivedFrom, one of the iscm:SourceDocument
    nodes."""
    nodes = set(graph.subjects(RDF.type, cls))
    assert nodes, f"no {cls}"
    documents = set(graph.subjects(RDF.type, ISCM.SourceDocument))
    assert documents == set(SOURCE_DOCUMENTS)
    wrong = sorted(
        f"{short(node)}: {sorted(shorts(sources))}"
        for node in nodes
        if len(sources := set(graph.objects(node, PROV.wasDerivedFrom))) != 1
        or not sources <= documents
    )
    assert not wrong, "\n".join(wrong)


def test_shipped_data_conforms_to_the_shapes(report: Report) -> None:
    """All sources: the shipped data (asserted and inferred) conforms to shapes/*.ttl."""
    assert report.violations == [], report.as_text()
    assert report.conforms is True


# ------------------------------------------------------------- four gaps an audit of 40 facts found


def test_whole_of_society_links_all_thirteen_stakeholders(graph: Graph) -> None:
    """ADOPTED lines 20-23: "all relevant stakeholders are expected to be engaged, including
    States, the United Nations system, intergovernmental organizations, local communities, civil
    society, academia, the private sector, parliamentarians, trade unions, national human rights
    Institutions, the media, migrants, diasporas" (13 members, each linked)."""
    claim = iri("claim/adopted/statement/whole-of-society")
    assert shorts(graph.objects(claim, ISCM.about)) == {
        "concept/member-states",
        "concept/united-nations-system",
        "concept/intergovernmental-organizations",
        "concept/local-authorities-and-communities",
        "concept/civil-society",
        "concept/academia",
        "concept/private-sector",
        "concept/parliamentarians",
        "concept/trade-unions",
        "concept/national-human-rights-institutions",
        "concept/media",
        "concept/migrants",
        "concept/diasporas",
    }
    system = iri("concept/united-nations-system")
    assert graph.value(system, SKOS.prefLabel) == Literal("United Nations system", lang="en")
    assert (system, RDF.type, ISCM.ActorCategory) in graph
    assert Literal("States", lang="en") in set(
        graph.objects(iri("concept/member-states"), SKOS.altLabel)
    )


def test_footnote_locators_are_in_the_graph(graph: Graph) -> None:
    """NOTE footnote xi (lines 892-893) cites IOM's 2018 review at "Recommendations, page 22",
    footnote xv (lines 909-911) at "Recommendation (i)": both locators are kept, the same way (a
    comment on the node that cites them)."""
    xi = graph.value(iri("claim/note/preparatory/expert-platforms"), RDFS.comment)
    xv = graph.value(iri("recommendation/note/iom-2018-review/i"), RDFS.comment)
    assert str(xi).startswith("Footnote xi: ") and "Recommendations, page 22" in str(xi)
    assert str(xv).startswith("Footnote xv: ") and "Recommendation (i)" in str(xv)


def test_icmpd_expert_meetings_name_un_agencies(graph: Graph) -> None:
    """ICMPD lines 447-449 ("existing expertise in relevant UN agencies and international
    organisations") and 461-465 ("annual expert meetings (including e.g. UN Special Rapporteurs,
    UN agencies, international organisations, civil society and academia)")."""
    agencies = iri("concept/un-agencies")
    assert graph.value(agencies, SKOS.prefLabel) == Literal("UN agencies", lang="en")
    assert graph.value(agencies, SKOS.broader) == iri("concept/united-nations-system")
    assert shorts(
        graph.objects(iri("recommendation/icmpd/follow-up-and-review/4"), ISCM.mentions)
    ) == {
        "actor/un-special-rapporteurs",
        "concept/un-agencies",
        "concept/international-organizations",
        "concept/civil-society",
        "concept/academia",
    }
    assert agencies in set(
        graph.objects(iri("recommendation/icmpd/follow-up-and-review/1"), ISCM.mentions)
    )


# point 8 of the GRCP 7 Highlights as the zero analysis prints it (ZERO lines 280-286) and as the
# note's footnote xiii quotes it (NOTE lines 897-907): the lead-in and items a)/(i) to c)/(iii)
GRCP7_POINT_8 = [
    ("claim/zero/grcp7/point-8", "claim/note/grcp/grcp-7-partnerships", False),
    ("recommendation/grcp7/partnership/a", "recommendation/note/grcp-7/partnership/i", True),
    ("recommendation/grcp7/partnership/b", "recommendation/note/grcp-7/partnership/ii", True),
    ("recommendation/grcp7/partnership/c", "recommendation/note/grcp-7/partnership/iii", True),
]


@pytest.mark.parametrize(("zero", "note", "differs"), GRCP7_POINT_8)
def test_grcp7_point_8_quoted_twice_is_linked(
    graph: Graph, zero: str, note: str, differs: bool
) -> None:
    """The two quotations of the same point are linked both ways; where the words differ ("REOs
    and UN RCs" / "Regional Economic Organizations and UN Regional Commissions", "interregional
    forums" / "inter-regional fora", ", including" / "(dash) including"), a discrepancy says so."""
    assert (iri(zero), ISCM.sameStatementAs, iri(note)) in graph
    assert (iri(note), ISCM.sameStatementAs, iri(zero)) in graph
    found = {
        short(kind)
        for d in graph.subjects(ISCM.claimA, iri(zero))
        if (d, ISCM.claimB, iri(note)) in graph
        for kind in graph.objects(d, ISCM.discrepancyKind)
    }
    assert found == ({"concept/discrepancy/quotation-differs"} if differs else set())
