"""Where the ontology, shapes, data and queries are, installed or in a source checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_PACKAGED = Path(__file__).resolve().parent / "resources"
_CHECKOUT = Path(__file__).resolve().parents[2]


def _root() -> Path:
    """The packaged resources when installed from a wheel, else the source checkout."""
    if (_PACKAGED / "ontology").is_dir():
        return _PACKAGED
    return _CHECKOUT


def root() -> Path:
    """Where the shipped ontology, shapes, data, queries and sources are."""
    return _root()


@dataclass(frozen=True)
class Layout:
    """The folders one run reads from."""

    ontology: Path
    shapes: Path
    data: Path
    queries: Path

    def ontology_files(self) -> list[Path]:
        return _turtle_files(self.ontology)

    def shape_files(self) -> list[Path]:
        return _turtle_files(self.shapes)

    def data_files(self) -> list[Path]:
        return _turtle_files(self.data)

    def query_files(self) -> list[Path]:
        """The stored queries (``.rq``) and the catalogue's Turtle (the parameter kinds)."""
        if not self.queries.is_dir():
            return []
        return sorted(self.queries.glob("*.ttl")) + sorted(self.queries.glob("*.rq"))


def _turtle_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"The folder {folder} does not exist.")
    files = sorted(folder.rglob("*.ttl"))
    if not files:
        raise InputError(f"The folder {folder} holds no Turtle (.ttl) files.")
    return files


def layout(data_dir: Path | None = None) -> Layout:
    """The default layout; ``data_dir`` replaces the shipped data folder."""
    root = _root()
    data = Path(data_dir).resolve() if data_dir is not None else root / "data"
    return Layout(root / "ontology", root / "shapes", data, root / "queries")
