"""The site: a page for every resource at the path of its IRI, index pages, plots and RDF.

``Site(pipeline)`` indexes the reasoned graph once; then ``page(path)`` gives the HTML of the home
page ("/"), an index ("/iscms/", "/actors/", "/objectives/", "/documents/", "/discrepancies/",
"/classes/…/") or a resource (the IRI ``https://w3id.org/iscm-kg/id/X`` is at "/id/X");
``rdf(path, fmt)`` its description as Turtle, N-Triples or JSON-LD; ``plot(name)`` an SVG plot;
``asset(name)`` the stylesheet; ``paths()`` every page path. The server and the static site
(``site.write``) both serve these bytes.

Links inside a page are relative, so the same site works at any host and under any folder. A page
renders for one of two layouts: the server's (a resource at "/id/X", its RDF at "/id/X?format=ttl",
the stylesheet at "/assets/site.css", plots at "/plots/NAME.svg") or the static site's (a resource
at "id/X/index.html" with "index.ttl", "index.nt" and "index.jsonld" beside it, indexes at
"iscms/index.html"), because a folder per resource is what lets "document/…/para/47" and
"document/…/para/47/b" both exist as files.

Templates are Jinja2 (``templates/page.html``, autoescaped): one template renders every page from
the ``view.Page`` the Python code builds, so the HTML lives in one file a maintainer can restyle
without reading the code, and every value is escaped by default.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from html import escape
from importlib import resources as importlib_resources
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from rdflib.namespace import DCAT, DCTERMS, RDFS, VOID

from .. import namespaces
from ..pipeline import Pipeline
from . import plots as plot_module
from .describe import DERIVED_FROM, Describer
from .facts import ID, ISCM, Facts
from .rdf import MEDIA_TYPES, describe, descriptions, resource_iri, resource_path
from .view import Cell, Figure, Link, Note, Page, Quote, Section, Table, Term, cell, joined

SITE_NAME = "ISCM-KG"
NAV = (
    ("ISCMs", "/iscms/"),
    ("Regional partners and other actors", "/actors/"),
    ("Objectives", "/objectives/"),
    ("Entry points", "/entry-points/"),
    ("Documents", "/documents/"),
    ("Source discrepancies", "/discrepancies/"),
    ("All resources", "/classes/"),
)
ASSETS = ("site.css",)
_DATASET = ID + "dataset"
_I = ISCM


class _Renderers(NamedTuple):
    cell: Callable[[Cell], str]
    section: Callable[[Section], str]
    links: dict[str, object]


class Site:
    """Every page, plot and per-resource RDF file of the graph, built from one pipeline."""

    def __init__(self, pipeline: Pipeline, *, extra_nav: Sequence[tuple[str, str]] = ()) -> None:
        """Index the reasoned graph. ``extra_nav`` adds (text, site path) links to the menu (the
        server adds its SPARQL page; the static site has none)."""
        self.facts = Facts(pipeline.asserted, pipeline.inferred)
        self.describer = Describer(self.facts, _origins(pipeline))
        self.extra_nav = tuple(extra_nav)
        self._run = plot_module.runner(pipeline.queries, pipeline.query_store())
        self._plots = {
            name: plot
            for name, plot in plot_module.catalog().items()
            if all(  # a plot of a version of the compact needs that version in the graph
                f"{ID}document/{value}" in self.facts.resources_set
                for _, params in plot.queries
                for key, value in params
                if key == "document"
            )
        }
        self._svg: dict[str, bytes] = {}
        self._triples = (len(pipeline.asserted), len(pipeline.inferred))
        self._resources = set(self.facts.resources)
        self._classes = self._class_index()
        self._indexes: dict[str, Callable[[], Page]] = {
            "/": self._home,
            "/iscms/": self._iscms,
            "/actors/": self._actors,
            "/objectives/": self._objectives,
            "/entry-points/": self._entry_points,
            "/documents/": self._documents,
            "/discrepancies/": self._discrepancies,
            "/classes/": self._class_list,
        }
        for slug in self._classes:
            self._indexes[f"/classes/{slug}/"] = lambda s=slug: self._class_page(s)
        self._paths = sorted([*self._indexes, *(resource_path(r) for r in self.facts.resources)])
        self._template = _environment().get_template("page.html")
        self._by_depth: dict[tuple[int, bool], _Renderers] = {}
        self._footer_text = self._footer()

    # The interface the server and the static site use --------------------------------------

    def paths(self) -> list[str]:
        """Every page path, sorted."""
        return list(self._paths)

    def page(self, path: str, *, static: bool = False) -> bytes | None:
        """The HTML of the page at ``path``, or None if there is none. ``static`` renders the
        links for the static site's layout instead of the server's."""
        built = self.view(path)
        if built is None:
            return None
        return self._render(built, static)

    def view(self, path: str) -> Page | None:
        """The page at ``path`` before rendering (for tests and other renderers)."""
        if path in self._indexes:
            return self._indexes[path]()
        iri = resource_iri(path)
        if iri is None or iri not in self._resources:
            return None
        return self.describer.page(iri)

    def rdf(self, path: str, fmt: str) -> bytes | None:
        """The description of the resource at ``path`` in ``fmt`` ("ttl", "nt", "jsonld")."""
        iri = resource_iri(path)
        if iri is None or iri not in self._resources or fmt not in MEDIA_TYPES:
            return None
        return describe(self.facts, iri, fmt)

    def rdf_all(self, path: str) -> dict[str, bytes]:
        """The description of the resource at ``path`` in every format, by extension (each the
        bytes ``rdf`` gives; empty if there is no resource there)."""
        iri = resource_iri(path)
        if iri is None or iri not in self._resources:
            return {}
        return descriptions(self.facts, iri)

    def plot(self, name: str) -> bytes | None:
        """The SVG of plot ``name`` (see ``plot_names``), drawn once."""
        name = name.removesuffix(".svg")
        if name not in self._plots:
            return None
        if name not in self._svg:
            self._svg[name] = plot_module.draw(name, self._run)
        return self._svg[name]

    def plot_names(self) -> list[str]:
        return sorted(self._plots)

    def run_plot_queries(self) -> None:
        """Run the stored queries of every plot now and keep their rows, so that ``plot`` then
        only draws (the static site draws them in a forked process)."""
        for plot in self._plots.values():
            for name, params in plot.queries:
                self._run(name, dict(params))

    def asset(self, name: str) -> bytes | None:
        """A file of the site's look (the stylesheet), by name."""
        if name not in ASSETS:
            return None
        return (importlib_resources.files(__package__) / "assets" / name).read_bytes()

    # Rendering ------------------------------------------------------------------------------

    def _render(self, page: Page, static: bool) -> bytes:
        from markupsafe import Markup

        render_cell, render_section, links = self._renderers(page.path, static)
        shown = [s for s in page.sections if not s.is_empty or s.empty]
        html = self._template.render(
            page=page,
            links=links,
            toc=[(s.anchor, s.title) for s in page.sections if s.anchor and not s.is_empty],
            lead=Markup(render_cell(page.lead)),
            sources=Markup("; ".join(render_cell((source,)) for source in page.sources)),
            sections=Markup("\n".join(render_section(s) for s in shown)),
            site_name=SITE_NAME,
            footer=self._footer_text,
        )
        return html.encode("utf-8")

    def _renderers(self, path: str, static: bool) -> _Renderers:
        """The link maker, cell and section renderers, and the template's links for a page at
        ``path``: the same for every page at the same depth, so made once per depth."""
        own = _file_of(path) if static else path
        key = (own.count("/"), static)
        found = self._by_depth.get(key)
        if found is None:
            href = _linker(path, static)
            render_cell = _cell_renderer(href)
            links = {
                "css": href("/assets/site.css"),
                "home": href("/"),
                "nav": [(text, href(target)) for text, target in (*NAV, *self._extra(static))],
                **{fmt: f"index.{fmt}" if static else f"?format={fmt}" for fmt in MEDIA_TYPES},
            }
            found = _Renderers(render_cell, _section_renderer(href, render_cell), links)
            self._by_depth[key] = found
        return found

    def _extra(self, static: bool) -> tuple[tuple[str, str], ...]:
        return () if static else self.extra_nav

    def _footer(self) -> str:
        f = self.facts
        version = f.text(_DATASET, str(DCAT) + "version")
        asserted, inferred = self._triples
        return (
            f"{SITE_NAME} {version}: {asserted:,} asserted and {inferred:,} inferred triples, "
            f"{len(self._resources):,} resources. Data CC BY 4.0, from public United Nations, "
            "IOM and ICMPD documents; code MIT."
        )

    def _group_name(self, cls: str) -> str:
        """A heading for the members of a class: the plural name of the category of actors
        that stands for the class, if there is one, else the class's label."""
        f = self.facts
        if not cls:
            return "Other"
        category = self.describer.category_of_class.get(cls)
        name = f.text(category, namespaces.PREFIXES["skos"] + "prefLabel") if category else ""
        return _capitalized(name or f.class_name(cls))

    def _figures(self, *names: str) -> list[Figure]:
        """The figures of the plots ``names`` that this graph can draw."""
        return [self._figure(name) for name in names if name in self._plots]

    def _figure(self, name: str) -> Figure:
        plot = self._plots[name]
        made_from = "; ".join(
            q + (f" ({', '.join(f'{k}={v}' for k, v in params)})" if params else "")
            for q, params in plot.queries
        )
        return Figure(f"/plots/{name}.svg", plot.alt, f"Made from the stored queries: {made_from}.")

    # Index pages --------------------------------------------------------------------------

    def _home(self) -> Page:
        f, d = self.facts, self.describer
        page = Page(path="/", title=f.text(_DATASET, str(DCTERMS.title)) or SITE_NAME)
        page.lead = cell(f.text(_DATASET, str(DCTERMS.description)))
        page.sources = [
            link
            for s in f.objects(_DATASET, str(DCTERMS.source))
            if isinstance(link := d.link(s), Link)
        ]
        start = Section("Browse", "browse")
        blurbs = {
            "/iscms/": "every inter-State consultation mechanism on migration, by type and region",
            "/actors/": "UN Regional Commissions, intergovernmental organizations, networks, "
            "UN bodies, initiatives, categories of actors and stakeholder groups",
            "/objectives/": "the 23 objectives of the compact: paragraphs, actors, entry points",
            "/entry-points/": "where ISCMs can engage, objective by objective, regional and global",
            "/documents/": "the versions of the compact, the resolutions and the four sources",
            "/discrepancies/": "where the sources disagree with each other or with themselves",
            "/classes/": "every resource of the graph, by class",
        }
        for text, target in NAV:
            start.items.append(cell(Link(text, target), ": ", blurbs.get(target, "")))
        page.sections.append(start)
        examples = [e for e in f.objects(_DATASET, str(VOID.exampleResource)) if isinstance(e, str)]
        if examples:
            page.sections.append(
                Section(
                    "Examples",
                    "examples",
                    items=[cell(d.link(e)) for e in sorted(examples, key=f.name)],
                )
            )
        page.sections.append(
            Section(
                "At a glance",
                "plots",
                figures=self._figures("references-per-objective", "iscms-by-region"),
            )
        )
        asserted, inferred = self._triples
        page.sections.append(
            Section(
                "The graph",
                "graph",
                facts=[
                    ("Version", cell(f.text(_DATASET, str(DCAT) + "version"))),
                    ("Triples", cell(f"{asserted:,} asserted, {inferred:,} inferred")),
                    ("Resources", cell(f"{len(self._resources):,}")),
                    ("License", d.links(f.objects(_DATASET, str(DCTERMS.license)))),
                    (
                        "Each resource",
                        cell(
                            "has a page at the path of its IRI and is also served as Turtle, "
                            "JSON-LD and N-Triples (by content negotiation on its IRI, and by "
                            "the links on its page)."
                        ),
                    ),
                ],
            )
        )
        return page

    def _iscms(self) -> Page:
        f, d = self.facts, self.describer
        iscms = f.instances(_I + "InterStateConsultationMechanism")
        page = Page(
            path="/iscms/",
            title="Inter-State consultation mechanisms on migration",
            lead=cell(
                f"{len(iscms)} ISCMs: regional consultative processes, inter-regional forums, "
                "global processes and others the sources name, by type and by the regions "
                "they touch (an inter-regional forum appears under every region it bridges)."
            ),
        )
        page.sections.append(Section("By region", "plot", figures=self._figures("iscms-by-region")))
        by_type: dict[str, list[str]] = defaultdict(list)
        for iscm in iscms:
            by_type[f.main_type(iscm) or ""].append(iscm)
        for cls in sorted(by_type, key=lambda c: (-len(by_type[c]), f.class_name(c))):
            members = by_type[cls]
            by_region: dict[str, list[str]] = defaultdict(list)
            for iscm in members:
                regions = [r for r in f.objects(iscm, _I + "region") if isinstance(r, str)]
                for region in regions or [""]:
                    by_region[region].append(iscm)
            table = Table(("Region", "ISCMs"))
            for region in sorted(by_region, key=lambda r: (r == "", f.name(r) if r else "")):
                table.rows.append(
                    (
                        cell(d.link(region)) if region else cell(Note("no region recorded")),
                        d.links(sorted(by_region[region], key=f.name)),
                    )
                )
            page.sections.append(
                Section(
                    f"{self._group_name(cls)} ({len(members)})",
                    _anchor(cls),
                    table=table,
                )
            )
        table = Table(("ISCM", "Type", "Regions", "Associated with", "References by name"))
        for iscm in sorted(iscms, key=f.name):
            table.rows.append(
                (
                    cell(d.link(iscm)),
                    cell(f.class_name(f.main_type(iscm) or "")),
                    d.links(f.objects(iscm, _I + "region")),
                    d.links(f.objects(iscm, _I + "associatedWith")),
                    cell(str(len(d.references.get(iscm, [])))),
                )
            )
        page.sections.append(Section("All ISCMs", "all", table=table))
        return page

    def _actors(self) -> Page:
        f, d = self.facts, self.describer
        actors = [
            a
            for a in f.instances(_I + "Actor")
            if not f.is_a(a, _I + "InterStateConsultationMechanism")
        ]
        concepts = [
            c
            for c in f.instances(_I + "ActorCategory") + f.instances(_I + "StakeholderGroup")
            if c not in actors
        ]
        page = Page(
            path="/actors/",
            title="Regional partners and other actors",
            lead=cell(
                "The UN Regional Commissions, intergovernmental organizations and the other "
                "actors the sources name, and the categories of actors and stakeholder groups "
                "the compact refers to. ISCMs have ",
                Link("a page of their own", "/iscms/"),
                ".",
            ),
        )
        groups: dict[str, list[str]] = defaultdict(list)
        for node in [*actors, *concepts]:
            groups[f.main_type(node) or ""].append(node)
        for cls in sorted(groups, key=lambda c: (-len(groups[c]), f.class_name(c))):
            table = Table(("Name", "Region", "Category", "References by name"))
            for node in sorted(groups[cls], key=lambda n: (f.name(n).lower(), n)):
                table.rows.append(
                    (
                        cell(d.link(node)),
                        d.links(f.objects(node, _I + "region")),
                        d.links(f.objects(node, _I + "category")),
                        cell(str(len(d.references.get(node, [])))),
                    )
                )
            page.sections.append(
                Section(
                    f"{self._group_name(cls)} ({len(groups[cls])})",
                    _anchor(cls),
                    table=table,
                )
            )
        return page

    def _objectives(self) -> Page:
        f, d = self.facts, self.describer
        by_number = {f.text(o, _I + "objectiveNumber"): o for o in d.objectives}
        counts = {r["objective_number"]: r for r in self._run("references-per-objective", {})}
        versions = [v for v in plot_module.VERSIONS if f"{ID}document/{v}" in self._resources]
        coverage = {
            v: {
                r["objective_number"]: r for r in self._run("entry-point-coverage", {"document": v})
            }
            for v in versions
        }
        page = Page(
            path="/objectives/",
            title="Objectives of the Global Compact for Migration",
            lead=cell(
                "For each objective: the paragraph that states it in each version, how many "
                "references to actors the analyses record under it, and whether it offers "
                "ISCMs entry points at the regional and the global level."
            ),
        )
        names = {v: f.short_name(f"{ID}document/{v}") for v in versions}
        count_columns = {
            plot_module.ZERO_DRAFT: "zero_draft_references",
            plot_module.ADOPTED: "adopted_references",
        }
        table = Table(
            (
                "Objective",
                *(f"Stated in {names[v]}" for v in versions),
                *(f"References, {names[v]}" for v in versions),
                *(f"Entry points, {names[v]}" for v in versions),
            )
        )
        for number, objective in by_number.items():
            stated = {
                d.document_of(p): p
                for p in f.objects(objective, _I + "statedIn")
                if isinstance(p, str)
            }
            row = counts.get(number, {})
            table.rows.append(
                (
                    cell(d.link(objective)),
                    *(cell(d.link(stated.get(f"{ID}document/{v}"))) for v in versions),
                    *(cell(row.get(count_columns[v], "")) for v in versions),
                    *(_coverage(coverage[v].get(number)) for v in versions),
                )
            )
        page.sections.append(Section("The objectives", "objectives", table=table))
        page.sections.append(
            Section(
                "References per objective",
                "references",
                figures=self._figures("references-per-objective"),
            )
        )
        page.sections.append(
            Section(
                "Entry points per objective",
                "entry-points",
                figures=self._figures(*(f"entry-points-{v}" for v in plot_module.VERSIONS)),
            )
        )
        page.sections.append(
            Section(
                "Stakeholder groups by objective",
                "stakeholders",
                figures=self._figures(*(f"stakeholder-matrix-{v}" for v in plot_module.VERSIONS)),
            )
        )
        return page

    def _entry_points(self) -> Page:
        f, d = self.facts, self.describer
        page = Page(
            path="/entry-points/",
            title="Entry points for ISCMs",
            lead=cell(
                "The actions, objective by objective, where the analyses of the compact see a "
                "role for ISCMs at the regional or the global level, with the possible "
                "engagement of ISCMs as the source words it."
            ),
        )
        by_doc: dict[str, list[str]] = defaultdict(list)
        for point in f.instances(_I + "EntryPoint"):
            doc = f.value(point, _I + "inDocument")
            by_doc[doc if isinstance(doc, str) else ""].append(point)
        for doc in sorted(by_doc, key=lambda x: d.doc_key(x) if x else ((2,), "")):
            table = Table(
                ("Objective", "Level", "Action", "Possible engagement of ISCMs", "Source")
            )
            for point in sorted(by_doc[doc], key=d.entry_point_key):
                table.rows.append(
                    (
                        d.links(f.objects(point, _I + "objective")),
                        d.links(f.objects(point, _I + "level")),
                        cell(
                            Link(
                                f.text(point, _I + "action") or f.name(point), resource_path(point)
                            )
                        ),
                        cell(
                            *(
                                Quote(e.value, e.language)
                                for e in f.objects(point, _I + "engagement")
                                if not isinstance(e, str)
                            )
                        ),
                        d.source_cell(point),
                    )
                )
            name = f.short_name(doc) if doc else "other texts"
            page.sections.append(
                Section(
                    f"In {name} ({len(by_doc[doc])})",
                    _anchor(doc or "other"),
                    table=table,
                    figures=self._figures(f"entry-points-{doc.rsplit('/', 1)[-1]}"),
                )
            )
        return page

    def _documents(self) -> Page:
        f, d = self.facts, self.describer
        page = Page(
            path="/documents/",
            title="Documents",
            lead=cell(
                "The versions of the compact, the resolutions around it, and the source "
                "documents every fact of the graph is derived from."
            ),
        )
        groups: dict[str, list[str]] = defaultdict(list)
        for doc in f.instances(_I + "Document"):
            groups[f.main_type(doc) or ""].append(doc)
        for cls in sorted(groups, key=lambda c: f.class_name(c)):
            table = Table(("Document", "Symbol", "Date", "Paragraphs", "Resources derived from it"))
            for doc in sorted(groups[cls], key=d.doc_key):
                derived = len(f.subjects(DERIVED_FROM, doc))
                table.rows.append(
                    (
                        cell(d.link(doc)),
                        cell(f.text(doc, _I + "symbol")),
                        cell(f.text(doc, str(DCTERMS.date))),
                        cell(str(len(d.paragraphs_of(doc)) or "")),
                        cell(str(derived or "")),
                    )
                )
            page.sections.append(
                Section(
                    f"{self._group_name(cls)} ({len(groups[cls])})",
                    _anchor(cls),
                    table=table,
                )
            )
        return page

    def _discrepancies(self) -> Page:
        f, d = self.facts, self.describer
        found = f.instances(_I + "Discrepancy")
        page = Page(
            path="/discrepancies/",
            title="Source discrepancies",
            lead=cell(
                f"{len(found)} places where the sources disagree with each other or with "
                "themselves. Both claims are kept, each with its own source; the explanation is "
                "ours."
            ),
        )
        by_kind: dict[str, list[str]] = defaultdict(list)
        for node in found:
            kinds = [k for k in f.objects(node, _I + "discrepancyKind") if isinstance(k, str)]
            by_kind[kinds[0] if kinds else ""].append(node)
        for kind in sorted(by_kind, key=lambda k: f.name(k) if k else "~"):
            table = Table(("About", "Claim A", "Claim B", "Explanation", "Source"))
            for node in sorted(by_kind[kind], key=lambda n: (f.name(n), n)):
                table.rows.append(
                    (
                        d.links(f.objects(node, _I + "about")),
                        self._claim_cell(node, "claimA"),
                        self._claim_cell(node, "claimB"),
                        cell(
                            f.text(node, str(RDFS.comment)),
                            " ",
                            Link("details", resource_path(node), title=f.name(node)),
                        ),
                        d.source_cell(node),
                    )
                )
            title = f.name(kind) if kind else "Other"
            page.sections.append(
                Section(
                    f"{title[:1].upper()}{title[1:]} ({len(by_kind[kind])})",
                    _anchor(kind or "other"),
                    table=table,
                )
            )
        return page

    def _claim_cell(self, discrepancy: str, side: str) -> Cell:
        f, d = self.facts, self.describer
        parts: list = []
        for claim in f.objects(discrepancy, _I + side):
            if not isinstance(claim, str):
                continue
            text = f.text(claim, _I + "quotation") or f.text(claim, _I + "wording")
            where = f.value(claim, _I + "inParagraph")
            if parts:
                parts.append(" | ")
            parts.append(Quote(text) if text else d.link(claim))
            if isinstance(where, str):
                parts += [" (", d.link(where), ")"]
            sources = d.sources(claim)
            if sources:
                parts += [" ", Note("— "), *joined(list(sources))]
            parts += [" ", Link("claim", resource_path(claim), title=f.name(claim))]
        return tuple(parts)

    # Every resource by class ----------------------------------------------------------------

    def _class_index(self) -> dict[str, tuple[str, list[str]]]:
        f = self.facts
        groups: dict[str, list[str]] = defaultdict(list)
        for resource in f.resources:
            types = f.asserted_types(resource)
            for cls in types or [""]:
                groups[cls].append(resource)
        index: dict[str, tuple[str, list[str]]] = {}
        for cls, members in groups.items():
            index[_class_slug(cls)] = (cls, sorted(members, key=lambda r: (f.name(r), r)))
        return dict(sorted(index.items()))

    def _class_list(self) -> Page:
        f = self.facts
        page = Page(
            path="/classes/",
            title="All resources, by class",
            lead=cell("Every resource of the graph, under each class it is stated to belong to."),
        )
        table = Table(("Class", "Resources"))
        for slug, (cls, members) in sorted(
            self._classes.items(), key=lambda kv: f.class_name(kv[1][0]) if kv[1][0] else "~"
        ):
            table.rows.append(
                (
                    cell(
                        Link(
                            f.class_name(cls) if cls else "Without a stated class",
                            f"/classes/{slug}/",
                            title=cls,
                        )
                    ),
                    cell(str(len(members))),
                )
            )
        page.sections.append(Section("Classes", "classes", table=table))
        return page

    def _class_page(self, slug: str) -> Page:
        f, d = self.facts, self.describer
        cls, members = self._classes[slug]
        name = f.class_name(cls) if cls else "Resources without a stated class"
        definition = f.text(cls, namespaces.PREFIXES["skos"] + "definition") if cls else ""
        page = Page(
            path=f"/classes/{slug}/",
            title=f"{_capitalized(name)} ({len(members)})",
            kind=cls,
            lead=cell(definition),
        )
        page.sections.append(
            Section(
                "Resources",
                "resources",
                items=[cell(d.link(m)) for m in members],
            )
        )
        return page


def _coverage(row: dict[str, str] | None) -> Cell:
    if row is None:
        return cell(Note("not in this version"))
    levels = [lv for lv in ("regional", "global") if row.get(lv) == "yes"]
    return cell(" and ".join(levels) if levels else Note("none"))


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()


def _class_slug(cls: str) -> str:
    """A class's path segment: "iscm:Reference" -> "iscm-Reference"."""
    if not cls:
        return "untyped"
    for prefix, namespace in namespaces.PREFIXES.items():
        if cls.startswith(str(namespace)):
            return f"{prefix}-{cls[len(str(namespace)) :]}"
    return quote(cls, safe="")


def _linker(path: str, static: bool) -> Callable[[str], str]:
    """The function that turns a site path into a link relative to the page at ``path``."""
    own = _file_of(path) if static else path
    root = "../" * (own.count("/") - 1)

    def href(target: str) -> str:
        target, _, anchor = target.partition("#")
        if static and not target.startswith(("/plots/", "/assets/")):
            target = _file_of(target)
        text = (root + _quoted(target[1:])) or "./"
        return text + (f"#{anchor}" if anchor else "")

    return href


@functools.lru_cache(maxsize=1 << 20)
def _quoted(path: str) -> str:
    return quote(path, safe="/.-_~")


def _cell_renderer(href: Callable[[str], str]) -> Callable[[Cell], str]:
    """Render a cell's parts as escaped HTML (faster than a template macro per part). A link or
    a term recurs on many pages: each is rendered once for ``href`` and then looked up."""
    done: dict[Link | Term, str] = {}

    def render(parts: Cell) -> str:
        out: list[str] = []
        for part in parts:
            kind = type(part)
            if kind is str:
                out.append(escape(part, quote=False))
            elif kind is Link or kind is Term:
                html = done.get(part)
                if html is None:
                    html = done[part] = _link_html(part, href)
                out.append(html)
            elif kind is Quote:
                lang = f' lang="{escape(part.language)}"' if part.language else ""
                out.append(f"<q{lang}>{escape(part.text, quote=False)}</q>")
            elif kind is Note:
                out.append(f'<span class="note">{escape(part.text, quote=False)}</span>')
            else:
                raise TypeError(f"Not a part of a cell: {part!r}")
        return "".join(out)

    return render


def _link_html(part: Link | Term, href: Callable[[str], str]) -> str:
    """A link or a term as HTML, its target made relative by ``href``."""
    if type(part) is Term:
        return (
            f'<span class="term" title="{escape(part.iri)}">{escape(part.text, quote=False)}</span>'
        )
    title = f' title="{escape(part.title)}"' if part.title else ""
    if part.external:
        return (
            f'<a class="ext" rel="external noopener" href="{escape(part.target)}"'
            f"{title}>{escape(part.text, quote=False)}</a>"
        )
    return f'<a href="{escape(href(part.target))}"{title}>{escape(part.text, quote=False)}</a>'


def _section_renderer(
    href: Callable[[str], str], render_cell: Callable[[Cell], str]
) -> Callable[[Section], str]:
    """Render a section (and its subsections) as escaped HTML."""

    def render(section: Section) -> str:
        level = section.level
        out = [
            f'<section id="{escape(section.anchor)}">' if section.anchor else "<section>",
            f"<h{level}>{escape(section.title, quote=False)}</h{level}>",
        ]
        if section.intro:
            out.append(f"<p>{render_cell(section.intro)}</p>")
        if section.is_empty and section.empty:
            out.append(f'<p class="empty">{escape(section.empty, quote=False)}</p>')
        for figure in section.figures:
            target = escape(href(figure.target))
            out.append(
                f'<figure><img src="{target}" alt="{escape(figure.alt)}">'
                f"<figcaption>{escape(figure.caption, quote=False)} "
                f'<a href="{target}">SVG</a></figcaption></figure>'
            )
        if section.facts:
            out.append('<dl class="facts">')
            for name, value in section.facts:
                out.append(f"<dt>{escape(name, quote=False)}</dt><dd>{render_cell(value)}</dd>")
            out.append("</dl>")
        table = section.table
        if table is not None and table.rows:
            head = "".join(f'<th scope="col">{escape(c, quote=False)}</th>' for c in table.columns)
            out.append(f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>')
            for row in table.rows:
                out.append("<tr>" + "".join(f"<td>{render_cell(v)}</td>" for v in row) + "</tr>")
            out.append("</tbody>\n</table></div>")
        if section.items:
            out.append("<ul>")
            out.extend(f"<li>{render_cell(item)}</li>" for item in section.items)
            out.append("</ul>")
        for sub in section.subsections:
            if not sub.is_empty or sub.empty:
                out.append(render(sub))
        out.append("</section>")
        return "\n".join(out)

    return render


def _file_of(path: str) -> str:
    """The static site's file for a page path ("/id/x" -> "/id/x/index.html")."""
    return path + ("index.html" if path.endswith("/") else "/index.html")


def _origins(pipeline: Pipeline) -> dict[str, list[str]]:
    """For each resource, the files that state it, as paths relative to the project."""
    loaded = pipeline.loaded
    if loaded is None:
        return {}
    layout = pipeline.layout
    folders = [
        (Path(folder).resolve(), name)
        for folder, name in (
            (layout.data, "data"),
            (layout.queries, "queries"),
            (layout.ontology, "ontology"),
        )
    ]
    # A few dozen (or hundred) files, named once each. Keyed by the path's text: comparing
    # equal Path objects is slow, and each node's set holds Paths of its own.
    shown: dict[str, str] = {}

    def show(path: Path) -> str:
        key = os.fspath(path)
        found = shown.get(key)
        if found is None:
            resolved = Path(key).resolve()
            found = Path(key).name
            for folder, name in folders:
                if resolved.is_relative_to(folder):
                    found = f"{name}/{resolved.relative_to(folder).as_posix()}"
                    break
            shown[key] = found
        return found

    lists: dict[tuple[str, ...], list[str]] = {}  # one list for every node of the same files
    origins: dict[str, list[str]] = {}
    for node, paths in loaded.origins.items():
        names = tuple(sorted({show(p) for p in paths}))
        origins[str(node)] = lists.setdefault(names, list(names))
    return origins


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
