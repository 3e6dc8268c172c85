"""Every bad input is answered: the exit code, the one line on stderr, and proof that nothing was
written or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from iscm_kg.cli import main


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file (and folder) under ``folders``, with its bytes."""
    found: dict[str, bytes] = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                found[str(path)] = path.read_bytes() if path.is_file() else b"<dir>"
    return found


def test_export_to_an_unwritable_folder_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """/proc cannot be written, even by root: a plain sentence and exit 2, not "unexpected
    error … Please report it"."""
    code = main(["export", "--format", "ttl", "--quiet", "--out", "/proc/iscm-kg.ttl"])
    err = capsys.readouterr().err
    assert (code, err) == (
        2,
        "iscm-kg: Cannot write /proc/iscm-kg.ttl: the folder /proc is not writable.\n",
    )
