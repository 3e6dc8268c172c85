"""The table of artefacts and the release agree: every artefact of the table is written, each one
marked ``described`` is a distribution of ``void.ttl`` with its media type, size and SHA-256, and
no file of the release is outside the table (only ``void.ttl``, ``ontology.html``, ``index.html``
and the static site are written but not described). Then the parts the table's writers use: the
expansion of "{query}", and the ontology documentation (pyLODE in its own process)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from helpers import files
from rdflib import Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, VOID

from iscm_kg import artefacts, description, ontology_docs, resources
from iscm_kg.errors import CheckFailed
from iscm_kg.namespaces import ID, SPDX

UNDESCRIBED = {"site", "void.ttl", "ontology.html", "index.html"}


@pytest.fixture(scope="module")
def table(pipeline) -> list[artefacts.Artefact]:
    return list(artefacts.expand(artefacts.TABLE, pipeline.queries))


@pytest.fixture(scope="module")
def distributions(built) -> dict[str, dict[str, str]]:
    """void.ttl's distributions: title -> media type, byte size and SHA-256, as strings."""
    void = Graph().parse(built.out / "void.ttl")
    found = {}
    for dist in void.objects(ID["dataset"], DCAT.distribution):
        checksum = void.value(dist, SPDX.checksum)
        found[str(void.value(dist, DCTERMS.title))] = {
            "media": str(void.value(dist, DCAT.mediaType)).rsplit("/media-types/", 1)[1],
            "size": str(void.value(dist, DCAT.byteSize)),
            "sha256": str(void.value(checksum, SPDX.checksumValue)),
        }
    return found


def test_every_artefact_is_written(built, table) -> None:
    on_disk = files(built.out)
    for artefact in table:
        if artefact.is_folder:
            inside = [n for n in on_disk if n.startswith(artefact.name + "/")]
            assert inside and sorted(inside) == sorted(
                n for n in built.files if n.startswith(artefact.name + "/")
            ), artefact.name
        else:
            assert artefact.name in on_disk and artefact.name in built.files, artefact.name


def test_every_described_artefact_is_a_distribution_with_its_checksum(
    built, table, distributions
) -> None:
    described = [a for a in table if a.described]
    assert sorted(a.name for a in described) == sorted(distributions)
    for artefact in described:
        data = (built.out / artefact.name).read_bytes()
        assert distributions[artefact.name] == {
            "media": artefact.media_type,
            "size": str(len(data)),
            "sha256": hashlib.sha256(data).hexdigest(),
        }, artefact.name


def test_no_file_of_the_release_is_outside_the_table(built, table) -> None:
    names = {a.name for a in table}
    for name in files(built.out):
        assert name in names or name.split("/", 1)[0] in names, name
    assert {a.name for a in table if not a.described} == UNDESCRIBED


def test_the_table_in_numbers(table, pipeline) -> None:
    """Ten graph files (five formats, twice), five more exports, one CSV per stored query, the
    site, the description, the ontology's page and the index, in that order."""
    names = [a.name for a in table]
    assert len(pipeline.queries) == 28
    assert len(names) == len(set(names)) == 10 + 5 + 28 + 4
    assert names[:2] == ["iscm-kg.ttl", "iscm-kg-inferred.ttl"]
    assert names[15:18] == [
        "queries/actor-references.csv",
        "queries/count-claims.csv",
        "queries/entry-point-changes.csv",
    ]
    assert names[-4:] == ["site", "void.ttl", "ontology.html", "index.html"]
    dumps = sorted(a.name for a in table if a.dump)
    assert dumps == sorted(
        f"iscm-kg{s}.{e}" for s in ("", "-inferred") for e in ("ttl", "nt", "jsonld", "rdf")
    )


def test_void_states_the_data_dumps(built) -> None:
    void = Graph().parse(built.out / "void.ttl")
    version = str(void.value(ID["dataset"], description.DCAT_VERSION))
    dumps = sorted(str(o) for o in void.objects(ID["dataset"], VOID.dataDump))
    base = f"https://w3id.org/iscm-kg/release/{version}/"
    assert dumps == sorted(
        base + f"iscm-kg{s}.{e}" for s in ("", "-inferred") for e in ("jsonld", "nt", "rdf", "ttl")
    )
    assert void.value(ID["dataset/distribution/queries/iscms.csv"], DCTERMS.title) == Literal(
        "queries/iscms.csv"
    )


def test_expand_repeats_query_entries_in_name_order() -> None:
    entry = artefacts.Artefact("queries/{query}.csv", ("stored query",), "text/csv", print)
    other = artefacts.Artefact("a.ttl", (), "text/turtle", print)
    got = [(a.name, a.item) for a in artefacts.expand([other, entry], ["b", "a"])]
    assert got == [("a.ttl", ""), ("queries/a.csv", "a"), ("queries/b.csv", "b")]


# ---- the ontology documentation ---------------------------------------------------------------


def test_sort_class_sets_sorts_the_members_of_a_list() -> None:
    cell = (
        '<td>\n  <a href="#B">B</a>\n  <span class="cardinality">or</span>\n'
        '  <a href="#A">A</a>\n</td>'
    )
    assert ontology_docs.sort_class_sets(cell) == (
        '<td>\n  <a href="#A">A</a>\n  <span class="cardinality">or</span>\n'
        '  <a href="#B">B</a>\n</td>'
    )
    mixed = (
        '<td>B <span class="cardinality">or</span> A <span class="cardinality">and</span> C</td>'
    )
    assert ontology_docs.sort_class_sets(mixed) == mixed  # "or" and "and" mixed: left alone


def test_the_module_run_alone_gives_the_release_page(built) -> None:
    """``python -m iscm_kg.ontology_docs FILE`` with the hash seed ``start`` gives it writes the
    page the release holds."""
    ontology = [str(p) for p in resources.layout().ontology_files()]
    proc = subprocess.run(
        [sys.executable, "-m", "iscm_kg.ontology_docs", *ontology],
        env=dict(os.environ, PYTHONHASHSEED=ontology_docs.HASH_SEED),
        capture_output=True,
        check=True,
    )
    assert proc.stdout == (built.out / "ontology.html").read_bytes()


def test_a_failure_of_pylode_is_a_failed_check(tmp_path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    proc = ontology_docs.start([broken])
    with pytest.raises(CheckFailed) as caught:
        ontology_docs.finish(proc)
    assert str(caught.value).startswith("pyLODE could not document the ontology: ")
