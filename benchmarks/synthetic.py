"""Synthetic ISCM-KG data at N times the real graph's size, for benchmarks.

``generate(scale, out, seed)`` writes a data folder that ``iscm-kg … --data DIR`` reads:

* ``DIR/<the real data files>``: a byte copy of ``data/``, so pinned IRIs keep their meaning and
  every stored query with its default parameters still returns its real rows;
* ``DIR/world-002/`` … ``DIR/world-NNN/``: N-1 generated *worlds*, each laid out like ``data/``
  (one file per real file). A world is the real graph with its own minted IRIs
  (``actor/w002-midwa``, ``document/w002-A-RES-73-195/para/47``, ``ref/adopted/w002-iscms/1``,
  ``state/unmapped-w002-sen`` …) and labels ("Migration Dialogue for West Africa (world 2)"),
  randomised with the seed: some facts left out (references, memberships, claims, discrepancies,
  recommendations … that nothing points to), others re-pointed (a reference to another paragraph
  of its document, or to another referent, or worded as its source words that referent
  elsewhere; a membership to another State, role or ISCM; a count changed), and extra copies of
  such facts with new IRIs until the world holds about as many triples as the real graph
  (ontology and stored queries included), so that scale N has about N times the real asserted
  triples. A world's source documents name the real source files, and every verbatim literal of
  a world is still in the source its node names.
* ``DIR/synthetic.json``: scale, seed and triple counts (not read by the pipeline).

Nothing here is a fact: the worlds exist to measure the pipeline. What the shapes pin stays
shared and is never copied: the 23 objectives (a world's paragraphs carry no objective, since an
objective is stated in one paragraph per version of the compact), the entry points (their IRIs
are pinned to the two versions), the roles of a membership, the confidence levels, the global
region (a world's global processes cover it but are not listed in a section, so that the real
per-region counts stay as they are), and the versions an objective list claim is about. A world's
States have no ISO code (``state/unmapped-…``, confidence uncertain), so ``--param state=SEN``
still names the real Senegal; a world's names never equal a real name, so ``--param actor=GFMD``
is not ambiguous.

Same scale and seed give byte-identical files. Usage::

    python benchmarks/synthetic.py --scale 10 --out /tmp/iscm-synthetic-10 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, SKOS

from iscm_kg import load, resources
from iscm_kg.namespaces import ID, ISCM

Triple = tuple[URIRef, URIRef, URIRef | Literal]

MARKER = "synthetic.json"
_ID = str(ID)
# IRIs the shapes pin: shared by every world, never copied or renamed.
_SHARED_SEGMENTS = {"objective", "entry-point", "dataset", "agent", "query"}
_SHARED_IRIS = {ID[f"role/{r}"] for r in ("member", "observer", "participant")} | {
    ID["concept/region/global"]
}
_SHARED_PREFIXES = (f"{_ID}concept/confidence/",)
_UNCERTAIN = ID["concept/confidence/uncertain"]
_COMPACT_VERSIONS = {ID["document/A-RES-73-195"], ID["document/gcm-zero-draft-rev1"]}
_ROLES = sorted(_SHARED_IRIS - {ID["concept/region/global"]})
# Facts that nothing points to and that a world may leave out, re-point or copy.
_LEAF_CLASSES = {
    ISCM[c]
    for c in (
        "Reference",
        "CountClaim",
        "ObjectiveListClaim",
        "ParagraphListClaim",
        "StatementClaim",
        "Recommendation",
        "Discrepancy",
        "FrameworkListing",
        "ReferenceRecord",
        "Invitation",
        "ParagraphExcerpt",
        "PossibleRole",
        "PreparatoryStep",
    )
} | {ORG.Membership}
_LABELS = {SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel}
_KEEP = 0.85  # share of the leaf facts a world keeps before copying some to reach its size

_PREFIXES = {
    "iscm": str(ISCM),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
}
_PNAME_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


# --------------------------------------------------------------------------------------------
# The real graph, read once
# --------------------------------------------------------------------------------------------


@dataclass
class Real:
    """The real data, per file, and the pools a world draws its random choices from."""

    files: list[Path]  # relative to the data folder, sorted
    triples: dict[Path, list[Triple]]  # per file, sorted
    types: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    leaves: list[URIRef] = field(default_factory=list)
    paragraphs: dict[URIRef, list[URIRef]] = field(default_factory=dict)  # document -> paras
    referents: list[URIRef] = field(default_factory=list)
    # (referent, source document) -> the wordings that source uses for it
    wordings: dict[tuple[URIRef, URIRef], list[Literal]] = field(default_factory=dict)
    source_of: dict[URIRef, URIRef] = field(default_factory=dict)  # reference -> its source
    referent_of: dict[URIRef, URIRef] = field(default_factory=dict)  # reference -> referent
    states: list[URIRef] = field(default_factory=list)
    iscms: list[URIRef] = field(default_factory=list)
    fixed: int = 0  # triples of the ontology and the stored-query catalog
    data: int = 0  # triples of the data files (merged)


def _sort_key(triple: Triple) -> tuple[str, ...]:
    return tuple(t.n3() for t in triple)


def read_real(data: Path) -> Real:
    """Parse the real data folder, file by file."""
    files = sorted(p.relative_to(data) for p in data.rglob("*.ttl"))
    real = Real(files, {})
    merged = Graph()
    for rel in files:
        graph = Graph()
        graph.parse(data / rel, format="turtle")
        real.triples[rel] = sorted(graph, key=_sort_key)  # type: ignore[arg-type]
        merged += graph
    real.data = len(merged)
    for s, o in merged.subject_objects(RDF.type):
        real.types[s].add(o)  # type: ignore[index]
    objects = {o for o in merged.objects() if isinstance(o, URIRef)}
    real.leaves = sorted(
        s for s, types in real.types.items() if types & _LEAF_CLASSES and s not in objects
    )
    paragraphs: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, doc in merged.subject_objects(ISCM.inDocument):
        if ISCM.Paragraph in real.types.get(p, ()):  # type: ignore[arg-type]
            paragraphs[doc].add(p)  # type: ignore[index]
    real.paragraphs = {d: sorted(ps) for d, ps in paragraphs.items()}
    wordings: dict[tuple[URIRef, URIRef], set[Literal]] = defaultdict(set)
    for ref in merged.subjects(RDF.type, ISCM.Reference):
        source = merged.value(ref, PROV.wasDerivedFrom)
        real.source_of[ref] = source  # type: ignore[index,assignment]
        for r in merged.objects(ref, ISCM.refersTo):
            real.referent_of[ref] = r  # type: ignore[index,assignment]
            for w in merged.objects(ref, ISCM.wording):
                wordings[(r, source)].add(w)  # type: ignore[index,arg-type]
    real.referents = sorted({r for r, _ in wordings if _local(r)})
    real.wordings = {k: sorted(ws, key=lambda w: w.n3()) for k, ws in wordings.items()}
    real.states = sorted(s for s, t in real.types.items() if ISCM.State in t)
    real.iscms = sorted(
        s
        for s, t in real.types.items()
        if t & {ISCM.RegionalConsultativeProcess, ISCM.InterRegionalForum, ISCM.GlobalProcess}
    )
    layout = resources.layout(data)
    ontology = Graph()
    for path in layout.ontology_files():
        ontology.parse(path, format="turtle")
    real.fixed = len(ontology) + len(load.load(layout.query_files()).graph)
    return real


def _local(term: object) -> bool:
    """A node a world mints its own copy of (everything of ours the shapes do not pin)."""
    if not isinstance(term, URIRef):
        return False
    text = str(term)
    if not text.startswith(_ID) or term in _SHARED_IRIS or text.startswith(_SHARED_PREFIXES):
        return False
    return text[len(_ID) :].split("/", 1)[0] not in _SHARED_SEGMENTS


# --------------------------------------------------------------------------------------------
# One world
# --------------------------------------------------------------------------------------------


class World:
    """World number ``k`` (2, 3 …): the real graph renamed, thinned, re-pointed and topped up."""

    def __init__(self, real: Real, k: int, seed: int) -> None:
        self.real, self.k = real, k
        self.tag = f"w{k:03d}"
        self.rng = random.Random(f"iscm-kg synthetic {seed} {k}")
        self._names: dict[URIRef, URIRef] = {}
        self._referent_of: dict[URIRef, URIRef | None] = {}

    def rename(self, term: URIRef) -> URIRef:
        if not _local(term):
            return term
        name = self._names.get(term)
        if name is None:
            path = str(term)[len(_ID) :]
            kind, _, rest = path.partition("/")
            if kind == "ref":  # ref/<source>/<section>/<n>: the source key is letters only
                source, _, rest = rest.partition("/")
                path = f"ref/{source}/{self.tag}-{rest}"
            elif kind == "state":  # the IRI of a State with a code ends with its code
                path = f"state/unmapped-{self.tag}-{rest.removeprefix('unmapped-').lower()}"
            else:
                path = f"{kind}/{self.tag}-{rest}"
            name = self._names[term] = ID[path]
        return name

    def triples(self) -> dict[Path, list[Triple]]:
        """The world's triples, per real file they come from."""
        real, rng = self.real, self.rng
        kept = {leaf for leaf in real.leaves if rng.random() < _KEEP}
        dropped = set(real.leaves) - kept
        out: dict[Path, list[Triple]] = {}
        where: dict[URIRef, list[tuple[Path, Triple]]] = defaultdict(list)  # leaf -> its triples
        for rel in real.files:
            triples: list[Triple] = []
            for triple in real.triples[rel]:
                s = triple[0]
                if not _local(s) or s in dropped:
                    continue
                for new in self._transform(triple, self.rename(s)):
                    triples.append(new)
                    if s in kept:
                        where[s].append((rel, triple))
            out[rel] = triples
        # Top up with copies of kept leaf facts until the world is as large as the real graph.
        target = real.data + real.fixed
        size = sum(len(t) for t in out.values())
        pool = sorted(where)
        copies: dict[URIRef, int] = defaultdict(int)
        while pool and size < target:
            leaf = pool[rng.randrange(len(pool))]
            copies[leaf] += 1
            clone = URIRef(f"{self.rename(leaf)}-x{copies[leaf]}")
            for rel, triple in where[leaf]:
                for _, p, o in self._transform(triple, clone):
                    out[rel].append((clone, p, o))
                    size += 1
        return out

    def _transform(self, triple: Triple, new_s: URIRef) -> list[Triple]:
        """The world's version of one real triple, with subject ``new_s``: none, one or two."""
        s, p, o = triple
        types = self.real.types.get(s, set())
        rng = self.rng
        if p in (ISCM.objective, ISCM.states) and ISCM.Paragraph in types:
            return []  # objectives are stated in the real versions only
        if p == ISCM.listedIn and ISCM.GlobalProcess in types:
            return []  # keeps the real per-region counts of global processes as they are
        if ISCM.State in types:
            if p in (ISCM.iso3166Alpha3, ISCM.confidence):
                return []
            if p == RDF.type and o == ISCM.State:
                return [(new_s, p, o), (new_s, ISCM.confidence, _UNCERTAIN)]
        new_o: URIRef | Literal = o  # type: ignore[assignment]
        if isinstance(o, Literal):
            new_o = self._literal(s, p, o, new_s)
        elif p == ISCM.inDocument and ISCM.ObjectiveListClaim in types and o in _COMPACT_VERSIONS:
            new_o = o  # an objective list claim is about a real version of the compact
        elif ISCM.Reference in types and p == ISCM.inParagraph and rng.random() < 0.25:
            new_o = self._another_paragraph(o)  # type: ignore[arg-type]
        elif ISCM.Reference in types and p == ISCM.refersTo:
            new_o = self.rename(self._referent(s, new_s) or o)  # type: ignore[arg-type]
        elif ORG.Membership in types and p == ORG.member and rng.random() < 0.3:
            new_o = self.rename(self._choice(self.real.states))
        elif ORG.Membership in types and p == ORG.organization and rng.random() < 0.2:
            new_o = self.rename(self._choice(self.real.iscms))
        elif ORG.Membership in types and p == ORG.role and rng.random() < 0.1:
            new_o = self._choice(_ROLES)
        else:
            new_o = self.rename(o)  # type: ignore[arg-type]
        return [(new_s, p, new_o)]

    def _literal(self, s: URIRef, p: URIRef, o: Literal, new_s: URIRef) -> Literal:
        types = self.real.types.get(s, set())
        rng = self.rng
        if p in _LABELS and _local(s):
            return Literal(f"{o} (world {self.k})", lang=o.language, datatype=o.datatype)
        if p == ISCM.symbol:  # A/RES/73/195 -> A/RES/<100 + k>/195
            return Literal(re.sub(r"(?<=/)[0-9]+(?=/)", str(100 + self.k), str(o), count=1))
        if p == ISCM.count and rng.random() < 0.5:
            return Literal(str(max(0, int(o) + rng.randint(-3, 5))), datatype=o.datatype)
        if p == ISCM.wording and ISCM.Reference in types and rng.random() < 0.3:
            # another wording the same source uses for the referent: still verbatim in it
            key = (self._referent(s, new_s), self.real.source_of.get(s))
            choices = self.real.wordings.get(key, [])  # type: ignore[arg-type]
            if choices:
                return self._choice(choices)
        return o

    def _referent(self, ref: URIRef, new: URIRef) -> URIRef | None:
        """What the world's reference ``new`` (a copy of ``ref``) refers to, decided once."""
        if new not in self._referent_of:
            real = self.real.referent_of.get(ref)
            if real is not None and self.rng.random() < 0.2:
                real = self._choice(self.real.referents)
            self._referent_of[new] = real
        return self._referent_of[new]

    def _another_paragraph(self, para: URIRef) -> URIRef:
        for doc, paras in self.real.paragraphs.items():
            if str(para).startswith(f"{doc}/para/"):
                return self.rename(self._choice(paras))
        return self.rename(para)

    def _choice(self, items: list):  # type: ignore[no-untyped-def]
        return items[self.rng.randrange(len(items))]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _term(term: URIRef | Literal) -> str:
    if isinstance(term, Literal):
        return term.n3()
    text = str(term)
    if text.startswith(_ID):
        return f"<{text[len(_ID) :]}>"
    for prefix, ns in _PREFIXES.items():
        if text.startswith(ns) and _PNAME_LOCAL.match(text[len(ns) :]):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def turtle(triples: list[Triple], comment: str) -> str:
    """Deterministic Turtle: subjects, predicates and objects in sorted order."""
    by_subject: dict[URIRef, dict[URIRef, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        by_subject[s][p].add(_term(o))
    lines = [f"# {comment}", "", f"@base <{_ID}> ."]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES.items()]
    for s in sorted(by_subject, key=str):
        lines.append("")
        predicates = sorted(by_subject[s], key=lambda p: (p != RDF.type, str(p)))
        parts = [
            ("a" if p == RDF.type else _term(p)) + " " + " , ".join(sorted(by_subject[s][p]))
            for p in predicates
        ]
        lines.append(f"{_term(s)} " + " ;\n    ".join(parts) + " .")
    return "\n".join(lines) + "\n"


def generate(scale: int, out: Path, seed: int = 1, source: Path | None = None) -> Path:
    """Write the real data plus ``scale - 1`` worlds into ``out`` (replacing an earlier output)."""
    if scale < 1:
        raise ValueError("the scale is a whole number, 1 or more")
    data = Path(source) if source is not None else resources.layout().data
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise FileExistsError(f"{out} is not empty and holds no {MARKER}: not replacing it")
        shutil.rmtree(out)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(data, tmp, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    real = read_real(data)
    written = 0
    for k in range(2, scale + 1):
        per_file = World(real, k, seed).triples()
        for rel, triples in per_file.items():
            if not triples:
                continue
            path = tmp / f"world-{k:03d}" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            comment = f"Synthetic world {k} of scale {scale}, seed {seed}, after data/{rel}."
            path.write_text(turtle(triples, comment), encoding="utf-8")
        written += len({t for triples in per_file.values() for t in triples})
    summary = {
        "scale": scale,
        "seed": seed,
        "real_data_triples": real.data,
        "ontology_and_catalog_triples": real.fixed,
        "world_triples": written,
        "expected_asserted_triples": real.data + real.fixed + written,
    }
    (tmp / MARKER).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    tmp.rename(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="N: about N times the real graph")
    parser.add_argument("--out", type=Path, required=True, help="the data folder to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        out = generate(args.scale, args.out, args.seed)
    except (ValueError, FileExistsError) as exc:
        print(f"synthetic: {exc}", file=sys.stderr)
        return 2
    summary = json.loads((out / MARKER).read_text(encoding="utf-8"))
    print(f"{out}: scale {args.scale}, about {summary['expected_asserted_triples']} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
