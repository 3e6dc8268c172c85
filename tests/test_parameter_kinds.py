"""Parameter kinds are data: a value is looked up in the graph by the kind the graph declares
(``queries/catalog.ttl``), and the messages list the values the graph has.

A data folder with one more objective and one more level takes them as parameter values with no
change to the code; the stored queries' catalogue is loaded from the ``.rq`` files like Turtle.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH

from iscm_kg import load, resources
from iscm_kg.errors import QueryError
from iscm_kg.namespaces import ID, ISCM
from iscm_kg.pipeline import Pipeline
from iscm_kg.queries.catalog import query_graph
from iscm_kg.queries.parameters import resolve_params
from iscm_kg.queries.runner import run
from iscm_kg.queries.stored import Param, StoredQuery, load_queries, parse_query_file

QUERIES = load_queries(resources.layout().queries)
DCAT_CATALOG = URIRef("http://www.w3.org/ns/dcat#Catalog")

EXTRA = """@base <https://w3id.org/iscm-kg/id/> .
@prefix iscm: <https://w3id.org/iscm-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

<objective/24> a iscm:Objective ;
    iscm:objectiveNumber "24"^^xsd:positiveInteger ; skos:notation "24" ;
    skos:prefLabel "A test objective"@en .

<level/subregional> a iscm:Level ;
    rdfs:label "subregional"@en .
"""


def _query(kind: str) -> StoredQuery:
    """A query with one parameter ``x`` of ``kind``."""
    return StoredQuery(
        name="q",
        path=Path("q.rq"),
        title="q",
        description="",
        keywords=(),
        params=(Param("x", kind, None, "a value", "x"),),
        text="SELECT ?x WHERE { }",
    )


def _resolve(store, kind: str, raw: str):
    return resolve_params(_query(kind), {"x": raw}, store).get("x")


def test_values_resolve_to_the_terms_the_fixed_tables_gave(pipeline: Pipeline) -> None:
    """The lookups give what the Python tables of the former query module gave."""
    store = pipeline.query_store()
    for n in range(1, 24):
        assert _resolve(store, "objective", str(n)) == ID[f"objective/{n}"]
    assert _resolve(store, "level", "Regional") == ISCM.RegionalLevel
    assert _resolve(store, "level", "global") == ISCM.GlobalLevel
    assert _resolve(store, "level", "ALL") is None
    assert _resolve(store, "iscm-type", "rcp") == ISCM.RegionalConsultativeProcess
    assert _resolve(store, "iscm-type", "IRF") == ISCM.InterRegionalForum
    assert _resolve(store, "iscm-type", "global") == ISCM.GlobalProcess
    assert _resolve(store, "iscm-type", "all") is None
    assert _resolve(store, "state", "sen") == ID["state/SEN"]
    assert _resolve(store, "document", "gcm-zero-draft-rev1") == ID["document/gcm-zero-draft-rev1"]
    assert _resolve(store, "actor", "GFMD") == ID["actor/gfmd"]
    assert _resolve(store, "actor", str(ID["actor/idm"])) == ID["actor/idm"]
    assert _resolve(store, "text", " as it is") == Literal("as it is")


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("level", "local", "'local' is not a level (regional, global or all)."),
        ("iscm-type", "x", "'x' is not an ISCM type (global, irf, rcp or all)."),
        ("objective", "0", "'0' is not an objective number (1 to 23)."),
        ("objective", "6b", "'6b' is not an objective number (1 to 23)."),
        ("state", "XXX", "no State with the ISO 3166-1 alpha-3 code 'XXX'."),
        ("document", "A-RES-1", "no document 'A-RES-1' (e.g. A-RES-73-195, gcm-zero-draft-rev1)."),
        ("actor", "Nobody", "no actor or category is called 'Nobody'."),
        (
            "actor",
            str(ID["document/A-RES-73-195"]),
            f"no actor or category in the graph has the IRI {ID['document/A-RES-73-195']}.",
        ),
        ("level", "https://x.org/a b", "'https://x.org/a b' is not a valid IRI."),
        ("colour", "red", "the graph declares no parameter kind 'colour'."),
    ],
)
def test_a_value_the_graph_does_not_have_is_one_sentence(
    pipeline: Pipeline, kind: str, raw: str, message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        _resolve(pipeline.query_store(), kind, raw)
    assert str(caught.value) == f"q: parameter 'x': {message}"


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The shipped data and one file more: an objective 24 and a subregional level."""
    data = tmp_path_factory.mktemp("extended") / "data"
    shutil.copytree(resources.layout().data, data)
    (data / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    return Pipeline(resources.layout(data), cache=None).reason()


def test_a_new_objective_in_the_data_is_a_value(extended: Pipeline) -> None:
    store = extended.query_store()
    table = run(QUERIES["objective-profile"], store, {"objective": "24"})
    assert [[str(t) for t in row[:2]] for row in table.rows] == [["title", "A test objective"]]
    with pytest.raises(QueryError) as caught:
        run(QUERIES["objective-profile"], store, {"objective": "25"})
    assert str(caught.value) == (
        "objective-profile: parameter 'objective': '25' is not an objective number (1 to 24)."
    )


def test_a_new_level_in_the_data_is_a_value(extended: Pipeline) -> None:
    store = extended.query_store()
    assert _resolve(store, "level", "subregional") == ID["level/subregional"]
    assert run(QUERIES["entry-points"], store, {"level": "subregional"}).rows == []
    with pytest.raises(QueryError) as caught:
        run(QUERIES["entry-points"], store, {"level": "local"})
    assert str(caught.value) == (
        "entry-points: parameter 'level': 'local' is not a level "
        "(regional, global, subregional or all)."
    )


def test_the_load_stage_reads_query_files_like_turtle() -> None:
    """Each .rq file is the origin of its query's triples; the catalogue's Turtle of its own."""
    folder = resources.layout().queries
    catalog, rq = folder / "catalog.ttl", folder / "entry-points.rq"
    loaded = load.load([catalog, rq])
    node = ID["query/entry-points"]
    assert loaded.origin_of(node) == [rq]
    assert loaded.origin_of(ID["query/entry-points/parameter/level"]) == [rq]
    assert loaded.origin_of(ID["query"]) == [catalog, rq]  # its type and label; hasPart
    assert (ID["query"], RDF.type, DCAT_CATALOG) in loaded.graph
    assert (node, SH.select, Literal(rq.read_text(encoding="utf-8"))) in loaded.graph
    assert set(query_graph(parse_query_file(rq))) <= set(loaded.graph)
    kinds = set(loaded.graph.subjects(RDF.type, ISCM.ParameterKind))
    assert kinds == {URIRef(f"{ID}parameter-kind/{k}") for k in _kind_names()}


def _kind_names() -> set[str]:
    return {p.kind for q in QUERIES.values() for p in q.params} | {"text"}
