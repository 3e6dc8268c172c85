"""The command line: exit codes, messages in plain sentences, output formats, --help."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import console_script
from helpers import run_cli as run

from iscm_kg.cli import main

HERE = Path(__file__).resolve().parent
SHAPE_FIXTURES = sorted(p for p in (HERE / "shapes").iterdir() if (p / "invalid.ttl").exists())


def test_help_has_an_example_on_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """--help explains each command with an example."""
    for command in ("build", "validate", "queries", "query", "export", "stats"):
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert "Example: iscm-kg " + command in out, command
        assert "Exit codes" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--data", "NOWHERE", "validate"],
        ["validate", "--data", "NOWHERE"],
        ["--data", "NOWHERE", "stats", "--format", "json"],
        ["--quiet", "--data", "NOWHERE", "export", "--format", "nt"],
    ],
    ids=["before", "after", "before-with-options", "two-before"],
)
def test_global_options_work_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    """``--data`` is honoured in either position (it was silently dropped before the command)."""
    missing = str(tmp_path / "nowhere")
    code, out, err = run(capsys, *[missing if a == "NOWHERE" else a for a in argv])
    assert code == 2
    assert err == f"iscm-kg: The folder {missing} does not exist.\n"
    assert out == ""


def test_data_folder_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ISCM_KG_DATA stands for --data; an explicit --data wins over it."""
    monkeypatch.setenv("ISCM_KG_DATA", str(tmp_path / "from-env"))
    code, _, err = run(capsys, "stats")
    assert code == 2 and f"{tmp_path / 'from-env'} does not exist" in err
    code, _, err = run(capsys, "stats", "--data", str(tmp_path / "explicit"))
    assert code == 2 and f"{tmp_path / 'explicit'} does not exist" in err


def test_queries_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries", "--format", "json")
    assert code == 0
    listing = {q["name"]: q for q in json.loads(out)}
    assert len(listing) == len(list((HERE.parent / "queries").glob("*.rq")))
    actor = listing["actor-references"]["parameters"]
    assert actor == [
        {
            "name": "actor",
            "kind": "actor",
            "default": None,
            "required": True,
            "description": actor[0]["description"],
        }
    ]
    assert listing["entry-points"]["parameters"][0]["default"] == "A-RES-73-195"


def test_usage_errors_name_the_command_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "iscm-references", "--colour", "blue")
    assert code == 2
    assert err == (
        "iscm-kg: No such option '--colour'. Did you mean '--out'? (see 'iscm-kg query --help').\n"
    )
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert err == "iscm-kg: No such command 'frobnicate' (see 'iscm-kg --help').\n"


def test_bad_usage_is_exit_2_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "--format", "docx")
    assert code == 2
    assert err.startswith("iscm-kg: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_malformed_turtle_names_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A parse error exits 2 and names the file and the line of the error."""
    code, _, err = run(capsys, "validate", "--data", str(HERE / "cli" / "malformed-data"))
    assert code == 2
    assert "broken.ttl: line 7: malformed Turtle" in err
    assert "Traceback" not in err


def test_missing_data_folder_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "stats", "--data", str(tmp_path / "nowhere"))
    assert code == 2
    assert "does not exist" in err


def test_validate_reports_node_path_rule_and_file(capsys: pytest.CaptureFixture[str]) -> None:
    """On invalid data: exit 1, each violation with focus node, path, constraint and data file."""
    code, out, _ = run(capsys, "validate", "--data", str(HERE / "cli" / "invalid-data"))
    assert code == 1
    lines = [line for line in out.splitlines() if "id:actor/midwa" in line]
    assert any("skos:prefLabel: MinCount" in line and "actors.ttl" in line for line in lines)
    assert any("prov:wasDerivedFrom: MinCount" in line for line in lines)
    code, out, _ = run(
        capsys, "validate", "--format", "json", "--data", str(HERE / "cli" / "invalid-data")
    )
    assert code == 1
    payload = json.loads(out)
    assert payload["conforms"] is False
    first = payload["violations"][0]
    assert set(first) >= {"focus", "path", "value", "message", "component", "file"}


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.name)
def test_validate_exits_1_on_each_invalid_shape_fixture(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixture: Path
) -> None:
    """Every invalid fixture of the shape tests, given as the data, fails validation with exit 1."""
    shutil.copy(fixture / "invalid.ttl", tmp_path / "invalid.ttl")
    code, out, err = run(capsys, "validate", "--quiet", "--data", str(tmp_path))
    assert code == 1
    # a shape violation is reported on stdout; an OWL inconsistency (two disjoint types) on stderr
    assert "invalid.ttl" in out + err


def test_validate_build_and_stats_on_the_shipped_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The shipped data validates (exit 0); build writes a release; stats counts it."""
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "no violations" in out
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert stats["triples_asserted"] > 10000
    assert stats["entry_points"]["A-RES-73-195"] == {"GlobalLevel": 8, "RegionalLevel": 11}


def test_build_fails_and_writes_nothing_on_invalid_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "dist"
    code, _, err = run(
        capsys, "build", "--out", str(out_dir), "--data", str(HERE / "cli" / "invalid-data")
    )
    assert code == 1
    assert "nothing was written" in err
    assert not out_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_queries_lists_every_stored_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries")
    assert code == 0
    assert (
        "iscm-references\n    Where does a version of the compact refer to ISCMs, by wording?"
        in out
    )
    assert "--param actor=…  (actor, required)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "no-such-query"], "No stored query named 'no-such-query'"),
        (["query", "actor-references"], "the parameter 'actor' is required"),
        (["query", "entry-points", "--param", "colour=blue"], "unknown parameter colour"),
        (["query", "entry-points", "--param", "level=local"], "'local' is not a level"),
        (["query", "entry-points", "--param", "document=A-RES-99-1"], "no document 'A-RES-99-1'"),
        (
            ["query", "actor-references", "--param", "actor=Nobody"],
            "no actor or category is called",
        ),
        (["query", "entry-points", "--param", "level"], "--param needs KEY=VALUE"),
    ],
)
def test_query_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv, message
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_query_syntax_error_names_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE {\n  ?x ?y \n}\n", encoding="utf-8")
    code, _, err = run(capsys, "query", str(bad))
    assert code == 2
    assert "SPARQL syntax error at line" in err


def test_query_refuses_service(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Federated queries would reach the network: refused."""
    bad = tmp_path / "remote.rq"
    bad.write_text("SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }\n")
    code, _, err = run(capsys, "query", str(bad))
    assert code == 2 and "SERVICE" in err


def test_query_formats(capsys: pytest.CaptureFixture[str]) -> None:
    """CSV and JSON per the W3C SPARQL 1.1 results formats, Markdown, and the text table."""
    argv = ["query", "iscm-references", "--param", "document=gcm-zero-draft-rev1"]
    code, out, _ = run(capsys, *argv, "--format", "csv")
    assert code == 0
    assert "\r\n" in out
    rows = list(csv.DictReader(io.StringIO(out)))
    rcp = [r for r in rows if r["wording"] == "Regional consultative process on migration"]
    assert rcp[0]["paragraphs"] == "§44; §47; §48"
    code, out, _ = run(capsys, *argv, "--format", "json")
    payload = json.loads(out)
    assert payload["head"]["vars"] == ["wording", "referent", "paragraphs"]
    assert payload["results"]["bindings"][0]["wording"]["type"] == "literal"
    code, out, _ = run(capsys, *argv, "--format", "md")
    assert out.startswith("| wording | referent | paragraphs |\n|---|---|---|\n")
    code, out, _ = run(capsys, *argv, "--format", "table")
    assert out.rstrip().endswith(f"({len(rows)} rows)")


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    """The installed iscm-kg command exists and fails cleanly on a missing query file."""
    exe = console_script()
    proc = subprocess.run(
        [exe, "query", str(tmp_path / "missing.rq")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("iscm-kg: No query file") and "Traceback" not in proc.stderr
    assert proc.stdout == ""
