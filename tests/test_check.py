"""``iscm-kg check``: the focused check gives the verdict of the full validation.

Two kinds of evidence. (1) Every invalid shape fixture (tests/shapes/*/invalid.ttl), added as a
new file next to its valid.ttl: what ``check`` reports is exactly what the full validation reports
for the nodes it checked, and every other result of the full validation was already there before
the file was added. (2) A copy of the real data with edits in different files (a wrong link, a
changed quotation, a removed label, a changed objective that subparagraphs inherit, a deleted file,
a valid addition, a reordered file): each edit's check finds exactly its own problems, and
together they find every result of the full ``iscm-kg validate``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import copy_data
from rdflib import Graph
from rdflib.namespace import RDF, SH

from iscm_kg import check, fidelity, load, resources, validate
from iscm_kg.cli import main
from iscm_kg.namespaces import ID, ISCM
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
CASES = sorted(f.name for f in FIXTURES.iterdir() if f.is_dir())

Result = tuple[str, str, str, str]  # focus, path, component, named shape


def results(graph: Graph, shapes: Graph) -> set[Result]:
    """Every top-level result of a report, as comparable strings (blank nodes resolved)."""
    out = set()
    for r in graph.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in graph:
            continue
        path = graph.value(r, SH.resultPath)
        inverse = graph.value(path, SH.inversePath) if path is not None else None
        shape = check._named(shapes, graph.value(r, SH.sourceShape))
        out.add(
            (
                str(graph.value(r, SH.focusNode)).removeprefix(str(ID)),
                f"^{inverse}" if inverse is not None else str(path or ""),
                str(graph.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
                str(shape or ""),
            )
        )
    return out


def full(graph: Graph, shapes: Graph, loaded) -> set[Result]:
    report = validate.validate(graph, shapes, loaded)
    report = fidelity.extend(report, graph, loaded)
    return results(report.results_graph, shapes)


# ------------------------------------------------------------------------ the shape fixtures


@pytest.mark.parametrize("name", CASES)
def test_check_agrees_with_validate_on_invalid_fixture(
    name: str, shapes: Graph, tmp_path: Path
) -> None:
    """invalid.ttl added next to valid.ttl: check = full validation on the nodes it checks, and
    the full validation finds nothing else that was not there before."""
    for fixture in ("valid.ttl", "invalid.ttl"):
        shutil.copy(FIXTURES / name / fixture, tmp_path / fixture)
    ontology = resources.layout().ontology_files()
    before_loaded = load.load([*ontology, tmp_path / "valid.ttl"])
    after_loaded = load.load([*ontology, tmp_path / "valid.ttl", tmp_path / "invalid.ttl"])
    before = full(before_loaded.graph, shapes, before_loaded)
    after = full(after_loaded.graph, shapes, after_loaded)

    outcome = check.check_graph(
        after_loaded.graph,
        shapes,
        after_loaded,
        tmp_path,
        [check.Change(tmp_path / "invalid.ttl", True, None)],
    )
    found = results(outcome.results, shapes)
    assert outcome.focus is not None
    checked = {str(n).removeprefix(str(ID)) for n in outcome.focus}
    assert found, "the invalid fixture must give problems"
    assert found == {r for r in after if r[0] in checked}
    assert after - found <= before
    assert {p.node for p in outcome.problems} == {r[0] for r in found}


# ------------------------------------------------------------------------- the real data


def _replace(old: str, new: str, count: int = 1):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return edit


def _drop_statement(subject: str):
    def edit(text: str) -> str:
        start = text.index(f"\n{subject} ") + 1
        end = text.index(" .\n", start) + 3
        return text[:start] + text[end:]

    return edit


def _reorder(text: str) -> str:
    blocks = text.split("\n\n")
    head = [b for b in blocks if b.lstrip().startswith(("@", "#"))]
    body = [b for b in blocks if b not in head]
    return "\n\n".join(head + body[::-1]) + "\n"


def _copy_reference(text: str) -> str:
    start = text.index("<ref/adopted/iscms/16> a")
    block = text[start : text.index(" .\n", start) + 3]
    return text + "\n" + block.replace("<ref/adopted/iscms/16>", "<ref/adopted/iscms/99>")


QUOTE = "regional consultative processes and other global, regional and subregional forums"
EDITS = {
    # a membership of a State that does not exist
    "wrong-link": (
        "reference/memberships.ttl",
        _replace("org:member <state/AGO> ;", "org:member <state/XAG> ;"),
    ),
    # a quotation that is not in the source
    "quotation": (
        "adopted-text/references.ttl",
        _replace(QUOTE, "regional consultative processes and other national forums"),
    ),
    # an actor without its name
    "no-name": (
        "common/actors.ttl",
        _replace(
            'skos:prefLabel "International Centre for Migration Policy Development"@en ;\n', ""
        ),
    ),
    # a paragraph under the wrong objective: its subparagraphs inherit it (a property chain)
    "objective": (
        "cross-source/paragraphs.ttl",
        _replace(
            "<document/A-RES-73-195/para/22> a iscm:Paragraph ;",
            "<document/A-RES-73-195/para/22> a iscm:Paragraph ;\n"
            "    iscm:objective <objective/7> ;",
        ),
    ),
    # a deleted file whose claims other files point to
    "deleted": ("adopted-text/summaries.ttl", None),
    # valid: one more reference, a copy of a faithful one under a new IRI
    "valid-addition": ("adopted-text/stakeholders.ttl", None),
    # valid: the same statements in another order
    "reordered": ("common/objectives.ttl", _reorder),
}


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory):
    """A copy of the data with every edit applied, reasoned and validated once."""
    data = copy_data(tmp_path_factory.mktemp("edited") / "data")
    originals = {}
    for name, (rel, edit) in EDITS.items():
        path = data / rel
        originals[name] = path.read_text(encoding="utf-8")
        if name == "deleted":
            path.unlink()
        elif name == "valid-addition":
            refs = (data / "adopted-text" / "references.ttl").read_text(encoding="utf-8")
            block = _copy_reference(refs)[len(refs) :]
            path.write_text(originals[name] + block, encoding="utf-8")
        else:
            path.write_text(edit(originals[name]), encoding="utf-8")
    # no cache: entries for throwaway data would push out the shipped graph's, which other
    # test workers may be reading
    pipeline = Pipeline(resources.layout(data), cache=None).reason()
    report = pipeline.validate()
    return data, originals, pipeline, results(report.results_graph, pipeline.shapes())


def _check(edited, name: str) -> check.Outcome:
    data, originals, pipeline, _ = edited
    path = data / EDITS[name][0]
    return check.run(pipeline, [check.Change(path, path.exists(), originals[name])])


EXPECTED: dict[str, set[Result]] = {
    "wrong-link": {
        (
            "membership/midsa/AGO-member",
            "http://www.w3.org/ns/org#member",
            "ClassConstraintComponent",
            "https://w3id.org/iscm-kg/shapes#Membership-member",
        )
    },
    "quotation": {
        (
            "ref/adopted/iscms/1",
            "https://w3id.org/iscm-kg/ontology#quotation",
            "SourceFidelity",
            "",
        )
    },
    "no-name": {
        (
            "actor/icmpd",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "MinCountConstraintComponent",
            "https://w3id.org/iscm-kg/shapes#Actor-prefLabel",
        )
    },
    "valid-addition": set(),
    "reordered": set(),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_finds_exactly_the_problems_of_an_edit(edited, name: str) -> None:
    outcome = _check(edited, name)
    assert results(outcome.results, edited[2].shapes()) == EXPECTED[name]
    assert outcome.ok == (not EXPECTED[name])


def test_check_follows_a_property_chain_to_the_subparagraphs(edited) -> None:
    """para/22 under objective 7 as well as 6: it and each subparagraph (which inherits the
    objective through the chain isPartOf/objective) now fall under two objectives, one of which
    is not stated by a paragraph of their number."""
    outcome = _check(edited, "objective")
    found = results(outcome.results, edited[2].shapes())
    paragraphs = {
        str(s).removeprefix(str(ID))
        for s in edited[2].asserted.subjects(RDF.type, ISCM.Paragraph)
        if re.fullmatch(r".*/A-RES-73-195/para/22(/.*)?", str(s))
    }
    assert len(paragraphs) > 1
    shapes = "https://w3id.org/iscm-kg/shapes#"
    assert found == {
        (p, "", "SPARQLConstraintComponent", shapes + "Paragraph") for p in paragraphs
    } | {
        (p, str(ISCM.objective), "MaxCountConstraintComponent", shapes + "Paragraph-objective")
        for p in paragraphs
    }
    assert {p.rule.split(":")[0] for p in outcome.problems} == {
        "rule Paragraph-objectiveMatchesNumber",
        "rule Paragraph-objective",
    }


def test_check_reports_the_dangling_links_of_a_deleted_file(edited) -> None:
    """The claims of summaries.ttl are gone; each discrepancy that points to one fails."""
    _, originals, pipeline, _ = edited
    gone = {s for s, _, _ in check._parse(originals["deleted"].encode(), "file:///x")}
    gone = {str(s.value) for s in gone}
    pointing = {
        (str(d).removeprefix(str(ID)), str(p))
        for p in (ISCM.claimA, ISCM.claimB)
        for d, c in pipeline.asserted.subject_objects(p)
        if str(c) in gone
    }
    assert pointing
    found = results(_check(edited, "deleted").results, pipeline.shapes())
    assert {(r[0], r[1]) for r in found} == pointing
    assert {r[2] for r in found} == {"OrConstraintComponent"}


def test_every_result_of_validate_is_found_by_the_check_of_its_edit(edited) -> None:
    """Together the checks find the full validation's results, and nothing else."""
    found: set[Result] = set()
    for name in EDITS:
        found |= results(_check(edited, name).results, edited[2].shapes())
    assert found == edited[3]


def test_a_problem_names_file_line_node_property_and_rule(edited) -> None:
    data = edited[0]
    outcome = _check(edited, "wrong-link")
    (problem,) = outcome.problems
    text = (data / "reference" / "memberships.ttl").read_text(encoding="utf-8").splitlines()
    assert text[problem.line - 1].startswith("<membership/midsa/AGO-member>")
    assert problem.file.endswith("reference/memberships.ttl")
    assert (problem.node, problem.prop, problem.value) == (
        "membership/midsa/AGO-member",
        "org:member",
        "state/XAG",
    )
    assert problem.rule == (
        "rule Membership-member: links to a resource of the wrong kind (or to one that does not "
        "exist)"
    )
    assert problem.message == "A membership has exactly one member, an iscm:State."


def test_an_unfaithful_quotation_names_the_source_and_the_closest_passage(edited) -> None:
    (problem,) = _check(edited, "quotation").problems
    assert problem.node == "ref/adopted/iscms/1"
    assert problem.message.startswith(
        "the quotation is not in iom-ipd-references-in-gcm-adopted-text; closest passage: "
    )
    assert QUOTE in problem.message  # the source's own words, to compare with


# ------------------------------------------------------------------------------- git and CLI


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_changes_from_git(tmp_path: Path) -> None:
    """Modified, untracked, deleted and renamed files of the data folder, with their old text;
    files elsewhere are not changes of the data."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a.ttl", "b.ttl", "c.ttl"):
        (data / name).write_text(f"# {name}\n", encoding="utf-8")
    (tmp_path / "README").write_text("x", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    (data / "a.ttl").write_text("# a, edited\n", encoding="utf-8")
    (data / "b.ttl").unlink()
    _git(tmp_path, "mv", "data/c.ttl", "data/d.ttl")
    (data / "e.ttl").write_text("# new\n", encoding="utf-8")
    (tmp_path / "README").write_text("y", encoding="utf-8")
    layout = resources.layout(data)
    changes = {c.path.name: c for c in check.changes_from_git(layout)}
    assert sorted(changes) == ["a.ttl", "b.ttl", "c.ttl", "d.ttl", "e.ttl"]
    assert (changes["a.ttl"].exists, changes["a.ttl"].old) == (True, "# a.ttl\n")
    assert (changes["b.ttl"].exists, changes["b.ttl"].old) == (False, "# b.ttl\n")
    assert (changes["c.ttl"].exists, changes["c.ttl"].old) == (False, "# c.ttl\n")
    assert (changes["d.ttl"].exists, changes["d.ttl"].old) == (True, None)
    assert (changes["e.ttl"].exists, changes["e.ttl"].old) == (True, None)


def test_cli_check_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Exit 1 with one line per problem; 2 for a file outside the data folder."""
    data = ROOT / "tests" / "cli" / "invalid-data"
    code = main(["check", "--no-cache", "--data", str(data), str(data / "actors.ttl")])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("Checked 1 changed file(s) (")
    assert "tests/cli/invalid-data/actors.ttl:9: actor/midwa: skos:prefLabel: " in "\n".join(out)
    argv = ["check", "--no-cache", "--data", str(data), str(data / "actors.ttl")]
    assert main([*argv, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["everything"] is False
    assert payload["files"] == [{"file": "tests/cli/invalid-data/actors.ttl", "deleted": False}]
    assert {p["node"] for p in payload["problems"]} == {"actor/midwa"}
    assert {"file", "line", "node", "prop", "message", "rule", "value"} == set(
        payload["problems"][0]
    )
    stray = tmp_path / "x.ttl"
    stray.write_text("", encoding="utf-8")
    code = main(["check", "--no-cache", "--data", str(data), str(stray)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"iscm-kg: {stray}: not in the data folder")


def test_cli_check_malformed_turtle_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A changed file that is not Turtle: one sentence naming the file and the line, exit 2."""
    data = ROOT / "tests" / "cli" / "malformed-data"
    code = main(["check", "--no-cache", "--data", str(data), str(data / "broken.ttl")])
    err = capsys.readouterr().err
    assert code == 2
    assert re.match(r"iscm-kg: .*broken\.ttl: line \d+: malformed Turtle", err)
