"""The Python API, for notebooks and scripts.

::

    import iscm_kg

    kg = iscm_kg.open()                       # the shipped data, reasoned (cached when warm)
    rows = kg.query("stakeholder-matrix", document="gcm-zero-draft-rev1")
    rows[0]                                   # {'stakeholder_group': 'civil society', ...}
    rows.to_dataframe()                       # a pandas DataFrame, where pandas is installed
    kg.graph                                  # the rdflib Graph: asserted plus inferred triples

``open(data=DIR)`` works on another copy of the data; ``open(endpoint=URL)`` runs the same stored
queries on any SPARQL 1.1 endpoint (``kg.graph`` is then a read-only rdflib graph over it). The
command line and this API share one implementation: ``kg.query(NAME, **params)`` gives the rows
of ``iscm-kg query NAME --param …``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from . import resources
from .pipeline import DEFAULT_CACHE, Pipeline
from .queries import runner
from .queries.formats import Table
from .queries.stored import StoredQuery, find_query, load_queries

if TYPE_CHECKING:  # pandas is optional
    import pandas


def value(term: Node | None) -> Any:
    """An RDF term as a plain Python value: an IRI as its string, a literal as its Python value
    (``int`` for integers, ``datetime.date`` for dates, ``str`` for text), ``None`` if unbound."""
    if term is None:
        return None
    if isinstance(term, Literal):
        python = term.toPython()
        return python if not isinstance(python, Literal) else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


class Rows(list):
    """A query's rows: a list of dicts (column → plain value), with the column order kept."""

    def __init__(self, columns: Iterable[str], rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.columns: list[str] = list(columns)

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (needs pandas: ``pip install pandas``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "Rows.to_dataframe() needs pandas; install it with 'pip install pandas'."
            ) from None
        return pandas.DataFrame(list(self), columns=self.columns)

    @property
    def df(self) -> pandas.DataFrame:
        """Shorthand for ``to_dataframe()``."""
        return self.to_dataframe()

    def __repr__(self) -> str:
        return f"Rows(columns={self.columns!r}, {len(self)} rows)"


def _rows(table: Table) -> Rows:
    return Rows(
        table.columns,
        ({c: value(t) for c, t in zip(table.columns, row, strict=True)} for row in table.rows),
    )


@dataclass
class KnowledgeGraph:
    """The reasoned graph and its stored queries, local or behind a SPARQL endpoint."""

    layout: resources.Layout
    endpoint: str | None = None
    _pipeline: Pipeline | None = field(default=None, repr=False)
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        """Every triple, asserted and inferred, as one rdflib ``Graph`` (read it, don't edit it)."""
        if self._graph is None:
            if self._pipeline is None:
                from rdflib.plugins.stores.sparqlstore import SPARQLStore

                self._graph = Graph(store=SPARQLStore(query_endpoint=self.endpoint))
            else:
                merged = Graph(bind_namespaces="none")
                for prefix, ns in self._pipeline.asserted.namespace_manager.namespaces():
                    merged.bind(prefix, ns)
                merged += self._pipeline.asserted
                merged += self._pipeline.inferred
                self._graph = merged
        return self._graph

    def queries(self) -> dict[str, str]:
        """The stored queries: name → the question it answers."""
        return {name: q.title for name, q in self._stored().items()}

    def describe(self, name: str) -> StoredQuery:
        """One stored query: its title, description, parameters (with defaults) and text."""
        return find_query(name, self.layout.queries)

    def query(self, name: str, **params: str | int) -> Rows:
        """The rows of a stored query (by name, or a ``.rq`` file's path), with parameters given
        as keywords: ``kg.query("objective-profile", objective=23)``."""
        stored = find_query(name, self.layout.queries)
        given = {key: str(val) for key, val in params.items()}
        return _rows(runner.run(stored, self._executor(), given))

    def sparql(self, text: str) -> Rows:
        """The rows of any SPARQL SELECT text (no parameters; ``SERVICE`` is refused)."""
        stored = StoredQuery(
            name="query",
            path=Path("query.rq"),
            title="",
            description="",
            keywords=(),
            params=(),
            text=text,
        )
        return _rows(runner.run(stored, self._executor(), {}))

    def _stored(self) -> dict[str, StoredQuery]:
        return load_queries(self.layout.queries)

    def _executor(self) -> runner.Executor:
        if self._pipeline is None:
            from .endpoint import Endpoint

            return Endpoint(self.endpoint or "")
        return self._pipeline.query_store()


def open(
    data: str | Path | None = None,
    endpoint: str | None = None,
    cache: str | Path | None = DEFAULT_CACHE,
    reasoner: str | None = None,
) -> KnowledgeGraph:
    """The knowledge graph: the shipped data (or ``data``), reasoned, or a SPARQL ``endpoint``.

    ``cache`` is a folder for the reasoned graph, ``None`` for no cache, or the default (the
    user's cache folder, shared with the command line).
    """
    if data is not None and endpoint is not None:
        raise ValueError("open() takes data or endpoint, not both.")
    layout = resources.layout(Path(data) if data is not None else None)
    if endpoint is not None:
        from .endpoint import Endpoint

        Endpoint(endpoint)  # checks the URL's form now rather than at the first query
        return KnowledgeGraph(layout, endpoint=endpoint)
    options: dict[str, Any] = {"cache": cache}
    if reasoner is not None:
        options["reasoner"] = reasoner
    pipeline = Pipeline(layout, **options).reason()
    return KnowledgeGraph(layout, _pipeline=pipeline)


__all__ = ["KnowledgeGraph", "Rows", "open", "value"]
