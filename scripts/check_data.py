"""Check data files while transcribing: they parse, and every verbatim literal is in its source.

Usage: python scripts/check_data.py data/adopted-text/*.ttl

(For a contributor, ``iscm-kg check`` does this and the shapes too, with the closest passage of
the source; this script reads each file alone, without the rest of the graph.)

For each node with ``prov:wasDerivedFrom`` one of the four source documents, every literal of a
verbatim property must be found in ``sources/<document>.txt`` (see ``iscm_kg.verbatim``). Prints
one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from iscm_kg.fidelity import VERBATIM_PROPERTIES  # noqa: E402
from iscm_kg.verbatim import load_source  # noqa: E402

DOC = "https://w3id.org/iscm-kg/id/document/"
VERBATIM = VERBATIM_PROPERTIES  # one list, shared with `iscm-kg check` and `validate`


def main(paths: list[str]) -> int:
    problems = 0
    for name in paths:
        graph = Graph()
        try:
            graph.parse(name, format="turtle")
        except Exception as exc:  # report and go on with the other files
            print(f"{name}: does not parse: {exc}")
            problems += 1
            continue
        for prop in VERBATIM:
            for node, literal in graph.subject_objects(prop):
                sources = [
                    s
                    for s in graph.objects(node, PROV.wasDerivedFrom)
                    if isinstance(s, URIRef) and str(s).startswith(DOC)
                ]
                files = [ROOT / "sources" / (str(s)[len(DOC) :] + ".txt") for s in sources]
                files = [f for f in files if f.exists()]
                if not files:
                    continue
                if not any(load_source(f).find(str(literal)) for f in files):
                    problems += 1
                    short = prop.n3(graph.namespace_manager)
                    print(
                        f"{name}: {node.n3(graph.namespace_manager)} {short} not found in "
                        f"{', '.join(f.name for f in files)}: {str(literal)[:90]!r}"
                    )
    print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
