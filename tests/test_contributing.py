"""CONTRIBUTING.md: its tables of what each class requires are generated from the shapes, so
they cannot drift; this test fails when they are stale."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "contributing_tables.py"


def test_the_tables_match_the_shapes() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_node_shape_has_its_section() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef):
            assert f"#### {shapes.value(shape, RDFS.label)} (" in guide, shape


def test_a_changed_rule_changes_the_tables() -> None:
    """The generator reads the shapes: a new message shows up in the table (so --check fails)."""
    tables = runpy.run_path(str(SCRIPT))
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    shape = URIRef("https://w3id.org/iscm-kg/shapes#Membership")
    prop = URIRef("https://w3id.org/iscm-kg/shapes#Membership-asOf")
    before = "\n".join(tables["section"](shapes, shape))
    assert '| `iscm:asOf` | exactly 1 | plain text (`"…"`) | A membership says as of when' in before
    shapes.set((prop, SH.message, Literal("A membership is dated.", lang="en")))
    shapes.set((prop, SH.minCount, Literal(0)))
    after = "\n".join(tables["section"](shapes, shape))
    assert '| `iscm:asOf` | at most 1 | plain text (`"…"`) | A membership is dated. |' in after
