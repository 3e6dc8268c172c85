"""Fixtures for the web tests: one ``Site`` per test session (pages, plots, static site), and
servers built from the session's reasoned graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_helpers import LiveServer, StubSite, start_server

from iscm_kg.pipeline import Pipeline
from iscm_kg.web.app import Settings
from iscm_kg.web.pages import Site


@pytest.fixture(scope="session")
def site(pipeline: Pipeline) -> Site:
    """The site of the shipped graph, indexed once."""
    return Site(pipeline)


@pytest.fixture(scope="session")
def stub_site() -> StubSite:
    return StubSite()


@pytest.fixture(scope="session")
def live(pipeline, stub_site: StubSite) -> Iterator[LiveServer]:
    """The server with its default limits (the resource pages stubbed)."""
    yield from start_server(pipeline, Settings(), site=stub_site)


@pytest.fixture(scope="session")
def strict(pipeline) -> Iterator[LiveServer]:
    """A server with tight limits: 1.5 s per query, 10 kB of query text, 100 kB of results."""
    settings = Settings(timeout=1.5, max_query_bytes=10_000, max_result_bytes=100_000)
    yield from start_server(pipeline, settings, site=StubSite())


@pytest.fixture(scope="session")
def site_live(pipeline) -> Iterator[LiveServer]:
    """The server as ``iscm-kg serve`` runs it, with the resource pages."""
    yield from start_server(pipeline, Settings())
