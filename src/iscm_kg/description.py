"""The release's description for portals (``void.ttl``): VoID counts and DCAT distributions.

The dataset's own description (``data/dataset.ttl``: title, licence, version, publisher) is copied
from the graph; added are the VoID counts (triples, entities, classes, properties, one partition
per class), one ``dcat:Distribution`` per file of the release with its download URL, media type,
size and SHA-256 (``spdx:checksum``, as DCAT 3 recommends), and the stored queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from . import namespaces
from .namespaces import ID
from .stats import Stats

DATASET = ID["dataset"]
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT yet
DOWNLOAD_BASE = namespaces.BASE + "release/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


class Distribution(NamedTuple):
    """A file of the release as DCAT describes it."""

    name: str  # path in the release, e.g. "queries/iscms.csv"
    media_type: str  # e.g. "text/turtle"
    size: int  # bytes
    sha256: str  # hex digest
    dump: bool = False  # a whole-graph file (void:dataDump)


def version(asserted: Graph) -> str:
    """The dataset's version (``dcat:version`` of the dataset), or ""."""
    return str(asserted.value(DATASET, DCAT_VERSION) or "")


def void(
    asserted: Graph,
    stats: Stats,
    distributions: Iterable[Distribution],
    queries: Mapping[str, str],
) -> Graph:
    """The VoID and DCAT description of the release: the dataset's own triples, counts of
    ``asserted`` (``stats``), the ``distributions``, and the stored ``queries`` (name -> title)."""
    graph = namespaces.new_graph()
    for subject in (DATASET, ID["agent/iscm-kg"]):
        for triple in asserted.triples((subject, None, None)):
            graph.add(triple)
    _counts(graph, asserted, stats)
    release = version(asserted)
    for dist in sorted(distributions):
        _distribution(graph, dist, release)
    for name in sorted(queries):
        graph.add((DATASET, DCTERMS.hasPart, ID[f"query/{name}"]))
        graph.add((ID[f"query/{name}"], RDFS.label, Literal(queries[name], lang="en")))
    return graph


def _integer(value: int, datatype: URIRef = XSD.integer) -> Literal:
    return Literal(value, datatype=datatype)


def _counts(graph: Graph, asserted: Graph, stats: Stats) -> None:
    classes = set(asserted.objects(None, RDF.type))
    properties = set(asserted.predicates())
    graph.add((DATASET, VOID.triples, _integer(stats.triples_asserted)))
    graph.add((DATASET, VOID.entities, _integer(stats.entities)))
    graph.add((DATASET, VOID.classes, _integer(len(classes))))
    graph.add((DATASET, VOID.properties, _integer(len(properties))))
    graph.add((DATASET, VOID.distinctSubjects, _integer(len(set(asserted.subjects())))))
    for cls, count in stats.classes.items():
        local = cls.removeprefix("iscm:")
        part = ID[f"dataset/class/{local}"]
        graph.add((DATASET, VOID.classPartition, part))
        graph.add((part, VOID["class"], namespaces.ISCM[local]))
        graph.add((part, VOID.entities, _integer(count)))


def _distribution(graph: Graph, dist: Distribution, release: str) -> None:
    node = ID[f"dataset/distribution/{dist.name}"]
    url = URIRef(f"{DOWNLOAD_BASE}{release}/{dist.name}")
    graph.add((DATASET, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(dist.name)))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCAT.mediaType, URIRef(MEDIA_TYPES + dist.media_type)))
    graph.add((node, DCAT.byteSize, _integer(dist.size, XSD.nonNegativeInteger)))
    checksum(graph, node, dist.sha256)
    if dist.dump:
        graph.add((DATASET, VOID.dataDump, url))


def checksum(graph: Graph, node: URIRef, sha256: str) -> None:
    """The distribution's SHA-256 (``spdx:checksum``, as DCAT 3 recommends), on a minted IRI."""
    spdx = namespaces.SPDX
    value = URIRef(f"{node}/checksum")
    graph.add((node, spdx.checksum, value))
    graph.add((value, RDF.type, spdx.Checksum))
    graph.add((value, spdx.algorithm, spdx.checksumAlgorithm_sha256))
    graph.add((value, spdx.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
