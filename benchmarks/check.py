"""Measure ``iscm-kg check`` and ``iscm-kg diff`` on the real data with one changed file.

For each changed file: the whole command as a contributor runs it (a new process: load, reason,
then the focused check), with an empty cache (the first check after an edit) and again (the
reasoned graph of the edited data is then in the cache); and, in one process, the check alone on
an already reasoned graph, against a full validation. Prints figures; asserts nothing.

Usage: python benchmarks/check.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from iscm_kg import check, resources
from iscm_kg.pipeline import Pipeline

EDITS = {
    # one quotation changed (a fidelity failure)
    "adopted-text/references.ttl": (
        "to provide a space for annual informal exchange",
        "to provide a space for annual formal exchange",
    ),
    # one membership of a State that does not exist (a shape violation), in the largest file
    "reference/memberships.ttl": ("org:member <state/AGO> ;", "org:member <state/XAG> ;"),
}


def run(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - start, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iscm-kg-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(resources.layout().data, data)
        originals = {}
        for rel, (old, new) in EDITS.items():
            path = data / rel
            originals[rel] = path.read_text(encoding="utf-8")
            path.write_text(originals[rel].replace(old, new, 1), encoding="utf-8")

        print("== iscm-kg check FILE, a new process each run (load, reason, check) ==")
        for rel in EDITS:
            cmd = [sys.executable, "-m", "iscm_kg", "check", "--data", str(data), str(data / rel)]
            cold = []
            for i in range(args.repeat):
                os.environ["ISCM_KG_CACHE"] = str(Path(tmp) / f"cache-{rel.replace('/', '-')}-{i}")
                cold.append(run(cmd))
            warm = [run(cmd) for _ in range(args.repeat)]  # the last cache now holds the edit
            for label, times in (("empty cache", cold), ("cached", warm)):
                print(
                    f"  {rel:30} {label:11} median {statistics.median(t for t, _ in times):6.2f} s"
                    f" (runs: {', '.join(f'{t:.2f}' for t, _ in times)}; exit {times[0][1]})"
                )
        os.environ.pop("ISCM_KG_CACHE", None)

        print("\n== in one process: the check alone, on a reasoned graph ==")
        pipeline = Pipeline(resources.layout(data), cache=None)
        start = time.perf_counter()
        pipeline.reason()
        print(f"  load and reason: {time.perf_counter() - start:6.2f} s")
        for rel in EDITS:
            change = check.Change(data / rel, True, originals[rel])
            times, outcome = [], None
            for _ in range(args.repeat):
                start = time.perf_counter()
                outcome = check.run(pipeline, [change])
                times.append(time.perf_counter() - start)
            assert outcome is not None
            print(
                f"  {rel:32} changed lines only: median {statistics.median(times):6.2f} s, "
                f"{outcome.checked} resources checked, {len(outcome.problems)} problem(s)"
            )
            whole = check.Change(data / rel, True, originals[rel], whole=True)
            start = time.perf_counter()
            outcome = check.run(pipeline, [whole])
            print(
                f"  {rel:32} the whole file:      {time.perf_counter() - start:6.2f} s, "
                f"{outcome.checked} resources checked"
            )
        start = time.perf_counter()
        report = pipeline.validate()
        print(
            f"  full validation (iscm-kg validate's stage): {time.perf_counter() - start:6.2f} s, "
            f"{len(report.violations)} violation(s)"
        )

        print("\n== iscm-kg diff, a new process each run ==")
        shipped = str(resources.layout().data)
        cmd = [sys.executable, "-m", "iscm_kg", "diff", shipped, str(data)]
        times = [run(cmd)[0] for _ in range(args.repeat)]
        print(f"  two data folders: median {statistics.median(times):6.2f} s")


if __name__ == "__main__":
    main()
