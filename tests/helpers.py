"""Helpers shared by the test files (``from helpers import …``; ``tests/`` is on the path).

Rows and cells of the golden query tests, the reference tables, the files of a folder, a copy of
the shipped data, the command line in this process or another, and a free loopback port.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from iscm_kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = ROOT / "reference"
SYNTHETIC = ROOT / "benchmarks" / "synthetic.py"

Rows = list[dict[str, str]]


# ---- rows and cells of the stored queries ----------------------------------------------------


def project(table: Rows, *columns: str) -> list[tuple[str, ...]]:
    """The chosen columns of every row, in row order."""
    return [tuple(row[c] for c in columns) for row in table]


def split(cell: str) -> list[str]:
    """A "; "-joined cell as a list ("" is the empty list)."""
    return cell.split("; ") if cell else []


def split_set(cell: str) -> set[str]:
    """A "; "-joined cell as a set ("" is the empty set)."""
    return set(split(cell))


# ---- the reference tables (reference/*.tsv) ---------------------------------------------------


def read_tsv(name: str) -> Rows:
    """The rows of ``reference/NAME`` (tab-separated, a header line)."""
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def objective_titles() -> dict[int, str]:
    """Official titles, from reference/objectives.tsv."""
    return {int(r["number"]): r["title"] for r in read_tsv("objectives.tsv")}


# ---- folders and files ------------------------------------------------------------------------


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links followed at the top), by POSIX path relative to it."""
    folder = Path(folder)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_data(target: Path) -> Path:
    """A copy of the shipped data folder at ``target`` (which must not exist), for a test to
    change."""
    shutil.copytree(DATA, target)
    return target


# ---- graphs ------------------------------------------------------------------------------------


def split_blank(graph):
    """(the triples without a blank node as a set, the triples with one as a graph)."""
    from rdflib import BNode, Graph

    ground, blank = set(), Graph()
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            blank.add(triple)
        else:
            ground.add(triple)
    return ground, blank


def same_graph(one, other) -> bool:
    """``rdflib.compare.isomorphic(one, other)``, faster on graphs with few blank nodes.

    A blank-node bijection leaves every triple without blank nodes unchanged, so two graphs are
    isomorphic exactly when their ground triples are equal and their triples with blank nodes
    are isomorphic; rdflib's canonical hashing then runs on those few triples only."""
    from rdflib.compare import isomorphic

    (ground, blank), (other_ground, other_blank) = split_blank(one), split_blank(other)
    return ground == other_ground and isomorphic(blank, other_blank)


# ---- SHACL reports ------------------------------------------------------------------------------


def report_results(graph) -> list[tuple]:
    """Every result of a SHACL report as its field values: focus, path, value, component,
    shape, severity, message (a blank node, an anonymous shape or path, as '_'), sorted."""
    from rdflib import BNode
    from rdflib.namespace import RDF, SH

    fields = (
        SH.focusNode,
        SH.resultPath,
        SH.value,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.resultSeverity,
        SH.resultMessage,
    )
    out = []
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        values = tuple(graph.value(result, f) for f in fields)
        out.append(tuple("_" if isinstance(v, BNode) else v for v in values))
    return sorted(out, key=repr)


def plain_pyshacl(data, shapes) -> tuple[bool, list[tuple]]:
    """The reference: a plain ``pyshacl.validate`` call on a plain graph, as the pipeline made it
    before the speed-up; (conforms, ``report_results``)."""
    import pyshacl
    from rdflib import Graph

    shapes_copy = Graph()
    shapes_copy += shapes
    plain = Graph()  # the pipeline's union of graphs is a view (``store.UnionStore``)
    plain += data
    conforms, graph, _ = pyshacl.validate(
        plain,
        shacl_graph=shapes_copy,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return conforms, report_results(graph)


# ---- the command line -------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``iscm-kg ARGV`` in this process: the exit code, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def console_script() -> str:
    """The installed ``iscm-kg`` command."""
    return shutil.which("iscm-kg") or str(Path(sys.executable).with_name("iscm-kg"))


def build_process(out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``iscm-kg build --quiet --out OUT`` in another process, on this checkout's code; its
    standard output and error are captured as text."""
    env = dict(os.environ if env is None else env, PYTHONPATH=str(ROOT / "src"))
    return subprocess.Popen(
        [sys.executable, "-m", "iscm_kg.cli", "build", "--quiet", "--out", str(out), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the synthetic data of the benchmarks ----------------------------------------------------


def synthetic():
    """``benchmarks/synthetic.py`` as a module (it is a script, not part of the package)."""
    import importlib.util

    module = sys.modules.get("synthetic")
    if module is None:
        spec = importlib.util.spec_from_file_location("synthetic", SYNTHETIC)
        module = sys.modules["synthetic"] = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module
