"""The static site's fast paths give what the plain ones give: the index of the graph against
rdflib's own look-ups, the JSON-LD value order against ``json.dumps``, every written file against
the page, RDF and plot a fresh ``Site`` gives for its path, the site written in the background
against the one written here; the garbage collector is left as it was found, and a cancelled
background site stops whole."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from iscm_kg.web import site as site_module
from iscm_kg.web.facts import Facts, Lit, Statement, no_gc, sort_key
from iscm_kg.web.pages import ASSETS, Site
from iscm_kg.web.rdf import MEDIA_TYPES, _jsonld, json_order


def _plain(term) -> str | Lit:
    """A term as the index keeps it, by the plain rdflib API."""
    if isinstance(term, Literal):
        if term.language:
            return Lit(str(term), term.language, "")
        return Lit(str(term), "", str(term.datatype or XSD.string))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def test_the_index_holds_what_rdflib_finds(pipeline) -> None:
    """Every node's statements (out and in) and every property's values, in their order, are
    the ones rdflib's triple patterns give, sorted the documented way."""
    facts = Facts(pipeline.asserted, pipeline.inferred)
    asserted, inferred = pipeline.asserted, pipeline.inferred
    subjects = set(asserted.subjects()) | set(inferred.subjects())
    assert len(subjects) > 2000
    for node in subjects:
        expected = []
        for graph, is_inferred in ((asserted, False), (inferred, True)):
            for _, p, o in graph.triples((node, None, None)):
                if is_inferred and (node, p, o) in asserted:
                    continue
                expected.append(Statement(str(p), _plain(o), is_inferred))
        expected.sort(key=lambda s: (s.predicate, sort_key(s.other), s.inferred))
        key = _plain(node)
        assert facts.out(key) == expected, node
        for predicate in {s.predicate for s in expected}:
            values = [s.other for s in expected if s.predicate == predicate]
            assert facts.objects(key, predicate) == sorted(values, key=sort_key), (node, predicate)
    objects = {o for g in (asserted, inferred) for o in g.objects() if isinstance(o, URIRef)}
    for node in objects:
        expected = []
        for graph, is_inferred in ((asserted, False), (inferred, True)):
            for s, p, _ in graph.triples((None, None, node)):
                if is_inferred and (s, p, node) in asserted:
                    continue
                expected.append(Statement(str(p), _plain(s), is_inferred))
        expected.sort(key=lambda s: (s.predicate, sort_key(s.other), s.inferred))
        assert facts.into(str(node)) == expected, node


def test_a_literal_subclass_and_a_blank_node_are_indexed_like_the_rest() -> None:
    """Terms of a subclass of rdflib's classes take the slow path, with the same result."""

    class MyIRI(URIRef):
        pass

    graph = Graph()
    subject = URIRef("https://w3id.org/iscm-kg/id/x")
    graph.add((subject, MyIRI("http://example.org/p"), BNode("b1")))
    graph.add((subject, URIRef("http://example.org/q"), Literal("5", datatype=XSD.integer)))
    graph.add((subject, URIRef("http://example.org/q"), Literal("cinq", lang="fr")))
    facts = Facts(graph, Graph())
    assert facts.out(str(subject)) == [
        Statement("http://example.org/p", "_:b1", False),
        Statement("http://example.org/q", Lit("5", "", str(XSD.integer)), False),
        Statement("http://example.org/q", Lit("cinq", "fr", ""), False),
    ]


TRICKY = ['say "hi"', "back\\slash", "tab\there", "line\nbreak", "\x01\x1f", "é ü ß", "😀", ""]


@pytest.mark.parametrize("text", TRICKY)
def test_json_order_is_json_dumps(text: str) -> None:
    for value in (
        text,
        {"@id": text},
        {"@value": text},
        {"@value": text, "@language": "en"},
        {"@value": text, "@type": f"xsd:{text}"},
    ):
        assert json_order(value) == json.dumps(value, sort_keys=True, ensure_ascii=False)


def test_json_order_is_json_dumps_for_every_value_of_the_graph(site: Site) -> None:
    """The values of every resource's JSON-LD sort exactly as ``json.dumps`` keys sort them."""
    checked = 0
    for iri in site.facts.resources:
        document = json.loads(_jsonld(iri, site.facts.out(iri)))
        for key, values in document.items():
            if key == "@context" or not isinstance(values, list):
                continue
            keys = [json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values]
            assert [json_order(v) for v in values] == keys
            assert keys == sorted(keys), (iri, key)
            checked += len(values)
    assert checked > 10000


def test_every_written_file_is_what_a_fresh_site_gives(built, pipeline) -> None:
    """The release's site (written by forked processes, each resource's three RDF files from
    one conversion, links rendered once per depth) holds, file for file, the bytes that a new
    ``Site`` gives for each path one call at a time, asked in the reverse order."""
    folder = Path(built.out) / "site"
    fresh = Site(pipeline)
    expected: dict[str, bytes] = {}
    for path in reversed(fresh.paths()):
        page = path + ("index.html" if path.endswith("/") else "/index.html")
        expected[page[1:]] = fresh.page(path, static=True) or b""
        if path.startswith("/id/"):
            for fmt in MEDIA_TYPES:
                expected[page[1:].removesuffix("html") + fmt] = fresh.rdf(path, fmt) or b""
    for name in fresh.plot_names():
        expected[f"plots/{name}.svg"] = fresh.plot(name) or b""
    for name in ASSETS:
        expected[f"assets/{name}"] = fresh.asset(name) or b""
    on_disk = {
        p.relative_to(folder).as_posix(): p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith("htaccess")
    }
    assert sorted(on_disk) == sorted(expected)
    different = [name for name, data in expected.items() if on_disk[name].read_bytes() != data]
    assert different == []


def test_no_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with no_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_writing_the_site_leaves_nothing_frozen(pipeline, site: Site, tmp_path: Path) -> None:
    """The site freezes the objects alive before it while it writes, and thaws them after."""
    assert gc.get_freeze_count() == 0
    site_module.write(pipeline, tmp_path / "site", site, workers=1)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_the_site_written_in_the_background_is_the_same(
    pipeline, site: Site, tmp_path: Path
) -> None:
    """``Background`` (a forked process, as the release build runs it beside validation) writes
    the files, byte for byte, that ``write`` writes in this process."""
    pending = site_module.Background(pipeline, tmp_path / "background" / "site")
    pending.start()
    assert pending._process is not None
    here = site_module.write(pipeline, tmp_path / "here" / "site", site, workers=1)
    assert pending.wait() == here
    for name in here:
        assert (tmp_path / "background" / name).read_bytes() == (
            tmp_path / "here" / name
        ).read_bytes()


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state, ppid, pgrp, …); None for a
    process that has ended or is a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # it has ended meanwhile
        return None
    return None if fields[0] == "Z" else fields


def _processes(field: int, value: int) -> set[int]:
    """The live processes (zombies excluded) whose parent (``field`` 1) or process group
    (``field`` 2) is ``value``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None and int(fields[field]) == value:
            found.add(int(entry.name))
    return found


def _group(pgid: int) -> set[int]:
    return _processes(2, pgid)


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if _stat(pid) is not None}


def _gone(pgid: int, workers: set[int]) -> bool:
    """True once no process of the group and none of the workers seen is left (init reaps the
    killed workers)."""
    deadline = time.monotonic() + 30
    while (_group(pgid) or _alive(workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _group(pgid) and not _alive(workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_cancel_stops_the_writer_and_its_workers(pipeline, tmp_path: Path) -> None:
    """Cancelled while it writes, the process and its pool stop: no process of its group is
    left and no file appears afterwards."""
    folder = tmp_path / "site"
    pending = site_module.Background(pipeline, folder, workers=2)
    pending.start()
    assert pending._process is not None
    pid = pending._process.pid
    deadline = time.monotonic() + 60
    try:  # until the process and its two workers write pages
        while len(_group(pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        while not any((folder / "id").glob("*/*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(_group(pid)) == 3 and any((folder / "id").glob("*/*"))
        workers = _processes(1, pid)
        assert len(workers) == 2
    finally:
        pending.cancel()
    assert not pending._process.is_alive() and pending._process.exitcode == -9
    assert _gone(pid, workers)
    written = sorted(p for p in folder.rglob("*"))
    time.sleep(1.0)
    assert sorted(p for p in folder.rglob("*")) == written


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("after", [0.0, 0.05, 0.2, 0.5])
def test_cancel_at_any_moment_leaves_no_process(pipeline, tmp_path: Path, after: float) -> None:
    """Cancelled at once, or while its pool is being forked: the cancel returns with every
    process of the group stopped (a SIGTERM unwound by an exception used to land in a fork's
    lock handling, hang the process and leave its workers behind)."""
    pending = site_module.Background(pipeline, tmp_path / "site", workers=2)
    pending.start()
    assert pending._process is not None
    time.sleep(after)
    workers = _processes(1, pending._process.pid)
    pending.cancel()
    assert not pending._process.is_alive()
    assert _gone(pending._process.pid, workers)


def test_an_error_in_the_background_is_raised_by_wait(pipeline, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    pending = site_module.Background(pipeline, tmp_path / "a-file" / "site")
    pending.start()
    with pytest.raises(NotADirectoryError):
        pending.wait()
