"""``iscm-kg check``: validate what a contributor changed, fast, with the verdict of ``validate``.

(``validate._short`` and ``validate._display_path`` print nodes and files as ``validate`` does.)

1. The changed files: the ones named, or those ``git status`` reports in the data, shapes,
   ontology and queries folders (modified, added, deleted, renamed, untracked), each with its
   committed text when git has one.
2. The changed triples: for a file git found, what it says now against what it said at ``HEAD``
   (the whole file when git has no older text); for a named file, all it says now and said at
   ``HEAD``; and what reasoning derives from them (``dependencies``).
3. The affected resources: those whose SHACL results or quotations those triples can change,
   found by following the shapes' own paths backwards (``dependencies.affected``).
4. The shapes (pyshacl with ``focus_nodes``) and the fidelity check on those resources only,
   over the full reasoned graph; a change to the ontology, shapes or queries validates everything.

Every problem names the file and line, the resource, the property and the rule, in plain words.
Exit codes (the CLI): 0 no problem, 1 problems, 2 bad input (an unknown file, malformed Turtle).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from . import dependencies, fidelity, namespaces, validate
from .errors import InputError
from .load import Loaded
from .namespaces import ID
from .pipeline import Pipeline
from .resources import Layout

# SHACL's constraint components, as a contributor reads them.
_IN_WORDS = {
    "MinCount": "a required value is missing",
    "MaxCount": "too many values",
    "Class": "links to a resource of the wrong kind (or to one that does not exist)",
    "Datatype": "the value has the wrong type",
    "NodeKind": "the value has the wrong kind (a link or a text)",
    "Pattern": "the value does not have the expected form",
    "MinLength": "the text is too short",
    "MaxLength": "the text is too long",
    "LanguageIn": "the text has the wrong language tag",
    "UniqueLang": "two texts in the same language",
    "In": "the value is not one of those allowed",
    "HasValue": "a required value is missing",
    "Or": "the value fits none of the allowed forms",
    "Not": "the value is not allowed here",
    "Node": "a linked resource breaks its own rules",
    "SPARQL": "breaks a rule that relates several resources",
    "MinInclusive": "the value is too small",
    "MaxInclusive": "the value is too large",
    "Closed": "a property that is not allowed here",
    "SourceFidelity": "a verbatim text must be copied exactly from its source",
}


@dataclass(frozen=True)
class Change:
    """One changed file: where it is, whether it still exists, and its committed text."""

    path: Path
    exists: bool
    old: str | None = None  # the text at HEAD; None for a new file or outside git
    whole: bool = False  # check all the file says (a named file), not only what changed


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, as a contributor reads it."""

    file: str
    line: int
    node: str
    prop: str
    message: str
    rule: str
    value: str = ""

    def as_text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prop = f"{self.prop}: " if self.prop else ""
        value = f"; value: {self.value}" if self.value else ""
        return f"{where}: {self.node}: {prop}{self.message} ({self.rule}{value})"


@dataclass
class Outcome:
    """What a check found."""

    changes: list[Change]
    checked: int  # resources validated
    everything: bool  # the ontology, shapes or queries changed: everything was validated
    problems: list[Problem] = field(default_factory=list)
    results: Graph | None = field(default=None, repr=False)
    focus: list[URIRef] | None = field(default=None, repr=False)  # None: every node

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> str:
        payload = {
            "ok": self.ok,
            "files": [
                {"file": validate._display_path(c.path), "deleted": not c.exists}
                for c in self.changes
            ],
            "checked": self.checked,
            "everything": self.everything,
            "problems": [asdict(p) for p in self.problems],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

    def as_text(self) -> str:
        deleted = [c for c in self.changes if not c.exists]
        files = ", ".join(validate._display_path(c.path) for c in self.changes) or "none"
        head = f"Checked {len(self.changes)} changed file(s) ({files})"
        if deleted:
            head += f", {len(deleted)} of them deleted"
        scope = (
            "everything (the ontology, shapes or queries changed)"
            if self.everything
            else (f"{self.checked} affected resource(s)")
        )
        lines = [f"{head}: {scope}."]
        lines += [p.as_text() for p in self.problems]
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s).")
        else:
            lines.append("No problems: the shapes hold and every quotation is in its source.")
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ what changed


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None


def git_root(folder: Path) -> Path | None:
    """The top of the git checkout that holds ``folder``, if any."""
    out = _git(folder if folder.is_dir() else folder.parent, "rev-parse", "--show-toplevel")
    return Path(out.strip()).resolve() if out else None


def _committed(root: Path, path: Path) -> str | None:
    rel = path.resolve().relative_to(root).as_posix()
    return _git(root, "show", f"HEAD:{rel}")


def _folders(layout: Layout) -> list[Path]:
    return [layout.data, layout.shapes, layout.ontology, layout.queries]


def _relevant(path: Path) -> bool:
    return path.suffix in (".ttl", ".rq")


def changes_from_git(layout: Layout) -> list[Change]:
    """The files git reports as changed against HEAD in the data, shapes, ontology and queries
    folders (staged or not, and untracked ones)."""
    root = git_root(layout.data)
    if root is None:
        raise InputError(
            f"No FILE given and {layout.data} is not in a git checkout: name the changed files."
        )
    folders = [f.resolve() for f in _folders(layout) if f.resolve().is_relative_to(root)]
    out = _git(
        root,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--",
        *(str(f.relative_to(root)) for f in folders),
    )
    if out is None:
        raise InputError(f"git status failed in {root}.")
    entries = out.split("\0")
    paths: list[Path] = []
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        paths.append(root / name)
        if "R" in status or "C" in status:  # a rename: the next entry is the old name
            if "R" in status and i < len(entries):
                paths.append(root / entries[i])
            i += 1
    changes = []
    for path in sorted(set(paths)):
        if _relevant(path):
            changes.append(Change(path, path.is_file(), _committed(root, path)))
    return changes


def changes_for(layout: Layout, names: Sequence[str | Path]) -> list[Change]:
    """The named files, each with its committed text when git has one: everything a named file
    says is checked (and what it said at HEAD, for what it no longer says)."""
    changes = []
    folders = [f.resolve() for f in _folders(layout)]
    for name in names:
        path = Path(name).resolve()
        if not any(path.is_relative_to(f) for f in folders):
            raise InputError(
                f"{name}: not in the data folder {layout.data} (nor in the shapes, ontology or "
                "queries); use --data to check another copy of the data."
            )
        if not _relevant(path):
            raise InputError(f"{name}: not a Turtle (.ttl) or query (.rq) file.")
        root = git_root(path.parent if path.parent.is_dir() else layout.data)
        old = _committed(root, path) if root is not None else None
        if not path.is_file() and old is None:
            raise InputError(f"{name}: no such file (and git has no committed version of it).")
        changes.append(Change(path, path.is_file(), old, whole=True))
    return changes


# ---------------------------------------------------------------------------------- checking


def _triples(change: Change) -> tuple[set, set | None]:
    """The triples of the file now and at HEAD (None when there is no older text), parsed with
    Oxigraph (ten times faster than rdflib; the pipeline has already read the file with rdflib
    and reported any syntax error)."""
    base = change.path.resolve().as_uri()
    new = _parse(change.path.read_bytes(), base) if change.exists else set()
    old = None
    if change.old is not None:
        try:
            old = _parse(change.old.encode("utf-8"), base)
        except (SyntaxError, ValueError):  # the committed text is not our concern
            old = None
    return new, old


def _parse(data: bytes, base: str) -> set:
    return {
        (q.subject, q.predicate, q.object)
        for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE, base_iri=base)
    }


def _rdflib(term: object) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return Literal(
            term.value,
            lang=term.language,
            datatype=None if term.language else URIRef(term.datatype.value),
        )
    raise TypeError(f"not an RDF term: {term!r}")


def run(pipeline: Pipeline, changes: Sequence[Change]) -> Outcome:
    """Check ``changes`` on the reasoned graph of ``pipeline`` (loaded and reasoned if needed)."""
    if pipeline.reasoned is None:
        pipeline.reason()
    assert pipeline.loaded is not None
    return check_graph(
        pipeline.store.union(), pipeline.shapes(), pipeline.loaded, pipeline.layout.data, changes
    )


def check_graph(
    graph: Graph, shapes: Graph, loaded: Loaded, data: Path, changes: Sequence[Change]
) -> Outcome:
    """Check ``changes`` to the files of the ``data`` folder, whose graph (with the ontology and
    what reasoning adds) is ``graph``; ``loaded`` tells which file states what."""
    data = data.resolve()
    everything = any(not c.path.resolve().is_relative_to(data) for c in changes)
    focus: list[URIRef] | None = None
    if not everything:
        delta: set = set()
        for change in changes:
            new, old = _triples(change)
            if change.whole:
                delta |= new | (old or set())
            else:
                delta |= new if old is None else new ^ old
        delta = {tuple(_rdflib(t) for t in triple) for triple in delta}
        try:
            sigs = set(dependencies.signatures(shapes, graph)) | set(fidelity.reads(graph))
        except dependencies.Unbounded:
            everything = True
        else:
            rules = dependencies.Entailment.of(graph)
            at = dependencies.changes_at(rules.closure(delta, graph))
            nodes = dependencies.affected(at, graph, sigs)
            focus = sorted(n for n in nodes if isinstance(n, URIRef))
    if focus is None:
        report = validate.validate(graph, shapes, loaded)
    elif focus:
        # the shapes with their targets narrowed to the focus nodes: exactly their results
        report = validate.validate(graph, dependencies.focused_shapes(shapes, graph, focus), loaded)
    else:
        report = validate.Report(True, [], 0, namespaces.new_graph())
    report = fidelity.extend(report, graph, loaded, nodes=focus)
    checked = report.nodes_validated if focus is None else len(focus)
    outcome = Outcome(list(changes), checked, everything, focus=focus)
    outcome.results = report.results_graph
    outcome.problems = _problems(report.results_graph, shapes, loaded, changes)
    return outcome


# ---------------------------------------------------------------------------------- problems


def _problems(
    results: Graph, shapes: Graph, loaded: Loaded, changes: Sequence[Change]
) -> list[Problem]:
    names = namespaces.new_graph()
    lines = _LineFinder({c.path.resolve() for c in changes if c.exists})
    problems = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in results:
            continue  # a detail of another result, reported with it
        focus = results.value(result, SH.focusNode)
        component = validate._short(names, results.value(result, SH.sourceConstraintComponent))
        component = component.removeprefix("sh:").removesuffix("ConstraintComponent")
        component = component.removeprefix("shapes:")
        rule = _IN_WORDS.get(component, component)
        shape = results.value(result, SH.sourceConstraint)  # a SPARQL constraint, by name
        if not isinstance(shape, URIRef):
            shape = _named(shapes, results.value(result, SH.sourceShape))
        if shape is not None:
            rule = f"rule {validate._short(names, shape).removeprefix('shapes:')}: {rule}"
        value = results.value(result, SH.value)
        file, line = lines.where(focus, loaded.origin_of(focus) if focus else [])
        problems.append(
            Problem(
                file=file,
                line=line,
                node=_node(focus),
                prop=validate._path_text(results, result, names),
                message=str(results.value(result, SH.resultMessage) or ""),
                rule=rule,
                value="" if value is None else _value(value),
            )
        )
    return sorted(problems)


def _named(shapes: Graph, shape: Node | None) -> URIRef | None:
    """The named shape a result comes from: an anonymous one's nearest named parent."""
    for _ in range(12):
        if shape is None or isinstance(shape, URIRef):
            return shape
        shape = next(iter(sorted(shapes.subjects(None, shape))), None)
    return None


def _node(node: Node | None) -> str:
    if node is None:
        return "(unknown)"
    text = str(node)
    return text.removeprefix(str(ID)) if isinstance(node, URIRef) else text


def _value(node: Node) -> str:
    if isinstance(node, Literal):
        text = str(node)
        return f"\u201c{text[:77] + '…' if len(text) > 80 else text}\u201d"
    return _node(node)


class _LineFinder:
    """Where a resource is described: the file (a changed one first) and the line of its first
    description, found in the file's text (rdflib keeps no line numbers)."""

    def __init__(self, changed: set[Path]) -> None:
        self.changed = changed
        self.texts: dict[Path, list[str]] = {}

    def where(self, node: Node | None, origins: list[Path]) -> tuple[str, int]:
        if not origins:
            return "(inferred)", 0
        chosen = sorted(origins, key=lambda p: (p.resolve() not in self.changed, str(p)))[0]
        return validate._display_path(chosen), self._line(chosen, node)

    def _line(self, path: Path, node: Node | None) -> int:
        if not isinstance(node, URIRef):
            return 0
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                self.texts[path] = []
        text = str(node)
        forms = [f"<{text}>"]
        if text.startswith(str(ID)):
            forms.insert(0, f"<{text[len(str(ID)) :]}>")
        for form in forms:
            start = re.compile(r"^\s*" + re.escape(form))
            for number, line in enumerate(self.texts[path], 1):
                if start.match(line):
                    return number
        for form in forms:
            for number, line in enumerate(self.texts[path], 1):
                if form in line:
                    return number
        return 0
