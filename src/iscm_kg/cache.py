"""The reasoned graph and its validation report, kept on disk between runs.

An entry is keyed by a SHA-256 over everything that decides its content: the name and bytes of
every ontology, shape, data and query file, the reasoner asked for, the version of this package and
a hash of its source, and the versions of rdflib, owlrl, pyshacl and pyoxigraph. Changing any input
gives another key, so a stale entry is never read; old entries are pruned (``KEEP`` are kept).

Layout of the cache folder (``default_folder()``, ``$ISCM_KG_CACHE``, or ``--cache DIR``)::

    <key>/reasoned/graph.nq        the asserted and inferred named graphs (N-Quads)
    <key>/reasoned/reasoning.json  reasoner errors and counts; the origins of each subject, as
                                   paths relative to the layout's folders (entries are relocatable)
    <key>/validated/results.nt     the SHACL results graph
    <key>/validated/report.json    conforms, the number of nodes validated
    <key>/*/MANIFEST.json          the SHA-256 and size of every other file of the part

Each part is written into a temporary folder beside it and renamed into place, so a reader sees a
whole part or none, and two processes that write the same part at once do not corrupt it (the
second rename fails, and its copy is discarded). A part whose manifest is missing or whose files
do not match it is deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__

FORMAT = 1  # bump when the layout of an entry changes
KEEP = 8  # entries kept; the least recently used beyond that are deleted …
IDLE = 900  # … once unused for this many seconds (another process may still be reading them)
ENV = "ISCM_KG_CACHE"
MANIFEST = "MANIFEST.json"
_ENGINES = ("rdflib", "owlrl", "pyshacl", "pyoxigraph")
_PACKAGE = Path(__file__).resolve().parent


def default_folder() -> Path:
    """``$ISCM_KG_CACHE`` if set, else the platform's user cache folder for iscm-kg."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("iscm-kg", appauthor=False))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _code_digest() -> str:
    """A hash of this package's own source: a changed program never reads an old entry."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _engine_versions() -> dict[str, str]:
    versions = {}
    for name in _ENGINES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def key(inputs: dict[str, Iterable[tuple[str, Path]]], reasoner: str) -> str:
    """The key of the entry for ``inputs`` (role -> (relative name, path)) and ``reasoner``."""
    digest = hashlib.sha256()
    header = {
        "format": FORMAT,
        "package": __version__,
        "code": _code_digest(),
        "engines": _engine_versions(),
        "reasoner": reasoner,
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    for role in sorted(inputs):
        for name, path in sorted(inputs[role]):
            digest.update(f"\n{role}/{name}\0".encode())
            digest.update(_sha256_file(path).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Cache:
    """A cache folder."""

    folder: Path

    def part(self, entry: str, name: str) -> Path:
        return self.folder / entry / name

    def read(self, entry: str, name: str) -> Path | None:
        """The folder of a whole, verified part, or None (a damaged part is deleted)."""
        folder = self.part(entry, name)
        if not folder.is_dir():
            return None
        if not _verified(folder):
            _remove(folder)
            return None
        with suppress(OSError):
            os.utime(folder.parent)  # the entry was used: prune others first
        return folder

    def write(self, entry: str, name: str, fill: Callable[[Path], None]) -> Path | None:
        """Write a part: ``fill`` writes its files into a temporary folder, which gets a manifest
        and is renamed into place. Returns the part's folder, or None if it could not be written
        (the cache is an optimisation: a read-only or full disk only costs time)."""
        target = self.part(entry, name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
        except OSError:
            return None
        try:
            fill(staging)
            files = {
                p.name: {"sha256": _sha256_file(p), "size": p.stat().st_size}
                for p in sorted(staging.iterdir())
            }
            (staging / MANIFEST).write_text(json.dumps({"files": files}, indent=1) + "\n")
            try:
                os.rename(staging, target)
            except OSError:  # another process wrote it first: keep theirs
                shutil.rmtree(staging, ignore_errors=True)
                return self.read(entry, name)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            return None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.prune(keep_entry=entry)
        return target

    @contextmanager
    def lock(self, entry: str) -> Iterator[None]:
        """Hold the entry's lock while it is computed, so that a second process waits for the
        first one's result instead of computing it too (POSIX; elsewhere both compute)."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(self.folder / f".{entry}.lock", "a+b")  # noqa: SIM115
        except OSError:
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def prune(self, keep_entry: str | None = None, now: float | None = None) -> None:
        """Delete the entries beyond the ``KEEP`` most recently used that nobody has used for
        ``IDLE`` seconds: a process that opened an entry reads its files lazily, so an entry in
        use is never deleted under it (parallel test workers, a command beside a server)."""
        now = time.time() if now is None else now
        try:
            entries = [
                (p, p.stat().st_mtime)
                for p in self.folder.iterdir()
                if p.is_dir() and not p.name.startswith(".")
            ]
        except OSError:
            return
        entries.sort(key=lambda item: item[1], reverse=True)
        for old, used in entries[KEEP:]:
            if old.name != keep_entry and now - used >= IDLE:
                _remove(old)
                (self.folder / f".{old.name}.lock").unlink(missing_ok=True)


def _verified(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = manifest["files"]
        present = {p.name for p in folder.iterdir()} - {MANIFEST}
        if present != set(files):
            return False
        for name, expected in files.items():
            path = folder / name
            if path.stat().st_size != expected["size"] or _sha256_file(path) != expected["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def _remove(folder: Path) -> None:
    """Delete a folder without ever leaving a half one under its name: rename it away first."""
    trash = folder.with_name(f".trash.{folder.name}.{os.getpid()}.{time.monotonic_ns()}")
    try:
        os.rename(folder, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)
