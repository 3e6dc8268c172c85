"""The HTML documentation of the ontology (``ontology.html`` in the release), made by pyLODE.

pyLODE lists some terms in hash order and by blank-node label, and builds "A or B or C" from a
set of HTML elements in memory-address order. So it runs in a child process of its own
(``python -m iscm_kg.ontology_docs FILE...``) with a fixed hash seed, on the ontology with
canonical blank-node labels, and the members of such lists are sorted afterwards: the same
ontology then always gives the same page. The child process also lets the release build write
the exports on the other core while pyLODE works (``start`` now, ``finish`` later).
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CheckFailed

HASH_SEED = "0"  # the hash seed pyLODE runs with (its output follows hash order)

_JOINER = re.compile(r'\s*<span class="cardinality">(or|and|,)</span>\s*')
_CELL = re.compile(r"(<td>)(.*?)(</td>)", re.DOTALL)


def start(files: Sequence[Path]) -> subprocess.Popen:
    """Start pyLODE on the ontology ``files`` in a child process; ``finish`` collects the page."""
    env = dict(os.environ, PYTHONHASHSEED=HASH_SEED)
    return subprocess.Popen(
        [sys.executable, "-m", __name__, *(str(p) for p in files)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen) -> bytes:
    """The page that ``start``'s child process wrote (UTF-8 HTML), or ``CheckFailed``."""
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise CheckFailed(f"pyLODE could not document the ontology: {' '.join(detail)}")
    return stdout


def stop(proc: subprocess.Popen) -> None:
    """End ``start``'s child process if it still runs (the build failed or was interrupted)."""
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def html(files: Sequence[Path]) -> str:
    """pyLODE's page for the ontology ``files``, with its unordered lists sorted.

    Deterministic only under a fixed hash seed: call it through ``start`` (or with
    ``PYTHONHASHSEED`` set), not in a process whose hash seed is random."""
    from pylode import OntPub
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    canonical = Graph()
    for prefix, ns in graph.namespace_manager.namespaces():
        canonical.bind(prefix, ns)
    for triple in sorted(to_canonical_graph(graph)):
        canonical.add(triple)
    return sort_class_sets(str(OntPub(ontology=canonical).make_html()))


def sort_class_sets(page: str) -> str:
    """Sort the members of every "A or B or C" (and "and", ",") list in the table cells of
    pyLODE's page, which it writes in memory-address order."""

    def fix(match: re.Match[str]) -> str:
        body = match.group(2)
        joiners = _JOINER.findall(body)
        if not joiners or len(set(joiners)) != 1:
            return match.group(0)
        indent = re.match(r"\s*", body).group(0)
        parts = sorted(part.strip() for part in _JOINER.split(body)[::2])
        joiner = f'{indent}<span class="cardinality">{joiners[0]}</span>{indent}'
        tail = body[len(body.rstrip()) :]
        return match.group(1) + indent + joiner.join(parts) + tail + match.group(3)

    return _CELL.sub(fix, page)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m iscm_kg.ontology_docs FILE...``: the page on standard output."""
    files = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    logging.disable(logging.INFO)
    sys.stdout.buffer.write(html(files).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
