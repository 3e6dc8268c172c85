# The sources and reference tables use curly quotes and dashes; expectations keep them verbatim.
# ruff: noqa: RUF001, RUF003
"""Golden tests for the queries about the ISCMs themselves: iscms, iscms-by-region,
regional-partners, state-iscms, iscm-memberships, iscm-facts, grcp-meetings and count-claims.

Expectations come from:

* the list of active ISCMs at the end of sources/iom-ipd-references-in-gcm-zero-draft-rev1.txt
  (lines 294-392: 16 RCPs under five region headings, 12 IRFs under headings naming the regions
  they bridge, 3 global processes, and footnote 4 naming four other global processes); names
  are written without the parenthesized acronyms of the list;
* sources/iom-information-note-iscms-and-gcm.txt (counts, associated organizations in
  footnote i, GRCP meetings);
* sources/icmpd-input-to-unsg-report-on-gcm.txt (the Mediterranean Transit Migration dialogue);
* reference/iscms.tsv, reference/members.tsv and reference/public-facts.md (§4 UN Regional
  Commissions, §6 GRCP meetings), read directly by the tests where a whole table is compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import project, read_tsv
from helpers import split_set as split

Rows = list[dict[str, str]]
RunQuery = Callable[..., Rows]

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
NOTE = "iom-information-note-iscms-and-gcm"
ZERO_ANALYSIS = "iom-ipd-references-in-gcm-zero-draft-rev1"


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------- the list of active ISCMs (zero analysis)

AFRICA, AMERICAS, ASIA, EUROPE, MIDDLE_EAST = (
    "Africa",
    "Americas",
    "Asia and Pacific",
    "Europe",
    "Middle East",
)

# "Regional Consultative Processes on Migration", lines 294-334, by region heading. Line 300
# runs two names together ("…Integrated Border Management Budapest Process").
RCPS: dict[str, dict[str, str]] = {  # region -> {key of reference/iscms.tsv: name}
    EUROPE: {  # "Europe (Eurasia)"
        "almaty": "Almaty Process on Refugee Protection and International Migration",
        "eap_panel": "Eastern Partnership Panel on Migration, Mobility and Integrated Border "
        "Management",
        "budapest": "Budapest Process",
        "prague": "Prague Process",
    },
    MIDDLE_EAST: {"arcp": "Arab Regional Consultative Process on Migration and Refugee Affairs"},
    AFRICA: {
        "igad_rcp": "Intergovernmental Authority on Development Regional Consultative Process on "
        "Migration",
        "midcom": "Migration Dialogue from the Common Market for Eastern and Southern Africa "
        "Member States",
        "midcas": "Migration Dialogue for Central African States",
        "midsa": "Migration Dialogue for Southern Africa",
        "midwa": "Migration Dialogue for West Africa",
    },
    ASIA: {
        "colombo": "Regional Consultative Process on Overseas Employment and Contractual Labour "
        "for Countries of Origin in Asia",
        "pidc": "Pacific Immigration Directors' Conference",
    },
    AMERICAS: {
        "rcm": "Regional Conference on Migration",
        "sacm": "South American Conference on Migration",
        "cmc": "Caribbean Migration Consultations",
        "ocam": "Central American Commission of Migration Directors",
    },
}

# "Inter-regional Forums on Migration", lines 340-380: key -> (name, regions of its heading).
IRFS: dict[str, tuple[str, set[str]]] = {
    # "Africa – Europe"
    "five_plus_five": ("5+5 Dialogue on Migration in the Western Mediterranean", {AFRICA, EUROPE}),
    "khartoum": ("EU-Horn of Africa Migration Route Initiative", {AFRICA, EUROPE}),
    "rabat": ("Euro-African Dialogue on Migration and Development", {AFRICA, EUROPE}),
    # "Africa - Asia -- Americas - Europe"
    "acp_eu": (
        "African, Caribbean and Pacific Group of States — European Union Dialogue on Migration",
        {AFRICA, ASIA, AMERICAS, EUROPE},
    ),
    # "Americas - Europe"
    "fibemyd": ("Ibero-American Forum on Migration and Development", {AMERICAS, EUROPE}),
    "eu_celac": (
        "European Union – Latin America and the Caribbean Structured and Comprehensive "
        "Biregional Dialogue on Migration",
        {AMERICAS, EUROPE},
    ),
    "riam": ("Ibero-American Network of Migration Authorities", {AMERICAS, EUROPE}),
    # "Asia - Europe"
    "asem_dg": (
        "The Asia – European Union Meeting's Conference of the Directors General of "
        "Immigration and Management of Migratory Flows",
        {ASIA, EUROPE},
    ),
    # "Asia – Middle East"
    "abu_dhabi": (
        "Ministerial Consultation on Overseas Employment and Contractual Labour for "
        "Countries of Origin and Destination in Asia",
        {ASIA, MIDDLE_EAST},
    ),
    # "Europe - Asia - Americas"
    "igc": (
        "Inter-Governmental Consultations on Migration, Asylum and Refugees",
        {EUROPE, ASIA, AMERICAS},
    ),
    # "Europe – Asia – Americas – the Middle East"
    "bali": (
        "Bali Process on People Smuggling, Trafficking in Persons and Related Transnational Crime",
        {EUROPE, ASIA, AMERICAS, MIDDLE_EAST},
    ),
    # "Intra-African"
    "pafom": ("Pan-African Forum on migration", {AFRICA}),
}

# "Global Processes on Migration", lines 384-390.
GLOBAL_PROCESSES: dict[str, str] = {
    "gfmd": "Global Forum on Migration and Development",
    "idm": "International Dialogue on Migration",
    "un_hld": "United Nations High-Level Dialogue on International Migration and Development",
}
# Footnote 4 (line 392), "Other global processes…"; and the IMRF, the UN HLD "under its new
# title" (line 11).
OTHER_GLOBAL_PROCESSES = [
    "UNHCR High Commissioner's Dialogues on Protection Challenges",
    "UNODC Congress on Crime Prevention and Criminal Justice",
    "International Labour Conference",
    "International Conference of the Red Cross and Red Crescent",
    "International Migration Review Forum",
]
# ICMPD input lines 435 and 557 name this dialogue without a type.
MTM = "Mediterranean Transit Migration dialogue"

RCP_NAMES: dict[str, str] = {k: v for region in RCPS.values() for k, v in region.items()}
NAMES: dict[str, str] = {**RCP_NAMES, **{k: v for k, (v, _) in IRFS.items()}, **GLOBAL_PROCESSES}


def regions_of_rcp(key: str) -> set[str]:
    return {region for region, members in RCPS.items() if key in members}


def test_the_list_has_the_stated_counts() -> None:
    """The transcription has 16 RCPs ("Currently there are 16 active RCPs", line 338), 12 IRFs
    ("Only active IRFs (12) are listed here", line 382) and 3 global processes."""
    assert (len(RCP_NAMES), len(IRFS), len(GLOBAL_PROCESSES)) == (16, 12, 3)
    assert {row["key"] for row in read_tsv("iscms.tsv")} == set(NAMES)


# ------------------------------------------------------------------------------------ iscms


def test_iscms_all(rows: RunQuery) -> None:
    """Every ISCM with its type: the 31 of the list, the four footnote processes, the IMRF and
    the MTM dialogue = 37."""
    expected = (
        [("RCP", n) for n in RCP_NAMES.values()]
        + [("IRF", n) for n, _ in IRFS.values()]
        + [("global process", n) for n in [*GLOBAL_PROCESSES.values(), *OTHER_GLOBAL_PROCESSES]]
        + [("ISCM", MTM)]
    )
    result = project(rows("iscms"), "type", "name")
    assert len(result) == 37
    assert sorted(result) == sorted(expected)
    types = [t for t, _ in result]
    assert types == sorted(types, key=["RCP", "IRF", "global process", "ISCM"].index)


def test_iscms_rcp(rows: RunQuery) -> None:
    """--param type=rcp: the 16 RCPs of the list, each with the region of its heading."""
    result = project(rows("iscms", type="rcp"), "type", "name", "regions")
    assert sorted(result) == sorted(
        ("RCP", name, next(iter(regions_of_rcp(key)))) for key, name in RCP_NAMES.items()
    )


def test_iscms_irf_regions(rows: RunQuery) -> None:
    """Each IRF touches the regions its heading names ("the Middle East" = Middle East,
    "Asia" = Asia and Pacific)."""
    result = {r["name"]: split(r["regions"]) for r in rows("iscms", type="irf")}
    assert result == {name: regions for name, regions in IRFS.values()}


# Associated organizations: the information note's footnote i (lines 867-870: MIDCOM-COMESA,
# MIDWA-ECOWAS, ARCP-League of Arab States) and reference/iscms.tsv, column associated_org.
ASSOCIATED: dict[str, set[str]] = {
    "midcom": {"Common Market for Eastern and Southern Africa"},
    "midwa": {"Economic Community of West African States"},
    "arcp": {"League of Arab States"},
    "igad_rcp": {"Intergovernmental Authority on Development"},
    "midcas": {"Economic Community of Central African States"},
    "midsa": {"Southern African Development Community"},
    "ocam": {"Central American Integration System"},
    "fibemyd": {"Ibero-American General Secretariat"},  # "… / Ibero-American General Secretariat"
    "eu_celac": {"European Union", "Community of Latin American and Caribbean States"},
    "asem_dg": {"Asia-Europe Meeting"},
    "pafom": {"African Union"},
    "idm": {"International Organization for Migration"},
    "un_hld": {"United Nations General Assembly"},
    # "none", "none recorded", "none (outside UN structure…)", "none recorded (EU and AU
    # Commissions participated)"
    **{
        key: set()
        for key in (
            "almaty",
            "budapest",
            "prague",
            "colombo",
            "pidc",
            "rcm",
            "sacm",
            "cmc",
            "khartoum",
            "riam",
            "abu_dhabi",
            "igc",
            "bali",
            "gfmd",
        )
    },
}
# iscms.tsv names organizations the graph has no actor for.
ASSOCIATED_MISSING: dict[str, set[str]] = {
    "eap_panel": {"European Commission"},  # "European Commission (IOM: formal association)"
    "rabat": {"Economic Community of West African States", "European Commission"},
    "acp_eu": {"Organisation of African, Caribbean and Pacific States", "European Commission"},
    "five_plus_five": {"Union for the Mediterranean", "Western Mediterranean Forum"},
}


def test_iscms_associated_organizations(rows: RunQuery) -> None:
    """With which organization is each ISCM associated, where the sources or iscms.tsv say?"""
    result = {r["name"]: split(r["associated_with"]) for r in rows("iscms")}
    assert {NAMES[k]: result[NAMES[k]] for k in ASSOCIATED} == {
        NAMES[k]: v for k, v in ASSOCIATED.items()
    }


def test_iscms_associated_organizations_missing(rows: RunQuery) -> None:
    """The associations of reference/iscms.tsv for which the graph has no organization."""
    result = {r["name"]: split(r["associated_with"]) for r in rows("iscms")}
    assert {NAMES[k]: result[NAMES[k]] for k in ASSOCIATED_MISSING} == {
        NAMES[k]: v for k, v in ASSOCIATED_MISSING.items()
    }


# --------------------------------------------------------------------------- iscms-by-region


def test_iscms_by_region(rows: RunQuery) -> None:
    """How many RCPs, IRFs and global processes touch each region? RCPs per region heading
    (Europe 4, Middle East 1, Africa 5, Asia and Pacific 2, Americas 4); IRFs per region named
    in their headings; the 3 global processes of the list touch every region."""
    expected = []
    for region in sorted(RCPS):
        irfs = sum(region in regions for _, regions in IRFS.values())
        expected.append((region, str(len(RCPS[region])), str(irfs), "3"))
    assert [r[2] for r in expected] == ["5", "6", "5", "10", "2"]
    result = project(rows("iscms-by-region"), "region", "rcp", "irf", "global_process")
    assert result == expected


# ------------------------------------------------------------------------- regional-partners


def test_regional_partners_un_commissions(rows: RunQuery) -> None:
    """Each region's UN Regional Commission (reference/public-facts.md §4)."""
    result = project(rows("regional-partners"), "region", "un_regional_commissions")
    assert sorted(result) == [
        (AFRICA, "United Nations Economic Commission for Africa"),
        (AMERICAS, "United Nations Economic Commission for Latin America and the Caribbean"),
        (ASIA, "United Nations Economic and Social Commission for Asia and the Pacific"),
        (EUROPE, "United Nations Economic Commission for Europe"),
        (MIDDLE_EAST, "United Nations Economic and Social Commission for Western Asia"),
    ]


def test_regional_partners_iscms(rows: RunQuery) -> None:
    """The RCPs and IRFs touching Africa and the Middle East, by their shortest name (the
    list's acronyms: "(IGAD-RCP)", "(MIDCOM)", "(Khartoum Process)"…; the 5+5 Dialogue has
    none)."""
    result = {r["region"]: split(r["iscms"]) for r in rows("regional-partners")}
    assert result[AFRICA] == {
        "IGAD-RCP",
        "MIDCOM",
        "MIDCAS",
        "MIDSA",
        "MIDWA",
        "5+5 Dialogue on Migration in the Western Mediterranean",
        "Khartoum Process",
        "Rabat Process",
        "ACP — EU Dialogue on Migration",
        "Pan-African Forum on migration",
    }
    assert result[MIDDLE_EAST] == {"ARCP", "Abu Dhabi Dialogue", "Bali Process"}
    counts = {region: len(names) for region, names in result.items()}
    assert counts == {
        region: len(RCPS[region]) + sum(region in r for _, r in IRFS.values()) for region in RCPS
    }


# ------------------------------------------------------------------ state-iscms, memberships

RCP_INVITATIONS = (  # information note, Annex I: GCM §47, §50, §52; A/RES/73/326 §10, §12
    "A/RES/73/195 §47; A/RES/73/195 §50; A/RES/73/195 §52; A/RES/73/326 §10; A/RES/73/326 §12"
)


@pytest.mark.parametrize("state", ["SEN", "TKM", "EGY", "PHL"])
def test_state_iscms(rows: RunQuery, state: str) -> None:
    """Which ISCMs does a State take part in, in what role, as of when (reference/members.tsv,
    every row of that iso3), and which paragraphs invite them? RCPs are named by the invitations
    of GCM §47, §50, §52 and A/RES/73/326 §10, §12 (information note, Annex I, lines 313-415);
    no invitation names inter-regional forums."""
    expected = sorted(
        (
            NAMES[r["iscm_key"]],
            r["role"],
            r["as_of"],
            RCP_INVITATIONS if r["iscm_key"] in RCP_NAMES else "",
        )
        for r in read_tsv("members.tsv")
        if r["iso3"] == state
    )
    result = project(rows("state-iscms", state=state), "iscm", "role", "as_of", "invited_by")
    assert sorted(result) == expected
    assert len(expected) == {"SEN": 1, "TKM": 4, "EGY": 3, "PHL": 2}[state]


def test_state_iscms_derived_membership(rows: RunQuery) -> None:
    """Senegal's MIDWA membership is DERIVED (members.tsv: "IOM says 15 member States = ECOWAS
    Member States; remaining ECOWAS members filled in")."""
    result = project(rows("state-iscms", state="SEN"), "iscm", "confidence")
    assert result == [("Migration Dialogue for West Africa", "derived")]


def test_iscm_memberships(rows: RunQuery) -> None:
    """How many States are members, observers and participants of each listed ISCM? Distinct
    iso3 codes per ISCM and role in reference/members.tsv (e.g. MIDSA 16 members; Almaty 7
    members and 4 observers once the IOM and UNHCR lists are merged; RCM 11 + 5)."""
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in read_tsv("members.tsv"):
        roles[r["iscm_key"]][r["role"]].add(r["iso3"])
    expected = sorted(
        (NAMES[key], *(str(len(by_role[role])) for role in ("member", "observer", "participant")))
        for key, by_role in roles.items()
    )
    result = project(rows("iscm-memberships"), "iscm", "members", "observers", "participants")
    assert sorted(result) == expected
    chosen = {name: counts for name, *counts in result}
    assert chosen[NAMES["midsa"]] == ["16", "0", "0"]
    assert chosen[NAMES["almaty"]] == ["7", "4", "0"]


def test_iscm_memberships_derived(rows: RunQuery) -> None:
    """MIDWA: 11 of its 15 members are DERIVED from ECOWAS membership; IGAD-RCP: all 8 members
    are DERIVED from IGAD membership (members.tsv notes, public-facts.md §3.4)."""
    result = {r["iscm"]: r["derived_or_uncertain"] for r in rows("iscm-memberships")}
    assert (result[NAMES["midwa"]], result[NAMES["igad_rcp"]]) == ("11", "8")


# -------------------------------------------------------------------------------- iscm-facts


def test_iscm_facts(rows: RunQuery) -> None:
    """Founding year, secretariat, association and notes of the 31 listed ISCMs, each with its
    URLs: reference/iscms.tsv, row by row."""
    expected = sorted(
        (
            NAMES[r["key"]],
            r["established"],
            r["secretariat_or_support"],
            r["associated_org"],
            r["notes"],
            frozenset(u.strip() for u in r["source"].split(" ; ")),
        )
        for r in read_tsv("iscms.tsv")
    )
    result = sorted(
        (
            r["iscm"],
            r["founded"],
            r["secretariat"],
            r["associated_organization"],
            r["notes"],
            frozenset(r["sources"].split(" ; ")),
        )
        for r in rows("iscm-facts")
    )
    assert result == expected
    founded = {name: year for name, year, *_ in result}
    assert (founded[NAMES["gfmd"]], founded[NAMES["igc"]], founded[NAMES["budapest"]]) == (
        "2007",
        "1985",
        "1993",
    )


# ----------------------------------------------------------------------------- grcp-meetings


def test_grcp_meetings(rows: RunQuery) -> None:
    """When and where did the GRCPs take place? reference/public-facts.md §6 (GRCP 1-7 and 9; no
    GRCP 8 was found), the information note ("GRCP 4 in 2013", footnote ii line 871; "GRCP 6 in
    2016, focusing on Migration and the Sustainable Development Goals (SDGs)", lines 71-72) and
    the GRCP 7 Highlights in the zero analysis (line 259: "on 10 and 11 October 2017 in Geneva,
    Switzerland")."""
    result = rows("grcp-meetings")
    assert sorted({r["meeting"] for r in result}) == [
        "GRCP 1",
        "GRCP 2",
        "GRCP 3",
        "GRCP 4",
        "GRCP 5",
        "GRCP 6",
        "GRCP 7",
        "GRCP 9",
    ]
    facts = set(project(result, "meeting", "start", "end", "place", "theme", "source"))
    assert {
        (
            "GRCP 3",
            "2011-10-25",
            "2011-10-26",
            "Gaborone, Botswana",
            "Enhancing Cooperation on Migration through Dialogue and Capacity-building",
            "https://publications.iom.int/fr/books/third-global-meeting-chairs-and-secretariats-"
            "regional-consultative-processes-migration-rcps",
        ),
        (
            "GRCP 4",
            "2013-05-22",
            "2013-05-23",
            "Lima, Peru",
            "Defining the Place of RCPs in a Changing International Migration Landscape",
            "https://www.iom.int/2013-global-iscm-meeting",
        ),
        ("GRCP 4", "2013", "", "", "", NOTE),
        ("GRCP 6", "2016", "", "", "Migration and the Sustainable Development Goals (SDGs)", NOTE),
        (
            "GRCP 7",
            "2017-10-10",
            "2017-10-11",
            "Geneva, Switzerland",
            "Inter-State Consultation Mechanisms on Migration and the Global Compact for Safe, "
            "Orderly and Regular Migration",
            ZERO_ANALYSIS,
        ),
        (
            "GRCP 9",
            "2021-11-10",
            "2021-11-11",
            "online",
            "International Migration Review Forum: an Opportunity for Inter-State Consultations "
            "Mechanisms on Migration to Contribute to the Global Governance of Migration",
            "https://iom.int/2021-global-iscm-meeting",
        ),
    } <= facts


def test_grcp_7_themes_and_their_sources(rows: RunQuery) -> None:
    """Which source gives which GRCP 7 theme? The official theme is in the GRCP 7 Highlights of
    the zero analysis (line 259); the information note describes the meeting as "focusing on the
    role of ISCMs and other regional partners (political and economic unions and UN Regional
    economic Commissions) in the GCM" (lines 73-74)."""
    result = [r for r in rows("grcp-meetings") if r["meeting"] == "GRCP 7"]
    assert set(project(result, "theme", "source")) == {
        (
            "Inter-State Consultation Mechanisms on Migration and the Global Compact for Safe, "
            "Orderly and Regular Migration",
            ZERO_ANALYSIS,
        ),
        (
            "the role of ISCMs and other regional partners (political and economic unions and UN "
            "Regional economic Commissions) in the GCM",
            NOTE,
        ),
    }


# ------------------------------------------------------------------------------ count-claims


def test_count_claims(rows: RunQuery) -> None:
    """What do the sources count? Information note: "17 RCPs, 12 IRFs and 1 global process"
    (line 46), "over 200 States and territories" (46-47), "156 States have endorsed" (18),
    "at least 9 ISCMs" (135), "the 5 UN Regional Commissions" (199), "195 MSs" (559-560), "at
    least 14 ISCMs" (606-607), "38 entities … 8 of them" (879-882). Zero analysis: "16 active
    RCPs" (338), "Only active IRFs (12)" (382), three global processes listed (384-390). ICMPD:
    "5 main thematic objectives" (26-28)."""
    expected = {
        ("regional consultative processes on migration", "exactly", "17", NOTE),
        ("regional consultative processes on migration", "exactly", "16", ZERO_ANALYSIS),
        ("inter-regional forums on migration", "exactly", "12", NOTE),
        ("inter-regional forums on migration", "exactly", "12", ZERO_ANALYSIS),
        ("global processes on migration", "exactly", "1", NOTE),
        ("global processes on migration", "exactly", "3", ZERO_ANALYSIS),
        ("States and territories participating in at least one ISCM", "more than", "200", NOTE),
        ("States that have endorsed the GCM", "exactly", "156", NOTE),
        (
            "ISCMs that formulated formal positions or recommendations on the GCM",
            "at least",
            "9",
            NOTE,
        ),
        (
            "ISCMs that formulated formal positions or recommendations on the GCM",
            "at least",
            "14",
            NOTE,
        ),
        ("entities of the United Nations Network on Migration", "exactly", "38", NOTE),
        ("United Nations regional economic commissions", "exactly", "5", NOTE),
    }
    result = rows("count-claims")
    counted = {s[0] for s in expected}
    found = {
        r for r in project(result, "counted", "qualifier", "count", "source") if r[0] in counted
    }
    assert found == expected
    assert (
        "Member States of the largest global process on migration",
        "exactly",
        "195",
        NOTE,
    ) in project(result, "counted", "qualifier", "count", "source")


def test_count_claims_quote_their_source(rows: RunQuery) -> None:
    """Each count's quotation is words of its source file and contains the count."""
    texts = {
        doc: normalized((SOURCES / f"{doc}.txt").read_text(encoding="utf-8"))
        for doc in (NOTE, ZERO_ANALYSIS, "icmpd-input-to-unsg-report-on-gcm")
    }
    for row in rows("count-claims"):
        assert row["count"] in row["quotation"] or row["count"] == "3", row
        if row["count"] != "3":  # the three global processes are a list of names
            assert normalized(row["quotation"]) in texts[row["source"]], row
