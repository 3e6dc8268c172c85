"""Fixtures for the pages, plots and static site: one ``Site`` per test session."""

from __future__ import annotations

import pytest

from iscm_kg.pipeline import Pipeline
from iscm_kg.web.pages import Site


@pytest.fixture(scope="session")
def site(pipeline: Pipeline) -> Site:
    """The site of the shipped graph, indexed once."""
    return Site(pipeline)
