"""The files a contributor's pull request runs: the GitHub workflow and the pre-commit hooks.

The workflow is validated against the GitHub workflow JSON schema of the SchemaStore, as vendored
by the check-jsonschema package (no network); the pre-commit configuration by pre-commit itself.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"


def _yaml(text: str) -> object:
    return YAML(typ="safe").load(text)  # YAML 1.2: `on:` stays a string


@pytest.fixture(scope="module")
def schema() -> dict:
    vendored = files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def _errors(schema: dict, document: object) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return sorted(e.message for e in validator.iter_errors(document))


def test_workflow_is_valid_against_the_schemastore_schema(schema: dict) -> None:
    assert _errors(schema, _yaml(WORKFLOW.read_text(encoding="utf-8"))) == []


def test_the_schema_rejects_a_broken_workflow(schema: dict) -> None:
    """The check can fail: a job without ``runs-on`` and a misspelt ``steps`` are errors."""
    broken = WORKFLOW.read_text(encoding="utf-8").replace("    runs-on: ubuntu-latest\n", "", 1)
    assert _errors(schema, _yaml(broken))
    misspelt = WORKFLOW.read_text(encoding="utf-8").replace("    steps:\n", "    step:\n", 1)
    assert _errors(schema, _yaml(misspelt))


def test_workflow_runs_ci_and_lowest_and_writes_the_summary() -> None:
    workflow = _yaml(WORKFLOW.read_text(encoding="utf-8"))
    assert "pull_request" in workflow["on"]
    test, lowest = workflow["jobs"]["test"], workflow["jobs"]["lowest"]
    runs = [step.get("run", "") for step in test["steps"]]
    assert "bash .ci/run" in runs
    summary = next(s for s in test["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "${{ always() && github.event_name == 'pull_request' }}"
    assert "iscm-kg validate --data data --format text" in summary["run"]
    assert 'iscm-kg diff --data data "$BASE_SHA" HEAD --format md' in summary["run"]
    assert "bash .ci/lowest" in [step.get("run", "") for step in lowest["steps"]]
    script = (ROOT / ".ci" / "lowest").read_text(encoding="utf-8")
    assert "--resolution lowest-direct" in script


def test_pre_commit_config_is_valid() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(PRE_COMMIT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_hooks_lint_and_check_the_staged_data_files() -> None:
    (repo,) = _yaml(PRE_COMMIT.read_text(encoding="utf-8"))["repos"]
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert sorted(hooks) == ["iscm-kg-check", "ruff-check", "ruff-format"]
    check = hooks["iscm-kg-check"]
    assert check["entry"] == "iscm-kg check --data data"
    assert check["require_serial"] is True  # one process: one pipeline, not one per batch
    pattern = re.compile(check["files"])
    assert pattern.search("data/reference/memberships.ttl")
    assert not pattern.search("tests/shapes/Actor/invalid.ttl")
    assert not pattern.search("data/README.md")
