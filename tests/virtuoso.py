"""A Virtuoso 7 server on loopback ports, for the test that runs every stored query on it.

Virtuoso is the store many linked-data portals run (Debian: ``apt-get install
virtuoso-opensource``). The server runs in the foreground from a generated ``virtuoso.ini`` with a
database in a temporary folder and two free loopback ports (SQL and HTTP); the export is loaded
over ``isql`` with ``DB.DBA.TTLP_MT`` (TriG, so the asserted and inferred graphs stay named graphs),
and queries go to its ``/sparql`` endpoint through the SPARQL 1.1 Protocol as a form POST (a plain
POST with ``application/sparql-query`` hangs on Virtuoso 7).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from iscm_kg.triplestore import free_port

SERVER = "virtuoso-t"
ISQL = ("isql-vt", "isql")

_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {db}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/www
MaxClientConnections = 5
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = {timeout}
"""


def installed() -> bool:
    """Whether the Virtuoso server and its isql client are on the PATH."""
    return shutil.which(SERVER) is not None and any(shutil.which(c) for c in ISQL)


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its SPARQL endpoint, and how to reach it with isql."""

    sparql: str
    sql_port: int
    folder: Path
    process: subprocess.Popen

    def isql(self, statements: str) -> str:
        """Run SQL statements as the database administrator; return the output."""
        client = next(shutil.which(c) for c in ISQL if shutil.which(c))
        proc = subprocess.run(
            [client, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0 or "*** Error" in proc.stdout + proc.stderr:
            raise RuntimeError(f"isql failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def load_trig(self, data: bytes) -> float:
        """Load TriG into its named graphs; return the seconds it took."""
        path = self.folder / "load.trig"
        path.write_bytes(data)
        start = time.perf_counter()
        self.isql(f"DB.DBA.TTLP_MT (file_to_string_output ('{path}'), '', 'urn:x-load', 256);")
        self.isql("checkpoint;")
        return time.perf_counter() - start

    def alive(self) -> bool:
        return self.process.poll() is None


@contextmanager
def virtuoso_server(timeout: int = 120) -> Iterator[Virtuoso]:
    """Start Virtuoso on free loopback ports with a fresh database; stop it and delete it after.
    ``timeout`` bounds each query (seconds, the server's MaxQueryExecutionTime)."""
    folder = Path(tempfile.mkdtemp(prefix="virtuoso-"))
    (folder / "www").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _INI.format(db=folder, sql_port=sql_port, http_port=http_port, timeout=timeout),
        encoding="utf-8",
    )
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [shutil.which(SERVER), "+configfile", str(ini), "+foreground"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    sparql = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"Virtuoso stopped: {(folder / 'server.log').read_text()}")
            try:
                urllib.request.urlopen(f"{sparql}?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"Virtuoso did not start on {sparql}.")
        yield Virtuoso(sparql, sql_port, folder, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
