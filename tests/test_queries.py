# The sources quote with curly quotes and ellipses; expectations keep them verbatim.
# ruff: noqa: RUF001, RUF002
"""Golden tests for the stored queries: the contract, and the references of the two analyses.

Every expectation below was written from the source documents in ``sources/`` (and the public
reference tables in ``reference/``) BEFORE the query was run; the comment next to it names the
file, the section heading and the lines it was read from. The two analyses are
``iom-ipd-references-in-gcm-adopted-text.txt`` ("adopted analysis", A/RES/73/195) and
``iom-ipd-references-in-gcm-zero-draft-rev1.txt`` ("zero analysis", Zero Draft Rev 1).

The paragraphs are transcribed AS CITED by the source (its errors included, e.g. the
skills-matching quotation cited at §19e under "Trade Unions" and at §21e under "Local
communities"); a paragraph belongs to objective N when it is §N+16 (adopted text, §17-§39) or
§N+15 (Zero Draft Rev 1, §16-§37), subparagraphs included.

Other query files: ``test_queries_entry_points.py``, ``test_queries_iscms.py`` and
``test_queries_note.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

import pytest
from helpers import objective_titles, project

from iscm_kg import query, resources

Rows = list[dict[str, str]]
RunQuery = Callable[..., Rows]

ADOPTED = "A-RES-73-195"
ZERO = "gcm-zero-draft-rev1"
STORED = query.load_queries(resources.layout().queries)


# ----------------------------------------------------------------------------------- helpers


def where(table: Rows, **match: str) -> Rows:
    """The rows whose columns have the given values."""
    return [row for row in table if all(row[k] == v for k, v in match.items())]


def joined(values: Iterable[object]) -> str:
    return "; ".join(str(v) for v in values)


_CITATION = re.compile(r"§(\d+)([a-z]?)([ivx]*)")


def label(citation: str) -> str:
    """The graph's label of a paragraph as a source cites it: "§ 22 i" -> "§22(i)"."""
    match = _CITATION.fullmatch(citation.replace(" ", ""))
    assert match, citation
    number, letter, roman = match.groups()
    return f"§{number}" + (f"({letter})" if letter else "") + (f"({roman})" if roman else "")


def objective_of(citation: str, document: str) -> int | None:
    """Objective N is stated in §N+16 (adopted, §17-§39) or §N+15 (Zero Draft Rev 1, §16-§37)."""
    number = int(_CITATION.fullmatch(citation.replace(" ", "")).group(1))  # type: ignore[union-attr]
    first, last = (17, 39) if document == ADOPTED else (16, 37)
    return number - first + 1 if first <= number <= last else None


# ------------------------------------------------------ transcriptions of the two analyses

# Paragraphs cited under each stakeholder heading, in source order.
# Adopted analysis, "References to various categories of non-State stakeholders".
ADOPTED_STAKEHOLDERS: dict[str, list[str]] = {
    # "Civil society", lines 612-635
    "civil society": ["§15j", "§18c", "§19e", "§28c", "§44"],
    # "Trade Unions", lines 639-672 (the skills-matching quotation cited at §19e, line 653)
    "trade unions": ["§ 15j", "§18e", "§19e", "§22d", "§22i", "§34e", "§44"],
    # "Local communities", lines 676-751 (the same quotation cited at §21e, line 698)
    "local authorities and communities": [
        "§ 15j",
        "§18c",
        "§19e",
        "§20",
        "§21e",
        "§23k",
        "§24c",
        "§28c",
        "§30e",
        "§32f",
        "§ 33g",
        "§35j",
        "§37i",
        "§39c",
        "§44",
        "§53",
    ],
    # "Private Sector", lines 755-857
    "private sector": [
        "§15d",
        "§15j",
        "§18d",
        "§18e",
        "§19e",
        "§ 21e",
        "§21c",
        "§22c",
        "§22e",
        "§22f",
        "§23d",
        "§29g",
        "§34e",
        "§34f",
        "§34h",
        "§35i",
        "§35j",
        "§36d",
        "§39d",
        "§43",
        "§43biii",
        "§44",
    ],
    # "Diasporas", lines 861-929
    "diasporas": [
        "§15j",
        "§17d",
        "§17k",
        "§19e",
        "§32f",
        "§33g",
        "§35",
        "§35c",
        "§35d",
        "§35e",
        "§35f",
        "§35h",
        "§35i",
        "§35j",
        "§44",
    ],
}

# Zero analysis, "V. References to various categories of Stakeholders, including non-state actors".
ZERO_STAKEHOLDERS: dict[str, list[str]] = {
    # "Direct and indirect references to Civil Society organizations", lines 183-191 (§31h last)
    "civil society": ["§14", "§17e", "§18f", "§27c", "§42", "§31h"],
    # "Trade Unions", lines 193-199
    "trade unions": ["§ 14", "§ 20h", "§ 21e", "§ 21j", "§ 42"],
    # "Local communities", lines 201-217
    "local authorities and communities": [
        "§ 14",
        "§ 17e",
        "§ 18e",
        "§ 18f",
        "§ 20h",
        "§ 22 i",
        "§ 23c",
        "§ 27c",
        "§ 31h",
        "§ 32g",
        "§ 34h",
        "§ 42",
    ],
    # "Private Sector", lines 219-235 (two different §14 quotations: rule of law, whole-of-society)
    "private sector": [
        "§14",
        "§ 14",
        "§ 17h",
        "§ 18f",
        "§ 20h",
        "§ 21e",
        "§ 21f",
        "§ 21d",
        "§ 28f",
        "§ 21g",
        "§ 35d",
        "§ 41",
        "§ 42",
    ],
    # "Diasporas", lines 237-251
    "diasporas": [
        "§14",
        "§15",
        "§18f",
        "§31h",
        "§32g",
        "§34",
        "§34c",
        "§34d",
        "§34e",
        "§34f",
        "§34h",
        "§42",
    ],
}

# The summaries' own lists: adopted analysis lines 79-82, zero analysis line 21.
ADOPTED_STATED: dict[str, list[int]] = {
    # "civil society organizations (CSO) (Objectives 2, 3, 12, 16)"
    "civil society": [2, 3, 12, 16],
    "trade unions": [2, 3, 6, 18],
    "diasporas": [3, 16, 19],
    "local authorities and communities": [2, 3, 5, 7, 8, 12, 14, 16, 17, 19, 23],
    "private sector": [2, 3, 5, 6, 7, 18, 19, 20, 23],
}
ZERO_STATED: dict[str, list[int]] = {
    "civil society": [2, 3, 12],  # "CSOs (Objectives 2, 3, 12)"
    "trade unions": [5, 6],
    "diasporas": [3, 16, 17, 19],
    "local authorities and communities": [2, 3, 5, 7, 8, 12, 16, 19],
    "private sector": [2, 3, 5, 6, 11, 20],
}

# Every other reference: one per table row and paragraph, plus quotations with no table row
# (docs/data-conventions.md, "References").
ADOPTED_OTHER: dict[str, list[str]] = {
    # Annex, "References to ISCMs" table, lines 429-456
    "regional consultative process on migration": ["§47", "§50", "§52"],
    "relevant subregional, regional and cross-regional processes and platforms": ["§50"],
    "existing bilateral, subregional and regional platforms": ["§22b"],
    "existing global and regional forums on migration": ["§30b"],
    "State-led processes and platforms at the global and regional levels": ["§47"],
    "global, regional and subregional forums": ["§47"],
    "State-led initiatives on international migration": ["§52"],
    "existing mechanisms, platforms and frameworks": ["§42"],
    "Global Forum on Migration and Development": ["§3", "§34f", "§36b", "§43c", "§47", "§51"],
    # "References to IGOs" table, lines 536-546, and the heading "Financial institutions", 586-593
    "international organizations": ["§24b", "§28c", "§39d"],
    "subregional, regional and cross-regional processes, platforms and organizations": ["§50"],
    "United Nations regional economic commissions": ["§50"],
    "International financial institutions": ["§§ 26d", "§39d", "§43biii"],
    "financial institutions": ["§26d"],
    # "Other references" table, lines 933-967
    "systematic bilateral, regional and international cooperation": ["§19b"],
    "cross-regional dialogue": ["§22b"],
    "international dialogue on migration": ["§47"],
    "UN HLD IM": ["§3", "§6", "§49a"],
    # ... and the quotation cited "(§50e)" under "References to the IMRF", line 1058
    "International Migration Review Forum": [
        "§49a",
        "§49b",
        "§49c",
        "§49d",
        "§49e",
        "§50",
        "§51",
        "§52",
        "§53",
        "§54",
        "§50e",
    ],
    # ... two different §52 quotations under "References to the IOM", lines 1002-1005
    "International Organization Migration": ["§17e", "§22l", "§45a", "§52", "§52"],
    "IOM’s International Dialogue on Migration": ["§52"],
    "Global Migration Group": ["§23l", "§35b"],
    "United Nations Network on migration": ["§45", "§45a", "§45b", "§45c", "§46"],
    "MICIC Guidelines": ["§ 18g"],
}
ZERO_OTHER: dict[str, list[str]] = {
    # "Annex. References to ISCMs and other regional actors in the Zero Draft", lines 66-83
    # ("Regional Migration Review Forum: No more mentioned" has no paragraph)
    "Regional consultative process on migration": ["§44", "§47", "§48"],
    "GFMD": ["§ 3", "§44", "§48"],
    "UN HLD IM": ["§3", "§5", "§46a"],
    "International Migration Review Forum": ["§46a", "§46b", "§46c", "§46e", "§47", "§48"],
    "the international dialogue on migration": ["§44"],
    "IDM": ["§48"],
    "existing regional platforms": ["§21c"],
    "existing global and regional fora on migration": ["§29b"],
    "State-led processes and platforms at global and regional levels": ["§44"],
    "global, regional and subregional fora": ["§44"],
    "systematic bilateral, regional and international cooperation between States": ["§18b"],
    "cross-regional dialogue": ["§21c"],
    "UN Regional Economic Commissions": ["§47"],
    "relevant regional\\international organizations": ["§23b"],
    "GMG": ["§22a"],
    "IOM": ["§16c", "§17c", "§21b", "§43b"],
}


def stakeholder_objectives(citations: list[str], document: str) -> list[int]:
    return sorted({n for c in citations if (n := objective_of(c, document)) is not None})


def references_per_objective(document: str) -> Counter[int]:
    """How many references the analysis records under each objective (all sections)."""
    stakeholders, other = (
        (ADOPTED_STAKEHOLDERS, ADOPTED_OTHER)
        if document == ADOPTED
        else (ZERO_STAKEHOLDERS, ZERO_OTHER)
    )
    counts: Counter[int] = Counter()
    for citations in [*stakeholders.values(), *other.values()]:
        for citation in citations:
            if (n := objective_of(citation.replace("§§", "§"), document)) is not None:
                counts[n] += 1
    return counts


# ---------------------------------------------------------------- every query, the contract


@pytest.mark.parametrize("name", sorted(STORED))
def test_every_query_answers_with_its_defaults(rows: RunQuery, name: str) -> None:
    """Does every stored query return at least one row with its default parameters (and the
    ``# example:`` values of its required ones)?"""
    required = {p.name for p in STORED[name].params if p.default is None}
    assert required <= set(STORED[name].example), f"{name}: no example for {required}"
    assert rows(name, **STORED[name].example), f"{name} returned no rows"


# /work/shared/spec/queries.md, the table "Public contract: the stored queries".
SPEC_COLUMNS: dict[str, list[str]] = {
    "iscm-references": ["wording", "referent", "paragraphs"],
    "actor-references": ["document", "paragraph", "wording", "quotation"],
    "paragraph-actors": ["referent", "referent_type", "wording"],
    "entry-points": ["objective_number", "objective", "level", "action", "engagement"],
    "entry-point-coverage": ["objective_number", "objective", "regional", "global"],
    "objectives-without-entry-points": ["objective_number", "objective"],
    "stakeholder-objectives": [
        "stakeholder_group",
        "objectives_from_references",
        "objectives_stated",
        "only_in_references",
        "only_stated",
    ],
    "stakeholder-matrix": ["stakeholder_group", "objective_number", "references"],
    "version-changes": ["referent", "wording", "zero_draft_paragraph", "adopted_paragraph"],
    "entry-point-changes": ["objective_number", "level", "zero_draft_action", "adopted_action"],
    "iscms": ["type", "name", "acronyms", "regions", "associated_with"],
    "iscms-by-region": ["region", "rcp", "irf", "global_process"],
    "regional-partners": ["region", "iscms", "un_regional_commissions", "regional_organizations"],
    "imrf-contributors": ["actor", "document", "paragraphs"],
    "legal-grounds": ["actor_type", "document", "paragraphs"],
    "objective-profile": ["aspect", "value", "document", "paragraph"],
    "source-discrepancies": ["kind", "subject", "claim_a", "source_a", "claim_b", "source_b"],
}


@pytest.mark.parametrize("name", sorted(SPEC_COLUMNS))
def test_pinned_queries_have_the_spec_columns(rows: RunQuery, name: str) -> None:
    """Are the columns of each of the 17 pinned queries exactly the spec's, in order?"""
    result = rows(name, **STORED[name].example)
    assert result, f"{name} returned no rows"
    assert list(result[0]) == SPEC_COLUMNS[name]


def test_spec_parameters_and_defaults() -> None:
    """Do the pinned queries declare the spec's parameters and defaults?"""
    # spec table, column "parameters (default)"
    expected = {
        "iscm-references": {"document": ADOPTED},
        "actor-references": {"actor": None},
        "paragraph-actors": {"document": ADOPTED, "paragraph": None},
        "entry-points": {"document": ADOPTED, "level": "all"},
        "entry-point-coverage": {"document": ADOPTED},
        "objectives-without-entry-points": {"document": ADOPTED},
        "stakeholder-objectives": {"document": ADOPTED},
        "stakeholder-matrix": {"document": ADOPTED},
        "version-changes": {},
        "entry-point-changes": {"level": "all"},
        "iscms": {"type": "all"},
        "iscms-by-region": {},
        "regional-partners": {},
        "imrf-contributors": {},
        "legal-grounds": {},
        "objective-profile": {"objective": None},
        "source-discrepancies": {},
    }
    declared = {name: {p.name: p.default for p in STORED[name].params} for name in expected}
    assert declared == expected


# ------------------------------------------------------------------------- iscm-references


def test_iscm_references_adopted(rows: RunQuery) -> None:
    """Which wordings does A/RES/73/195 use for ISCMs, and where? (adopted analysis, Annex,
    table "References to ISCMs", lines 429-456; referents are the graph's names of the concepts)"""
    expected = [
        (
            "regional consultative process on migration",
            "regional consultative processes on migration",
            "§47; §50; §52",
        ),
        (
            "relevant subregional, regional and cross-regional processes and platforms",
            "relevant subregional, regional and cross-regional processes and platforms",
            "§50",
        ),
        (
            "existing bilateral, subregional and regional platforms",
            "existing bilateral, subregional and regional platforms",
            "§22(b)",
        ),
        (
            "existing global and regional forums on migration",
            "existing global and regional forums on migration",
            "§30(b)",
        ),
        (
            "State-led processes and platforms at the global and regional levels",
            "State-led processes and platforms at the global and regional levels",
            "§47",
        ),
        (
            "global, regional and subregional forums",
            "global, regional and subregional forums",
            "§47",
        ),
        (
            "State-led initiatives on international migration",
            "State-led initiatives on international migration",
            "§52",
        ),
        (
            "existing mechanisms, platforms and frameworks",
            "existing mechanisms, platforms and frameworks",
            "§42",
        ),
        (
            "Global Forum on Migration and Development",
            "Global Forum on Migration and Development",
            "§3; §34(f); §36(b); §43(c); §47; §51",
        ),
    ]
    result = project(rows("iscm-references"), "wording", "referent", "paragraphs")
    assert sorted(result) == sorted(expected)
    assert_document_order(result)


def test_iscm_references_zero_draft(rows: RunQuery) -> None:
    """Which wordings does the Zero Draft Rev 1 use for ISCMs, and where? (zero analysis, annex
    table lines 66-79, the rows quoted under "I. References to ISCMs", lines 87-145; the
    "Regional Migration Review Forum" row says "No more mentioned" and has no paragraph)"""
    expected = [
        (
            "Regional consultative process on migration",
            "regional consultative processes on migration",
            "§44; §47; §48",
        ),
        ("GFMD", "Global Forum on Migration and Development", "§3; §44; §48"),
        (
            "UN HLD IM",
            "United Nations High-Level Dialogue on International Migration and Development",
            "§3; §5; §46(a)",
        ),
        (
            "International Migration Review Forum",
            "International Migration Review Forum",
            "§46(a); §46(b); §46(c); §46(e); §47; §48",
        ),
        ("the international dialogue on migration", "international dialogue on migration", "§44"),
        ("IDM", "International Dialogue on Migration", "§48"),
        (
            "existing regional platforms",
            "existing bilateral, subregional and regional platforms",
            "§21(c)",
        ),
        (
            "existing global and regional fora on migration",
            "existing global and regional forums on migration",
            "§29(b)",
        ),
        (
            "State-led processes and platforms at global and regional levels",
            "State-led processes and platforms at the global and regional levels",
            "§44",
        ),
        ("global, regional and subregional fora", "global, regional and subregional forums", "§44"),
    ]
    result = project(rows("iscm-references", document=ZERO), "wording", "referent", "paragraphs")
    assert sorted(result) == sorted(expected)
    assert_document_order(result)


def assert_document_order(result: list[tuple[str, ...]]) -> None:
    """Rows come in the order of their first paragraph."""
    firsts = [int(re.match(r"§(\d+)", r[2]).group(1)) for r in result]  # type: ignore[union-attr]
    assert firsts == sorted(firsts)


# ------------------------------------------------------------------------ actor-references


def by_document(result: Rows, *columns: str) -> dict[str, list[tuple[str, ...]]]:
    """Rows per document, in row order; each document's rows must be contiguous."""
    documents = [row["document"] for row in result]
    assert documents == sorted(documents, key=documents.index), "documents interleaved"
    return {d: project(where(result, document=d), *columns) for d in dict.fromkeys(documents)}


def test_actor_references_gfmd_by_acronym(rows: RunQuery) -> None:
    """Every mention of the GFMD ("GFMD" resolves to the forum), with the quotations.
    Adopted: table row "Global Forum on Migration and Development §3; §34f; §36b; §43c; §47; §51"
    (line 456), quotations lines 512-532 (none for §36b). Zero: table row "GFMD § 3; §44; §48"
    (line 68), quotations lines 119-123."""
    gfmd = "Global Forum on Migration and Development"
    expected = {
        ADOPTED: [
            (
                "§3",
                gfmd,
                "We also acknowledge the contributions of the Global Forum on Migration "
                "and Development, launched in 2007.",
            ),
            (
                "§34(f)",
                gfmd,
                "Promote inter-institutional networks and collaborative programmes "
                "for partnerships between the private sector and educational institutions in "
                "countries of origin and destination to enable mutually beneficial skills "
                "development opportunities for migrants, communities and participating partners, "
                "including by building on the best practices of the Business Mechanism developed "
                "in the context of the Global Forum on Migration and Development.",
            ),
            ("§36(b)", gfmd, ""),
            (
                "§43(c)",
                gfmd,
                "…Building on the Global Forum on Migration and Development Platform "
                "for Partnerships and other relevant sources…",
            ),
            (
                "§47",
                gfmd,
                "…we invite the Global Forum on Migration and Development, regional "
                "consultative processes and other global, regional and subregional forums to "
                "provide platforms to exchange experiences on the implementation of the Global "
                "Compact…",
            ),
            (
                "§51",
                gfmd,
                "…We invite the Global Forum on Migration and Development to provide a "
                "space for annual informal exchange on the implementation of the Global Compact…",
            ),
        ],
        ZERO: [
            (
                "§3",
                "GFMD",
                "We also recognize the Global Forum on Migration and Development "
                "launched in 2007. These platforms paved the way for the New York Declaration for "
                "Refugees and Migrants...",
            ),
            (
                "§44",
                "GFMD",
                "...we invite the Global Forum on Migration and Development, Regional "
                "Consultative Processes and other global, regional and subregional fora to provide "
                "platforms to exchange experiences on the implementation of the Global Compact...",
            ),
            (
                "§48",
                "GFMD",
                "Recognizing the important contributions of State-led initiatives on "
                "international migration, we invite fora, such as the Global Forum on Migration "
                "and Development, the IOM International Dialogue on Migration, Regional "
                "Consultative Processes, and others to contribute to the International Migration "
                "Review Forum ...",
            ),
        ],
    }
    result = rows("actor-references", actor="GFMD")
    assert by_document(result, "paragraph", "wording", "quotation") == expected


def test_actor_references_trade_unions_by_label(rows: RunQuery) -> None:
    """Every mention of trade unions: the paragraphs cited under the two "Trade Unions"
    headings (adopted lines 639-672, zero lines 193-199), as cited."""
    expected = {
        doc: [(label(c), "trade unions") for c in citations]
        for doc, citations in (
            (ADOPTED, ADOPTED_STAKEHOLDERS["trade unions"]),
            (ZERO, ZERO_STAKEHOLDERS["trade unions"]),
        )
    }
    result = rows("actor-references", actor="trade unions")
    assert by_document(result, "paragraph", "wording") == expected
    # adopted line 666-668
    assert where(result, document=ADOPTED, paragraph="§34(e)")[0]["quotation"] == (
        "Build global skills partnerships among countries that strengthen training capacities of "
        "national authorities and relevant stakeholders, including the private sector and trade "
        "unions…"
    )


def test_actor_references_by_iri(rows: RunQuery) -> None:
    """Mentions of IOM's International Dialogue on Migration, asked by IRI: adopted "Other
    references" row "IOM’s International Dialogue on Migration §52" (line 956, no quotation
    under a heading of its own); zero table row "IDM §48" (line 73), quotation line 101."""
    result = rows("actor-references", actor="https://w3id.org/iscm-kg/id/actor/idm")
    assert by_document(result, "paragraph", "wording", "quotation") == {
        ADOPTED: [("§52", "IOM’s International Dialogue on Migration", "")],
        ZERO: [
            (
                "§48",
                "IDM",
                "Recognizing the important contributions of State-led initiatives "
                "on international migration, we invite fora, such as the Global Forum on "
                "Migration and Development, the IOM International Dialogue on Migration",
            )
        ],
    }


def test_actor_references_rcp_acronym(rows: RunQuery) -> None:
    """ "RCP" resolves to the category: adopted §47, §50, §52 (line 431), zero §44, §47, §48
    (line 67)."""
    result = rows("actor-references", actor="RCP")
    assert by_document(result, "paragraph") == {
        ADOPTED: [("§47",), ("§50",), ("§52",)],
        ZERO: [("§44",), ("§47",), ("§48",)],
    }


# ------------------------------------------------------------------------ paragraph-actors


def test_paragraph_actors_adopted_50(rows: RunQuery) -> None:
    """Who is mentioned in §50 of the adopted text? The rows citing §50: "regional consultative
    process on migration" and "relevant subregional, regional and cross-regional processes and
    platforms" (References to ISCMs, lines 431-436), "subregional, regional and cross-regional
    processes, platforms and organizations" and "United Nations regional economic commissions"
    (References to IGOs, lines 540-545), "International Migration Review Forum" (Other
    references, line 949). The "§50e" quotation (line 1058) is another paragraph."""
    category = "Actor category"
    expected = [
        (
            "International Migration Review Forum",
            "Global process on migration; Review process",
            "International Migration Review Forum",
        ),
        (
            "regional consultative processes on migration",
            category,
            "regional consultative process on migration",
        ),
        (
            "relevant subregional, regional and cross-regional processes and platforms",
            category,
            "relevant subregional, regional and cross-regional processes and platforms",
        ),
        (
            "subregional, regional and cross-regional processes, platforms and organizations",
            category,
            "subregional, regional and cross-regional processes, platforms and organizations",
        ),
        (
            "United Nations regional economic commissions",
            category,
            "United Nations regional economic commissions",
        ),
    ]
    result = project(
        rows("paragraph-actors", paragraph="50"), "referent", "referent_type", "wording"
    )
    assert sorted(result) == sorted(expected)


def test_paragraph_actors_zero_44(rows: RunQuery) -> None:
    """Who is mentioned in §44 of the Zero Draft Rev 1? Table rows citing §44 (lines 67-77):
    RCPs, GFMD, "State-led processes and platforms…", "global, regional and subregional fora"
    (and "the international dialogue on migration", a form of dialogue, not an actor)."""
    category = "Actor category"
    expected = [
        ("Global Forum on Migration and Development", "Global process on migration", "GFMD"),
        (
            "global, regional and subregional forums",
            category,
            "global, regional and subregional fora",
        ),
        (
            "regional consultative processes on migration",
            category,
            "Regional consultative process on migration",
        ),
        (
            "State-led processes and platforms at the global and regional levels",
            category,
            "State-led processes and platforms at global and regional levels",
        ),
    ]
    result = project(
        rows("paragraph-actors", document=ZERO, paragraph="44"),
        "referent",
        "referent_type",
        "wording",
    )
    assert sorted(result) == sorted(expected)


@pytest.mark.parametrize("paragraph", ["43biii", "§43(b)(iii)"])
def test_paragraph_actors_subparagraph_forms(rows: RunQuery, paragraph: str) -> None:
    """§43(b)(iii) of the adopted text, in both spellings: the IGO table row "International
    financial institutions §§ 26d; 39d; 43biii" (line 546) and the Private Sector quotation
    "(§43biii)" (line 852)."""
    result = project(rows("paragraph-actors", paragraph=paragraph), "referent", "wording")
    assert sorted(result) == [
        ("international financial institutions", "International financial institutions"),
        ("private sector", "private sector"),
    ]


# ------------------------------------------------------------------------- version-changes


def test_version_changes_chosen_referents(rows: RunQuery) -> None:
    """Where did the mentions of RCPs, the IMRF, the GFMD, the UN HLD and trade unions go?
    Pairs of the same referent whose paragraphs are the same provision under another number:
    RCP zero §44/§47/§48 (line 67) vs adopted §47/§50/§52 (line 431), same quotations; IMRF zero
    §46a-§48 (line 70) vs adopted §49a-§52 (line 949); GFMD zero §44 vs adopted §47 (same "we
    invite the Global Forum…" quotation; zero §48 has no adopted GFMD counterpart, §3 keeps its
    number); UN HLD zero §5/§46a (line 69) vs adopted §6/§49a (line 947); trade unions zero
    §21e/§21j/§42 (lines 197-199) vs adopted §22d/§22i/§44 (lines 655-672), and the
    whole-of-society principle, cited §14 in the zero analysis and §15j in the adopted one."""
    expected = {
        ("regional consultative processes on migration", "§44", "§47"),
        ("regional consultative processes on migration", "§47", "§50"),
        ("regional consultative processes on migration", "§48", "§52"),
        ("International Migration Review Forum", "§46(a)", "§49(a)"),
        ("International Migration Review Forum", "§46(b)", "§49(b)"),
        ("International Migration Review Forum", "§46(c)", "§49(c)"),
        ("International Migration Review Forum", "§46(e)", "§49(e)"),
        ("International Migration Review Forum", "§47", "§50"),
        ("International Migration Review Forum", "§48", "§52"),
        ("Global Forum on Migration and Development", "§44", "§47"),
        (
            "United Nations High-Level Dialogue on International Migration and Development",
            "§5",
            "§6",
        ),
        (
            "United Nations High-Level Dialogue on International Migration and Development",
            "§46(a)",
            "§49(a)",
        ),
        ("trade unions", "§21(e)", "§22(d)"),
        ("trade unions", "§21(j)", "§22(i)"),
        ("trade unions", "§42", "§44"),
        ("trade unions", "§14", "§15(j)"),
    }
    chosen = {referent for referent, _, _ in expected}
    result = project(
        rows("version-changes"), "referent", "zero_draft_paragraph", "adopted_paragraph"
    )
    assert {r for r in result if r[0] in chosen} == expected
    assert len(result) == len(set(result)), "duplicate rows"
    assert all(zero != adopted for _, zero, adopted in result), "a row that did not move"


def test_version_changes_guiding_principles(rows: RunQuery) -> None:
    """Whole-of-society approach: zero "(§ 14)" (lines 195, 203, 222, 185, 239) is adopted
    "(§15j)" (lines 617, 645, 682, 764, 866); rule of law: zero "(§14, Rule of Law and Due
    Process)" (line 221) is adopted "(§15d)" (line 759)."""
    expected = {
        (group, "§14", "§15(j)")
        for group in (
            "trade unions",
            "civil society",
            "local authorities and communities",
            "private sector",
            "diasporas",
        )
    } | {("private sector", "§14", "§15(d)")}
    result = set(
        project(rows("version-changes"), "referent", "zero_draft_paragraph", "adopted_paragraph")
    )
    assert expected <= result


# -------------------------------------------------------------------- referents-by-version


def test_referents_by_version_in_both(rows: RunQuery) -> None:
    """Paragraphs per version of referents both analyses name (tables: adopted lines 429-456,
    947-960; zero lines 66-83; stakeholder headings as transcribed above)."""
    expected = {
        "regional consultative processes on migration": ("§44; §47; §48", "§47; §50; §52"),
        "Global Forum on Migration and Development": (
            "§3; §44; §48",
            "§3; §34(f); §36(b); §43(c); §47; §51",
        ),
        "International Migration Review Forum": (
            "§46(a); §46(b); §46(c); §46(e); §47; §48",
            "§49(a); §49(b); §49(c); §49(d); §49(e); §50; §50(e); §51; §52; §53; §54",
        ),
        "International Organization for Migration": (
            "§16(c); §17(c); §21(b); §43(b)",
            "§17(e); §22(l); §45(a); §52",
        ),
        "trade unions": (
            joined(label(c) for c in ZERO_STAKEHOLDERS["trade unions"]),
            joined(label(c) for c in ADOPTED_STAKEHOLDERS["trade unions"]),
        ),
        "private sector": (
            joined(
                dict.fromkeys(label(c) for c in sort_citations(ZERO_STAKEHOLDERS["private sector"]))
            ),
            joined(
                dict.fromkeys(
                    label(c) for c in sort_citations(ADOPTED_STAKEHOLDERS["private sector"])
                )
            ),
        ),
    }
    result = {r["referent"]: r for r in rows("referents-by-version")}
    for referent, (zero, adopted) in expected.items():
        row = result[referent]
        assert (row["zero_draft_paragraphs"], row["adopted_paragraphs"], row["status"]) == (
            zero,
            adopted,
            "both",
        ), referent


def sort_citations(citations: list[str]) -> list[str]:
    """Citations in document order (number, then subdivision)."""

    def key(c: str) -> tuple[int, str, str]:
        number, letter, roman = _CITATION.fullmatch(c.replace(" ", "")).groups()  # type: ignore[union-attr]
        return int(number), letter, roman

    return sorted(citations, key=key)


def test_referents_by_version_only_one_version(rows: RunQuery) -> None:
    """What appears in one analysis only? Every referent of the zero analysis (table lines
    66-83, stakeholder headings) is also in the adopted one. Only the adopted analysis has
    "existing mechanisms, platforms and frameworks" (line 454), "financial institutions"
    (586-593), "International financial institutions" (546), "relevant subregional … processes
    and platforms" (433-436), "State-led initiatives on international migration" (452),
    "subregional … processes, platforms and organizations" (540-543), the UN Network (960) and
    the MICIC Guidelines row (964-967; the zero analysis lists §17c only as an IOM reference)."""
    result = rows("referents-by-version")
    only = {(r["referent"], r["status"]) for r in result if r["status"].startswith("only")}
    assert only == {
        (referent, "only adopted text")
        for referent in (
            "existing mechanisms, platforms and frameworks",
            "financial institutions",
            "international financial institutions",
            "relevant subregional, regional and cross-regional processes and platforms",
            "State-led initiatives on international migration",
            "subregional, regional and cross-regional processes, platforms and organizations",
            "United Nations Network on Migration",
            "Guidelines to Protect Migrants in Countries Experiencing Conflict or Natural Disaster",
        )
    }


# --------------------------------------------------------------- references-per-objective

# Objectives whose count does not depend on the framework references of the zero analysis
# (see the xfail below): the frameworks are quoted in §16c, §17c, §21b, §22a (objectives 1, 2,
# 6, 7 of the Zero Draft Rev 1).
FRAMEWORK_OBJECTIVES = (1, 2, 6, 7)


def test_references_per_objective(rows: RunQuery) -> None:
    """How many references does each objective have in each version? Counted from the
    transcribed tables and headings above (e.g. adopted objective 19 = §35b GMG, §35i/§35j private
    sector, §35/§35c/§35d/§35e/§35f/§35h/§35i/§35j diasporas, §35j local communities = 12)."""
    adopted, zero = references_per_objective(ADOPTED), references_per_objective(ZERO)
    expected = {
        n: (str(zero[n]), str(adopted[n])) for n in range(1, 24) if n not in FRAMEWORK_OBJECTIVES
    }
    result = {
        int(r["objective_number"]): (r["zero_draft_references"], r["adopted_references"])
        for r in rows("references-per-objective")
    }
    assert {n: v for n, v in result.items() if n not in FRAMEWORK_OBJECTIVES} == expected
    assert (expected[19], expected[23], expected[18]) == (("7", "12"), ("0", "4"), ("0", "5"))
    assert {n: v[1] for n, v in result.items() if n in FRAMEWORK_OBJECTIVES} == {
        n: str(adopted[n]) for n in FRAMEWORK_OBJECTIVES
    }


def test_references_per_objective_zero_framework_objectives(rows: RunQuery) -> None:
    """Zero Draft Rev 1, objectives 1, 2, 6 and 7: IOM "§16c; §17c; §21b" (line 83), GMG "§22a"
    (line 82), and the stakeholder quotations (e.g. objective 6 = §21c existing platforms, §21c
    cross-regional dialogue, §21b IOM, §21e/§21j trade unions, §21d/§21e/§21f/§21g private
    sector = 9)."""
    zero = references_per_objective(ZERO)
    result = {
        int(r["objective_number"]): r["zero_draft_references"]
        for r in rows("references-per-objective")
    }
    assert (
        {n: result[n] for n in FRAMEWORK_OBJECTIVES}
        == {n: str(zero[n]) for n in FRAMEWORK_OBJECTIVES}
        == {1: "1", 2: "4", 6: "9", 7: "2"}
    )


# ------------------------------------------------------------------ stakeholder-objectives


@pytest.mark.parametrize(
    ("document", "citations", "stated"),
    [(ADOPTED, ADOPTED_STAKEHOLDERS, ADOPTED_STATED), (ZERO, ZERO_STAKEHOLDERS, ZERO_STATED)],
    ids=["adopted", "zero-draft"],
)
def test_stakeholder_objectives(
    rows: RunQuery, document: str, citations: dict[str, list[str]], stated: dict[str, list[int]]
) -> None:
    """Under which objectives is each stakeholder group named, by its quotations (paragraphs as
    cited) and by the analysis's summary, and where do they differ? E.g. adopted: local
    communities' §20 and §37i give objectives 4 and 21 that the summary omits; civil society's
    summary adds 16. Zero: private sector summary has 11, the quotations 13 (§28f)."""
    expected = []
    for group in sorted(citations):
        found = stakeholder_objectives(citations[group], document)
        expected.append(
            (
                group,
                joined(found),
                joined(stated[group]),
                joined(n for n in found if n not in stated[group]),
                joined(n for n in stated[group] if n not in found),
            )
        )
    result = project(
        rows("stakeholder-objectives", document=document),
        "stakeholder_group",
        "objectives_from_references",
        "objectives_stated",
        "only_in_references",
        "only_stated",
    )
    assert result == expected


def test_stakeholder_objectives_hand_checked() -> None:
    """The transcriptions give the lists one reads off the sources by hand."""
    assert stakeholder_objectives(ADOPTED_STAKEHOLDERS["private sector"], ADOPTED) == [
        2,
        3,
        5,
        6,
        7,
        13,
        18,
        19,
        20,
        23,
    ]
    assert stakeholder_objectives(ADOPTED_STAKEHOLDERS["diasporas"], ADOPTED) == [1, 3, 16, 17, 19]
    assert stakeholder_objectives(ZERO_STAKEHOLDERS["civil society"], ZERO) == [2, 3, 12, 16]
    assert stakeholder_objectives(ZERO_STAKEHOLDERS["diasporas"], ZERO) == [3, 16, 17, 19]


# ---------------------------------------------------------------------- stakeholder-matrix


@pytest.mark.parametrize(
    ("document", "citations"),
    [(ADOPTED, ADOPTED_STAKEHOLDERS), (ZERO, ZERO_STAKEHOLDERS)],
    ids=["adopted", "zero-draft"],
)
def test_stakeholder_matrix(rows: RunQuery, document: str, citations: dict[str, list[str]]) -> None:
    """How many quotations name each group under each objective? Counted from the stakeholder
    headings (e.g. adopted diasporas under objective 19: §35, §35c, §35d, §35e, §35f, §35h, §35i,
    §35j = 8; zero private sector under objective 6: §21e, §21f, §21d, §21g = 4)."""
    expected = []
    for group in sorted(citations):
        counts = Counter(
            n for c in citations[group] if (n := objective_of(c, document)) is not None
        )
        expected += [(group, str(n), str(counts[n])) for n in sorted(counts)]
    result = project(
        rows("stakeholder-matrix", document=document),
        "stakeholder_group",
        "objective_number",
        "references",
    )
    assert result == expected
    assert ("diasporas", "19", "8" if document == ADOPTED else "6") in result


# ------------------------------------------------------------- objectives-without-actors


@pytest.mark.parametrize(
    ("document", "expected"),
    [(ADOPTED, [9, 15, 22]), (ZERO, [4, 9, 15, 22])],
    ids=["adopted", "zero-draft"],
)
def test_objectives_without_actors(rows: RunQuery, document: str, expected: list[int]) -> None:
    """Which objectives have neither a reference nor an entry point? Adopted: no quotation or
    table row cites §25, §27, §31, §38 (objectives 9, 11, 15, 22), and objective 11 has a regional
    entry point (line 190). Zero: none cites §19, §24, §25, §26, §30, §33, §36, §37 (4, 9, 10, 11,
    15, 18, 21, 22); 10, 11, 18 and 21 have entry points (lines 34-52)."""
    missing = [
        n
        for n in range(1, 24 if document == ADOPTED else 23)
        if references_per_objective(document)[n] == 0
    ]
    assert set(expected) <= set(missing)
    titles = objective_titles()
    result = project(
        rows("objectives-without-actors", document=document), "objective_number", "objective"
    )
    assert result == [(str(n), titles[n]) for n in expected]


# ------------------------------------------------------------------------ objective-profile


def test_objective_profile_6(rows: RunQuery) -> None:
    """Everything about objective 6: title and short name (reference/objectives.tsv, row 6),
    §21 (Rev 1) and §22 (adopted), the entry points (adopted lines 149-170 and 314-327; zero
    lines 33 and 46), the stakeholder quotations under §21/§22, the IPD actor rows (adopted §22b
    existing platforms and cross-regional dialogue, §22l IOM) and the summaries that list 6
    (adopted lines 43-45, 79-82; zero lines 13, 21)."""
    result = rows("objective-profile", objective="6")
    assert project(where(result, aspect="title"), "value") == [(objective_titles()[6],)]
    assert objective_titles()[6] == (
        "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work"
    )
    short = project(where(result, aspect="short name"), "value")
    assert short == [("Recruitment and decent work",)]  # objectives.tsv, un_network_short_label
    assert sorted(project(where(result, aspect="stated in"), "document", "paragraph")) == [
        (ADOPTED, "§22"),
        (ZERO, "§21"),
    ]
    engagement = (
        "ISCMs are referred to indirectly here as existing platforms. ISCMs with labour migration "
        "thematic focus can share their experiences and further foster inter-state dialogue on "
        "ethical recruitment and labour migration"
    )
    for level in ("regional", "global"):
        engaged = where(result, aspect=f"entry point, {level} engagement of ISCMs")
        assert sorted(project(engaged, "document", "value")) == [
            (ADOPTED, engagement),
            (ZERO, engagement),
        ]
    assert (
        project(where(result, aspect="entry point, global action"), "value")
        == [("international labour mobility + international guidelines and best practices",)] * 2
    )
    stakeholders = {
        (group, doc, label(c))
        for doc, table in ((ADOPTED, ADOPTED_STAKEHOLDERS), (ZERO, ZERO_STAKEHOLDERS))
        for group, citations in table.items()
        for c in citations
        if objective_of(c, doc) == 6
    }
    assert (
        set(project(where(result, aspect="stakeholder group"), "value", "document", "paragraph"))
        == stakeholders
    )
    assert set(
        project(where(result, aspect="actor or category", document=ADOPTED), "value", "paragraph")
    ) == {
        ("cross-regional dialogue", "§22(b)"),
        ("existing bilateral, subregional and regional platforms", "§22(b)"),
        ("International Organization for Migration", "§22(l)"),
    }
    summaries = project(where(result, aspect="listed in a summary"), "document", "value")
    assert sorted(summaries) == sorted(
        [
            (
                ADOPTED,
                "ISCMs and effective practices and models established by them are (indirectly) "
                "referred to under Objectives 6 (Recruitment and work), Objective 14 (Consular "
                "protection), and Objective 18 (skills, qualifications.",
            ),
            (ADOPTED, "trade unions (Objectives 2, 3, 6, 18)"),
            (ADOPTED, "the private sector (Objectives 2, 3, 5, 6, 7, 18, 19, 20, 23)"),
            (
                ZERO,
                "ISCMs and effective practices and models established by them are indirectly "
                "referred to under Objectives 6 (Recruitment and work), Objective 14 (Consular "
                "protection), Objective 18 (skills, qualifications), and Objective 19 (Migrants' "
                "contribution to sustainable development).",
            ),
            (ZERO, "trade unions (Objectives 5, 6)"),
            (ZERO, "the private sector (Objectives 2, 3, 5, 6, 11, 20)"),
        ]
    )
