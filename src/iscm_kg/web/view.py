"""What a page shows, independent of HTML: sections of tables, lists and facts made of cells.

Every page, a resource's or an index, is a ``Page`` of ``Section``s; the one template renders
them all. A cell is a tuple of parts: plain text, a ``Link`` (to a site path or an outside URL), a
``Quote`` (words as a source gives them), a ``Note`` (our own remark, shown muted) or a ``Term``
(a class or property of a vocabulary). Parts are
named tuples: pages are built by the thousand, and they are cheap to make.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Link(NamedTuple):
    """A link to a site path ("/id/…", "/objectives/") or to an outside URL."""

    text: str
    target: str
    title: str = ""

    @property
    def external(self) -> bool:
        return not self.target.startswith("/")


class Quote(NamedTuple):
    """Words quoted from a source (a quotation, a wording, an action), with its language."""

    text: str
    language: str = ""


class Note(NamedTuple):
    """Our own remark (e.g. "inferred"), shown in a muted style."""

    text: str


class Term(NamedTuple):
    """A term of a vocabulary (a class or a property): its label, with its IRI on hover."""

    text: str
    iri: str


Part = str | Link | Quote | Note | Term
Cell = tuple[Part, ...]


def cell(*parts: Part | None) -> Cell:
    """A cell of the given parts, without the ``None``s and empty strings."""
    return tuple([p for p in parts if p is not None and (type(p) is not str or p)])


def joined(parts: list[Part], separator: str = "; ") -> Cell:
    """A cell listing ``parts`` with a separator between them."""
    out: list[Part] = []
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
        out.append(part)
    return tuple(out)


@dataclass
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """A plot shown in a page: its SVG path on the site and a text alternative."""

    target: str
    alt: str
    caption: str = ""


@dataclass
class Section:
    """One titled part of a page. Whatever is empty is left out; ``empty`` is said instead of an
    empty table or list."""

    title: str
    anchor: str = ""
    intro: Cell = ()
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    table: Table | None = None
    items: list[Cell] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    empty: str = ""
    subsections: list[Section] = field(default_factory=list)
    level: int = 2

    @property
    def is_empty(self) -> bool:
        return not (
            self.facts
            or (self.table is not None and self.table.rows)
            or self.items
            or self.figures
            or any(not s.is_empty for s in self.subsections)
        )


@dataclass
class Page:
    """A whole page: its path on the site, title, kind, and sections."""

    path: str
    title: str
    kind: str = ""
    iri: str = ""
    lead: Cell = ()
    sections: list[Section] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    has_rdf: bool = False
