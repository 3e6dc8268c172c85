"""A SPARQL text is parsed once per process, and the prepared query answers on any graph."""

from __future__ import annotations

import pytest
from pyparsing import ParseException
from rdflib import Graph, Literal, Namespace, URIRef

from iscm_kg import sparql_text

EX = Namespace("http://example.org/")
TEXT = "SELECT ?o WHERE { ex:a ex:p ?o }"


def test_the_same_text_and_prefixes_give_the_same_prepared_query() -> None:
    first = sparql_text.prepare(TEXT, {"ex": EX})
    assert sparql_text.prepare(TEXT, [("ex", URIRef(str(EX)))]) is first
    other = sparql_text.prepare(TEXT, {"ex": "http://example.org/other/"})
    assert other is not first


def test_one_prepared_query_answers_on_each_graph_with_its_own_bindings() -> None:
    one, two = Graph(), Graph()
    one.add((EX.a, EX.p, Literal("one")))
    two.add((EX.a, EX.p, Literal("two")))
    prepared = sparql_text.prepare(TEXT, {"ex": EX})
    assert [row.o for row in one.query(prepared)] == [Literal("one")]
    assert [row.o for row in two.query(prepared)] == [Literal("two")]
    bound = sparql_text.prepare("SELECT ?o WHERE { ?s ex:p ?o }", {"ex": EX})
    assert [row.o for row in two.query(bound, initBindings={"s": EX.b})] == []
    assert [row.o for row in two.query(bound, initBindings={"s": EX.a})] == [Literal("two")]


def test_the_prefixes_decide_what_a_name_means() -> None:
    graph = Graph()
    graph.add((URIRef("http://example.org/other/a"), URIRef("http://example.org/other/p"), EX.x))
    other = sparql_text.prepare(TEXT, {"ex": "http://example.org/other/"})
    assert [row.o for row in graph.query(other)] == [EX.x]
    assert list(graph.query(sparql_text.prepare(TEXT, {"ex": EX}))) == []


def test_a_bad_text_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ParseException):
            sparql_text.prepare("SELECT ?o WHERE { ", {})
    with pytest.raises(Exception, match="Unknown namespace prefix : nope"):
        sparql_text.prepare("SELECT ?o WHERE { nope:a nope:b ?o }")


EX_IRI, O_IRI = "<http://example.org/>", "<http://example.org/o/>"
BODY = "SELECT ?o WHERE { ex:a ex:p ?o }"


def test_prefix_declarations_in_another_order_share_one_prepared_query() -> None:
    one = f"PREFIX ex: {EX_IRI}\nPREFIX o: {O_IRI}\n{BODY}"
    two = f"PREFIX o: {O_IRI}\n  PREFIX ex: {EX_IRI}\n{BODY}"
    assert sparql_text.prepare(two) is sparql_text.prepare(one)
    twice = f"PREFIX ex: {O_IRI}\nPREFIX ex: {EX_IRI}\n{BODY}"
    swapped = f"PREFIX ex: {EX_IRI}\nPREFIX ex: {O_IRI}\n{BODY}"
    graph = Graph()
    graph.add((EX.a, EX.p, Literal("found")))
    assert [row.o for row in graph.query(sparql_text.prepare(twice))] == [Literal("found")]
    assert list(graph.query(sparql_text.prepare(swapped))) == []  # the later declaration wins


def test_a_syntax_error_is_reported_at_its_own_line() -> None:
    text = f"PREFIX o: {O_IRI}  PREFIX ex: {EX_IRI}\nSELECT ?o WHERE {{\n ex:a ex:p ?o ."
    for _ in range(2):
        with pytest.raises(ParseException) as raised:
            sparql_text.prepare(text)
        assert raised.value.lineno == 3
