"""Every bad input is answered: the exit code, the one line on stderr (or, for a failed check,
the line of the report that names the problem), and proof that nothing was written or changed.
Then the release under stress: SIGINT and SIGTERM during a build, two builds at once, and a reader
that must always see a whole release."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import build_process as _build

from iscm_kg import release
from iscm_kg.cli import main
from iscm_kg.pipeline import Pipeline

H = (
    "@base <https://w3id.org/iscm-kg/id/> .\n"
    "@prefix iscm: <https://w3id.org/iscm-kg/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
DATA = {
    "malformed": H + '<actor/x> a iscm:Actor ;\n  skos:prefLabel "x"@en\n',
    "prefix": H + "<actor/x> a nope:Actor .\n",
    "not-utf8": (H + '<actor/x> skos:prefLabel "caf\xe9"@en .\n').encode("latin-1"),
    "dangling": H + "<ref/x> a iscm:Reference ; iscm:refersTo <actor/nobody> ; "
    'iscm:inParagraph <document/A-RES-73-195/para/47> ; iscm:wording "x"@en ; '
    "prov:wasDerivedFrom <document/iom-ipd-references-in-gcm-adopted-text> .\n",
    "disjoint": H + "<actor/x> a iscm:RegionalConsultativeProcess, iscm:GlobalProcess ; "
    'skos:prefLabel "x"@en .\n',
    "datatype": H
    + '<objective/9> a iscm:Objective ; iscm:objectiveNumber "nine"^^xsd:positiveInteger .\n',
    "duplicate-number": H + "<document/A-RES-73-195/para/47> a iscm:Paragraph ; "
    'iscm:paragraphNumber "47"^^xsd:positiveInteger, "48"^^xsd:positiveInteger .\n',
}
QUERY_FILES = {
    "syntax.rq": "SELECT ?x WHERE { ?x ?y }\n",
    "update.rq": "INSERT DATA { <urn:a> <urn:b> <urn:c> }\n",
    "service.rq": "SELECT ?x WHERE { SERVICE <http://example.org/sparql> { ?x ?y ?z } }\n",
}

# name: (argv, exit code, the line; "{t}" is the case's folder). Data and query errors go to
# stderr; for a failed check (exit 1) of `validate` the line is the report's line on stdout.
CASES: dict[str, tuple[list[str], int, str]] = {
    "malformed Turtle": (
        ["validate", "--data", "{t}/malformed"],
        2,
        "iscm-kg: {t}/malformed/x.ttl: line 8: malformed Turtle (EOF found after object).",
    ),
    "undefined prefix": (
        ["validate", "--data", "{t}/prefix"],
        2,
        'iscm-kg: {t}/prefix/x.ttl: line 6: malformed Turtle (Prefix "nope:" not bound).',
    ),
    "not UTF-8": (
        ["validate", "--data", "{t}/not-utf8"],
        2,
        "iscm-kg: {t}/not-utf8/x.ttl: not UTF-8 text (invalid continuation byte).",
    ),
    "empty data folder": (
        ["validate", "--data", "{t}/empty"],
        2,
        "iscm-kg: The folder {t}/empty holds no Turtle (.ttl) files.",
    ),
    "missing data folder": (
        ["stats", "--data", "{t}/nowhere"],
        2,
        "iscm-kg: The folder {t}/nowhere does not exist.",
    ),
    "literal of the wrong datatype": (
        ["validate", "--data", "{t}/datatype"],
        2,
        "iscm-kg: {t}/datatype/x.ttl: <https://w3id.org/iscm-kg/id/objective/9> "
        "iscm:objectiveNumber: 'nine' is not a valid xsd:positiveInteger.",
    ),
    "two disjoint classes": (
        ["validate", "--data", "{t}/disjoint"],
        1,
        "iscm-kg: The data is inconsistent with the ontology: Disjoint classes "
        "https://w3id.org/iscm-kg/ontology#RegionalConsultativeProcess and "
        "https://w3id.org/iscm-kg/ontology#GlobalProcess have a common individual "
        "https://w3id.org/iscm-kg/id/actor/x (in {t}/disjoint/x.ttl)",
    ),
    "dangling IRI": (
        ["validate", "--data", "{t}/dangling"],
        1,
        "{t}/dangling/x.ttl: id:ref/x: iscm:refersTo: Or: A reference refers to exactly one "
        "actor, concept, framework or review process",
    ),
    "duplicate paragraph number": (
        ["validate", "--data", "{t}/duplicate-number"],
        1,
        "{t}/duplicate-number/x.ttl: id:document/A-RES-73-195/para/47: iscm:paragraphNumber: "
        "MaxCount",
    ),
    "query syntax error": (
        ["query", "{t}/syntax.rq"],
        2,
        "iscm-kg: syntax: SPARQL syntax error at line 1, column 19: 'SELECT ?x WHERE { ?x ?y }'.",
    ),
    "an update": (
        ["query", "{t}/update.rq"],
        2,
        "iscm-kg: update: only SELECT queries can be run.",
    ),
    "SERVICE": (
        ["query", "{t}/service.rq"],
        2,
        "iscm-kg: service: SERVICE (federated queries) is not allowed.",
    ),
    "missing query file": (["query", "{t}/none.rq"], 2, "iscm-kg: No query file {t}/none.rq."),
    "unknown query": (
        ["query", "nope"],
        2,
        "iscm-kg: No stored query named 'nope'. 'iscm-kg queries' lists them.",
    ),
    "unknown parameter": (
        ["query", "entry-points", "--param", "colour=red"],
        2,
        "iscm-kg: entry-points: unknown parameter colour (parameters: document, level).",
    ),
    "parameter without a value": (
        ["query", "entry-points", "--param", "level"],
        2,
        "iscm-kg: --param needs KEY=VALUE, not 'level'.",
    ),
    "missing required parameter": (
        ["query", "actor-references"],
        2,
        "iscm-kg: actor-references: the parameter 'actor' is required (The actor or category: "
        "an IRI, a label or an acronym.).",
    ),
    "unknown level": (
        ["query", "entry-points", "--param", "level=local"],
        2,
        "iscm-kg: entry-points: parameter 'level': 'local' is not a level (regional, global or "
        "all).",
    ),
    "objective out of range": (
        ["query", "objective-profile", "--param", "objective=99"],
        2,
        "iscm-kg: objective-profile: parameter 'objective': '99' is not an objective number "
        "(1 to 23).",
    ),
    "unknown State": (
        ["query", "state-iscms", "--param", "state=XXX"],
        2,
        "iscm-kg: state-iscms: parameter 'state': no State with the ISO 3166-1 alpha-3 code 'XXX'.",
    ),
    "unknown document": (
        ["query", "iscm-references", "--param", "document=A-RES-99-1"],
        2,
        "iscm-kg: iscm-references: parameter 'document': no document 'A-RES-99-1' (e.g. "
        "A-RES-73-195, gcm-zero-draft-rev1).",
    ),
    "SPARQL injected in a document": (
        ["query", "iscm-references", "--param", "document=X> } ?s ?p ?o . { <x"],
        2,
        "iscm-kg: iscm-references: parameter 'document': no document 'X> } ?s ?p ?o . { <x' "
        "(e.g. A-RES-73-195, gcm-zero-draft-rev1).",
    ),
    "SPARQL injected in an actor": (
        ["query", "actor-references", "--param", 'actor=GFMD" } ?s ?p ?o . FILTER("'],
        2,
        "iscm-kg: actor-references: parameter 'actor': no actor or category is called "
        "'GFMD\" } ?s ?p ?o . FILTER(\"'.",
    ),
    "SPARQL injected in an IRI": (
        ["query", "actor-references", "--param", "actor=https://x.org/a> } ?s ?p ?o {"],
        2,
        "iscm-kg: actor-references: parameter 'actor': 'https://x.org/a> } ?s ?p ?o {' is not "
        "a valid IRI.",
    ),
    "unknown query format": (
        ["query", "entry-points", "--format", "docx"],
        2,
        "iscm-kg: Invalid value for '--format': 'docx' is not one of 'table', 'csv', 'json', "
        "'md' (see 'iscm-kg query --help').",
    ),
    "unknown export format": (
        ["export", "--format", "docx"],
        2,
        "iscm-kg: Invalid value for '--format': 'docx' is not one of 'ttl', 'nt', 'jsonld', "
        "'trig', 'xml' (see 'iscm-kg export --help').",
    ),
    "unknown command": (
        ["frobnicate"],
        2,
        "iscm-kg: No such command 'frobnicate' (see 'iscm-kg --help').",
    ),
    "bad base IRI": (
        ["export", "--format", "ttl", "--base", "ftp://x"],
        2,
        "iscm-kg: --base must be an http(s) IRI ending in / or #, not 'ftp://x'.",
    ),
    "export to an unwritable folder": (
        ["export", "--format", "ttl", "--out", "/proc/iscm-kg.ttl"],
        2,
        "iscm-kg: Cannot write /proc/iscm-kg.ttl: the folder /proc is not writable.",
    ),
    "export to a missing folder": (
        ["export", "--format", "ttl", "--out", "{t}/nowhere/kg.ttl"],
        2,
        "iscm-kg: Cannot write {t}/nowhere/kg.ttl: the folder {t}/nowhere does not exist.",
    ),
    "export onto a folder": (
        ["export", "--format", "ttl", "--out", "{t}/empty"],
        2,
        "iscm-kg: Cannot write {t}/empty: it is a folder; give a file name.",
    ),
    "export below a file": (
        ["export", "--format", "ttl", "--out", "{t}/a-file/kg.ttl"],
        2,
        "iscm-kg: Cannot write {t}/a-file/kg.ttl: {t}/a-file is not a folder.",
    ),
    "query output to an unwritable folder": (
        ["query", "entry-points", "--out", "/proc/rows.csv"],
        2,
        "iscm-kg: Cannot write /proc/rows.csv: the folder /proc is not writable.",
    ),
    "build onto a file": (
        ["build", "--out", "{t}/a-file"],
        2,
        "iscm-kg: Cannot write {t}/a-file: it is a file, not a folder.",
    ),
    "build into an unwritable folder": (
        ["build", "--out", "/proc/dist"],
        2,
        "iscm-kg: Cannot write /proc/dist: the folder /proc is not writable.",
    ),
    "build into a missing folder": (
        ["build", "--out", "{t}/nowhere/dist"],
        2,
        "iscm-kg: Cannot write {t}/nowhere/dist: the folder {t}/nowhere does not exist.",
    ),
    "endpoint that is not http": (
        ["query", "entry-points", "--endpoint", "ftp://x"],
        2,
        "iscm-kg: The endpoint must be an http(s) URL, not 'ftp://x'.",
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The case's folder: small data folders, query files, an empty folder and a plain file."""
    for name, text in DATA.items():
        (tmp_path / name).mkdir()
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (tmp_path / name / "x.ttl").write_bytes(data)
    for name, text in QUERY_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def shared_store(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs on the shipped data reuse the session's reasoned graph (the answers are the same,
    and a case takes milliseconds instead of a reasoning run)."""
    store = pipeline.query_store()
    original = Pipeline.query_store

    def query_store(self: Pipeline):
        return store if self.layout == pipeline.layout else original(self)

    monkeypatch.setattr(Pipeline, "query_store", query_store)


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file and folder under ``folders`` (links not followed), with its bytes."""
    found: dict[str, bytes] = {}
    for top in folders:
        for path in sorted(top.rglob("*")):
            found[str(path)] = path.read_bytes() if path.is_file() else b"<dir>"
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_answered_in_one_sentence(
    case: str,
    folder: Path,
    shared_store: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv, code, line = CASES[case]
    argv = [a.replace("{t}", str(folder)) for a in argv]
    line = line.replace("{t}", str(folder))
    data = Path(__file__).resolve().parents[1] / "data"
    before = snapshot(folder, data)
    quiet = ["--quiet"] if argv[0] in ("validate", "query", "export", "build", "stats") else []
    got = main([*argv, *quiet])
    out, err = capsys.readouterr()
    assert got == code
    if code == 1 and not err:  # a failed check: the report on stdout names the problem
        assert any(r.startswith(line) for r in out.splitlines()), out
    else:
        assert err == line + "\n"
    assert snapshot(folder, data) == before  # nothing written, nothing changed
    assert "Traceback" not in out + err


def test_there_are_at_least_30_cases() -> None:
    assert len(CASES) >= 30


# ------------------------------------------------------------------------ the release under stress


def _wait_for_staging(parent: Path, out: Path, proc: subprocess.Popen) -> None:
    """Until the build has made the folder of its new release beside ``out`` (it then
    validates and writes for a second or more: with tests' temporary folders in memory and a
    warm cache, waiting longer here could see the build finish)."""
    prefix = f".{out.name}."
    while proc.poll() is None:
        if any(p.name.startswith(prefix) and p.is_dir() for p in parent.iterdir()):
            return
        time.sleep(0.01)
    raise AssertionError(f"the build ended before writing: {proc.communicate()}")


@pytest.fixture
def previous(built, tmp_path: Path) -> Path:
    """A previous release as a real folder (as older versions wrote it). Its files are hard
    links to the session's release: a build never writes into a release's files, it writes a
    new release beside it (and if one did, the snapshot these tests compare would show it)."""
    out = tmp_path / "dist"
    shutil.copytree(built.out, out, copy_function=os.link)
    return out


@pytest.fixture
def sigint_as_in_a_terminal() -> Iterator[None]:
    """Ctrl-C raises ``KeyboardInterrupt`` in this process, and in the processes it starts, as
    in a terminal, even when the test run itself was started in the background: a shell starts
    a background job with SIGINT ignored, and a build started so rightly keeps ignoring it
    (``test_an_ignored_sigint_stays_ignored``)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("sigint_as_in_a_terminal")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_build_leaves_the_previous_release(
    previous: Path, tmp_path: Path, signum: int
) -> None:
    before = snapshot(previous)
    proc = _build(previous)
    _wait_for_staging(tmp_path, previous, proc)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err == "iscm-kg: interrupted.\n"
    assert snapshot(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no temporary files


class _Finalized:
    """An object whose finalizer receives a signal: Python prints the finalizer's exception
    (here the handler's ``KeyboardInterrupt``) and drops it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum

    def __del__(self) -> None:
        signal.raise_signal(self.signum)  # the handler runs before raise_signal returns


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.usefixtures("sigint_as_in_a_terminal")
def test_a_signal_lost_in_a_finalizer_still_interrupts_the_build(
    signum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert threading.current_thread() is threading.main_thread()  # where signals are handled
    dropped: list[type[BaseException] | None] = []  # what Python prints as "Exception ignored"
    monkeypatch.setattr(sys, "unraisablehook", lambda u: dropped.append(u.exc_type))
    with release._interrupts() as interrupts:
        _Finalized(signum)  # collected at once: its KeyboardInterrupt is dropped
        assert dropped == [KeyboardInterrupt]
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()  # the next artefact does not start
        with pytest.raises(KeyboardInterrupt):
            interrupts.commit()  # nor does the swap


def test_a_signal_after_the_commit_is_noted_and_the_build_goes_on() -> None:
    with release._interrupts() as interrupts:
        interrupts.commit()
        signal.raise_signal(signal.SIGTERM)  # the previous release is being removed
        interrupts.check()
    assert interrupts.received == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


def test_a_signal_while_the_previous_release_is_removed_keeps_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the build's own steps run (validation passes, one file is written, no site): the
    signal comes once the new release is linked, in the removal of the previous one."""

    class Conforms:
        conforms = True

    class Pipeline:
        def validate(self) -> Conforms:
            return Conforms()

    class NoSite:
        def __init__(self, *_: object) -> None: ...
        def start(self) -> None: ...
        def cancel(self) -> None: ...

    def write_all(_p: object, _r: object, folder: Path, *_: object) -> None:
        (folder / "index.html").write_text("new")

    removed: list[str] = []
    remove = shutil.rmtree

    def rmtree(path: Path, **kwargs: object) -> None:
        removed.append(Path(path).name)
        signal.raise_signal(signal.SIGTERM)
        remove(path, **kwargs)

    monkeypatch.setattr(release.web_site, "Background", NoSite)
    monkeypatch.setattr(release, "_write_all", write_all)
    monkeypatch.setattr(release.shutil, "rmtree", rmtree)
    (tmp_path / ".dist.previous").mkdir()
    (tmp_path / ".dist.previous" / "index.html").write_text("old")
    (tmp_path / "dist").symlink_to(".dist.previous")
    release.build(Pipeline(), tmp_path / "dist")  # type: ignore[arg-type]
    assert removed == [".dist.previous"]
    assert (tmp_path / "dist" / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name != "dist"] == [
        os.readlink(tmp_path / "dist")
    ]


def test_an_ignored_sigint_stays_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a job started with "&"
    try:
        with release._interrupts():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_two_builds_at_once_and_a_reader_that_always_sees_a_whole_release(
    previous: Path, tmp_path: Path
) -> None:
    """The first build replaces the release (migrating the real folder to a link to a release
    folder) while a reader polls index.html; a second build into the same folder is refused at
    once and changes nothing."""
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                page = (previous / "index.html").read_text(encoding="utf-8")
                if not page.rstrip().endswith("</html>"):
                    failures.append("half a page")
            except OSError as exc:
                failures.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        first = _build(previous)
        _wait_for_staging(tmp_path, previous, first)
        second = _build(previous)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert err == (
            f"iscm-kg: Another build is writing into {tmp_path}; run this one when it has "
            "finished.\n"
        )
        assert first.wait(timeout=600) == 0, first.communicate()
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert previous.is_symlink() and (previous / "index.html").is_file()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[1] == "dist"  # the link and the one release folder
    assert os.readlink(previous) == names[0]
