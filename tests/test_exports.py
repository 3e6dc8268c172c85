"""The release and the exports, tested as built: determinism, round trips, base rewriting,
atomic writes, and the dataset description."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from helpers import build_process, files, same_graph
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID, XSD

from iscm_kg import export, load, namespaces
from iscm_kg.cli import main
from iscm_kg.store import ASSERTED, INFERRED

PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "trig": "trig"}


def test_release_holds_every_artefact(built) -> None:
    """The build writes each format twice (asserted, with inferences), the ontology, the shapes,
    the context, the validation report, one CSV per stored query, VoID/DCAT and the HTML pages."""
    names = set(built.files)
    for ext in ("ttl", "nt", "jsonld", "trig", "rdf"):
        assert {f"iscm-kg.{ext}", f"iscm-kg-inferred.{ext}"} <= names
    assert {
        "ontology.ttl",
        "shapes.ttl",
        "context.jsonld",
        "validation-report.ttl",
        "validation-report.json",
        "void.ttl",
        "ontology.html",
        "index.html",
    } <= names
    assert len([n for n in names if n.startswith("queries/")]) == built.queries_run == 28
    assert sorted(p.name for p in built.out.iterdir() if not p.name.startswith(".")) == sorted(
        {n.split("/")[0] for n in names}
    )


@functools.cache
def _parse_back(path: Path, ext: str) -> Graph:
    """An export read back as one graph (TriG: the union of its named graphs); each file of the
    session's release is read once, and the tests only read the graph."""
    if ext != "trig":
        return Graph().parse(path, format=PARSERS[ext])
    dataset = Dataset()
    dataset.parse(path, format="trig")
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    return union


@functools.lru_cache(maxsize=1)
def _merged(pipeline) -> Graph:
    """The session's asserted and inferred graphs, merged once."""
    return export.merge([pipeline.asserted, pipeline.inferred])


@pytest.mark.parametrize("ext", sorted(PARSERS))
def test_exports_round_trip(built, pipeline, ext: str) -> None:
    """Every export (asserted, and asserted plus inferred) parses back to a graph isomorphic to
    the one it was written from: same triples, same literals, byte for byte."""
    asserted = _parse_back(built.out / f"iscm-kg.{ext}", ext)
    assert same_graph(asserted, pipeline.asserted)
    full = _parse_back(built.out / f"iscm-kg-inferred.{ext}", ext)
    assert same_graph(full, _merged(pipeline))


def test_trig_keeps_query_texts_unchanged(built, pipeline) -> None:
    """The stored query texts (multi-line literals) come back from TriG exactly as written."""
    select = URIRef("http://www.w3.org/ns/shacl#select")
    expected = {str(o) for o in pipeline.asserted.objects(None, select)}
    assert len(expected) == 28
    for name in ("iscm-kg.trig", "iscm-kg-inferred.trig"):
        found = {str(o) for o in _parse_back(built.out / name, "trig").objects(None, select)}
        assert found == expected, name


@pytest.mark.parametrize("name", ["iscm-kg.ttl", "iscm-kg-inferred.ttl", "iscm-kg-inferred.trig"])
def test_turtle_and_trig_write_no_escaped_names(built, name: str) -> None:
    """Instance IRIs are written whole, never as ``id:document\\/A-RES-73-195``: Turtle 1.1
    allows the escape, but Virtuoso 7 loads such a file with the IRIs wrong."""
    text = (built.out / name).read_text(encoding="utf-8")
    assert "\\/" not in text
    assert "<https://w3id.org/iscm-kg/id/document/A-RES-73-195>" in text


def test_trig_keeps_asserted_and_inferred_apart(built, pipeline) -> None:
    dataset = Dataset()
    dataset.parse(built.out / "iscm-kg-inferred.trig", format="trig")
    graphs = {g.identifier: g for g in dataset.graphs() if len(g)}
    assert set(graphs) == {ASSERTED, INFERRED}
    assert same_graph(graphs[INFERRED], pipeline.inferred)
    assert same_graph(graphs[ASSERTED], pipeline.asserted)


def test_jsonld_ships_its_context(built) -> None:
    context = json.loads((built.out / "context.jsonld").read_text())
    document = json.loads((built.out / "iscm-kg.jsonld").read_text())
    assert context["iscm"] == "https://w3id.org/iscm-kg/ontology#"
    assert document["@context"] == context


def test_void_and_dcat_description(built) -> None:
    """VoID and DCAT: title, license, version, issued, counts, distributions with media types."""
    void = Graph().parse(built.out / "void.ttl")
    dataset = URIRef("https://w3id.org/iscm-kg/id/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void and (dataset, RDF.type, DCAT.Dataset) in void
    assert int(void.value(dataset, VOID.triples)) == built.stats.triples_asserted
    assert int(void.value(dataset, VOID.entities)) == built.stats.entities
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    media = {
        str(void.value(d, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
        for d in void.objects(dataset, DCAT.distribution)
    }
    assert {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/trig",
        "application/rdf+xml",
        "text/csv",
    } <= media
    assert len(list(void.objects(dataset, URIRef("http://purl.org/dc/terms/hasPart")))) == 28


def test_index_links_every_artefact(built) -> None:
    page = (built.out / "index.html").read_text()
    for name in built.files:
        if name != "index.html" and not name.startswith("site/"):
            assert f'href="{name}"' in page, name
    assert 'href="site/index.html"' in page  # the static site links its own files
    assert (
        "iscm:RegionalConsultativeProcess" in (built.out / "ontology.html").read_text()
        or "Regional consultative process on migration" in (built.out / "ontology.html").read_text()
    )


def test_two_builds_are_byte_identical(built, tmp_path: Path) -> None:
    """A second build, in another process with another hash seed, gives the same bytes."""
    out = tmp_path / "dist"
    proc = build_process(out, env=dict(os.environ, PYTHONHASHSEED="12345"))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    first, second = files(built.out), files(out)
    assert sorted(first) == sorted(second)
    different = [str(name) for name in first if first[name] != second[name]]
    assert different == []


def test_base_rewrite_leaves_no_w3id_iri(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--base moves every https://w3id.org/iscm-kg/ IRI, and only those, under the new base."""
    out = tmp_path / "kg.nt"
    assert (
        main(
            [
                "export",
                "--format",
                "nt",
                "--inferred",
                "--base",
                "https://example.org/kg/",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    graph = Graph().parse(out, format="nt")
    iris = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not [i for i in iris if "w3id.org/iscm-kg" in str(i)]
    assert URIRef("https://example.org/kg/id/actor/gfmd") in iris
    assert URIRef("https://example.org/kg/ontology#GlobalProcess") in iris
    assert URIRef("https://schema.org/EventSeries") in iris  # other vocabularies untouched
    assert "w3id.org/iscm-kg" not in out.read_text(encoding="utf-8")
    quotes = {
        str(o) for o in graph.objects(None, URIRef("https://example.org/kg/ontology#quotation"))
    }
    assert any("regional consultative processes" in q for q in quotes)  # literals untouched


def test_rewrite_base_changes_query_texts_but_not_other_literals() -> None:
    graph = Graph()
    node = URIRef("https://w3id.org/iscm-kg/id/query/x")
    text = (
        "PREFIX iscm: <https://w3id.org/iscm-kg/ontology#> SELECT ?x WHERE { ?x a iscm:Paragraph }"
    )
    graph.add((node, URIRef("http://www.w3.org/ns/shacl#select"), Literal(text)))
    graph.add(
        (
            node,
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal("see https://w3id.org/iscm-kg/", lang="en"),
        )
    )
    out = export.rewrite_base(graph, "https://example.org/kg/")
    values = {str(o) for o in out.objects()}
    assert (
        "PREFIX iscm: <https://example.org/kg/ontology#> SELECT ?x WHERE { ?x a iscm:Paragraph }"
        in values
    )
    assert "see https://w3id.org/iscm-kg/" in values
    with pytest.raises(Exception, match="--base must be"):
        export.rewrite_base(graph, "example.org")


def test_export_trig_and_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "trig", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.count("<https://w3id.org/iscm-kg/graph/asserted> {") == 1
    assert "graph/inferred" not in out


def test_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export interrupted mid-write leaves the previous file whole and no temporary file."""
    target = tmp_path / "kg.ttl"
    target.write_bytes(b"old")

    def fail(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(KeyboardInterrupt):
        export.write_atomic(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def _edge_graph() -> Graph:
    """Every shape of term the writers must get right: a list (JSON-LD ``@list``), nested and
    shared blank nodes, language-tagged, typed and multi-line literals, several values, and an
    IRI under the project's base."""
    g = namespaces.new_graph()
    ex = "https://w3id.org/iscm-kg/id/x/"
    a, b, shared = URIRef(ex + "a"), URIRef(ex + "b"), BNode()
    head, rest = BNode(), BNode()
    g.add((a, RDF.type, URIRef("https://w3id.org/iscm-kg/ontology#Thing")))
    g.add((a, URIRef(ex + "items"), head))
    g.add((head, RDF.first, Literal("one")))
    g.add((head, RDF.rest, rest))
    g.add((rest, RDF.first, b))
    g.add((rest, RDF.rest, RDF.nil))
    g.add((a, URIRef(ex + "note"), Literal('two\nlines "quoted" <tag> & more', lang="en")))
    g.add((a, URIRef(ex + "count"), Literal("3", datatype=XSD.integer)))
    g.add((a, URIRef(ex + "link"), shared))
    g.add((b, URIRef(ex + "link"), shared))
    g.add((shared, URIRef(ex + "label"), Literal("shared")))
    g.add((shared, URIRef(ex + "label"), Literal("geteilt", lang="de")))
    return g


@pytest.mark.parametrize("fmt", ["nt", "ttl", "xml", "jsonld", "trig"])
def test_every_writer_round_trips_the_edge_cases(fmt: str) -> None:
    """Each writer, fed the prepared (canonical, sorted) triples, gives back the same graph."""
    graph = _edge_graph()
    prepared = export.prepare({ASSERTED: graph}, export.jsonld_context(graph))
    if fmt == "trig":
        data = export.write_trig(prepared.quads(), prepared.prefixes)
    else:
        data = export.write(prepared.triples(), fmt, prepared.prefixes)
    parser = {"xml": "xml", "jsonld": "json-ld", "nt": "nt", "ttl": "turtle", "trig": "trig"}[fmt]
    if fmt == "trig":
        dataset = Dataset()
        dataset.parse(data=data, format="trig")
        back = Graph()
        for g in dataset.graphs():
            back += g
    else:
        back = Graph().parse(data=data, format=parser)
    assert same_graph(back, graph)
    assert same_graph(Graph().parse(data=export.serialize_graph(graph, "ttl")), graph)


def test_jsonld_writes_lists_and_bare_single_values() -> None:
    document = json.loads(export.serialize_graph(_edge_graph(), "jsonld"))
    nodes = {n["@id"]: n for n in document["@graph"]}
    a = nodes["id:x/a"]
    assert a["@type"] == "iscm:Thing"
    assert a["id:x/items"] == {"@list": ["one", {"@id": "id:x/b"}]}
    assert a["id:x/count"] == {"@type": "xsd:integer", "@value": "3"}
    assert len(nodes) == 3  # a, b and the shared blank node; the list nodes are folded in
    shared = nodes[a["id:x/link"]["@id"]]
    assert shared["id:x/label"] == ["shared", {"@language": "de", "@value": "geteilt"}]


def test_blank_nodes_get_rdfc_labels_and_a_relabelled_graph_the_same_bytes() -> None:
    """Blank node labels come from W3C RDFC-1.0, so fresh labels in the input change nothing."""
    graph = _edge_graph()
    relabelled = namespaces.new_graph()
    fresh: dict = {}
    for triple in graph:
        relabelled.add(
            tuple(fresh.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in triple)
        )
    for fmt in ("nt", "ttl", "xml", "jsonld", "trig"):
        assert export.serialize_graph(relabelled, fmt) == export.serialize_graph(graph, fmt)
    assert "_:c14n0 " in export.serialize_graph(graph, "nt").decode()


@pytest.mark.slow
def test_synthetic_graph_round_trips_in_every_format(scale2: Path) -> None:
    """The writers on the scale-2 synthetic data (twice the real graph): every format parses back
    to the graph it was written from."""
    graph = load.load(sorted(Path(scale2).rglob("*.ttl"))).graph  # = rdflib's: tests/test_load.py
    prepared = export.prepare({ASSERTED: graph})
    triples = prepared.triples()
    for fmt in ("nt", "ttl", "xml", "jsonld"):
        data = export.write(triples, fmt, prepared.prefixes)
        back = Graph().parse(data=data, format=PARSERS["rdf" if fmt == "xml" else fmt])
        assert same_graph(back, graph), fmt
    dataset = Dataset()
    dataset.parse(data=export.write_trig(prepared.quads(), prepared.prefixes), format="trig")
    assert same_graph(dataset.graph(ASSERTED), graph)


@pytest.mark.parametrize("name", ["iscm-kg.jsonld", "iscm-kg-inferred.jsonld"])
def test_jsonld_files_are_json_dumps_bytes(built, name: str) -> None:
    """The JSON-LD writer's own indenting gives exactly the bytes of the standard library's."""
    data = (built.out / name).read_bytes()
    document = json.loads(data)
    expected = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert data == expected.encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        "",
        'a"é\n\t\\',
        {"b": ["x", {"@id": "y"}], "a": {"@list": []}, "@c": "ü"},
        [{"z": "1", "a": [[], {}]}],
        {"k": ["\u2028", "\x00"]},
    ],
)
def test_indented_json_is_json_dumps(value: object) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    assert export.indented_json(value) == expected
    assert export.indented_json(value, "    ") == expected.replace("\n", "\n    ")


def test_same_graph_is_isomorphism() -> None:
    """The tests' quick isomorphism check agrees with rdflib's on relabelled blank nodes, a
    changed ground triple and a changed blank-node structure."""
    graph = _edge_graph()
    fresh: dict = {}
    relabelled = Graph()
    for triple in graph:
        relabelled.add(
            tuple(fresh.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in triple)
        )
    assert same_graph(relabelled, graph) and isomorphic(relabelled, graph)
    ground = next(t for t in graph if not any(isinstance(x, BNode) for x in t))
    changed = Graph()
    changed += graph
    changed.remove(ground)
    changed.add((ground[0], ground[1], Literal("something else")))
    assert not same_graph(changed, graph) and not isomorphic(changed, graph)
    blank = next(t for t in graph if isinstance(t[0], BNode))
    split = Graph()
    split += graph
    split.remove(blank)
    split.add((BNode(), blank[1], blank[2]))  # the same facts on another blank node
    assert not same_graph(split, graph) and not isomorphic(split, graph)
