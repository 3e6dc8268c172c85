"""Shared fixtures: the shipped graph, reasoned and validated once per test session, a release
built from it once, and a helper that runs a stored query and returns plain rows.

Tests never touch the user's cache: the whole session (every pytest-xdist worker included) uses
one cache folder under pytest's base temporary folder, so the shipped graph is reasoned and
validated once per run and the other workers read it from there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from iscm_kg import cache, load, query, release, resources
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"

Rows = list[dict[str, str]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the test files for the workers: those with a test marked ``slow`` first, then the
    others, each group by number of tests, most first. pytest-xdist (``--dist loadfile``) hands
    out whole files in this order, so a long file does not start last and keep one worker busy
    after the other has finished (xdist's own order, by number of tests, ran the one-test files
    of the reference engines last)."""
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)

    def order(path: Path) -> tuple[bool, int]:
        tests = files[path]
        return (not any(t.get_closest_marker("slow") for t in tests), -len(tests))

    items[:] = [item for path in sorted(files, key=order) for item in files[path]]


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Point the cache at a folder of this test run, shared by the xdist workers."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:  # pytest's tmpdir plugin disabled: a private folder
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="iscm-kg-test-cache-"))
    else:
        base = factory.getbasetemp()
        # under xdist each worker has its own base (…/popen-gw0); the run's is its parent
        root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        folder = root / "iscm-kg-cache"
    os.environ[cache.ENV] = str(folder)


@pytest.fixture(scope="session")
def cache_folder() -> Path:
    """The cache folder of this test run."""
    return Path(os.environ[cache.ENV])


@pytest.fixture(scope="session")
def scale2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic data at scale 2 (seed 1), written once per test session (per worker)."""
    from helpers import synthetic

    return synthetic().generate(2, tmp_path_factory.mktemp("synthetic") / "scale-2", seed=1)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The shipped ontology (``ontology/iscm.ttl``), parsed once per test module."""
    return load.load(resources.layout().ontology_files()).graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shipped SHACL shapes (``shapes/*.ttl``) as one graph, parsed once per test module."""
    return load.load(resources.layout().shape_files()).graph


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The shipped ontology and data, loaded and reasoned (validated only when asked)."""
    return Pipeline(resources.layout()).reason()


@pytest.fixture(scope="session")
def report(pipeline: Pipeline):
    """The SHACL validation report of the shipped data."""
    return pipeline.validate()


@pytest.fixture(scope="session")
def built(pipeline: Pipeline, report, cache_folder: Path) -> release.Release:
    """A complete release built from the shipped data, as ``iscm-kg build`` writes it: once per
    test run, by the first xdist worker that asks (the others wait on a lock, then read what it
    wrote; no test changes it)."""
    import fcntl
    import pickle

    folder = cache_folder.parent / "iscm-kg-release"
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "release.pickle"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return pickle.loads(done.read_bytes())
        made = release.build(pipeline, folder / "dist")
        done.write_bytes(pickle.dumps(made))
        return made


@pytest.fixture(scope="session")
def run_query(pipeline: Pipeline) -> Callable[..., Rows]:
    """``run_query("iscm-references", document="gcm-zero-draft-rev1")`` -> rows of plain strings."""
    store = pipeline.query_store()
    queries = query.load_queries(resources.layout().queries)

    def run(name: str, **params: str) -> Rows:
        table = query.run(queries[name], store, params)
        return [
            {column: query.cell(term) for column, term in zip(table.columns, row, strict=True)}
            for row in table.rows
        ]

    return run


@pytest.fixture(scope="session")
def rows(run_query: Callable[..., Rows]) -> Callable[..., Rows]:
    """``run_query`` with a cache: several tests read the same result (each gets a copy)."""
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], Rows] = {}

    def cached(name: str, **params: str) -> Rows:
        key = (name, tuple(sorted(params.items())))
        if key not in cache:
            cache[key] = run_query(name, **params)
        return [dict(row) for row in cache[key]]

    return cached
