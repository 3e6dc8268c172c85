"""Helpers for the server tests: the real application on a free loopback port (uvicorn in a
thread, query workers in their own processes), and a stand-in for the resource pages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import httpx
import uvicorn
from helpers import free_port

from iscm_kg.web.app import Settings, Site, create_app


@dataclass
class LiveServer:
    """A running server: its base URL and the application (``app.state.pool`` its workers)."""

    url: str
    app: object
    port: int

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.post(self.url + path, timeout=60, **kwargs)  # type: ignore[arg-type]


def start_server(pipeline, settings: Settings, site: Site | None = None) -> Iterator[LiveServer]:
    """Serve ``pipeline`` until the generator is closed."""
    app = create_app(pipeline, settings, site=site)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The test server did not start.")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app, port)
    finally:
        server.should_exit = True
        thread.join(60)


class StubSite:
    """A stand-in for the resource pages: one home page and one resource, in four formats."""

    PAGES: ClassVar[dict[str, bytes]] = {
        "/": b"<!DOCTYPE html><title>home</title>",
        "/id/actor/x": b"<p>x</p>",
    }

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def page(self, path: str) -> bytes | None:
        self.asked.append((path, "html"))
        return self.PAGES.get(path)

    def rdf(self, path: str, fmt: str) -> bytes | None:
        self.asked.append((path, fmt))
        return f"{fmt} of {path}".encode() if path in self.PAGES else None
