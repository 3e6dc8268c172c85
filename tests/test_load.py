"""The load stage reads Turtle with Oxigraph's parser and falls back to rdflib where the two could
differ: the graph and the origins must be those rdflib alone gives, on every input we have."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from helpers import split_blank
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from iscm_kg import load, resources
from iscm_kg.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def _reference(paths: list[Path]) -> tuple[Graph, dict]:
    """rdflib alone: each file parsed by ``parse_turtle``, then merged."""
    merged = Graph()
    origins: dict = defaultdict(set)
    for path in paths:
        graph = load.parse_turtle(path)
        for subject in set(graph.subjects()):
            if not isinstance(subject, BNode):
                origins[subject].add(path)
        merged += graph
    return merged, dict(origins)


def _same(paths: list[Path]) -> int:
    loaded = load.load(paths)
    expected, origins = _reference(paths)
    assert len(loaded.graph) == len(expected)
    ours, theirs = split_blank(loaded.graph), split_blank(expected)
    assert ours[0] == theirs[0]  # the triples without a blank node: equal
    assert to_isomorphic(ours[1]) == to_isomorphic(theirs[1])  # the others: equal up to naming
    named = {s: p for s, p in loaded.origins.items() if not isinstance(s, BNode)}
    assert named == origins
    return len(loaded.graph)


def test_the_shipped_ontology_data_and_shapes_load_as_rdflib_reads_them() -> None:
    layout = resources.layout(None)
    assert _same(layout.ontology_files() + layout.data_files()) > 14000
    assert _same(layout.shape_files()) > 500


def test_the_synthetic_graph_loads_as_rdflib_reads_it(scale2: Path) -> None:
    layout = resources.layout(scale2)
    assert _same(layout.ontology_files() + layout.data_files()) > 28000


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "tests" / "shapes").iterdir() if p.is_dir())
)
def test_every_shape_fixture_loads_as_rdflib_reads_it(name: str) -> None:
    folder = ROOT / "tests" / "shapes" / name
    for file in ("valid.ttl", "invalid.ttl", "expected.ttl"):
        if (folder / file).exists():
            _same([folder / file])


EDGE = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "x"@EN-GB, "y"@en, "01"^^xsd:integer, 1.50, 1e3, true, "z"^^xsd:string, "plain" ;
    ex:q [ ex:r ( 1 2 ) ], \"\"\"two
lines\"\"\" ; ex:s <relative> .
"""


def test_what_oxigraph_would_change_is_read_by_rdflib(tmp_path: Path) -> None:
    path = tmp_path / "edge.ttl"
    path.write_text(EDGE)
    _same([path])
    objects = set(load.load([path]).graph.objects(URIRef("http://example.org/a")))
    assert Literal("x", lang="EN-GB") in objects  # the tag's case is kept
    assert any(
        o == Literal("z", datatype=URIRef(str(o.datatype))) and o.datatype
        for o in objects
        if isinstance(o, Literal) and str(o) == "z"
    )  # ^^xsd:string is kept
    assert URIRef(path.parent.as_uri() + "/relative") in objects


def test_the_fast_reader_reads_plain_files_and_declines_the_others(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ttl"
    plain.write_text(EDGE.replace('"x"@EN-GB, ', "").replace('"z"^^xsd:string, ', ""))
    assert load._read_fast(plain, {}) is not None
    _same([plain])
    for text in (
        EDGE,
        "this is not turtle .",
        '<http://e/a> <http://e/p> "1x"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ):
        (tmp_path / "other.ttl").write_text(text)
        assert load._read_fast(tmp_path / "other.ttl", {}) is None


def test_bad_files_give_rdflibs_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b\nex:c .\n")
    with pytest.raises(InputError, match=r"bad\.ttl: line 3: malformed Turtle"):
        load.load([bad])
    typed = tmp_path / "typed.ttl"
    typed.write_text(
        '<http://e/a> <http://e/p> "1x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    with pytest.raises(InputError, match=r"'1x' is not a valid xsd:integer"):
        load.load([typed])
