"""Releases that portals can follow: one version everywhere, a changelog entry, checksums.

The package version, the ontology's ``owl:versionInfo`` and ``owl:versionIRI``, and the dataset's
``dcat:version`` and ``owl:versionInfo`` agree; ``dcterms:modified`` is a fixed date (never the
clock) no earlier than ``dcterms:issued``; CHANGELOG.md's newest entry is this version; and the
release's DCAT description gives every distribution its SHA-256 checksum (``spdx:checksum``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from iscm_kg.namespaces import ID, SPDX

ROOT = Path(__file__).resolve().parents[1]
DATASET = ID["dataset"]
ONTOLOGY = URIRef("https://w3id.org/iscm-kg/ontology")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT
DCAT_DISTRIBUTION = URIRef("http://www.w3.org/ns/dcat#distribution")


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def test_one_version_everywhere() -> None:
    version = _version()
    ontology = Graph().parse(ROOT / "ontology" / "iscm.ttl")
    dataset = Graph().parse(ROOT / "data" / "dataset.ttl")
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal(version)
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/{version}")
    assert dataset.value(DATASET, DCAT_VERSION) == Literal(version)
    assert dataset.value(DATASET, OWL.versionInfo) == Literal(version)


def test_modified_is_a_fixed_date_after_issued() -> None:
    dataset = Graph().parse(ROOT / "data" / "dataset.ttl")
    issued = dataset.value(DATASET, DCTERMS.issued).toPython()
    modified = dataset.value(DATASET, DCTERMS.modified).toPython()
    assert isinstance(modified, date) and isinstance(issued, date)
    assert modified >= issued


def test_changelog_has_an_entry_for_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$", text, re.MULTILINE)
    assert entries, "no release entry"
    version, day = entries[0]
    assert version == _version()
    dataset = Graph().parse(ROOT / "data" / "dataset.ttl")
    assert day == str(dataset.value(DATASET, DCTERMS.modified))
    body = text.split(f"## {version} ", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^- adds \d+ references$", body, re.MULTILINE)


def test_every_distribution_has_its_sha256(built) -> None:
    """void.ttl: each distribution's spdx:checksum is the SHA-256 of the file it names."""
    void = Graph().parse(built.out / "void.ttl")
    distributions = list(void.objects(DATASET, DCAT_DISTRIBUTION))
    assert len(distributions) > 20
    for dist in distributions:
        name = str(void.value(dist, DCTERMS.title))
        checksum = void.value(dist, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in void
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        digest = hashlib.sha256((built.out / name).read_bytes()).hexdigest()
        assert str(void.value(checksum, SPDX.checksumValue)) == digest, name
    assert void.value(DATASET, OWL.versionInfo) == Literal(_version())
    assert void.value(DATASET, DCTERMS.modified) is not None
