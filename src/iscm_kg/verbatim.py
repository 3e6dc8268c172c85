"""Check that a transcribed literal really is in its source text.

The sources are PDF-to-text extractions: two-column tables interleave their columns line by line,
page headers interrupt paragraphs, and lines break inside words. A literal counts as found when,
after normalizing whitespace, quotes, dashes and markup, it can be read off the source lines in
order, where the reading may jump forward only at a line end (to skip the other column or page
furniture), and an ellipsis in the literal may stand for any omitted text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
_MARKUP = re.compile(r"\*\*|</?u>")
_SPACES = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\u2026|\.\.\.+")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")
_BULLET = "- "

# How far the reading may jump: lines skipped at a line end, characters skipped at an ellipsis.
MAX_LINE_JUMP = 60
MAX_ELLIPSIS_GAP = 4000


def normalize(text: str) -> str:
    """Fold quotes, dashes, markup and whitespace the way both sides are compared."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _MARKUP.sub("", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class SourceText:
    """A source file as normalized, non-empty lines; a tab starts a new cell, read as a line."""

    lines: tuple[str, ...]

    @classmethod
    def from_text(cls, text: str) -> SourceText:
        cells = (cell for line in text.splitlines() for cell in line.split("\t"))
        lines = tuple(n for n in (normalize(cell) for cell in cells) if n)
        return cls(lines)

    def find(self, literal: str) -> bool:
        """True when every ellipsis-separated piece of ``literal`` is found, in order."""
        pieces = [p.strip() for p in _ELLIPSIS.split(normalize(literal))]
        pieces = [p for p in pieces if p and not _PUNCT_ONLY.match(p)]
        if not pieces:
            return True
        return self._find_pieces(pieces, 0, None)

    def _find_pieces(self, pieces: list[str], index: int, after: tuple[int, int] | None) -> bool:
        if index == len(pieces):
            return True
        piece = pieces[index]
        for start_line, start_col in self._candidates(piece, after):
            end = self._match(piece, start_line, start_col)
            if end is not None and self._find_pieces(pieces, index + 1, end):
                return True
        return False

    def _candidates(self, piece: str, after: tuple[int, int] | None):
        """Positions where ``piece`` could begin: the rest of the line and the piece agree."""
        first_line = 0 if after is None else after[0]
        budget = MAX_ELLIPSIS_GAP
        for i in range(first_line, len(self.lines)):
            line = self.lines[i]
            col0 = after[1] if after is not None and i == after[0] else 0
            if after is not None:
                budget -= len(line) if i != after[0] else 0
                if budget < 0:
                    return
            pos = line.find(piece[:1], col0)
            while pos != -1:
                rest = line[pos:]
                if rest.startswith(piece) or piece.startswith(rest):
                    yield i, pos
                pos = line.find(piece[:1], pos + 1)

    def _match(self, piece: str, line_no: int, col: int) -> tuple[int, int] | None:
        """Read ``piece`` from (line_no, col); return the end position or None."""
        rest_of_line = self.lines[line_no][col:]
        if rest_of_line.startswith(piece):
            return line_no, col + len(piece)
        if not piece.startswith(rest_of_line):
            return None
        remainder = piece[len(rest_of_line) :]
        joined_by_hyphen = rest_of_line.endswith("-")
        if remainder.startswith(" "):
            remainder = remainder[1:]
        elif not joined_by_hyphen:
            return None  # the line ended inside a word of the literal
        if not remainder:
            return line_no, len(self.lines[line_no])
        last = min(len(self.lines), line_no + 1 + MAX_LINE_JUMP)
        for nxt in range(line_no + 1, last):
            end = self._match(remainder, nxt, 0)
            if (
                end is None
                and self.lines[nxt].startswith(_BULLET)
                and not remainder.startswith(_BULLET)
            ):
                end = self._match(remainder, nxt, len(_BULLET))  # a stray bullet at a line start
            if end is not None:
                return end
        return None


@lru_cache(maxsize=16)
def load_source(path: Path) -> SourceText:
    """Read and normalize one source file (cached)."""
    return SourceText.from_text(path.read_text(encoding="utf-8"))
