# The sources quote with curly quotes; expectations keep them verbatim.
# ruff: noqa: RUF001
"""Golden tests for the entry-point queries: entry-points, entry-point-coverage,
objectives-without-entry-points and entry-point-changes.

The expectations are the two tables "Objective / Action / Possible engagement of ISCMs" of the
IOM IPD analyses, transcribed before running the queries:

* adopted text: sources/iom-ipd-references-in-gcm-adopted-text.txt, "Entry points for ISCMs to
  engage in the GCM implementation", lines 93-411 (a PDF table: line breaks joined, a word
  hyphenated across a line keeps its hyphen);
* Zero Draft Rev 1: sources/iom-ipd-references-in-gcm-zero-draft-rev1.txt, section "ISCMs",
  lines 27-54 (tab-separated; rows 10, 19 and 21 run over two lines).

Objective titles come from reference/objectives.tsv (the queries show official titles, not the
tables' short labels).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import objective_titles, project

Rows = list[dict[str, str]]
RunQuery = Callable[..., Rows]
Key = tuple[int, str]  # (objective number, level)

ADOPTED = "A-RES-73-195"
ZERO = "gcm-zero-draft-rev1"


def ordered(keys: object) -> list[Key]:
    """Objective by objective, regional rows before global rows."""
    return sorted(keys, key=lambda k: (k[0], k[1] != "regional"))  # type: ignore[arg-type]


# ----------------------------------------------------------------------- the two tables

ADOPTED_ACTIONS: dict[Key, str] = {
    # "Regional level", lines 95-304
    (1, "regional"): "regional migration observatories",
    (2, "regional"): "Harmonize and develop approaches and mechanisms at the subregional and "
    "regional levels to address vulnerabilities by ensuring access to humanitarian assistance",
    (3, "regional"): "regional and international cooperation and dialogue to exchange information "
    "on migration-related trends",
    (5, "regional"): "facilitate regional and cross-regional labour mobility through international "
    "and bilateral cooperation arrangements, such as free movement regimes, visa liberalization "
    "or multiple-country visas, and labour mobility cooperation frameworks",
    (6, "regional"): "Build upon the work of existing bilateral, subregional and regional "
    "platforms that have overcome obstacles and identified best practices in labour mobility, by "
    "facilitating cross-regional dialogue to share this knowledge, and to promote full respect "
    "for the human and labour rights of migrant workers at all skills levels, including migrant "
    "domestic workers;",
    (10, "regional"): "strengthen cooperation at the bilateral, regional and cross-regional levels "
    "on prevention, investigation and prosecution of perpetrators, as well as on identification "
    "and protection of, and assistance to, victims of trafficking in persons",
    (11, "regional"): "Enhance regional and cross-regional border management cooperation on "
    "proper identification, timely and efficient referral, protection and assistance for "
    "migrants in situations of vulnerability at or near international borders, in compliance "
    "with international human rights law, by adopting whole-of-government approaches and "
    "implementing joint cross-border training",
    (12, "regional"): "Develop and conduct intra- and cross-regional specialized human rights and "
    "trauma-informed training for first responders and government officials, including law "
    "enforcement authorities, border officials, consular representatives and judicial bodies, to "
    "facilitate and standardize identification and referral of, as well as appropriate "
    "assistance and counselling in a culturally sensitive way to, victims of trafficking in "
    "persons, migrants in situations of vulnerability, including children, in particular those "
    "unaccompanied or separated, and persons affected by any form of exploitation and abuse "
    "related to smuggling of migrants under aggravating circumstances",
    (14, "regional"): "Involve relevant consular and immigration personnel in existing global and "
    "regional forums on migration in order to exchange information and best practices about "
    "issues of mutual concern that pertain to citizens abroad and contribute to comprehensive "
    "and evidence-based migration policy development",
    (18, "regional"): "Develop standards and guidelines for the mutual recognition of foreign "
    "qualifications and non-formally acquired skills in different sectors in collaboration with "
    "the respective industries with a view to ensuring worldwide compatibility based on existing "
    "models and best practices",
    (19, "regional"): "Integrate migration into development planning and sectoral policies at the "
    "local, national, regional and global levels, taking into consideration relevant existing "
    "policy guidelines and recommendations, such as the Global Migration Group’s Mainstreaming "
    "Migration into Development Planning: A Handbook for Policymakers and Practitioners, in "
    "order to strengthen policy coherence and effectiveness of development cooperation;",
    # "Global level", lines 306-411
    (1, "global"): "harmonizing methodologies for data collection",
    (6, "global"): "international labour mobility + international guidelines and best practices",
    (8, "global"): "coordinated international efforts",
    (10, "global"): "strengthening international cooperation on counter-trafficking",
    (14, "global"): "Cooperate to build consular capacities, train consular officers, promote "
    "arrangements for providing consular services collectively where individual States lack "
    "capacity",
    (18, "global"): "global skills partnerships",
    (19, "global"): "strengthening global policy discussions",
    (21, "global"): "Develop and implement bilateral, regional and multilateral cooperation "
    "frameworks and agreements, including readmission agreements, ensuring that return and "
    "readmission of migrants to their own country is safe, dignified and in full compliance with "
    "international human rights law, including the rights of the child, by determining clear and "
    "mutually agreed procedures that uphold procedural safeguards, guarantee individual "
    "assessments and legal certainty, and by ensuring that they also include provisions that "
    "facilitate sustainable reintegration",
}

ZERO_ACTIONS: dict[Key, str] = {
    # "Regional level", lines 28-43
    (1, "regional"): "regional migration observatories",
    (2, "regional"): "harmonization of approaches to enhanced humanitarian protection measures at "
    "subregional and regional levels",
    (3, "regional"): "regional and international cooperation between States to exchange "
    "information and intelligence on migration-related trends",
    (5, "regional"): "facilitate regional and cross-regional labour mobility through free "
    "movement regimes, visa liberalization or multiple-country visas, and labour mobility "
    "cooperation frameworks",
    (6, "regional"): "Build upon the work of existing regional platforms that have overcome "
    "obstacles and identified best practices in labour mobility, by facilitating cross-regional "
    "dialogue to share this knowledge, and to promote the full respect for the human and labour "
    "rights of migrant workers at all skills levels, including migrant domestic workers",
    (10, "regional"): "harmonize protocols at the regional and cross-regional levels on "
    "prosecution of perpetrators, as well as on identification of, and protection and assistance "
    "to victims",
    (11, "regional"): ADOPTED_ACTIONS[(11, "regional")],  # line 37: the same words
    (12, "regional"): "Develop and conduct intra- and cross-regional specialized human "
    "rights-based trainings for first responders and government officials, including law "
    "enforcement, to facilitate and standardize identification and referral of, as well as "
    "appropriate assistance and counselling to victims of trafficking in persons, migrants at "
    "risk, including children and unaccompanied minors, and persons affected by any form of "
    "exploitation and abuse related to aggravated smuggling",
    (14, "regional"): "Include consular personnel in existing global and regional fora on "
    "migration in order to exchange information about issues of mutual concern that pertain to "
    "citizens abroad and contribute to comprehensive migration policy development",
    (18, "regional"): "Develop global standards for the recognition of foreign qualifications and "
    "non-formally acquired skills in different sectors in collaboration with the respective "
    "industries with a view to ensuring worldwide harmonization based on existing models and "
    "best practices",
    (19, "regional"): "Promote the operationalization of existing policy guidelines and handbooks "
    "on effectively integrating migration into development planning and sectoral policies at "
    "regional, national and local levels",
    # "Global level", lines 44-54
    (1, "global"): "to achieve international compatibility between national data systems",
    (6, "global"): "international labour mobility + international guidelines and best practices",
    (8, "global"): "coordinated international efforts",
    (10, "global"): "strengthening international cooperation on counter-trafficking",
    (14, "global"): "technical assistance programme in coordination with the State-led Global "
    "Consular Forum",
    (18, "global"): "global skills partnerships",
    (19, "global"): "strengthening global policy discussions",
    (21, "global"): "Develop international model agreements and cooperation frameworks ensuring "
    "that return and readmission of migrants to their own country is fair, dignified and in full "
    "compliance with international human rights law, and that they also include provisions that "
    "facilitate sustainable reintegration",
}

# "Possible engagement of ISCMs" of some rows (adopted lines 97-411; zero lines 29-52).
ADOPTED_ENGAGEMENTS: dict[Key, str] = {
    (1, "regional"): "ISCMs engaged in migration data can either act as regional migration "
    "observatories (additional funding can be required) or regularly feed data to the "
    "observatories",
    (2, "regional"): "ISCMS can contribute to convergent approaches and even harmonization of "
    "policies",
    (11, "regional"): "ISCMs engaged in border management can contribute with their effective "
    "practices and continue acting as platforms for inter-state dialogue on border management, "
    "as well as build the capacities of their member states.",
    (1, "global"): "Global processes on migration collecting data can contribute to this process.",
    (8, "global"): "ISCMs addressing irregular migration can contribute to achieving convergence "
    "and coordination among the States and other stakeholders",
    (10, "global"): "ISCMs addressing counter-trafficking are best placed to share their best "
    "practices and further foster multi-stakeholder dialogue and cooperation on combating human "
    "trafficking and protecting and assisting the victims of trafficking",
    (14, "global"): "ISCMs could share their effective practices and support or cooperate with "
    "the programme to be established",
}
ZERO_ENGAGEMENTS: dict[Key, str] = {
    **{k: v for k, v in ADOPTED_ENGAGEMENTS.items() if k != (11, "regional")},
    # line 37: "interstate", not "inter-state"
    (11, "regional"): "ISCMs engaged in border management can contribute with their effective "
    "practices and continue acting as platforms for interstate dialogue on border management, as "
    "well as build the capacities of their member states.",
    # lines 34-36, split over two lines
    (10, "regional"): "ISCMs addressing counter-trafficking are best placed to share their best "
    "practices and further foster multi-stakeholder dialogue on combating human trafficking and "
    "protecting and assisting the victims of trafficking",
}

TABLES = {ADOPTED: (ADOPTED_ACTIONS, ADOPTED_ENGAGEMENTS), ZERO: (ZERO_ACTIONS, ZERO_ENGAGEMENTS)}
VERSIONS = pytest.mark.parametrize("document", [ADOPTED, ZERO], ids=["adopted", "zero-draft"])


def with_level(actions: dict[Key, str], level: str) -> set[int]:
    return {n for n, lv in actions if lv == level}


def test_the_transcriptions_have_the_objectives_one_reads() -> None:
    """The tables have entry points at the regional level for objectives 1, 2, 3, 5, 6, 10, 11,
    12, 14, 18, 19 and at the global level for 1, 6, 8, 10, 14, 18, 19, 21, in both versions."""
    regional = {1, 2, 3, 5, 6, 10, 11, 12, 14, 18, 19}
    global_ = {1, 6, 8, 10, 14, 18, 19, 21}
    for actions in (ADOPTED_ACTIONS, ZERO_ACTIONS):
        assert (with_level(actions, "regional"), with_level(actions, "global")) == (
            regional,
            global_,
        )


# ----------------------------------------------------------------------------- entry-points


@VERSIONS
def test_entry_points(rows: RunQuery, document: str) -> None:
    """Where can ISCMs engage, objective by objective? Every row of the version's table, with
    its action verbatim, regional before global within an objective."""
    actions, engagements = TABLES[document]
    titles = objective_titles()
    expected = [(str(n), titles[n], level, actions[(n, level)]) for n, level in ordered(actions)]
    result = rows("entry-points", document=document)
    assert project(result, "objective_number", "objective", "level", "action") == expected
    found = {(int(r["objective_number"]), r["level"]): r["engagement"] for r in result}
    assert {k: found[k] for k in engagements} == engagements


@pytest.mark.parametrize("level", ["regional", "global"])
def test_entry_points_by_level(rows: RunQuery, level: str) -> None:
    """--param level=regional/global keeps the rows of that part of the adopted table."""
    result = project(rows("entry-points", level=level), "objective_number", "level", "action")
    assert result == [
        (str(n), lv, ADOPTED_ACTIONS[(n, lv)]) for n, lv in ordered(ADOPTED_ACTIONS) if lv == level
    ]


# --------------------------------------------------------------------- entry-point-coverage


@VERSIONS
def test_entry_point_coverage(rows: RunQuery, document: str) -> None:
    """Which objectives have regional, global, both or no entry points? 23 objectives in the
    adopted text, 22 in the Zero Draft Rev 1 (reference/objectives.tsv: objective 23 was added
    in Draft Rev 2)."""
    actions, _ = TABLES[document]
    titles = objective_titles()
    count = 23 if document == ADOPTED else 22
    yes_no = {True: "yes", False: "no"}
    expected = [
        (
            str(n),
            titles[n],
            yes_no[n in with_level(actions, "regional")],
            yes_no[n in with_level(actions, "global")],
        )
        for n in range(1, count + 1)
    ]
    result = rows("entry-point-coverage", document=document)
    assert project(result, "objective_number", "objective", "regional", "global") == expected


# ----------------------------------------------------------- objectives-without-entry-points


@pytest.mark.parametrize(
    ("document", "expected"),
    [(ADOPTED, [4, 7, 9, 13, 15, 16, 17, 20, 22, 23]), (ZERO, [4, 7, 9, 13, 15, 16, 17, 20, 22])],
    ids=["adopted", "zero-draft"],
)
def test_objectives_without_entry_points(
    rows: RunQuery, document: str, expected: list[int]
) -> None:
    """Which objectives have no row in either part of the version's table?"""
    actions, _ = TABLES[document]
    assert expected == sorted(
        set(range(1, 24 if document == ADOPTED else 23)) - {n for n, _ in actions}
    )
    titles = objective_titles()
    result = rows("objectives-without-entry-points", document=document)
    assert project(result, "objective_number", "objective") == [
        (str(n), titles[n]) for n in expected
    ]


# --------------------------------------------------------------------- entry-point-changes


def reworded(level: str | None = None) -> list[tuple[str, str, str, str]]:
    """Rows of both tables whose action columns differ, compared by hand below."""
    return [
        (str(n), lv, ZERO_ACTIONS[(n, lv)], ADOPTED_ACTIONS[(n, lv)])
        for n, lv in ordered(ADOPTED_ACTIONS)
        if (n, lv) in ZERO_ACTIONS
        and ZERO_ACTIONS[(n, lv)] != ADOPTED_ACTIONS[(n, lv)]
        and level in (None, lv)
    ]


def test_entry_point_changes(rows: RunQuery) -> None:
    """Which entry-point actions were reworded? Comparing the action columns: regional rows of
    objectives 2, 3, 5, 6, 10, 12, 14, 18, 19 and global rows of 1, 14, 21 changed; regional 1
    and 11 and global 6, 8, 10, 18, 19 have the same words in both tables."""
    expected = reworded()
    assert [(int(n), lv) for n, lv, _, _ in expected] == [
        (1, "global"),
        (2, "regional"),
        (3, "regional"),
        (5, "regional"),
        (6, "regional"),
        (10, "regional"),
        (12, "regional"),
        (14, "regional"),
        (14, "global"),
        (18, "regional"),
        (19, "regional"),
        (21, "global"),
    ]
    result = rows("entry-point-changes")
    assert (
        project(result, "objective_number", "level", "zero_draft_action", "adopted_action")
        == expected
    )


def test_entry_point_changes_global(rows: RunQuery) -> None:
    """--param level=global: objectives 1, 14 and 21."""
    result = rows("entry-point-changes", level="global")
    assert project(
        result, "objective_number", "level", "zero_draft_action", "adopted_action"
    ) == reworded("global")
