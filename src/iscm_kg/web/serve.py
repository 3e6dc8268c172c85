"""``iscm-kg serve``: load the reasoned graph once and serve it with uvicorn."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

from .. import resources
from ..errors import InputError
from ..pipeline import Pipeline, Progress
from .app import Settings, create_app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    data: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: Settings | None = None,
    progress: Progress | None = None,
    access_log: bool = True,
) -> None:
    """Serve the graph of ``data`` (the shipped data by default) until interrupted."""
    import uvicorn

    if not 0 < port < 65536:
        raise InputError(f"--port must be between 1 and 65535, not {port}.")
    settings = settings or Settings()
    if settings.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds, not {settings.timeout}.")
    pipeline = Pipeline(resources.layout(data), progress=progress or (lambda _: None)).reason()
    app = create_app(pipeline, settings)
    where = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    print(
        f"Serving ISCM-KG at {where}/ (SPARQL endpoint {where}/sparql; "
        f"query time limit {settings.timeout:g} s). Press Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    if not is_loopback(host):
        print(
            f"Note: {host} is not a loopback address; the server is reachable from the network.",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=access_log,
        timeout_keep_alive=5,
        limit_concurrency=256,
        server_header=False,
    )
