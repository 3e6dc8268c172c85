"""A resource's page: what the graph says about it, arranged for a reader.

Every resource gets the same frame: its name and kind, its sources (``prov:wasDerivedFrom``,
``dcterms:source``) and the data files that state it, every statement about it (inferred ones
marked) and every statement that points at it. Resources a reader comes for get sections of their
own, gathered from the whole graph once (see ``Facts``):

- an ISCM, UN Regional Commission, IGO or other actor: the paragraphs that refer to it, by name
  or as one of a category of actors, in each version with wording, quotation and source; the
  invitations and possible roles that name it or its category; entry points (for ISCMs); GRCP
  meetings (for ISCMs); memberships; what the sources claim about it;
- an objective: the paragraph that states it and those under it in each version, the actors and
  stakeholder groups referred to there, its regional and global entry points, and the sources'
  own summaries that list it;
- a paragraph: its document, parent, subparagraphs, counterpart in the other version, who it
  mentions, and what cites it as a legal ground;
- a document: its paragraphs, or (for a source) what it is the source of;
- a State: its memberships; a claim or a discrepancy: both claims side by side with their sources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rdflib.namespace import DCTERMS, ORG, PROV, RDFS, SKOS

from .. import namespaces
from .facts import ISCM, SCHEMA, TYPE, Facts, Lit, Value, is_resource
from .rdf import resource_path
from .view import Cell, Link, Note, Page, Quote, Section, Table, Term, cell, joined

_I = ISCM
_ORG = str(ORG)
_SKOS = str(SKOS)
_DCT = str(DCTERMS)
_RDFS = str(RDFS)
DERIVED_FROM = str(PROV.wasDerivedFrom)
VERBATIM = _I + "verbatim"
SOURCE = str(DCTERMS.source)
_SUMMARY = [
    (_SKOS + "altLabel", "Also called"),
    (_SKOS + "definition", "Definition"),
    (_I + "symbol", "Symbol"),
    (_DCT + "title", "Title"),
    (_DCT + "date", "Date"),
    (_I + "author", "Author"),
    (_I + "inDocument", "Document"),
    (_DCT + "isPartOf", "Part of"),
    (_I + "objective", "Objective"),
    (_I + "region", "Region"),
    (_I + "category", "Category"),
    (_I + "associatedWith", "Associated with"),
    (_I + "level", "Level"),
    (_I + "about", "About"),
    (_I + "refersTo", "Refers to"),
    (_I + "inParagraph", "Paragraph"),
    (_I + "wording", "Wording"),
    (_I + "quotation", "Quotation"),
    (_I + "action", "Action"),
    (_I + "engagement", "Possible engagement of ISCMs"),
    (_I + "statement", "Statement"),
    (_I + "activity", "Activity"),
    (_I + "invitee", "Invited"),
    (_I + "legalGround", "Legal ground"),
    (_I + "roleOf", "Role of"),
    (_I + "discrepancyKind", "Kind"),
    (_ORG + "member", "Member"),
    (_ORG + "organization", "Organization"),
    (_ORG + "role", "Role"),
    (_I + "asOf", "As of"),
    (_I + "confidence", "Confidence"),
    (SCHEMA + "startDate", "Start"),
    (SCHEMA + "endDate", "End"),
    (SCHEMA + "location", "Place"),
    (_I + "theme", "Theme"),
    (_SKOS + "scopeNote", "Scope note"),
    (_RDFS + "comment", "Comment"),
]
# Namespaces of vocabularies (classes and properties), shown as terms rather than links.
_VOCABULARIES = tuple(
    str(ns) for prefix, ns in namespaces.PREFIXES.items() if prefix not in ("id",)
)
# Regional before global, as the analyses' tables list them.
_LEVEL_ORDER = {ISCM + "RegionalLevel": 0, ISCM + "GlobalLevel": 1}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


class Describer:
    """Builds the ``Page`` of any resource from the indexed graph."""

    def __init__(self, facts: Facts, origins: dict[str, list[str]]) -> None:
        self.f = facts
        self.origins = origins
        f = facts
        # Literals copied verbatim from a source (docs/data-conventions.md), shown as quotations:
        # the properties the ontology marks ``iscm:verbatim true``, as the fidelity check reads it.
        self.verbatim = frozenset(
            p
            for p in f.subjects_in(_I)
            if any(isinstance(v, Lit) and v.value in ("true", "1") for v in f.objects(p, VERBATIM))
        )
        self.work_versions = {d for d in f.resources if f.value(d, _I + "isVersionOf") is not None}
        self.objectives = sorted(
            f.instances(_I + "Objective"),
            key=lambda o: int(f.text(o, _I + "objectiveNumber") or 0),
        )
        self.references: dict[str, list[str]] = defaultdict(list)  # referent -> references
        for ref in f.instances(_I + "Reference"):
            for referent in f.objects(ref, _I + "refersTo"):
                if isinstance(referent, str):
                    self.references[referent].append(ref)
        self.category_of_class = {
            cls: c
            for c in f.resources
            for cls in f.objects(c, _I + "categoryClass")
            if isinstance(cls, str)
        }
        self._doc_keys: dict[str, tuple] = {}
        self._links: dict[str, Link | str] = {}
        self._shared: dict[str, Section] = {}
        self._levels: list[str] | None = None

    # Building blocks ----------------------------------------------------------------------

    def link(self, term: Value | None) -> Link | Term | str:
        """A link to a resource or an outside IRI, or a literal's text."""
        if term is None:
            return ""
        if isinstance(term, Lit):
            return term.value
        found = self._links.get(term)
        if found is None:
            found = self._links[term] = self._make_link(term)
        return found

    def _make_link(self, term: str) -> Link | Term | str:
        f = self.f
        if is_resource(term):
            return Link(f.name(term), resource_path(term))
        if term.startswith("_:"):
            return term
        if term.startswith(_VOCABULARIES):
            return Term(f.class_name(term), term)
        label = f.text(term, _RDFS + "label") or f.text(term, _SKOS + "prefLabel")
        return Link(label or term, term, title=term)

    def value_part(self, predicate: str, term: Value) -> Link | Term | Quote | str:
        if isinstance(term, Lit) and predicate in self.verbatim:
            return Quote(term.value, term.language)
        return self.link(term)

    def links(self, terms: Iterable[Value]) -> Cell:
        return joined([self.link(t) for t in terms])

    def sources(self, iri: str) -> list[Link]:
        found = [*self.f.objects(iri, DERIVED_FROM), *self.f.objects(iri, SOURCE)]
        out: list[Link] = []
        for term in found:
            part = self.link(term)
            if isinstance(part, Link) and part not in out:
                out.append(part)
        return out

    def source_cell(self, iri: str) -> Cell:
        return joined(list(self.sources(iri)))

    def doc_key(self, doc: str) -> tuple:
        """Versions of the compact first, newest first; then other documents, newest first."""
        if doc not in self._doc_keys:
            date = self.f.text(doc, _DCT + "date")
            inverted = tuple(-ord(c) for c in date)
            self._doc_keys[doc] = (doc not in self.work_versions, inverted, self.f.name(doc))
        return self._doc_keys[doc]

    def paragraph_key(self, paragraph: str) -> tuple:
        f = self.f
        doc = f.value(paragraph, _I + "inDocument")
        number = f.text(paragraph, _I + "paragraphNumber")
        return (
            self.doc_key(doc) if isinstance(doc, str) else (),
            int(number) if number.isdigit() else 0,
            _subdivision_key(f.text(paragraph, _I + "subdivision")),
            paragraph,
        )

    def document_of(self, node: str) -> str | None:
        """The document a paragraph (or a reference's paragraph) belongs to."""
        paragraph = self.f.value(node, _I + "inParagraph") or node
        doc = self.f.value(paragraph, _I + "inDocument") if isinstance(paragraph, str) else None
        return doc if isinstance(doc, str) else None

    def by_document(self, nodes: Iterable[str]) -> list[tuple[str | None, list[str]]]:
        groups: dict[str | None, list[str]] = defaultdict(list)
        for node in nodes:
            groups[self.document_of(node)].append(node)
        return sorted(groups.items(), key=lambda kv: self.doc_key(kv[0]) if kv[0] else ((2,), ""))

    def ref_key(self, ref: str) -> tuple:
        paragraph = self.f.value(ref, _I + "inParagraph")
        return (
            self.paragraph_key(paragraph) if isinstance(paragraph, str) else (),
            self.f.text(ref, _I + "wording"),
            ref,
        )

    def reference_table(self, refs: Iterable[str], columns: tuple[str, ...]) -> Table:
        """References as rows; columns among paragraph, referent, wording, quotation, source,
        via (how the row's referent relates to the page: given as (ref, via) pairs)."""
        f = self.f
        headings = {
            "paragraph": "Paragraph",
            "referent": "Refers to",
            "wording": "Wording",
            "quotation": "Quotation",
            "source": "Source",
            "via": "Named as",
            "reference": "Reference",
        }
        table = Table(tuple(headings[c] for c in columns))
        for item in refs:
            ref, via = item if isinstance(item, tuple) else (item, None)
            paragraph = f.value(ref, _I + "inParagraph")
            quotations = [v for v in f.objects(ref, _I + "quotation") if isinstance(v, Lit)]
            values = {
                "paragraph": cell(self.link(paragraph)),
                "referent": self.links(f.objects(ref, _I + "refersTo")),
                "wording": joined(
                    [
                        Quote(w.value, w.language)
                        for w in f.objects(ref, _I + "wording")
                        if isinstance(w, Lit)
                    ]
                ),
                "quotation": joined([Quote(q.value, q.language) for q in quotations], " / "),
                "source": self.source_cell(ref),
                "via": cell(via),
                "reference": cell(Link("details", resource_path(ref), title=f.name(ref))),
            }
            table.rows.append(tuple(values[c] for c in columns))
        return table

    # The page -------------------------------------------------------------------------------

    def page(self, iri: str) -> Page:
        f = self.f
        main = f.main_type(iri)
        kinds = sorted({f.class_name(t) for t in f.asserted_types(iri)})
        page = Page(
            path=resource_path(iri),
            title=f.name(iri),
            kind=", ".join(kinds),
            iri=iri,
            sources=self.sources(iri),
            files=self.origins.get(iri, []),
            has_rdf=True,
        )
        if not f.is_a(iri, _I + "Paragraph"):  # a paragraph's own section says where it sits
            page.sections.append(self.summary(iri))
        builders = []
        if f.is_a(iri, _I + "Actor") or iri in self.references:
            builders.append(self.actor_sections)
        if main == _I + "Objective" or f.is_a(iri, _I + "Objective"):
            builders.append(self.objective_sections)
        if f.is_a(iri, _I + "Paragraph"):
            builders.append(self.paragraph_sections)
        if f.is_a(iri, _I + "Document") or f.subjects(DERIVED_FROM, iri):
            builders.append(self.document_sections)
        if f.is_a(iri, _I + "State"):
            builders.append(self.state_sections)
        if f.is_a(iri, _I + "Claim") or f.is_a(iri, _I + "Reference"):
            builders.append(self.claim_sections)
        if f.is_a(iri, _I + "Discrepancy"):
            builders.append(self.discrepancy_sections)
        if f.subjects(SCHEMA + "superEvent", iri):
            builders.append(self.meetings)
        for build in builders:
            page.sections.extend(build(iri))
        page.sections.append(self.statements(iri))
        # A source's derived resources are listed by class above; not again here.
        listed = {DERIVED_FROM, SOURCE} if self.document_sections in builders else set()
        page.sections.append(self.linked_from(iri, skip=listed))
        return page

    def summary(self, iri: str) -> Section:
        """The few facts a reader looks for first, in a definition list."""
        f = self.f
        section = Section("Summary", "summary")
        asserted: dict[str, list[Value]] = defaultdict(list)
        for statement in f.out(iri):
            if not statement.inferred:
                asserted[statement.predicate].append(statement.other)
        for predicate, label in _SUMMARY:
            values = asserted.get(predicate)
            if predicate == _SKOS + "altLabel" and f.is_a(iri, _I + "Objective"):
                label = "Short title"
            if values:
                section.facts.append(
                    (label, joined([self.value_part(predicate, v) for v in values]))
                )
        associated = f.subjects(_I + "associatedWith", iri)
        if associated:
            section.facts.append(("Associated ISCMs", self.links(associated)))
        return section

    def statements(self, iri: str) -> Section:
        table = Table(("Property", "Value"))
        for statement in self.f.out(iri):
            value = cell(
                self.value_part(statement.predicate, statement.other),
                _language_note(statement.other),
                Note(" (inferred)") if statement.inferred else None,
            )
            table.rows.append((cell(self.link(statement.predicate)), value))
        return Section(
            "All statements",
            "statements",
            intro=cell(
                "Every statement about this resource in the graph; those marked inferred are "
                "added by OWL 2 RL reasoning over the ontology."
            ),
            table=table,
        )

    def linked_from(self, iri: str, skip: set[str]) -> Section:
        """The resources that point here, one row each, with the properties they use (an
        inferred property only where no stated one links the same resource)."""
        f = self.f
        stated: dict[str, list[str]] = defaultdict(list)
        inferred: dict[str, list[str]] = defaultdict(list)
        for statement in f.into(iri):
            if statement.predicate == TYPE or statement.predicate in skip:
                continue
            subject = statement.other
            if isinstance(subject, str):
                (inferred if statement.inferred else stated)[subject].append(statement.predicate)
        table = Table(("Resource", "Property"))
        for subject in sorted(set(stated) | set(inferred), key=lambda s: (f.name(s), s)):
            if subject in stated:
                predicates = cell(*joined([self.link(p) for p in stated[subject]]))
            else:
                predicates = cell(
                    *joined([self.link(p) for p in inferred[subject]]), Note(" (inferred)")
                )
            table.rows.append((cell(self.link(subject)), predicates))
        return Section(
            "Linked from",
            "linked-from",
            intro=cell("Resources whose statements point at this one."),
            table=table,
        )

    # Actors and categories ------------------------------------------------------------------

    def categories(self, iri: str) -> list[str]:
        """The categories an actor belongs to, their broader categories, and the general
        wordings (categories without a class of their own) under those."""
        f = self.f
        direct = {c for c in f.objects(iri, _I + "category") if isinstance(c, str)}
        if not direct:  # no stated category: the one that stands for its class, if any
            direct = {
                self.category_of_class[t] for t in f.types(iri) if t in self.category_of_class
            }
        found: set[str] = set()
        todo = list(direct)
        while todo:
            c = todo.pop()
            if c in found or c == iri:
                continue
            found.add(c)
            todo.extend(b for b in f.objects(c, _SKOS + "broader") if isinstance(b, str))
        general = {
            n
            for c in found
            for n in f.subjects(_SKOS + "broader", c)
            if not f.objects(n, _I + "categoryClass") and n != iri
        }
        return sorted(found | general, key=lambda c: (f.name(c).lower(), c))

    def actor_sections(self, iri: str) -> list[Section]:
        f = self.f
        categories = self.categories(iri)
        out: list[Section] = []
        direct = sorted(self.references.get(iri, []), key=self.ref_key)
        via = sorted(
            {(ref, c) for c in categories for ref in self.references.get(c, [])},
            key=lambda rc: (self.ref_key(rc[0]), f.name(rc[1])),
        )
        section = Section(
            "Where the texts refer to it",
            "references",
            intro=cell(
                "Each paragraph that refers to it, as the analyses record it: the words used, "
                "the quotation they give, and the source that says so. ",
                Note(
                    f"By name: {_count(len(direct), 'reference')}; as one of a category of "
                    f"actors: {_count(len(via), 'reference')}."
                ),
            ),
            empty="No reference to it, by name or as one of a category, is recorded.",
        )
        for doc, refs in self.by_document(direct):
            section.subsections.append(
                Section(
                    f"By name in {self.f.short_name(doc) if doc else 'other texts'}",
                    level=3,
                    table=self.reference_table(
                        refs, ("paragraph", "wording", "quotation", "source")
                    ),
                )
            )
        by_doc: dict[str | None, list[tuple[str, Link | str]]] = defaultdict(list)
        for ref, category in via:
            by_doc[self.document_of(ref)].append((ref, self.link(category)))
        for doc in sorted(by_doc, key=lambda d: self.doc_key(d) if d else ((2,), "")):
            section.subsections.append(
                Section(
                    f"As one of a category, in {self.f.short_name(doc) if doc else 'other texts'}",
                    level=3,
                    table=self.reference_table(
                        by_doc[doc], ("paragraph", "via", "wording", "quotation", "source")
                    ),
                )
            )
        out.append(section)
        named = [iri, *categories]
        out.append(self.invitations(named))
        out.append(self.roles(named))
        if f.is_a(iri, _I + "InterStateConsultationMechanism"):
            out.append(self.shared("entry-points", self.entry_points_for_iscms))
            out.append(self.shared("meetings", self.meeting_series))
        out.append(self.memberships(iri))
        out.append(self.claims_about(iri))
        members = f.subjects(_I + "category", iri)
        if members:
            out.append(
                Section(
                    "Actors in this category",
                    "members",
                    items=[cell(self.link(m)) for m in sorted(members, key=f.name)],
                )
            )
        return out

    def shared(self, key: str, build) -> Section:
        """A section that is the same on many pages, built once."""
        if key not in self._shared:
            self._shared[key] = build()
        return self._shared[key]

    def invitations(self, named: list[str]) -> Section:
        f = self.f
        invitations = sorted(
            {i for n in named for i in f.subjects(_I + "invitee", n)},
            key=lambda i: (
                [
                    self.paragraph_key(p)
                    for p in f.objects(i, _I + "legalGround")
                    if isinstance(p, str)
                ],
                i,
            ),
        )
        table = Table(("Legal ground", "Invited", "Activity", "Source"))
        for inv in invitations:
            table.rows.append(
                (
                    self.links(f.objects(inv, _I + "legalGround")),
                    self.links(f.objects(inv, _I + "invitee")),
                    joined(
                        [
                            self.value_part(_I + "activity", a)
                            for a in f.objects(inv, _I + "activity")
                        ]
                    ),
                    self.source_cell(inv),
                )
            )
        return Section(
            "Invitations",
            "invitations",
            intro=cell("The paragraphs that invite it, or a category it belongs to, to act."),
            table=table,
        )

    def roles(self, named: list[str]) -> Section:
        f = self.f
        roles = sorted({r for n in named for r in f.subjects(_I + "roleOf", n)})
        table = Table(("Possible role", "Of", "Stage", "Legal grounds", "Source"))
        for role in roles:
            table.rows.append(
                (
                    joined(
                        [
                            self.value_part(_I + "statement", s)
                            for s in f.objects(role, _I + "statement")
                        ]
                    )
                    or cell(self.link(role)),
                    self.links(f.objects(role, _I + "roleOf")),
                    self.links(f.objects(role, _I + "stage")),
                    self.links(
                        sorted(
                            (p for p in f.objects(role, _I + "legalGround") if isinstance(p, str)),
                            key=self.paragraph_key,
                        )
                    ),
                    self.source_cell(role),
                )
            )
        return Section("Possible roles", "roles", table=table)

    def entry_points_for_iscms(self) -> Section:
        """How many entry points the tables list (they are where any ISCM can engage), with a
        link to the list: the same on every ISCM's page, so it is counted, not repeated."""
        f = self.f
        counts: dict[str, int] = defaultdict(int)
        for point in f.instances(_I + "EntryPoint"):
            for level in f.objects(point, _I + "level"):
                if isinstance(level, str):
                    counts[level] += 1
        section = Section(
            "Entry points for ISCMs",
            "entry-points",
            intro=cell(
                "The analyses' tables list actions, objective by objective, where ISCMs can "
                "engage; they apply to every ISCM."
            ),
        )
        for level in self.levels():
            section.facts.append(
                (_capitalized(f.name(level)), cell(_count(counts[level], "action")))
            )
        section.facts.append(
            ("Listed", cell(Link("every entry point, by objective", "/entry-points/")))
        )
        return section

    def entry_point_key(self, point: str) -> tuple:
        f = self.f
        objective = f.value(point, _I + "objective")
        number = f.text(objective, _I + "objectiveNumber") if isinstance(objective, str) else ""
        level = f.value(point, _I + "level")
        return (
            int(number) if number.isdigit() else 0,
            _LEVEL_ORDER.get(level, 9) if isinstance(level, str) else 9,
            f.text(point, _I + "action"),
            point,
        )

    def meeting_series(self) -> Section:
        """The recorded series of meetings (the GRCP: the global meetings of the chairs and
        secretariats of ISCMs), linked; each series' page lists its meetings."""
        f = self.f
        series = sorted(
            (s for s in f.instances(_I + "MeetingSeries") if f.subjects(SCHEMA + "superEvent", s)),
            key=lambda s: (f.name(s), s),
        )
        return Section(
            "Global meetings",
            "meetings",
            items=[
                cell(self.link(s), f": {len(f.subjects(SCHEMA + 'superEvent', s))} meetings")
                for s in series
            ],
        )

    def meetings(self, series: str) -> list[Section]:
        """The meetings of a series, with the dates, place and theme each source gives."""
        f = self.f
        table = Table(("Meeting", "Dates", "Place", "Theme", "Source"))
        meetings = sorted(
            f.subjects(SCHEMA + "superEvent", series), key=lambda m: (_start(f, m), f.name(m), m)
        )
        for meeting in meetings:
            records = [meeting] + [
                r for r in f.subjects(_I + "about", meeting) if f.is_a(r, _I + "ReferenceRecord")
            ]
            for record in records:
                start = f.text(record, SCHEMA + "startDate")
                end = f.text(record, SCHEMA + "endDate")
                table.rows.append(
                    (
                        cell(self.link(meeting)),
                        cell(start + (f" to {end}" if end else "")),
                        cell(f.text(record, SCHEMA + "location")),
                        cell(f.text(record, _I + "theme")),
                        self.source_cell(record),
                    )
                )
        return [
            Section(
                "Meetings",
                "meetings",
                intro=cell("Each meeting as each source records it."),
                table=table,
            )
        ]

    def memberships(self, iri: str) -> Section:
        f = self.f
        memberships = f.subjects(_ORG + "organization", iri)
        table = Table(("State", "Role", "As of", "Confidence", "Source"))
        for m in sorted(memberships, key=lambda m: (f.name(f.value(m, _ORG + "member") or m), m)):
            table.rows.append(
                (
                    self.links(f.objects(m, _ORG + "member")),
                    self.links(f.objects(m, _ORG + "role")),
                    cell(f.text(m, _I + "asOf")),
                    self.links(f.objects(m, _I + "confidence")),
                    self.source_cell(m),
                )
            )
        return Section("Members", "memberships", table=table)

    def claims_about(self, iri: str) -> Section:
        f = self.f
        claims = sorted(
            {
                c
                for p in ("about", "countOf", "mentions")
                for c in f.subjects(_I + p, iri)
                if f.is_a(c, _I + "Claim") or f.is_a(c, _I + "Discrepancy")
            },
            key=lambda c: (not f.is_a(c, _I + "Claim"), f.name(c), c),
        )
        table = Table(("Statement", "Kind", "Source"))
        for c in claims:
            text = [
                self.value_part(_I + "quotation", q) for q in f.objects(c, _I + "quotation")
            ] or [self.link(c)]
            table.rows.append(
                (
                    cell(*text, " ", Link("details", resource_path(c), title=f.name(c))),
                    cell(f.class_name(f.main_type(c) or "")),
                    self.source_cell(c),
                )
            )
        return Section(
            "What the sources say about it",
            "claims",
            intro=cell("The sources' own statements and counts, and where they disagree."),
            table=table,
        )

    # Objectives ---------------------------------------------------------------------------

    def objective_sections(self, iri: str) -> list[Section]:
        f = self.f
        out: list[Section] = []
        stated = Section("Stated in", "stated-in")
        stated_in = {
            self.document_of(p): p for p in f.objects(iri, _I + "statedIn") if isinstance(p, str)
        }
        versions = self.versions_for(iri, stated_in)
        for doc in versions:
            paragraph = stated_in.get(doc)
            stated.facts.append(
                (
                    f.short_name(doc),
                    cell(self.link(paragraph))
                    if paragraph
                    else cell(Note("no paragraph states this objective in this version")),
                )
            )
        out.append(stated)
        paragraphs = [p for p in f.subjects(_I + "objective", iri) if f.is_a(p, _I + "Paragraph")]
        under = Section("Paragraphs under this objective", "paragraphs")
        for doc, group in self.by_document(paragraphs):
            under.facts.append(
                (
                    f.short_name(doc) if doc else "other",
                    joined([self.link(p) for p in sorted(group, key=self.paragraph_key)]),
                )
            )
        out.append(under)
        refs = f.subjects(_I + "underObjective", iri)
        stakeholder = [
            r
            for r in refs
            if any(
                f.is_a(t, _I + "StakeholderGroup")
                for t in f.objects(r, _I + "refersTo")
                if isinstance(t, str)
            )
        ]
        actors = [r for r in refs if r not in stakeholder]
        for title, anchor, group, empty in (
            ("Actors referred to", "actors", actors, "No reference to an actor or category."),
            (
                "Stakeholder groups",
                "stakeholders",
                stakeholder,
                "No reference to a stakeholder group.",
            ),
        ):
            section = Section(title, anchor, empty=empty)
            for doc, rs in self.by_document(sorted(group, key=self.ref_key)):
                section.subsections.append(
                    Section(
                        f"In {f.short_name(doc) if doc else 'other texts'}",
                        level=3,
                        table=self.reference_table(
                            rs, ("referent", "paragraph", "wording", "quotation", "source")
                        ),
                    )
                )
            out.append(section)
        out.append(self.objective_entry_points(iri, set(stated_in), versions))
        out.append(self.objective_list_claims(iri))
        return out

    def objective_list_claims(self, iri: str) -> Section:
        f = self.f
        claims = sorted(f.subjects(_I + "statedObjective", iri), key=lambda c: (f.name(c), c))
        table = Table(("About", "Version", "The source's summary", "Source"))
        for c in claims:
            table.rows.append(
                (
                    self.links(f.objects(c, _I + "about")),
                    self.links(f.objects(c, _I + "inDocument")),
                    joined(
                        [
                            self.value_part(_I + "quotation", q)
                            for q in f.objects(c, _I + "quotation")
                        ]
                    ),
                    self.source_cell(c),
                )
            )
        return Section(
            "The sources' summaries that list it",
            "summaries",
            intro=cell(
                "Lists of objectives the analyses give for a group of actors, in their "
                "own words (compare them with the references above)."
            ),
            table=table,
        )

    def versions_for(self, objective: str, stated_in: dict[str | None, str]) -> list[str]:
        """The versions of the compact an objective's page speaks of: every version (with
        paragraphs) of the work whose versions state the objective or list entry points for
        it."""
        f = self.f
        documents = {d for d in stated_in if d}
        documents |= {
            d
            for p in f.subjects(_I + "objective", objective)
            if f.is_a(p, _I + "EntryPoint")
            for d in f.objects(p, _I + "inDocument")
            if isinstance(d, str)
        }
        works = {w for d in documents for w in f.objects(d, _I + "isVersionOf")}
        versions = documents | {
            v for w in works if isinstance(w, str) for v in f.subjects(_I + "isVersionOf", w)
        }
        return sorted(
            (v for v in versions if v in documents or self.paragraphs_of(v)), key=self.doc_key
        )

    def objective_entry_points(
        self, iri: str, stated_in: set[str | None], versions: list[str]
    ) -> Section:
        f = self.f
        points = [p for p in f.subjects(_I + "objective", iri) if f.is_a(p, _I + "EntryPoint")]
        section = Section(
            "Entry points",
            "entry-points",
            intro=cell(
                "Actions under this objective where ISCMs can engage, by level, as the "
                "analyses' tables give them."
            ),
        )
        by_doc: dict[str, list[str]] = defaultdict(list)
        for p in points:
            doc = f.value(p, _I + "inDocument")
            by_doc[doc if isinstance(doc, str) else ""].append(p)
        for doc in versions:
            sub = Section(f"In {f.short_name(doc)}", level=3)
            if doc not in stated_in and not by_doc.get(doc):
                sub.facts.append(
                    ("", cell(Note("no paragraph states this objective in this version")))
                )
                section.subsections.append(sub)
                continue
            for level in self.levels():
                rows = sorted(
                    (p for p in by_doc.get(doc, []) if level in f.objects(p, _I + "level")),
                    key=self.entry_point_key,
                )
                level_name = _capitalized(f.name(level))
                if not rows:
                    sub.facts.append((level_name, cell(Note("no entry point in the table"))))
                    continue
                sub.facts.append(
                    (
                        level_name,
                        joined(
                            [
                                Link(f.text(p, _I + "action") or f.name(p), resource_path(p))
                                for p in rows
                            ]
                        ),
                    )
                )
            table = Table(("Level", "Action", "Possible engagement of ISCMs", "Source"))
            for p in sorted(by_doc.get(doc, []), key=self.entry_point_key):
                table.rows.append(
                    (
                        self.links(f.objects(p, _I + "level")),
                        joined(
                            [self.value_part(_I + "action", a) for a in f.objects(p, _I + "action")]
                        ),
                        joined(
                            [
                                self.value_part(_I + "engagement", e)
                                for e in f.objects(p, _I + "engagement")
                            ]
                        ),
                        self.source_cell(p),
                    )
                )
            sub.table = table
            section.subsections.append(sub)
        return section

    def levels(self) -> list[str]:
        """The levels of entry points: regional, then global, then any other."""
        if self._levels is None:
            self._levels = self._find_levels()
        return self._levels

    def _find_levels(self) -> list[str]:
        f = self.f
        found = {
            lv
            for p in f.instances(_I + "EntryPoint")
            for lv in f.objects(p, _I + "level")
            if isinstance(lv, str)
        }
        return sorted(found, key=lambda lv: (_LEVEL_ORDER.get(lv, 9), f.name(lv), lv))

    def paragraphs_of(self, doc: str) -> list[str]:
        return [
            p for p in self.f.subjects(_I + "inDocument", doc) if self.f.is_a(p, _I + "Paragraph")
        ]

    # Paragraphs ---------------------------------------------------------------------------

    def paragraph_sections(self, iri: str) -> list[Section]:
        f = self.f
        out: list[Section] = []
        structure = Section("Where it sits", "structure")
        parent = [p for p in f.objects(iri, _DCT + "isPartOf") if isinstance(p, str)]
        structure.facts.append(("Document", self.links(f.objects(iri, _I + "inDocument"))))
        if parent:
            structure.facts.append(("Part of", self.links(parent)))
        children = sorted(
            (c for c in f.subjects(_DCT + "isPartOf", iri) if f.is_a(c, _I + "Paragraph")),
            key=self.paragraph_key,
        )
        if children:
            structure.facts.append(("Subparagraphs", self.links(children)))
        objectives = f.objects(iri, _I + "objective")
        if objectives:
            structure.facts.append(("Objective", self.links(objectives)))
        states = f.objects(iri, _I + "states")
        if states:
            structure.facts.append(("States objective", self.links(states)))
        counterpart = sorted(
            (c for c in f.objects(iri, _I + "correspondsTo") if isinstance(c, str)),
            key=self.paragraph_key,
        )
        doc = self.document_of(iri)
        if counterpart:
            structure.facts.append(("Same provision in", self.links(counterpart)))
        elif doc in self.work_versions:
            structure.facts.append(
                ("Same provision in", cell(Note("no counterpart in another version is recorded")))
            )
        out.append(structure)
        refs = sorted(f.subjects(_I + "inParagraph", iri), key=self.ref_key)
        out.append(
            Section(
                "Who it mentions",
                "mentions",
                intro=cell("The references the analyses record in this paragraph."),
                table=self.reference_table(
                    refs, ("referent", "wording", "quotation", "source", "reference")
                ),
                empty="No reference is recorded in this paragraph.",
            )
        )
        if children:
            nested = sorted((r for c in children for r in self._refs_below(c)), key=self.ref_key)
            out.append(
                Section(
                    "Mentioned in its subparagraphs",
                    "sub-mentions",
                    table=self.reference_table(
                        nested, ("paragraph", "referent", "wording", "quotation", "source")
                    ),
                )
            )
        excerpts = f.subjects(_I + "excerptOf", iri)
        table = Table(("Text", "Source"))
        for e in sorted(excerpts):
            table.rows.append(
                (
                    joined(
                        [
                            self.value_part(_I + "quotation", q)
                            for q in f.objects(e, _I + "quotation")
                        ]
                    )
                    or cell(self.link(e)),
                    self.source_cell(e),
                )
            )
        out.append(Section("Its text, as quoted", "text", table=table))
        grounds = sorted(f.subjects(_I + "legalGround", iri), key=lambda g: (f.name(g), g))
        out.append(
            Section(
                "Cited as a legal ground by",
                "legal-ground",
                items=[
                    cell(self.link(g), " ", Note(f.class_name(f.main_type(g) or "")))
                    for g in grounds
                ],
            )
        )
        return out

    def _refs_below(self, paragraph: str) -> list[str]:
        f = self.f
        found = list(f.subjects(_I + "inParagraph", paragraph))
        for child in f.subjects(_DCT + "isPartOf", paragraph):
            if f.is_a(child, _I + "Paragraph"):
                found.extend(self._refs_below(child))
        return found

    # Documents ----------------------------------------------------------------------------

    def document_sections(self, iri: str) -> list[Section]:
        f = self.f
        out: list[Section] = []
        paragraphs = sorted(self.paragraphs_of(iri), key=self.paragraph_key)
        table = Table(("Paragraph", "Objective", "References", "Same provision in"))
        for p in paragraphs:
            table.rows.append(
                (
                    cell(self.link(p)),
                    self.links(f.objects(p, _I + "objective")),
                    cell(
                        str(len(f.subjects(_I + "inParagraph", p)))
                        if f.subjects(_I + "inParagraph", p)
                        else ""
                    ),
                    self.links(
                        sorted(
                            (c for c in f.objects(p, _I + "correspondsTo") if isinstance(c, str)),
                            key=self.paragraph_key,
                        )
                    ),
                )
            )
        out.append(
            Section(
                "Paragraphs",
                "paragraphs",
                intro=cell(
                    "The paragraphs that a source cites or quotes, or that state an "
                    "objective, in document order."
                )
                if paragraphs
                else (),
                table=table,
            )
        )
        derived = [s for s in f.subjects(DERIVED_FROM, iri) if s != iri]
        derived += [s for s in f.subjects(SOURCE, iri) if s != iri and s not in derived]
        if derived:
            by_class: dict[str, list[str]] = defaultdict(list)
            for node in derived:
                by_class[f.main_type(node) or ""].append(node)
            section = Section(
                "What this source states",
                "derived",
                intro=cell(f"{len(derived)} resources name this document as their source."),
            )
            for cls in sorted(by_class, key=lambda c: f.class_name(c) if c else "~"):
                nodes = sorted(by_class[cls], key=lambda n: (f.name(n), n))
                section.subsections.append(
                    Section(
                        f"{f.class_name(cls) if cls else 'Other'} ({len(nodes)})",
                        level=3,
                        items=[cell(self.link(n)) for n in nodes],
                    )
                )
            out.append(section)
        return out

    # States -------------------------------------------------------------------------------

    def state_sections(self, iri: str) -> list[Section]:
        f = self.f
        memberships = f.subjects(_ORG + "member", iri)
        table = Table(("Mechanism or organization", "Role", "As of", "Confidence", "Source"))
        for m in sorted(
            memberships, key=lambda m: (f.name(f.value(m, _ORG + "organization") or m), m)
        ):
            table.rows.append(
                (
                    self.links(f.objects(m, _ORG + "organization")),
                    self.links(f.objects(m, _ORG + "role")),
                    cell(f.text(m, _I + "asOf")),
                    self.links(f.objects(m, _I + "confidence")),
                    self.source_cell(m),
                )
            )
        return [
            Section(
                "Takes part in",
                "memberships",
                table=table,
                empty="No membership is recorded.",
            )
        ]

    # Claims and discrepancies ---------------------------------------------------------------

    def claim_sections(self, iri: str) -> list[Section]:
        f = self.f
        disputes = sorted(
            {*f.subjects(_I + "claimA", iri), *f.subjects(_I + "claimB", iri)},
            key=lambda d: (f.name(d), d),
        )
        table = Table(("Discrepancy", "Kind"))
        for d in disputes:
            table.rows.append(
                (cell(self.link(d)), self.links(f.objects(d, _I + "discrepancyKind")))
            )
        return [Section("Disputed by", "disputed", table=table)]

    def discrepancy_sections(self, iri: str) -> list[Section]:
        f = self.f
        table = Table(("", "Claim A", "Claim B"))
        claims = {
            side: [c for c in f.objects(iri, _I + f"claim{side}") if isinstance(c, str)]
            for side in "AB"
        }
        rows = [
            ("Claim", lambda c: cell(self.link(c))),
            ("Kind", lambda c: cell(f.class_name(f.main_type(c) or ""))),
            (
                "Paragraph",
                lambda c: self.links(
                    [*f.objects(c, _I + "inParagraph"), *f.objects(c, _I + "statedParagraph")]
                ),
            ),
            ("Cited as", lambda c: cell(f.text(c, _I + "citedAs"))),
            (
                "Wording",
                lambda c: joined(
                    [self.value_part(_I + "wording", w) for w in f.objects(c, _I + "wording")]
                ),
            ),
            (
                "Quotation",
                lambda c: joined(
                    [self.value_part(_I + "quotation", q) for q in f.objects(c, _I + "quotation")]
                ),
            ),
            ("Source", lambda c: self.source_cell(c)),
        ]
        for label, make in rows:
            values = tuple(_merge([make(c) for c in claims[side]]) for side in "AB")
            if any(values):
                table.rows.append((cell(label), *values))
        return [Section("The two claims", "claims", table=table)]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s") if n else f"no {noun}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _merge(cells: list[Cell]) -> Cell:
    out: list = []
    for i, c in enumerate(cells):
        if i and c:
            out.append(" | ")
        out.extend(c)
    return tuple(out)


def _language_note(term: Value) -> Note | None:
    if isinstance(term, Lit) and term.language:
        return Note(f" @{term.language}")
    return None


def _subdivision_key(subdivision: str) -> tuple:
    if not subdivision:
        return ()
    key = []
    for depth, part in enumerate(subdivision.split(".")):
        if depth and re.fullmatch(r"[ivxlc]+", part):
            key.append((1, _roman(part), ""))
        else:
            key.append((0, 0, part))
    return tuple(key)


def _roman(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        if i + 1 < len(text) and _ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _start(f: Facts, meeting: str) -> str:
    dates = [f.text(meeting, SCHEMA + "startDate")]
    dates += [f.text(r, SCHEMA + "startDate") for r in f.subjects(_I + "about", meeting)]
    dates = [d for d in dates if d]
    return min(dates) if dates else "9999"
