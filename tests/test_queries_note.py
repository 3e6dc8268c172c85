# The sources quote with curly quotes; expectations keep them verbatim.
# ruff: noqa: RUF001
"""Golden tests for the queries built on the information note, the ICMPD input and the
sources' own disagreements: imrf-contributors, legal-grounds, invitations, iscm-roles,
icmpd-theme-actors and source-discrepancies.

Expectations come from sources/iom-information-note-iscms-and-gcm.txt ("the note": Annex I
quotes GCM §47-§52 and A/RES/73/326 §7-§12, lines 275-415; Annex II the GFMD's role, 416-463;
Annex III the comparative table, 464-866), sources/icmpd-input-to-unsg-report-on-gcm.txt and the
two IOM IPD analyses.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers import project
from helpers import split_set as split

Rows = list[dict[str, str]]
RunQuery = Callable[..., Rows]

ADOPTED = "A-RES-73-195"
IMRF_RESOLUTION = "A-RES-73-326"
MODALITIES = "A-RES-71-280"
NEW_YORK_DECLARATION = "A-RES-71-1"
NOTE = "iom-information-note-iscms-and-gcm"
ADOPTED_ANALYSIS = "iom-ipd-references-in-gcm-adopted-text"
ZERO_ANALYSIS = "iom-ipd-references-in-gcm-zero-draft-rev1"

GFMD = "Global Forum on Migration and Development"
IDM = "International Dialogue on Migration"
RCPS = "regional consultative processes on migration"
UN_RECS = "United Nations regional economic commissions"
SUBREGIONAL = "subregional, regional and cross-regional processes, platforms and organizations"
ISCMS = "inter-State consultation mechanisms on migration"


# ------------------------------------------------------------------------- imrf-contributors


def test_imrf_contributors(rows: RunQuery) -> None:
    """Who is invited to contribute to or inform the IMRF? The note's Annex I: GCM §50 (regional
    reviews "in order to effectively inform each edition of the International Migration Review
    Forum"; the processes, platforms and organizations, the UN regional economic commissions,
    RCPs), §51 (GFMD, "report … to the International Migration Review Forum"), §52 (IDM, RCPs,
    recognized as "State-led initiatives on international migration", which the note reads as
    the ISCMs, lines 156-157); A/RES/73/326 §7 ("Requests the Secretary-General to ensure that
    the expertise of the United Nations system …, including … regional economic commissions …, is
    coordinated to support the State-led forums": the Secretary-General is the one requested,
    the commissions are not addressed), §10, §11, §12; and the UN Network on Migration, tasked by
    §9 and §13 (note lines 110-112, footnotes vi and vii). GCM §47 (platforms to exchange
    experiences) does not feed the IMRF."""
    expected = [
        (GFMD, ADOPTED, "§51"),
        (GFMD, IMRF_RESOLUTION, "§11"),
        (IDM, ADOPTED, "§52"),
        (IDM, IMRF_RESOLUTION, "§12"),
        (RCPS, ADOPTED, "§50; §52"),
        (RCPS, IMRF_RESOLUTION, "§10; §12"),
        ("Secretary-General of the United Nations", IMRF_RESOLUTION, "§7"),
        ("State-led initiatives on international migration", ADOPTED, "§52"),
        (SUBREGIONAL, ADOPTED, "§50"),
        (SUBREGIONAL, IMRF_RESOLUTION, "§10"),
        ("United Nations Network on Migration", IMRF_RESOLUTION, "§9; §13"),
        (UN_RECS, ADOPTED, "§50"),
        (UN_RECS, IMRF_RESOLUTION, "§10"),
    ]
    result = project(rows("imrf-contributors"), "actor", "document", "paragraphs")
    assert sorted(result) == sorted(expected)


# ----------------------------------------------------------------------------- legal-grounds


def test_legal_grounds(rows: RunQuery) -> None:
    """On what legal grounds does each kind of regional actor engage? Annex III, row "Legal
    grounds for engagement in the GCM" (lines 590-601): ISCMs "New York Declaration, § 54; GCM
    Modalities Resolution, § 22; GCM §§ 47, 50 and 52"; UN ReCs "GCM Modalities Resolution,
    §§ 12 and 22(a); GCM § 50"; political and economic unions "GCM § 50"."""
    expected = [
        (ISCMS, NEW_YORK_DECLARATION, "§54"),
        (ISCMS, MODALITIES, "§22"),
        (ISCMS, ADOPTED, "§47; §50; §52"),
        ("political and economic unions and other regional organizations", ADOPTED, "§50"),
        (UN_RECS, MODALITIES, "§12; §22(a)"),
        (UN_RECS, ADOPTED, "§50"),
    ]
    result = project(rows("legal-grounds"), "actor_type", "document", "paragraphs")
    assert sorted(result) == sorted(expected)


# ------------------------------------------------------------------------------- invitations


def test_invitations_paragraphs(rows: RunQuery) -> None:
    """Which quoted paragraphs invite or request someone? Annex I: Modalities §22(b) ("Invites
    Member States…"); GCM §47, §50, §51, §52 ("we invite…"; §49 decides, it invites no one); A/RES/
    73/326 §7 ("Requests the Secretary-General…"), §10, §11, §12; and the UN Network's tasks of
    §9 and §13 (lines 110-112). New York Declaration §54 is a commitment ("We will strengthen
    cooperation…")."""
    result = project(rows("invitations"), "document", "paragraph")
    assert result == [
        (MODALITIES, "§22(b)"),
        (ADOPTED, "§47"),
        (ADOPTED, "§50"),
        (ADOPTED, "§51"),
        (ADOPTED, "§52"),
        (IMRF_RESOLUTION, "§7"),
        (IMRF_RESOLUTION, "§9"),
        (IMRF_RESOLUTION, "§10"),
        (IMRF_RESOLUTION, "§11"),
        (IMRF_RESOLUTION, "§12"),
        (IMRF_RESOLUTION, "§13"),
    ]


def test_invitations_invitees_and_activities(rows: RunQuery) -> None:
    """Who is invited by GCM §47, §50, §51 and A/RES/73/326 §7, §10-§12 (lines 313-415), and to
    do what, in the paragraph's words? (§7 "Requests the Secretary-General…", line 387.)"""
    result = {(r["document"], r["paragraph"]): r for r in rows("invitations")}
    invitees = {
        key: split(result[key]["invitees"])
        for key in [
            (ADOPTED, "§47"),
            (ADOPTED, "§50"),
            (ADOPTED, "§51"),
            (IMRF_RESOLUTION, "§7"),
            (IMRF_RESOLUTION, "§10"),
            (IMRF_RESOLUTION, "§11"),
            (IMRF_RESOLUTION, "§12"),
        ]
    }
    assert invitees == {
        # "we invite the Global Forum on Migration and Development, regional consultative
        # processes and other global, regional and subregional forums" (lines 317-319)
        (ADOPTED, "§47"): {GFMD, RCPS, "global, regional and subregional forums"},
        (ADOPTED, "§50"): {SUBREGIONAL, UN_RECS, RCPS},  # lines 353-355
        (ADOPTED, "§51"): {GFMD},  # line 363
        (IMRF_RESOLUTION, "§7"): {"Secretary-General of the United Nations"},  # line 387
        (IMRF_RESOLUTION, "§10"): {SUBREGIONAL, UN_RECS, RCPS},  # lines 396-397
        (IMRF_RESOLUTION, "§11"): {GFMD},  # line 405
        (IMRF_RESOLUTION, "§12"): {IDM, RCPS},  # line 413
    }
    assert result[(ADOPTED, "§51")]["activity"] == (  # lines 363-365
        "to provide a space for annual informal exchange on the implementation of the Global "
        "Compact, and to report the findings, best practices and innovative approaches to the "
        "International Migration Review Forum"
    )
    assert result[(IMRF_RESOLUTION, "§12")]["activity"] == (  # lines 413-415
        "to contribute to each forum by providing relevant data, evidence, best practices, "
        "innovative approaches and recommendations as they relate to the implementation of the "
        "Global Compact"
    )


# -------------------------------------------------------------------------------- iscm-roles

# "ISCMs' POSSIBLE ROLE IN THE GCM REVIEW PROCESS", lines 168-203
ISCM_ROLES = [
    "offering forums for their Member States to regularly discuss GCM implementation, exchange "
    "practices, and review and formulate collective / regional inputs on the GCM, to feed into "
    "the IMRF.",
    "stock-taking of their respective activities in support of GCM Objectives; maintaining "
    "knowledge bases on effective regional practices, approaches and innovative solutions "
    "relevant to the GCM contributing towards the knowledge platform and connection hub of the "
    "GCM capacity building mechanism.",
    "collecting data and statistics on migration to support GCM implementation and reporting at "
    "the regional level.",
    "creating networks of officials within their respective constituencies responsible for the "
    "GCM implementation and review; or establishing action-oriented working groups on the GCM "
    "within each ISCMs, with concrete deliverables.",
    "building their member States’ capacities; providing expertise and guidance on the GCM, "
    "including from the GCM capacity building mechanism.",
    "building partnerships with UN ReCs, regional political and economic unions and other "
    "regional actors towards joint regional GCM reviews and feeding into the GCM reviews by "
    "these organizations.",
    "discuss funding gaps and opportunities, as well as possible joint projects for funding "
    "under the Start-up Fund for Safe Orderly and Regular Migration (“Migration MPTF”).",
    "Collectively, ISCMs may forge joint positions on the GCM and IMRF: the GRCP can offer a "
    "venue to formulate these in anticipation of the IMRF.",
]
# "ISCMs can prepare for possible engagement by:", lines 207-224
ISCM_STEPS = [
    "Stocktaking on their existing engagement in and contribution to the GCM objectives.",
    "Formulating their possible role in the GCM review.",
    "Obtaining respective MSs’ agreement on their formal engagement in the GCM review.",
    "Considering modalities for such engagement, e. g. establishing a working group on GCM "
    "review; nominating focal points or charging their ‘Secretariats’ to deal with the GCM "
    "Review-related matters; maintaining a database of regional activities in support to the GCM "
    "and other databases; quantifying the human and financial resources needs; etc.",
    "Considering how to feed into the GCM review process, whether directly through the ISCM "
    "Chair (forwarding an ISCM report to the IMRF), or indirectly, or a combination of both. "
    "Such combination can take various forms at national, regional, interregional or global: "
    "through the ISCM MSs, their partner regional organizations (relevant UN ReCs, political and "
    "economic unions in their respective regions), global processes on migration (GFMD, IMRF "
    "itself) as well as the GRCP Meetings.",
]
# Annex II: the role the GFMD suggested (lines 436-443) and "What can the GFMD offer to the
# IMRF" (447-463). The footnote marker after "Platform for Partnerships" (xxii) is left out
# with an ellipsis (docs/data-conventions.md: an ellipsis may split a quotation).
GFMD_ROLES = [
    "providing a platform for open dialogue among governments, international organizations, "
    "civil society, trade unions and the private sector on all issues related to migration and "
    "development.",
    "serving as a catalyst for practical cooperation and partnerships.",
    "contributing to the review of the migration-related commitments in the 2030 Agenda and in "
    "the GCM.",
    "interacting with the UN system and feeding its outcomes into relevant UN processes.",
    "advice and guidance to member States.",
    "platform for exchanges and partnerships on GCM implementation.",
    "expanding and developing the Platform for Partnerships … to compile and maintain "
    "information on GCM implementation.",
    "forum for stocktaking on GCM implementation.",
    "stocktaking on policy suggestions and options for practical action as outlined during the "
    "GFMD thematic roundtables.",
    "possible platform to transmit States’ reviews on the GCM to the IMRF.",
    "possible platform at GFMD Summits for annual reporting on the GCM by other ISCMs.",
    "report to the IMRF on effective practices, key developments and trends (subject to Member "
    "States’ approval).",
]


def test_iscm_roles(rows: RunQuery) -> None:
    """What roles could ISCMs and the GFMD play, and which preparatory steps could ISCMs take?
    8 ISCM roles, 5 preparatory steps, 12 GFMD roles, in the note's words."""
    result = project(rows("iscm-roles"), "actor", "kind", "role")
    assert sorted(result) == sorted(
        [(ISCMS, "possible role", r) for r in ISCM_ROLES]
        + [(ISCMS, "preparatory step", s) for s in ISCM_STEPS]
        + [(GFMD, "possible role", r) for r in GFMD_ROLES]
    )
    iscm_rows = [role for actor, kind, role in result if actor == ISCMS and kind == "possible role"]
    assert iscm_rows == ISCM_ROLES, "the note's order"


def test_iscm_roles_stages_of_preparatory_steps(rows: RunQuery) -> None:
    """The preparatory steps concern the preparation stage only."""
    steps = [r for r in rows("iscm-roles") if r["kind"] == "preparatory step"]
    assert {r["stages"] for r in steps} == {"preparation"}


# ------------------------------------------------------------------------ icmpd-theme-actors


def test_icmpd_theme_5_actors(rows: RunQuery) -> None:
    """Theme 5 "Promote cooperation and partnership": the commitments name the Bali, Budapest,
    Khartoum, Prague and Rabat Processes, the Mediterranean Transit Migration dialogue, the GFMD,
    the GFMD Platform For Partnerships and the Prague Process Targeted Initiative (lines
    330-338); the annex adds "Regional bodies such as ASEAN, CAN, COMESA, EAC, ECOWAS, ECCAS, EU,
    IGAD, LAS, MERCOSUR, OAS, OSCE, SADC" (lines 553-561). Names are the graph's full names."""
    result = {r["theme_number"]: r for r in rows("icmpd-theme-actors")}
    assert result["5"]["theme"] == "Promote cooperation and partnership"
    assert split(result["5"]["actors"]) == {
        "Bali Process on People Smuggling, Trafficking in Persons and Related Transnational Crime",
        "Budapest Process",
        "EU-Horn of Africa Migration Route Initiative",  # Khartoum Process
        "Prague Process",
        "Euro-African Dialogue on Migration and Development",  # Rabat Process
        "Mediterranean Transit Migration dialogue",
        GFMD,
        "GFMD Platform for Partnerships",
        "Prague Process Targeted Initiative",
        "Association of Southeast Asian Nations",
        "Andean Community",
        "Common Market for Eastern and Southern Africa",
        "East African Community",
        "Economic Community of West African States",
        "Economic Community of Central African States",
        "European Union",
        "Intergovernmental Authority on Development",
        "League of Arab States",
        "Southern Common Market",  # MERCOSUR
        "Organization of American States",
        "Organization for Security and Co-operation in Europe",
        "Southern African Development Community",
    }


def test_icmpd_theme_4_actors(rows: RunQuery) -> None:
    """Theme 4 "Promote migrants' contributions in countries of origin, transit and
    destination": knowledge platforms "(e.g. Interactive Map on Migration (i-Map))" and
    "(e.g. Migration Media Award)" (lines 290-294)."""
    result = {r["theme_number"]: r for r in rows("icmpd-theme-actors")}
    assert result["4"]["theme"] == (
        "Promote migrants’ contributions in countries of origin, transit and destination"
    )
    assert split(result["4"]["actors"]) == {"Interactive Map on Migration", "Migration Media Award"}


# ---------------------------------------------------------------------- source-discrepancies


def discrepancy(
    table: Rows, kind: str, subject: str, claim_a: str, claim_b: str
) -> list[tuple[str, str]]:
    """The (source_a, source_b) of the rows of that kind and subject whose claims start with
    the given words (in either order)."""
    found = []
    for r in table:
        if (r["kind"], r["subject"]) != (kind, subject):
            continue
        if r["claim_a"].startswith(claim_a) and r["claim_b"].startswith(claim_b):
            found.append((r["source_a"], r["source_b"]))
        elif r["claim_a"].startswith(claim_b) and r["claim_b"].startswith(claim_a):
            found.append((r["source_b"], r["source_a"]))
    return found


def test_source_discrepancies_counts(rows: RunQuery) -> None:
    """Counts that differ: "Currently there are 16 active RCPs" (zero analysis, footnote 2, line
    338) vs "There are currently 17 RCPs, 12 IRFs and 1 global process" (note, line 46); 3 global
    processes listed (zero, lines 384-390) vs 1 (note); "at least 9 ISCMs" (note, line 135) vs
    "at least 14 ISCMs" (note, Annex III, line 607)."""
    table = rows("source-discrepancies")
    rcps = "regional consultative processes on migration"
    assert discrepancy(
        table,
        "counts differ",
        rcps,
        "exactly 16: Currently there are 16 active RCPs.",
        "exactly 17: There are currently 17 RCPs",
    ) == [(ZERO_ANALYSIS, NOTE)]
    assert discrepancy(
        table,
        "counts differ",
        "global processes on migration",
        "exactly 3:",
        "exactly 1: There are currently 17 RCPs",
    ) == [(ZERO_ANALYSIS, NOTE)]
    assert discrepancy(
        table,
        "counts differ",
        "ISCMs that formulated formal positions or recommendations on the GCM",
        "at least 9: at least 9 ISCMs",
        "at least 14: Individual ISCM positions",
    ) == [(NOTE, NOTE)]


def test_source_discrepancies_skills_matching(rows: RunQuery) -> None:
    """The same quotation "Promote effective skills-matching in the national economy…" is cited
    at §19e under "Trade Unions" (adopted analysis, lines 652-653) and at §21e under "Local
    communities" (697-698) and "Private Sector" (781-782)."""
    table = rows("source-discrepancies")
    quote = "Promote effective skills-matching in the national economy"
    kind = "same quotation, different paragraphs"
    for subject in ("trade unions", "private sector"):
        assert discrepancy(table, kind, subject, f"§19(e): {quote}", f"§21(e): {quote}") == [
            (ADOPTED_ANALYSIS, ADOPTED_ANALYSIS)
        ], subject


def test_source_discrepancies_within_the_analyses(rows: RunQuery) -> None:
    """Other disagreements one reads in the sources: the zero analysis says "Regional Migration
    Review Forum: No more mentioned" (line 145) but quotes §48 "…as well as the Regional Migration
    Review Fora" (line 141); the adopted IMRF row cites §50 (line 949) but its quotation is cited
    "(§50e)" (line 1058); the zero CSO summary "(Objectives 2, 3, 12)" (line 21) vs the §31h
    quotation under civil society (line 191); the adopted heading "(NICIC Guidelines)" (line
    1091) vs the row "(MICIC Guidelines)" (line 965); the note dates the GRCP 7 Highlights
    Document 11 October 2017 (line 244) while its URL says 10 October 2017 (line 260)."""
    table = rows("source-discrepancies")
    assert discrepancy(
        table,
        "self-contradiction",
        "Regional Migration Review Fora",
        "No more mentioned in the GCM Draft Rev",
        "§48: Recognizing",
    ) == [(ZERO_ANALYSIS, ZERO_ANALYSIS)]
    assert discrepancy(
        table,
        "table vs quotations",
        "International Migration Review Forum",
        "§50: International Migration Review Forum (listed without a quotation)",
        "§50(e): …inform each edition",
    ) == [(ADOPTED_ANALYSIS, ADOPTED_ANALYSIS)]
    assert discrepancy(
        table,
        "summary vs quotations",
        "civil society",
        "CSOs (Objectives 2, 3, 12)",
        "§31(h): Establish community centres",
    ) == [(ZERO_ANALYSIS, ZERO_ANALYSIS)]
    assert discrepancy(
        table,
        "name differs",
        "Guidelines to Protect Migrants in Countries Experiencing Conflict or Natural Disaster",
        "§18(g):",
        'section "Migrants in Countries Experiencing Conflict or Natural Disaster (NICIC '
        'Guidelines)"',
    ) == [(ADOPTED_ANALYSIS, ADOPTED_ANALYSIS)]
    assert discrepancy(
        table,
        "date differs",
        "GRCP 7 Highlights Document",
        "GRCP 7 Highlights Document (11 October 2017)",
        "https://www.iom.int/sites/default/files/our_work/ICP/RCP/2017/keydocs/"
        "GRCP%207%20Highlights%20Document%2010%20October%202017",
    ) == [(NOTE, NOTE)]


def test_every_discrepancy_row_says_what_it_is(rows: RunQuery) -> None:
    """Each row can be read alone: both claims are there, a table row listed without a quotation
    names its paragraph (the adopted analysis lists the GFMD at §36b, line 456, and the IMRF at
    §54, line 949, with no quotation for them), and a section is named as a section."""
    table = rows("source-discrepancies")
    assert [r for r in table if not all(r.values())] == []
    assert discrepancy(
        table,
        "table vs quotations",
        "Global Forum on Migration and Development",
        "§36(b): Global Forum on Migration and Development (listed without a quotation)",
        'section "Global Forum on Migration and Development"',
    ) == [(ADOPTED_ANALYSIS, ADOPTED_ANALYSIS)]
    assert discrepancy(
        table,
        "table vs quotations",
        "International Migration Review Forum",
        "§54: International Migration Review Forum (listed without a quotation)",
        'section "References to the International Migration Review Forum"',
    ) == [(ADOPTED_ANALYSIS, ADOPTED_ANALYSIS)]
