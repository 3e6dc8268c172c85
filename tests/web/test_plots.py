"""The plots: the numbers they show come from the stored queries' rows, each is a valid SVG with
a title and axis labels, nothing in it is a bitmap or fetched from elsewhere, and the same rows
give the same bytes in any process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iscm_kg.web import plots
from iscm_kg.web.pages import Site

SVG = "{http://www.w3.org/2000/svg}"
NAMES = sorted(plots.catalog())
AXES = {
    "references-per-objective": ("Objective", "References recorded"),
    "iscms-by-region": ("Number of ISCMs", "Region"),
    "stakeholder-matrix-A-RES-73-195": ("Objective", "Stakeholder group"),
    "stakeholder-matrix-gcm-zero-draft-rev1": ("Objective", "Stakeholder group"),
    "entry-points-A-RES-73-195": ("Objective", "Entry points for ISCMs"),
    "entry-points-gcm-zero-draft-rev1": ("Objective", "Entry points for ISCMs"),
}


@pytest.fixture(scope="module")
def run(pipeline) -> plots.Runner:
    return plots.runner(pipeline.queries, pipeline.query_store())


def test_the_plots_the_issue_asks_for() -> None:
    assert sorted(AXES) == NAMES


def test_references_per_objective_numbers(run: plots.Runner) -> None:
    numbers, zero, adopted = plots.references_per_objective_data(
        run("references-per-objective", {})
    )
    assert numbers == list(range(1, 24))
    assert (zero[18], adopted[18]) == (7, 12)  # objective 19
    assert (zero[22], adopted[22]) == (0, 4)  # objective 23: not in the Zero Draft Rev 1
    assert (zero[5], adopted[5]) == (9, 8)  # objective 6


def test_iscms_by_region_numbers(run: plots.Runner) -> None:
    regions, counts = plots.iscms_by_region_data(run("iscms-by-region", {}))
    assert regions == ["Africa", "Americas", "Asia and Pacific", "Europe", "Middle East"]
    assert counts == {
        "rcp": [5, 4, 2, 4, 1],
        "irf": [5, 6, 5, 10, 2],
        "global_process": [3, 3, 3, 3, 3],
    }


def test_stakeholder_matrix_numbers(run: plots.Runner) -> None:
    groups, numbers, counts = plots.stakeholder_matrix_data(
        run("stakeholder-matrix", {"document": "A-RES-73-195"}),
        run("entry-point-coverage", {"document": "A-RES-73-195"}),
    )
    assert groups == [
        "civil society",
        "diasporas",
        "local authorities and communities",
        "private sector",
        "trade unions",
    ]
    assert numbers == list(range(1, 24))
    assert counts[groups.index("diasporas")][19 - 1] == 8
    assert counts[groups.index("civil society")] == [1 if n in (2, 3, 12) else 0 for n in numbers]
    _, zero_numbers, _ = plots.stakeholder_matrix_data(
        run("stakeholder-matrix", {"document": "gcm-zero-draft-rev1"}),
        run("entry-point-coverage", {"document": "gcm-zero-draft-rev1"}),
    )
    assert zero_numbers == list(range(1, 23))  # the Zero Draft Rev 1 had 22 objectives


def test_entry_points_numbers(run: plots.Runner) -> None:
    numbers, counts = plots.entry_points_data(
        run("entry-points", {"document": "A-RES-73-195"}),
        run("entry-point-coverage", {"document": "A-RES-73-195"}),
    )
    assert list(counts) == ["regional", "global"]
    coverage = run("entry-point-coverage", {"document": "A-RES-73-195"})
    for row in coverage:
        i = numbers.index(int(row["objective_number"]))
        assert (counts["regional"][i] > 0, counts["global"][i] > 0) == (
            row["regional"] == "yes",
            row["global"] == "yes",
        )
    assert sum(counts["regional"]) + sum(counts["global"]) == len(
        run("entry-points", {"document": "A-RES-73-195"})
    )


@pytest.mark.parametrize("name", NAMES)
def test_plot_is_valid_svg_with_title_and_axis_labels(site: Site, name: str) -> None:
    data = site.plot(name)
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    plot = plots.catalog()[name]
    assert root.find(f"{SVG}title").text == plot.title
    assert root.find(f"{SVG}desc").text == plot.alt
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert plot.title in texts  # drawn as text, not glyph outlines
    assert set(AXES[name]) <= texts
    assert b"<image" not in data  # every mark is vector
    hrefs = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")]
    assert all(h.startswith("#") for h in hrefs)  # nothing fetched from elsewhere
    assert site.plot(f"{name}.svg") == data


def test_same_rows_same_bytes_in_other_processes(
    site: Site, run: plots.Runner, tmp_path: Path
) -> None:
    """The plots, drawn in two more processes with other hash seeds from the same rows, are
    byte-identical to the site's."""
    rows = {}
    for plot in plots.catalog().values():
        for name, params in plot.queries:
            rows[json.dumps([name, sorted(params)])] = run(name, dict(params))
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from iscm_kg.web import plots\n"
        "rows = json.loads(Path(sys.argv[1]).read_text())\n"
        "def run(name, params):\n"
        "    return rows[json.dumps([name, sorted([list(p) for p in params.items()])])]\n"
        "for name in plots.catalog():\n"
        "    Path(sys.argv[2], name + '.svg').write_bytes(plots.draw(name, run))\n"
    )
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "rows.json"), str(out)],
            env=dict(os.environ, PYTHONHASHSEED=seed),
            check=True,
            capture_output=True,
        )
        for name in NAMES:
            assert (out / f"{name}.svg").read_bytes() == site.plot(name), (seed, name)


def test_query_command_does_not_import_matplotlib_or_jinja() -> None:
    """matplotlib takes about a second to import: only drawing a plot pays for it."""
    check = (
        "import sys, iscm_kg.cli, iscm_kg.release, iscm_kg.web.pages, iscm_kg.web.site\n"
        "print(sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
