"""The stored queries as HTTP resources: /queries/NAME gives the rows of ``iscm-kg query NAME``
as HTML, CSV or JSON, with the question, the parameters and the query text on the page."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pytest
from rdflib import Literal, URIRef
from server_helpers import LiveServer

from iscm_kg import query, resources
from iscm_kg.cli import main
from iscm_kg.web import query_pages

QUERIES = query.load_queries(resources.layout().queries)


def address(name: str, suffix: str = "") -> str:
    example = QUERIES[name].example
    return f"/queries/{name}{suffix}" + (f"?{urlencode(example)}" if example else "")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_csv_and_json_are_the_command_lines_rows(live: LiveServer, pipeline, name: str) -> None:
    stored = QUERIES[name]
    table = query.run(stored, pipeline.query_store(), stored.example)
    csv = live.get(address(name, ".csv"))
    assert (csv.status_code, csv.headers["content-type"]) == (200, "text/csv; charset=utf-8")
    assert csv.text == query.to_csv(table)
    as_json = live.get(address(name, ".json"))
    assert as_json.headers["content-type"] == "application/sparql-results+json"
    assert as_json.text == query.to_json(table)
    by_accept = live.get(address(name), headers={"Accept": "text/csv"})
    assert by_accept.text == csv.text


def test_csv_is_byte_identical_to_the_cli(live: LiveServer, capsys) -> None:
    code = main(["query", "objective-profile", "--param", "objective=23", "--format", "csv"])
    assert code == 0
    assert live.get("/queries/objective-profile.csv?objective=23").text == capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_html_page_shows_question_parameters_text_and_rows(
    live: LiveServer, pipeline, name: str
) -> None:
    stored = QUERIES[name]
    table = query.run(stored, pipeline.query_store(), stored.example)
    r = live.get(address(name), headers={"Accept": "text/html"})
    assert (r.status_code, r.headers["content-type"]) == (200, "text/html; charset=utf-8")
    page = r.text
    assert f"<h1>{escape(stored.title)}</h1>" in page
    assert escape(stored.description) in page
    assert f'<pre class="sparql"><code>{escape(stored.text)}</code></pre>' in page
    for param in stored.params:
        assert f'<input name="{escape(param.name)}" value=' in page
        assert escape(param.description) in page
    rows = len(table.rows)
    assert f'<p class="count">{rows} row{"s" if rows != 1 else ""} · ' in page
    assert page.count("<tr>") == rows + 1


def test_html_cells_link_iris_to_the_resource_pages() -> None:
    colombo = URIRef("https://w3id.org/iscm-kg/id/actor/colombo-process")
    assert query_pages.cell_html(colombo) == (
        '<a href="/id/actor/colombo-process">id:actor/colombo-process</a>'
    )
    outside = URIRef("http://www.wikidata.org/entity/Q5150580")
    assert query_pages.cell_html(outside) == (
        '<a href="http://www.wikidata.org/entity/Q5150580">'
        "http://www.wikidata.org/entity/Q5150580</a>"
    )
    assert query_pages.cell_html(Literal("<b> & co", lang="en")) == "&lt;b&gt; &amp; co"


def test_a_bad_parameter_is_a_400_with_the_cli_message(live: LiveServer) -> None:
    r = live.get("/queries/actor-references.csv?actor=Nowhere")
    assert (r.status_code, r.text) == (
        400,
        "actor-references: parameter 'actor': no actor or category is called 'Nowhere'.\n",
    )
    html = live.get("/queries/actor-references?actor=Nowhere", headers={"Accept": "text/html"})
    assert html.status_code == 400
    assert (
        '<p class="error" role="alert">actor-references: parameter &#x27;actor&#x27;: no actor '
        "or category is called &#x27;Nowhere&#x27;.</p>" in html.text
    )
    unknown = live.get("/queries/iscms-by-region.json?region=Asia")
    assert (unknown.status_code, unknown.text) == (
        400,
        "iscms-by-region: unknown parameter region (parameters: none).\n",
    )


def test_an_unknown_query_is_404(live: LiveServer) -> None:
    r = live.get("/queries/no-such-query.csv")
    assert (r.status_code, r.text) == (404, "No stored query named 'no-such-query'.\n")


def test_the_index_lists_every_stored_query(live: LiveServer) -> None:
    page = live.get("/queries").text
    for name, stored in QUERIES.items():
        assert f'<a href="/queries/{name}">{name}</a>: {escape(stored.title)}' in page
