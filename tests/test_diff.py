"""``iscm-kg diff``: exactly the triples a change adds and removes, grouped by resource, in words.

A copy of the real data gets three new references to A/RES/73/195 §47, loses MIDSA's membership
of Angola, sees the Bali Process's founding year changed, and has one file reordered; the diff
must report those changes and nothing else (not the reordered file). Blank nodes are compared by
their canonical form; two git revisions compare like two folders.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import copy_data
from rdflib import Graph, Literal

from iscm_kg import diff, resources
from iscm_kg.cli import main
from iscm_kg.namespaces import ID, ISCM

DATA = resources.layout().data
NEW_REFS = (17, 18, 19)
MEMBERSHIP = ID["membership/midsa/AGO-member"]
BALI = ID["record/reference/bali-process"]


def _edit(data: Path) -> None:
    """Add, remove and change facts in a copy of the data, and reorder one file."""
    refs = data / "adopted-text" / "references.ttl"
    text = refs.read_text(encoding="utf-8")
    start = text.index("<ref/adopted/iscms/16> a")
    block = text[start : text.index(" .\n", start) + 3]
    for n in NEW_REFS:
        text += "\n" + (
            block.replace("<ref/adopted/iscms/16>", f"<ref/adopted/iscms/{n}>")
            .replace("para/51>", "para/47>")
            .replace('"§51"', '"§47"')
        )
    refs.write_text(text, encoding="utf-8")

    members = data / "reference" / "memberships.ttl"
    text = members.read_text(encoding="utf-8")
    start = text.index("<membership/midsa/AGO-member> a")
    members.write_text(text[:start] + text[text.index(" .\n", start) + 3 :], encoding="utf-8")

    records = data / "reference" / "iscm-records.ttl"
    text = records.read_text(encoding="utf-8")
    start = text.index("<record/reference/bali-process> a")
    at = text.index('iscm:foundingYear "2002"^^xsd:gYear', start)
    records.write_text(text[:at] + 'iscm:foundingYear "2003"^^xsd:gYear' + text[at + 35 :])

    objectives = data / "common" / "objectives.ttl"
    blocks = objectives.read_text(encoding="utf-8").split("\n\n")
    head = [b for b in blocks if b.lstrip().startswith(("@", "#"))]
    body = [b for b in blocks if b not in head]
    objectives.write_text("\n\n".join(head + body[::-1]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("diff") / "data")
    _edit(data)
    return data


@pytest.fixture(scope="module")
def result(edited: Path) -> diff.Diff:
    return diff.run(str(DATA), str(edited), resources.layout())


def _expected(original: Graph) -> tuple[set, set]:
    from rdflib.namespace import XSD  # (imported here: pytest inspects module-level names)

    removed = set(original.triples((MEMBERSHIP, None, None)))
    removed.add((BALI, ISCM.foundingYear, Literal("2002", datatype=XSD.gYear)))
    added = {(BALI, ISCM.foundingYear, Literal("2003", datatype=XSD.gYear))}
    template = ID["ref/adopted/iscms/16"]
    for n in NEW_REFS:
        for _, p, o in original.triples((template, None, None)):
            if p == ISCM.inParagraph:
                o = ID["document/A-RES-73-195/para/47"]
            elif p == ISCM.citedAs:
                o = Literal("§47")
            added.add((ID[f"ref/adopted/iscms/{n}"], p, o))
    return added, removed


def test_diff_reports_exactly_the_triples_added_and_removed(result: diff.Diff) -> None:
    added, removed = _expected(result.old.graph)
    assert len(added) == 1 + 3 * 9 and len(removed) == 8 + 1
    assert result.added == added
    assert result.removed == removed


def test_diff_groups_by_resource(result: diff.Diff) -> None:
    assert [(diff.iri(r.node), r.status) for r in result.resources] == [
        ("membership/midsa/AGO-member", "removed"),
        ("record/reference/bali-process", "changed"),
        ("ref/adopted/iscms/17", "added"),
        ("ref/adopted/iscms/18", "added"),
        ("ref/adopted/iscms/19", "added"),
    ]


def test_diff_in_words(result: diff.Diff) -> None:
    text = diff.as_text(result).splitlines()
    assert text[0].endswith(
        ": 3 resource(s) added, 1 removed, 1 changed; 28 triple(s) added, 9 removed."
    )
    assert text[2:4] == [
        "Added:",
        "  adds 3 references (in paragraph: A/RES/73/195 §47; in section: References to ISCMs)",
    ]
    assert text[4].startswith("    ref/adopted/iscms/17: cited as: “§47”; quotation: “…We invite")
    assert "removes the membership membership/midsa/AGO-member: " in text[9]
    assert "member: Angola; organization: Migration Dialogue for Southern Africa" in text[9]
    assert text[-1] == (
        "  Public reference record: Bali Process on People Smuggling, Trafficking in Persons and "
        "Related Transnational Crime (record/reference/bali-process): changes the founding year "
        "from “2002” to “2003”"
    )


def test_diff_as_turtle_gives_the_removed_and_added_triples(result: diff.Diff) -> None:
    text = diff.as_turtle(result)
    removed_block, added_block = text.split("# ---- 28 triple(s) added ----\n")
    assert "# ---- 9 triple(s) removed ----\n" in removed_block
    added, removed = _expected(result.old.graph)
    assert set(Graph().parse(data=removed_block, format="turtle")) == removed
    assert set(Graph().parse(data=added_block, format="turtle")) == added


def test_a_reordered_file_shows_no_change(tmp_path: Path) -> None:
    """The same statements in another order, blank nodes written differently: no change."""
    one = tmp_path / "one.ttl"
    two = tmp_path / "two.ttl"
    one.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a ex:p [ ex:q 1 ; ex:r ( ex:x ex:y ) ] .\n"
        "ex:b ex:p ex:c .\n",
        encoding="utf-8",
    )
    two.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:b ex:p ex:c .\n"
        "_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> () ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:y .\n"
        "_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:x ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .\n"
        "_:n ex:r _:l1 ; ex:q 1 .\n"
        "ex:a ex:p _:n .\n",
        encoding="utf-8",
    )
    same = diff.run(str(one), str(two), resources.layout())
    assert same.empty
    assert diff.as_text(same).endswith(": no change.\n")
    three = tmp_path / "three.ttl"
    three.write_text(one.read_text().replace("ex:q 1", "ex:q 2"), encoding="utf-8")
    changed = diff.run(str(one), str(three), resources.layout())
    assert [(diff.iri(r.node), r.status) for r in changed.resources] == [
        ("http://example.org/a", "changed")
    ]  # a blank node's change is the change of the resource it hangs from


def test_two_git_revisions(tmp_path: Path, edited: Path) -> None:
    """git revisions compare like folders: the edits of the second commit, nothing else."""
    repo = tmp_path / "repo"
    copy_data(repo / "data")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "before")
    shutil.rmtree(repo / "data")
    shutil.copytree(edited, repo / "data")
    git("add", "-A")
    git("commit", "-qm", "after")
    layout = resources.layout(repo / "data")
    by_revision = diff.run("HEAD~1", "HEAD", layout)
    added, removed = _expected(by_revision.old.graph)
    assert (by_revision.added, by_revision.removed) == (added, removed)


def test_cli_diff(capsys: pytest.CaptureFixture[str], edited: Path, tmp_path: Path) -> None:
    """Exit 0 whatever the diff finds; Markdown for a job summary; 2 for a side it cannot read."""
    assert main(["diff", str(DATA), str(edited), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Graph diff: ")
    assert (
        "- adds 3 references (in paragraph: A/RES/73/195 §47; in section: References to ISCMs)"
    ) in out
    assert main(["diff", str(DATA), str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"iscm-kg: {tmp_path / 'nowhere'}: not a folder")


def test_two_release_folders(tmp_path: Path) -> None:
    """A release folder is read from its iscm-kg.nt (N-Triples)."""
    for name, year in (("old", "2002"), ("new", "2003")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "iscm-kg.nt").write_text(
            f'<{BALI}> <{ISCM.foundingYear}> "{year}"'
            "^^<http://www.w3.org/2001/XMLSchema#gYear> .\n"
            f'<{BALI}> <http://www.w3.org/2000/01/rdf-schema#label> "Bali Process record"@en .\n',
            encoding="utf-8",
        )
    result = diff.run(str(tmp_path / "old"), str(tmp_path / "new"), resources.layout())
    assert diff.as_text(result).splitlines()[-1] == (
        "  Bali Process record (record/reference/bali-process): changes the founding year from "
        "“2002” to “2003”"
    )


def test_a_long_text_is_shown_where_it_changed(tmp_path: Path) -> None:
    """A changed word past the cut of a long quotation is shown, not two identical prefixes."""
    words = "we invite relevant subregional, regional and cross-regional processes, platforms "
    old = words + "and organizations to review the implementation of the Global Compact"
    new = old.replace("to review", "to assess")
    for name, text in (("old.ttl", old), ("new.ttl", new)):
        (tmp_path / name).write_text(
            f'<http://example.org/r> <http://example.org/quotation> "{text}"@en .\n',
            encoding="utf-8",
        )
    changed = diff.run(str(tmp_path / "old.ttl"), str(tmp_path / "new.ttl"), resources.layout())
    line = next(line for line in diff.as_text(changed).splitlines() if "changes the" in line)
    assert line.endswith(
        "changes the quotation from “…and organizations to review the implementation of the "
        "Global Compact” to “…and organizations to assess the implementation of the Global "
        "Compact”"
    )
