"""Stage 1, load: parse every input file into one graph, remembering which file said what.

An input is a Turtle file (``.ttl``) or a stored query (``.rq``), whose header and text are the
triples of one ``sh:SPARQLExecutable`` (``queries.catalog``).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from . import namespaces
from .errors import InputError
from .queries.catalog import query_graph
from .queries.stored import parse_query_file

_REASON = re.compile(r"Bad syntax \((?P<why>.*?)\) at \^", re.DOTALL)


@dataclass
class Loaded:
    """A merged graph and, for each subject, the files that state something about it."""

    graph: Graph
    files: list[Path]
    origins: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))

    def origin_of(self, node: Node) -> list[Path]:
        return sorted(self.origins.get(node, ()))


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; a syntax error names the file and the line."""
    graph = namespaces.new_graph()
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)  # an ill-typed literal is reported below, in one sentence
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as exc:
        match = _REASON.search(str(exc))
        why = match.group("why") if match else "bad syntax"
        raise InputError(f"{path}: line {exc.lines + 1}: malformed Turtle ({why}).") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}).") from None
    except Exception as exc:  # rdflib raises many types for bad IRIs, literals, prefixes
        raise InputError(f"{path}: cannot be read as Turtle: {exc}.") from None
    finally:
        term_log.setLevel(level)
    for s, p, o in sorted(graph):
        if isinstance(o, Literal) and o.ill_typed:
            raise InputError(
                f"{path}: {s.n3(graph.namespace_manager)} {p.n3(graph.namespace_manager)}: "
                f"{str(o)!r} is not a valid {o.datatype.n3(graph.namespace_manager)}."
            )
    return graph


def parse_file(path: Path) -> Graph:
    """The triples of one input file: a stored query (``.rq``) or Turtle."""
    if path.suffix == ".rq":
        return query_graph(parse_query_file(path))
    return parse_turtle(path)


def load(paths: Iterable[Path]) -> Loaded:
    """Parse and merge ``paths``, recording the origin of every subject."""
    paths = list(paths)
    loaded = Loaded(namespaces.new_graph(), paths)
    for path in paths:
        graph = parse_file(path)
        for subject in set(graph.subjects()):
            loaded.origins[subject].add(path)
        loaded.graph += graph
    return loaded
