"""The cache of the reasoned graph: never stale, never trusted when damaged, safe to share."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import console_script, copy_data

from iscm_kg import cache, resources
from iscm_kg.cli import main
from iscm_kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
MIDWA = "Migration Dialogue for West Africa"
MIDWA_FILE = Path("zero-draft-rev1/active-iscms.ttl")


def names(capsys: pytest.CaptureFixture[str], data: Path, folder: Path) -> set[str]:
    """The ISCM names ``iscm-kg query iscms`` prints for ``data`` with the cache in ``folder``."""
    argv = ["query", "iscms", "--format", "csv", "--quiet"]
    code = main([*argv, "--data", str(data), "--cache", str(folder)])
    out = capsys.readouterr().out
    assert code == 0
    return {row["name"] for row in csv.DictReader(io.StringIO(out))}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data that a test may change."""
    return copy_data(tmp_path / "data")


def seeded(folder: Path, data: Path, cache_folder: Path, pipeline: Pipeline) -> Path:
    """``folder`` holding a copy of the session cache's entry for ``data`` (a copy of the
    shipped data: the same key, the files are named relative to the data folder), as a first
    ``query`` would have left it; the session's pipeline has made that entry."""
    key = Pipeline(resources.layout(data)).key()
    assert key == pipeline.key()
    shutil.copytree(cache_folder / key, folder / key)
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_a_changed_data_file_is_seen_by_the_next_query(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, cache_folder, pipeline
) -> None:
    folder = seeded(tmp_path / "cache", data, cache_folder, pipeline)
    assert MIDWA in names(capsys, data, folder)  # from the cache
    assert len(entries(folder)) == 1
    path = data / MIDWA_FILE
    text = path.read_text(encoding="utf-8")
    assert f'skos:prefLabel "{MIDWA}"@en' in text
    path.write_text(
        text.replace(f'"{MIDWA}"@en', '"Migration Dialogue for West Africa (renamed)"@en')
    )
    after = names(capsys, data, folder)
    assert MIDWA not in after
    assert "Migration Dialogue for West Africa (renamed)" in after
    assert len(entries(folder)) == 2  # a new key; the old entry is never read again


@pytest.mark.parametrize("damage", ["truncate", "delete", "manifest"])
def test_a_damaged_entry_is_rebuilt_not_trusted(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    tmp_path: Path,
    damage: str,
    cache_folder: Path,
    pipeline: Pipeline,
) -> None:
    folder = seeded(tmp_path / "cache", data, cache_folder, pipeline)
    before = names(capsys, data, folder)
    (entry,) = entries(folder)
    part = entry / "reasoned"
    target = part / "inferred.nt"
    size = target.stat().st_size
    if damage == "truncate":
        with open(target, "r+b") as handle:
            handle.truncate(size // 2)
    elif damage == "delete":
        target.unlink()
    else:
        (part / cache.MANIFEST).write_text("{")
    assert names(capsys, data, folder) == before
    assert target.stat().st_size == size  # written again, whole
    assert json.loads((part / cache.MANIFEST).read_text())["files"]["inferred.nt"]["size"] == size


def test_a_warm_pipeline_gives_what_a_cold_one_computes(tmp_path: Path) -> None:
    """Graphs, origins, reasoner counts and the validation report, read back from the cache."""
    layout = resources.layout(ROOT / "tests" / "cli" / "invalid-data")
    folder = tmp_path / "cache"
    cold = Pipeline(layout, cache=folder)
    cold_report = cold.validate()
    warm = Pipeline(layout, cache=folder)
    warm_report = warm.validate()
    assert "validate" in cold.timings and "validate" not in warm.timings
    assert "reason" not in warm.timings
    assert set(warm.asserted) == set(cold.asserted)
    assert set(warm.inferred) == set(cold.inferred)
    assert dict(warm.loaded.origins) == dict(cold.loaded.origins)
    assert warm.loaded.files == cold.loaded.files
    assert warm.reasoned.dropped == cold.reasoned.dropped
    assert warm.reasoned.by_predicate == cold.reasoned.by_predicate
    assert warm_report.violations == cold_report.violations
    assert warm_report.violations  # the data is invalid: there is something to compare
    assert (warm_report.conforms, warm_report.nodes_validated) == (
        cold_report.conforms,
        cold_report.nodes_validated,
    )
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) }"
    cold_rows = cold.query_store().select(everything).rows
    warm_rows = warm.query_store().select(everything).rows
    assert len(cold_rows) > 1000 and sorted(cold_rows) == sorted(warm_rows)


def test_no_cache_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    argv = ["validate", "--quiet", "--no-cache", "--data", str(ROOT / "tests/cli/invalid-data")]
    assert main(argv) == 1
    assert "id:actor/midwa" in capsys.readouterr().out
    assert not folder.exists()


def test_the_cache_folder_comes_from_the_option_the_variable_or_the_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "from-env"))
    assert cache.default_folder() == tmp_path / "from-env"
    monkeypatch.delenv(cache.ENV)
    assert cache.default_folder().name == "iscm-kg"


def test_the_key_covers_every_input_the_reasoner_and_the_program(tmp_path: Path) -> None:
    files = {}
    for role in ("ontology", "shapes", "data", "queries"):
        path = tmp_path / role / "a.txt"
        path.parent.mkdir()
        path.write_text(role)
        files[role] = [("a.txt", path)]
    first = cache.key(files, "fast")
    assert cache.key(files, "fast") == first
    assert cache.key(files, "owlrl") != first
    for role in files:
        path = files[role][0][1]
        path.write_text(role + " changed")
        assert cache.key(files, "fast") != first, role
        path.write_text(role)
    renamed = dict(files, data=[("b.txt", files["data"][0][1])])
    assert cache.key(renamed, "fast") != first
    assert cache.key(files, "fast") == first


def test_two_commands_at_once_share_one_entry(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    exe = console_script()
    argv = [exe, "query", "iscms", "--format", "csv", "--data", str(data), "--cache", str(folder)]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    assert outs[0][0] == outs[1][0] and MIDWA.encode() in outs[0][0]
    (entry,) = entries(folder)
    assert sorted(p.name for p in entry.iterdir() if not p.name.startswith(".")) == ["reasoned"]


def test_prune_keeps_recent_and_in_use_entries(tmp_path: Path) -> None:
    """Beyond ``KEEP`` entries, only those idle for ``IDLE`` seconds are deleted, oldest first;
    an entry another process read a moment ago survives however many entries come after it."""
    import os

    from iscm_kg import cache

    store = cache.Cache(tmp_path)
    now = 1_000_000.0
    for i in range(cache.KEEP + 3):
        folder = tmp_path / f"entry{i:02d}"
        folder.mkdir()
        # entry00 is the oldest; entries 00 and 01 are idle, 02 was used a minute ago
        used = now - cache.IDLE - 100 + i if i < 2 else now - 60 - i
        os.utime(folder, (used, used))
    store.prune(keep_entry=None, now=now)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"entry{i:02d}" for i in range(2, cache.KEEP + 3)]
