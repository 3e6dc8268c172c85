"""The build: a complete, validated release in one folder, written all at once.

What ``dist/`` holds is the table of artefacts in ``artefacts.py`` (the graph in every format,
the ontology, the shapes, the JSON-LD context, the validation report, every stored query's result
as CSV, the static site, the VoID and DCAT description, the ontology's HTML documentation and an
index page); this module walks it. The release is assembled in a temporary folder next to the
target and swapped in at the end, so an interrupted build leaves the previous release whole; a
failed validation writes nothing.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from . import artefacts, export, ontology_docs
from .errors import CheckFailed, InputError
from .pipeline import Pipeline
from .stats import Stats
from .validate import Report
from .web import site as web_site


@dataclass
class Release:
    """What a build wrote, for the summary and the tests."""

    out: Path
    files: list[str] = field(default_factory=list)
    queries_run: int = 0
    stats: Stats | None = None


def build(pipeline: Pipeline, out: Path) -> Release:
    """Validate, run every stored query, and write the release into ``out``.

    ``out`` becomes a symbolic link to a complete release folder next to it
    (``.<name>.<random>``); a new release is written beside it and the link is replaced in one
    atomic rename, so a reader always sees a whole release and an interrupted build (SIGINT or
    SIGTERM) leaves the previous one untouched and no temporary files. A lock on the folder that
    holds ``out`` makes a second build into it fail at once. An existing real
    folder ``out`` (from an older version) is exchanged for the link atomically where the system
    allows it (Linux ``renameat2``), else with two renames."""
    out = Path(out).absolute()
    if not out.parent.is_dir():
        raise InputError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    if out.exists() and not out.is_dir():
        raise InputError(f"Cannot write {out}: it is a file, not a folder.")
    export.check_target(out, folder_ok=True)
    with _lock(out), _interrupts() as interrupts:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        release = Release(out)
        # The static site does not depend on validation: a forked process writes it meanwhile,
        # on the other core (src/iscm_kg/web/site.py, ``Background``).
        site = web_site.Background(pipeline, staging / "site")
        try:
            site.start()
            report = pipeline.validate()
            if not report.conforms:
                raise CheckFailed(
                    "Validation failed; nothing was written.\n" + report.as_text().rstrip()
                )
            _write_all(pipeline, report, staging, release, site, interrupts.check)
            os.chmod(staging, 0o777 & ~export._umask())
            interrupts.commit()  # a signal that came (even one lost in a finalizer) stops it
            _swap(staging, out)
        except BaseException:
            site.cancel()
            _remove(staging)
            raise
    return release


def _remove(folder: Path, attempts: int = 50) -> None:
    """Delete ``folder``, again while it is still there (for up to about 5 s): the site's
    workers, killed by ``Background.cancel``, can each finish the file or folder they were
    creating after the kill, and a file made during a removal leaves its folder behind."""
    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return
        time.sleep(0.1)


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """An exclusive lock on the folder that holds ``out`` (no lock file is written), or a clear
    error at once if another build holds it."""
    fd = os.open(out.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"Another build is writing into {out.parent}; run this one when it has finished."
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


class _Interrupts:
    """SIGINT and SIGTERM during a build: each raises ``KeyboardInterrupt`` (so the clean-up
    runs) and is remembered, until the build commits to its swap.

    Remembering makes the interruption certain: Python raises a signal's exception in whatever
    code runs when it arrives, and one raised in a finalizer (``__del__``, a weakref callback)
    is printed and dropped. ``check`` raises it again between artefacts, and ``commit`` before
    the swap. From ``commit`` on, a signal is only noted: the new release is swapped in and the
    previous one removed, which a signal must not cut short (the build has then succeeded)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.committed = False

    def handle(self, signum: int, _frame: object) -> None:
        self.received = signum
        if not self.committed:
            raise KeyboardInterrupt

    def check(self) -> None:
        if self.received is not None and not self.committed:
            raise KeyboardInterrupt

    def commit(self) -> None:
        self.committed = True  # first: a signal from here on is noted, not raised
        if self.received is not None:
            raise KeyboardInterrupt


@contextmanager
def _interrupts() -> Iterator[_Interrupts]:
    """Handle SIGTERM like Ctrl-C (SIGINT), both through ``_Interrupts``, while the build runs
    (in the main thread only, where Python delivers signals). A SIGINT that is ignored, as in
    a job started in the background with ``&``, stays ignored."""
    interrupts = _Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return
    kinds = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        kinds.append(signal.SIGINT)
    previous = {kind: signal.signal(kind, interrupts.handle) for kind in kinds}
    try:
        yield interrupts
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)


def _write_all(
    pipeline: Pipeline,
    report: Report,
    folder: Path,
    release: Release,
    site: web_site.Background | None = None,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Walk the table of artefacts (``artefacts.TABLE``) in order, writing each into ``folder``;
    consecutive artefacts of one stage are timed together. ``site``: the static site, already
    being written by a forked process (the site artefact then waits for it). ``check``: called
    before each artefact (it raises if the build was interrupted)."""
    pylode = ontology_docs.start(pipeline.layout.ontology_files())  # on the other core meanwhile
    inputs = artefacts.Inputs(pipeline, report, pylode, site)
    site_files: list[str] = []
    try:
        table = artefacts.expand(artefacts.TABLE, pipeline.queries)
        for stage, group in groupby(table, key=lambda a: a.stage):
            with pipeline.stage(stage, artefacts.STAGES[stage]) if stage else nullcontext():
                for artefact in group:
                    check()
                    if artefact.is_folder:
                        site_files += artefact.write(inputs, artefact, folder / artefact.name)
                        continue
                    data = artefact.write(inputs, artefact)
                    inputs.written[artefact.name] = artefacts.Written(
                        len(data), hashlib.sha256(data).hexdigest()
                    )
                    export.write_atomic(folder / artefact.name, data)
                    if artefact.item:  # a stored query's result
                        release.queries_run += 1
    finally:
        ontology_docs.stop(pylode)
    release.stats = inputs.stats
    release.files = sorted([*inputs.written, *site_files])


def _swap(staging: Path, out: Path) -> None:
    """Point ``out`` at ``staging`` in one atomic step, then delete the previous release."""
    link = out.with_name(f"{staging.name}.link")
    os.symlink(staging.name, link)
    try:
        if out.is_symlink() or not out.exists():
            previous = out.parent / os.readlink(out) if out.is_symlink() else None
            os.replace(link, out)  # atomic on POSIX: readers see the old or the new release
        else:  # a real folder from an older version: exchange it for the link
            _exchange(link, out)
            previous = link  # now the old folder
    except BaseException:
        if link.is_symlink():
            link.unlink()
        raise
    if previous is not None and previous.name.startswith(f".{out.name}."):
        if previous.is_symlink() or previous.is_file():
            previous.unlink()
        else:
            shutil.rmtree(previous, ignore_errors=True)


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); else two renames."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, bytes(a), at_fdcwd, bytes(b), rename_exchange) == 0:
            return
    aside = b.with_name(f"{a.name}.old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
