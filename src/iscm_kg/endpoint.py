"""Run queries against any SPARQL 1.1 endpoint (the SPARQL 1.1 Protocol, results as JSON)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .store import XSD_STRING, SelectResult


def _term(value: dict[str, str]) -> Node:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    if datatype == XSD_STRING:  # the same simple literal, however the endpoint writes it
        datatype = None
    return Literal(
        value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
    )


class Endpoint:
    """A remote SPARQL endpoint, used like a local store for SELECT queries."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise QueryError(f"The endpoint must be an http(s) URL, not '{url}'.")
        self.url = url
        self.timeout = timeout

    def select(self, sparql: str) -> SelectResult:
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
            raise QueryError(
                f"The endpoint {self.url} refused the query (HTTP {exc.code}): "
                f"{detail[0] if detail else exc.reason}."
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise QueryError(f"The endpoint {self.url} cannot be reached: {exc}.") from None
        variables = tuple(payload["head"]["vars"])
        rows = tuple(
            tuple(_term(b[v]) if v in b else None for v in variables)
            for b in payload["results"]["bindings"]
        )
        return SelectResult(variables, rows)
