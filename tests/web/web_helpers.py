"""Helpers shared by the page and site tests: a cell's text, a page's tables, links in HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from iscm_kg.web.view import Cell, Link, Note, Page, Quote, Section, Term


def text(parts: Cell) -> str:
    """A cell as the plain text a reader sees (quotations in curly quotes)."""
    out = []
    for part in parts:
        if isinstance(part, Quote):
            out.append(f"“{part.text}”")
        elif isinstance(part, Link | Note | Term):
            out.append(part.text)
        else:
            out.append(str(part))
    return "".join(out)


def section(page: Page, title: str) -> Section:
    """The section (or subsection) of ``page`` with this title."""
    todo = list(page.sections)
    while todo:
        found = todo.pop(0)
        if found.title == title:
            return found
        todo.extend(found.subsections)
    raise AssertionError(f"no section {title!r} in {page.path}: {titles(page)}")


def titles(page: Page) -> list[str]:
    out, todo = [], list(page.sections)
    while todo:
        found = todo.pop(0)
        out.append(found.title)
        todo.extend(found.subsections)
    return out


def rows(found: Section) -> list[tuple[str, ...]]:
    """A section's table as rows of plain text."""
    assert found.table is not None, found.title
    return [tuple(text(c) for c in row) for row in found.table.rows]


def facts(found: Section) -> dict[str, str]:
    return {name: text(value) for name, value in found.facts}


class Links(HTMLParser):
    """Every href and src in a page, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))
            if name == "id" and value:
                self.ids.add(value)


def parse_links(html: bytes) -> Links:
    parser = Links()
    parser.feed(html.decode("utf-8"))
    return parser


HREF = re.compile(rb'(?:href|src)="([^"]*)"')
