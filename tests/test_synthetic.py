"""The synthetic data of the benchmarks (benchmarks/synthetic.py): valid under every shape, the same
bytes for the same scale and seed, about N times the real graph, and the stored queries still
meaningful on it (their real rows are all there, and a world answers for its own documents)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import files as _files
from helpers import synthetic as _synthetic
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from iscm_kg import load, query, resources, verbatim
from iscm_kg.namespaces import ISCM
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
synthetic = _synthetic()


def _rows(table: query.Table) -> Counter[tuple[str, ...]]:
    return Counter(tuple(query.cell(t) for t in row) for row in table.rows)


@pytest.fixture(scope="module")
def world(scale2: Path) -> Pipeline:
    """The scale-2 graph, loaded and reasoned once for the module."""
    return Pipeline(resources.layout(scale2)).reason()


def test_scale_one_is_a_copy_of_the_real_data(tmp_path: Path) -> None:
    out = synthetic.generate(1, tmp_path / "scale-1")
    files = _files(out)
    summary = files.pop(synthetic.MARKER)
    assert files == _files(resources.layout().data)
    assert b'"world_triples": 0' in summary


def test_same_scale_and_seed_give_the_same_bytes(scale2: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    script = ROOT / "benchmarks" / "synthetic.py"
    command = [sys.executable, str(script), "--scale", "2", "--out", str(again), "--seed", "1"]
    subprocess.run(command, check=True, env=env, capture_output=True)
    assert _files(again) == _files(scale2)
    other = synthetic.generate(2, tmp_path / "other-seed", seed=2)
    assert _files(other) != _files(scale2)


def test_an_existing_folder_that_is_not_ours_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        synthetic.generate(2, tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


@pytest.mark.parametrize("scale", [2, 3])
def test_about_n_times_the_real_asserted_triples(
    scale: int, tmp_path: Path, pipeline, scale2: Path
) -> None:
    # scale 2 with the default seed is the session's ``scale2`` folder (the same bytes: above)
    out = scale2 if scale == 2 else synthetic.generate(scale, tmp_path / f"scale-{scale}")
    graph = load.load(sorted(out.rglob("*.ttl"))).graph
    real_data = load.load(resources.layout().data_files()).graph
    real_asserted = len(pipeline.asserted)  # data, ontology and the stored-query catalog
    asserted = len(graph) + real_asserted - len(real_data)
    assert 0.75 * scale * real_asserted <= asserted <= 1.25 * scale * real_asserted


@pytest.mark.slow
def test_scale_two_conforms_to_every_shape(world: Pipeline) -> None:
    report = world.validate()
    assert report.violations == []
    assert report.conforms


def test_every_stored_query_returns_at_least_its_real_rows(world: Pipeline, pipeline) -> None:
    real_store, world_store = pipeline.query_store(), world.query_store()
    missing = {}
    grew = []
    for name, stored in sorted(world.queries.items()):
        real = _rows(query.run(stored, real_store, stored.example))
        synthetic_rows = _rows(query.run(stored, world_store, stored.example))
        if real - synthetic_rows:
            missing[name] = sorted(real - synthetic_rows)[:3]
        if synthetic_rows.total() > real.total():
            grew.append(name)
    assert missing == {}
    # the worlds show in the queries that list everything (ISCMs, count claims, discrepancies…)
    assert {"iscms", "count-claims", "source-discrepancies", "iscm-memberships"} <= set(grew)


def test_a_world_answers_for_its_own_version_of_the_compact(world: Pipeline) -> None:
    store = world.query_store()
    stored = world.queries["iscm-references"]
    table = query.run(stored, store, {"document": "w002-A-RES-73-195"})
    referents = {query.cell(row[table.columns.index("referent")]) for row in table.rows}
    assert len(table.rows) >= 5
    assert all(r.endswith(" (world 2)") for r in referents)
    actor = query.run(
        world.queries["actor-references"],
        store,
        {"actor": "Global Forum on Migration and Development (world 2)"},
    )
    assert actor.rows
    real_gfmd = query.run(world.queries["actor-references"], store, {"actor": "GFMD"})
    assert real_gfmd.rows  # the acronym still names the real GFMD only


def test_a_worlds_verbatim_literals_are_in_the_sources_its_nodes_name(world: Pipeline) -> None:
    """A world's source documents name the real source files, and every quotation, wording,
    statement … of a world node is still found there (docs/data-conventions.md, rule 1)."""
    graph = world.store.union()
    files = {
        doc: str(name)
        for doc, name in graph.subject_objects(ISCM.fileName)
        if (doc, RDF.type, ISCM.SourceDocument) in graph
    }
    checked, failures = 0, []
    for prop in ("quotation", "wording", "action", "engagement", "statement", "activity"):
        for node, value in sorted(graph.subject_objects(ISCM[prop])):
            if not (isinstance(node, URIRef) and "/w002-" in str(node)):
                continue
            assert isinstance(value, Literal)
            named = [files[d] for d in graph.objects(node, PROV.wasDerivedFrom) if d in files]
            assert named, f"{node} names no source document"
            checked += 1
            if not any(verbatim.load_source(ROOT / "sources" / f).find(value) for f in named):
                failures.append(f"{node} iscm:{prop} {str(value)[:60]!r}")
    assert failures == []
    assert checked > 600  # 872 at seed 1
