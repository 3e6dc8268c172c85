"""The pages: what an analyst reads on them (golden content), that every link leads somewhere,
that nothing is fetched from another host, that the same graph gives the same bytes, and that
each resource's RDF is exactly its statements."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from helpers import same_graph
from rdflib import Graph, URIRef
from web_helpers import facts, parse_links, rows, section, text, titles

from iscm_kg import resources
from iscm_kg.pipeline import Pipeline
from iscm_kg.web import rdf
from iscm_kg.web.pages import Site, _cell_renderer, _linker
from iscm_kg.web.view import Link, Note, Quote

ID = "https://w3id.org/iscm-kg/id/"
ADOPTED_SOURCE = "IOM IPD, references to ISCMs and other regional actors in the adopted compact"
ZERO_SOURCE = "IOM IPD, references to ISCMs in the Zero Draft Rev 1 of the compact"
RCPS = "regional consultative processes on migration"


# Golden content ---------------------------------------------------------------------------


def test_colombo_process_page_lists_the_paragraphs_that_invite_it(site: Site) -> None:
    """The Colombo Process is never named in the compact; the page shows where it is referred to
    as a regional consultative process (§47, §50, §52 adopted; §44, §47, §48 in the Zero Draft
    Rev 1), each with the wording, the quotation and the analysis that records it."""
    page = site.view("/id/actor/colombo-process")
    assert page is not None
    assert "(Colombo Process)" in page.title
    assert page.kind == "Regional consultative process on migration"
    assert [text((s,)) for s in page.sources] == [ZERO_SOURCE]
    assert page.files == ["data/zero-draft-rev1/active-iscms.ttl"]
    assert facts(section(page, "Summary")) == {
        "Also called": "Colombo Process",
        "Region": "Asia and Pacific",
        "Category": RCPS,
    }
    assert "By name: no reference; as one of a category of actors: 17 references." in text(
        section(page, "Where the texts refer to it").intro
    )
    adopted = rows(section(page, "As one of a category, in A/RES/73/195"))
    as_rcp = [(r[0], r[2], r[4]) for r in adopted if r[1] == RCPS]
    assert as_rcp == [
        ("A/RES/73/195 §47", "“regional consultative process on migration”", ADOPTED_SOURCE),
        ("A/RES/73/195 §50", "“regional consultative process on migration”", ADOPTED_SOURCE),
        ("A/RES/73/195 §52", "“regional consultative process on migration”", ADOPTED_SOURCE),
    ]
    assert next(r[3] for r in adopted if r[0] == "A/RES/73/195 §50" and r[1] == RCPS) == (
        "“…we invite relevant subregional, regional and cross-regional processes, platforms and "
        "organizations, including the United Nations regional economic commissions or regional "
        "consultative processes, to review the implementation of the Global Compact within the "
        "respective regions…”"
    )
    zero = rows(section(page, "As one of a category, in Zero Draft"))
    assert [r[0] for r in zero if r[1] == RCPS] == [
        "Zero Draft §44",
        "Zero Draft §47",
        "Zero Draft §48",
    ]
    assert {r[4] for r in zero} == {ZERO_SOURCE}
    invitations = rows(section(page, "Invitations"))
    assert [r[0] for r in invitations] == [
        "A/RES/73/195 §47",
        "A/RES/73/195 §50",
        "A/RES/73/195 §52",
        "A/RES/73/326 §10",
        "A/RES/73/326 §12",
    ]
    assert facts(section(page, "Entry points for ISCMs")) == {
        "Regional": "22 actions",
        "Global": "16 actions",
        "Listed": "every entry point, by objective",
    }
    assert [text(i) for i in section(page, "Global meetings").items] == [
        "Global Meeting of Regional Consultative Processes and other ISCMs: 8 meetings"
    ]
    members = rows(section(page, "Members"))
    assert ("Sri Lanka", "member") in [r[:2] for r in members]
    assert ("Italy", "observer") in [r[:2] for r in members]


def test_colombo_process_html_shows_quotation_and_links_its_source(site: Site) -> None:
    html = site.page("/id/actor/colombo-process").decode("utf-8")
    assert "<h1>Regional Consultative Process on Overseas Employment" in html
    assert (
        '<q lang="en">Recognizing the important contributions of State-led initiatives on '
        "international migration, we invite forums such as the IOM International Dialogue on "
        "Migration, regional consultative processes and others to contribute to the "
        "International Migration Review Forum…</q>"
    ) in html
    assert (
        '<a href="../../id/document/iom-ipd-references-in-gcm-adopted-text">'
        + ADOPTED_SOURCE
        + "</a>"
    ) in html
    assert '<a href="../../id/document/A-RES-73-195/para/52">A/RES/73/195 §52</a>' in html


def test_objective_23_page(site: Site) -> None:
    """Objective 23 arrived after the Zero Draft Rev 1: stated in §39 of the adopted text only,
    with its subparagraphs, the actors and stakeholder groups named there, and no entry point."""
    page = site.view("/id/objective/23")
    assert page is not None
    assert page.title == (
        "Objective 23: Strengthen international cooperation and global partnerships for safe, "
        "orderly and regular migration"
    )
    assert facts(section(page, "Stated in")) == {
        "A/RES/73/195": "A/RES/73/195 §39",
        "Zero Draft": "no paragraph states this objective in this version",
    }
    assert facts(section(page, "Paragraphs under this objective")) == {
        "A/RES/73/195": "A/RES/73/195 §39; A/RES/73/195 §39(c); A/RES/73/195 §39(d)"
    }
    actors, stakeholders = (
        section(page, title).subsections[0]
        for title in ("Actors referred to", "Stakeholder groups")
    )
    assert actors.title == stakeholders.title == "In A/RES/73/195"
    assert [r[:3] for r in rows(actors)] == [
        (
            "international financial institutions",
            "A/RES/73/195 §39(d)",
            "“International financial institutions”",
        ),
        ("international organizations", "A/RES/73/195 §39(d)", "“international organizations”"),
    ]
    assert [r[:3] for r in rows(stakeholders)] == [
        ("local authorities and communities", "A/RES/73/195 §39(c)", "“local authorities”"),
        ("private sector", "A/RES/73/195 §39(d)", "“private sector”"),
    ]
    entry_points = section(page, "Entry points").subsections
    assert [(s.title, facts(s)) for s in entry_points] == [
        (
            "In A/RES/73/195",
            {"Regional": "no entry point in the table", "Global": "no entry point in the table"},
        ),
        ("In Zero Draft", {"": "no paragraph states this objective in this version"}),
    ]
    summaries = rows(section(page, "The sources' summaries that list it"))
    assert [r[0] for r in summaries] == [
        "intergovernmental organizations",
        "local authorities and communities",
        "private sector",
    ]


def test_objective_1_entry_points_regional_and_global(site: Site) -> None:
    page = site.view("/id/objective/1")
    adopted = section(page, "Entry points").subsections[0]
    assert adopted.title == "In A/RES/73/195"
    assert facts(adopted) == {
        "Regional": "regional migration observatories",
        "Global": facts(adopted)["Global"],
    }
    assert [r[0] for r in rows(adopted)] == ["regional", "global"]
    assert all(r[3] == ADOPTED_SOURCE for r in rows(adopted))


def test_paragraph_page_shows_its_place_counterpart_and_mentions(site: Site) -> None:
    page = site.view("/id/document/A-RES-73-195/para/47")
    assert page.title == "A/RES/73/195 §47"
    assert "Summary" not in titles(page)
    assert facts(section(page, "Where it sits")) == {
        "Document": "A/RES/73/195, Global Compact for Safe, Orderly and Regular Migration",
        "Part of": "A/RES/73/195, Global Compact for Safe, Orderly and Regular Migration",
        "Same provision in": "Zero Draft §44",
    }
    mentions = rows(section(page, "Who it mentions"))
    assert [r[0] for r in mentions] == [
        "Global Forum on Migration and Development (GFMD)",
        "State-led processes and platforms at the global and regional levels",
        "global, regional and subregional forums",
        "international dialogue on migration",
        RCPS,
    ]
    assert {r[3] for r in mentions} == {ADOPTED_SOURCE}


def test_subparagraph_links_parent_and_objective(site: Site) -> None:
    page = site.view("/id/document/A-RES-73-195/para/39/d")
    where = facts(section(page, "Where it sits"))
    assert where["Part of"] == "A/RES/73/195 §39"
    assert where["Objective"].startswith("Objective 23: ")
    parent = facts(section(site.view("/id/document/A-RES-73-195/para/39"), "Where it sits"))
    assert parent["Subparagraphs"] == "A/RES/73/195 §39(c); A/RES/73/195 §39(d)"
    assert parent["States objective"].startswith("Objective 23: ")


def test_discrepancy_page_sets_both_claims_side_by_side(site: Site) -> None:
    page = site.view("/id/discrepancy/adopted/skills-matching-19e")
    table = dict((r[0], r[1:]) for r in rows(section(page, "The two claims")))
    assert table["Cited as"] == ("§19e", "§21e")
    assert table["Source"] == (ADOPTED_SOURCE, ADOPTED_SOURCE)
    first, second = table["Quotation"]
    assert first.startswith("“Promote effective skills-matching in the national economy")
    shorter, longer = sorted((first, second), key=len)
    assert longer.startswith(shorter.removesuffix("…”"))


def test_grcp_page_lists_its_meetings_with_their_sources(site: Site) -> None:
    meetings = rows(section(site.view("/id/event/grcp"), "Meetings"))
    assert (
        "Seventh Global Meeting of Chairs and Secretariats of Regional, Interregional and Global "
        "Consultative Processes on Migration",
        "2017-10-10 to 2017-10-11",
        "Geneva, Switzerland",
    ) in [r[:3] for r in meetings]
    assert [r[0] for r in meetings].count("GRCP 4") == 2  # the note's year and the public record
    assert meetings[-1][0] == "GRCP 9"


def test_entry_points_index(site: Site) -> None:
    page = site.view("/entry-points/")
    adopted, zero = (rows(s) for s in page.sections if s.table)
    assert adopted[0][:3] == (
        "Objective 1: Collect and utilize accurate and disaggregated data as a basis for "
        "evidence-based policies",
        "regional",
        "regional migration observatories",
    )
    assert len(adopted) + len(zero) == 38
    assert {r[4] for r in adopted} == {ADOPTED_SOURCE}


def test_state_page_lists_memberships(site: Site) -> None:
    page = site.view("/id/state/SEN")
    assert rows(section(page, "Takes part in"))[0][:2] == (
        "Migration Dialogue for West Africa (MIDWA)",
        "member",
    )


def test_source_document_lists_what_it_states(site: Site) -> None:
    page = site.view("/id/document/iom-information-note-iscms-and-gcm")
    derived = section(page, "What this source states")
    assert derived.subsections and all("(" in s.title for s in derived.subsections)
    linked = section(page, "Linked from")
    # prov:wasDerivedFrom is listed by class above, not repeated under "Linked from".
    assert all("was derived from" not in r[1] for r in rows(linked))


def test_index_pages(site: Site) -> None:
    iscms = site.view("/iscms/")
    by_region = dict(rows(section(iscms, f"{RCPS[:1].upper()}{RCPS[1:]} (16)")))
    assert "Regional Consultative Process on Overseas Employment" in by_region["Asia and Pacific"]
    assert [f.target for f in section(iscms, "By region").figures] == ["/plots/iscms-by-region.svg"]
    objectives = rows(section(site.view("/objectives/"), "The objectives"))
    assert len(objectives) == 23
    assert objectives[22][:3] == (objectives[22][0], "A/RES/73/195 §39", "")
    assert objectives[18][3:5] == ("12", "7")  # objective 19: adopted 12, Zero Draft 7 references
    assert objectives[22][6] == "not in this version"
    documents = site.view("/documents/")
    assert "Source document (4)" in titles(documents)
    discrepancies = site.view("/discrepancies/")
    total = sum(len(s.table.rows) for s in discrepancies.sections if s.table)
    assert f"{total} places where the sources disagree" in text(discrepancies.lead)
    assert site.view("/classes/iscm-Objective/").title == "GCM objective (23)"


def test_home_page_links_indexes_and_plots(site: Site) -> None:
    links = parse_links(site.page("/"))
    hrefs = {v for tag, _, v in links.links if tag == "a"}
    assert {"iscms/", "objectives/", "documents/", "discrepancies/", "actors/"} <= hrefs
    assert ("img", "src", "plots/references-per-objective.svg") in links.links


def test_a_small_graph_without_the_compact(tmp_path) -> None:
    """Another data folder (here one ISCM and nothing else) gives a whole site: the plots of
    versions of the compact it does not hold are left out, the others are drawn empty."""
    (tmp_path / "actors.ttl").write_text(
        "@base <https://w3id.org/iscm-kg/id/> .\n"
        "@prefix iscm: <https://w3id.org/iscm-kg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<actor/x> a iscm:RegionalConsultativeProcess ; skos:prefLabel "X process"@en ;\n'
        '    skos:altLabel "XP"@en ; iscm:region <concept/region/y> .\n'
        '<concept/region/y> a iscm:Region ; skos:prefLabel "Y"@en .\n'
    )
    small = Site(Pipeline(resources.layout(tmp_path)).reason())
    assert small.plot_names() == ["iscms-by-region", "references-per-objective"]
    for path in small.paths():
        assert small.page(path) is not None, path
    page = small.view("/id/actor/x")
    assert page.title == "X process (XP)"
    assert facts(section(page, "Summary"))["Region"] == "Y"
    assert ET.fromstring(small.plot("iscms-by-region")).tag.endswith("svg")
    objectives = small.page("/objectives/").decode()
    assert 'src="../plots/references-per-objective.svg"' in objectives
    assert "entry-points-A-RES-73-195" not in objectives


# Links, requests, formats -------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(site: Site) -> dict[str, bytes]:
    """Every page in the server's layout, rendered once for the tests below."""
    return {path: site.page(path) for path in site.paths()}


def test_every_link_resolves(site: Site, html: dict[str, bytes]) -> None:
    """Every relative link of every page (server layout) leads to a page, a plot, the
    stylesheet, this resource's RDF, or an anchor on the page."""
    paths = set(site.paths())
    broken = []
    for path in site.paths():
        parsed = parse_links(html[path])
        for tag, _, value in parsed.links:
            if value.startswith(("https://", "http://", "data:")):
                assert tag == "a" or value == "data:,", (path, tag, value)
                continue
            url = urlsplit(urljoin("http://site" + path, value))
            if url.query:
                ok = (
                    url.path == path
                    and site.rdf(path, url.query.removeprefix("format=")) is not None
                )
            elif url.path.startswith("/plots/"):
                ok = site.plot(url.path.removeprefix("/plots/")) is not None
            elif url.path.startswith("/assets/"):
                ok = site.asset(url.path.removeprefix("/assets/")) is not None
            else:
                ok = url.path in paths
            if ok and url.fragment and url.path == path:
                ok = url.fragment in parsed.ids
            if not ok:
                broken.append((path, value))
    assert broken == []


def test_nothing_is_fetched_from_another_host(site: Site, html: dict[str, bytes]) -> None:
    """Images, stylesheets and scripts are local and relative: no CDN, font or script from
    elsewhere (the favicon is an empty data URL, so the browser asks for none)."""
    for path, page in html.items():
        assert b"<script" not in page and b"@import" not in page and b"url(" not in page, path
        for tag, _, value in parse_links(page).links:
            if tag != "a":
                assert value == "data:," or not value.startswith(("http", "//")), (path, value)
    css = site.asset("site.css").decode()
    assert "url(" not in css and "@import" not in css


def test_static_links_point_at_files(site: Site) -> None:
    href = _linker("/id/actor/colombo-process", static=True)
    assert href("/id/objective/23") == "../../../id/objective/23/index.html"
    assert href("/iscms/") == "../../../iscms/index.html"
    assert href("/plots/iscms-by-region.svg") == "../../../plots/iscms-by-region.svg"
    assert _linker("/", static=True)("/") == "index.html"
    server = _linker("/id/actor/colombo-process", static=False)
    assert server("/id/objective/23") == "../../id/objective/23"
    assert server("/") == "../../"
    assert _linker("/", static=False)("/") == "./"
    page = site.page("/id/objective/23", static=True).decode()
    assert 'href="index.ttl"' in page and 'href="index.jsonld"' in page
    assert 'href="?format=nt"' in site.page("/id/objective/23").decode()


def test_text_is_escaped() -> None:
    render = _cell_renderer(lambda target: target)
    html = str(
        render(
            (
                "<b>&",
                Link('x"<y>', "/id/a"),
                Quote("<script>alert(1)</script>", "en"),
                Note("<i>"),
                Link("out", 'https://example.org/?a="b"'),
            )
        )
    )
    assert "<b>" not in html and "<script>" not in html and "<i>" not in html
    assert "&lt;b&gt;&amp;" in html and '<a href="/id/a">x"&lt;y&gt;</a>' in html
    assert 'href="https://example.org/?a=&quot;b&quot;"' in html


def test_unknown_paths(site: Site) -> None:
    assert site.page("/id/actor/no-such-actor") is None
    assert site.page("/nowhere/") is None
    assert site.page("/id/") is None
    assert site.rdf("/iscms/", "ttl") is None
    assert site.rdf("/id/actor/gfmd", "xml") is None
    assert site.plot("no-such-plot") is None
    assert site.asset("../pages.py") is None


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("*/*", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle", "ttl"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("text/html;q=0.1, text/turtle;q=0.9", "ttl"),
        ("application/rdf+xml", "html"),
        ("text/turtle;q=0", "html"),
    ],
)
def test_negotiate(accept: str | None, expected: str) -> None:
    assert rdf.negotiate(accept) == expected


# Determinism and RDF ------------------------------------------------------------------------


def test_two_sites_give_the_same_bytes(site: Site, pipeline, html: dict[str, bytes]) -> None:
    other = Site(pipeline)
    assert other.paths() == site.paths()
    for path in site.paths():
        assert other.page(path) == html[path], path
        assert other.page(path, static=True) == site.page(path, static=True), path
        for fmt in rdf.MEDIA_TYPES:
            assert other.rdf(path, fmt) == site.rdf(path, fmt), (path, fmt)


PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.mark.parametrize("fmt", sorted(PARSERS))
def test_rdf_of_every_resource_is_exactly_its_statements(site: Site, pipeline, fmt: str) -> None:
    """Each resource's Turtle, N-Triples and JSON-LD parse back (with rdflib, the reference) to
    exactly the triples that have it as subject, asserted and inferred."""
    union = Graph()
    for graph in (pipeline.asserted, pipeline.inferred):
        for triple in graph:
            union.add(triple)
    resources = [p for p in site.paths() if p.startswith("/id/")]
    assert len(resources) > 1500
    for path in resources:
        iri = URIRef(ID + path.removeprefix("/id/"))
        expected = Graph()
        for triple in union.triples((iri, None, None)):
            expected.add(triple)
        got = Graph().parse(data=site.rdf(path, fmt), format=PARSERS[fmt])
        assert same_graph(got, expected), path


def test_rdf_keeps_datatypes(site: Site) -> None:
    turtle = site.rdf("/id/objective/23", "ttl").decode()
    assert 'iscm:objectiveNumber "23"^^xsd:positiveInteger' in turtle
    assert turtle.startswith("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n")
    document = site.rdf("/id/objective/23", "jsonld").decode()
    assert '"@id":"id:objective/23"' in document
