"""Plots for the pages, drawn from the stored queries' rows, as SVG that is byte-identical for the
same rows.

Each plot runs stored queries (the ones ``iscm-kg query`` runs, with the same parameters), turns
their rows into plain numbers (``*_data`` functions, testable without drawing), and draws them with
matplotlib's own SVG writer. matplotlib is imported only when a plot is drawn: importing it costs
about a second, which ``iscm-kg query`` should not pay.

Why matplotlib: it writes SVG itself (no raster backend, no browser, no JavaScript), every element
is vector (text stays text, so titles and axis labels can be read, searched and tested), and its
output can be pinned: a fixed ``svg.hashsalt`` for element ids, no date in the metadata, and the
DejaVu font it ships for text metrics. The alternatives need a JavaScript runtime in the page
(Vega-Lite, Plotly: nothing may be fetched from another host, and a static site should work
without scripts) or produce less readable charts with more code (hand-written SVG, pygal).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..queries.formats import cell
from ..queries.runner import Executor
from ..queries.runner import run as run_query
from ..queries.stored import StoredQuery

Rows = list[dict[str, str]]
Runner = Callable[[str, dict[str, str]], Rows]

ADOPTED = "A-RES-73-195"
ZERO_DRAFT = "gcm-zero-draft-rev1"
VERSIONS = {ADOPTED: "the adopted text (A/RES/73/195)", ZERO_DRAFT: "the Zero Draft Rev 1"}
_COLOURS = ("#0b5cad", "#e08a1e", "#3c9a5f")  # blue, orange, green: distinct for most readers


@dataclass(frozen=True)
class Plot:
    """One plot: its name (file name without .svg), title, text alternative, and how to draw it
    from the stored queries."""

    name: str
    title: str
    alt: str
    queries: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    draw: Callable[[Runner], bytes]


def catalog() -> dict[str, Plot]:
    """Every plot the site shows, by name."""
    plots = [
        Plot(
            "references-per-objective",
            "References per objective: Zero Draft Rev 1 against the adopted text",
            "Bar chart: for each of the 23 objectives, the number of references the analyses "
            "record in the Zero Draft Rev 1 and in the adopted text.",
            (("references-per-objective", ()),),
            _draw_references_per_objective,
        ),
        Plot(
            "iscms-by-region",
            "ISCMs by region and type",
            "Bar chart: for each region, how many regional consultative processes, inter-regional "
            "forums and global processes touch it.",
            (("iscms-by-region", ()),),
            _draw_iscms_by_region,
        ),
    ]
    for document, version in VERSIONS.items():
        plots.append(
            Plot(
                f"stakeholder-matrix-{document}",
                f"References to stakeholder groups by objective, {version}",
                f"Heat map: for each stakeholder group and each objective of {version}, the "
                "number of references; empty cells have none.",
                (
                    ("stakeholder-matrix", (("document", document),)),
                    ("entry-point-coverage", (("document", document),)),
                ),
                lambda run, d=document, v=version: _draw_stakeholder_matrix(run, d, v),
            )
        )
        plots.append(
            Plot(
                f"entry-points-{document}",
                f"Regional and global entry points per objective, {version}",
                f"Stacked bar chart: for each objective of {version}, the number of entry points "
                "for ISCMs at the regional and at the global level.",
                (
                    ("entry-points", (("document", document),)),
                    ("entry-point-coverage", (("document", document),)),
                ),
                lambda run, d=document, v=version: _draw_entry_points(run, d, v),
            )
        )
    return {p.name: p for p in plots}


def runner(queries: dict[str, StoredQuery], executor: Executor) -> Runner:
    """Run a stored query by name with parameters; rows of plain strings (cached)."""
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], Rows] = {}

    def run(name: str, params: dict[str, str]) -> Rows:
        key = (name, tuple(sorted(params.items())))
        if key not in cache:
            table = run_query(queries[name], executor, dict(params))
            cache[key] = [
                {c: cell(t) for c, t in zip(table.columns, row, strict=True)} for row in table.rows
            ]
        return cache[key]

    return run


# Data: rows to numbers --------------------------------------------------------------------


def references_per_objective_data(rows: Rows) -> tuple[list[int], list[int], list[int]]:
    """Objective numbers, and references in the Zero Draft Rev 1 and in the adopted text."""
    numbers = [int(r["objective_number"]) for r in rows]
    zero = [int(r["zero_draft_references"] or 0) for r in rows]
    adopted = [int(r["adopted_references"] or 0) for r in rows]
    return numbers, zero, adopted


def iscms_by_region_data(rows: Rows) -> tuple[list[str], dict[str, list[int]]]:
    """Regions, and per type (column) the number of ISCMs touching each region."""
    regions = [r["region"] for r in rows]
    counts = {c: [int(r[c] or 0) for r in rows] for c in ("rcp", "irf", "global_process")}
    return regions, counts


def stakeholder_matrix_data(
    matrix: Rows, objectives: Rows
) -> tuple[list[str], list[int], list[list[int]]]:
    """Stakeholder groups, the version's objective numbers, and the counts (a row per group, a
    column per objective)."""
    numbers = sorted(int(r["objective_number"]) for r in objectives)
    groups = sorted({r["stakeholder_group"] for r in matrix})
    counts = [[0] * len(numbers) for _ in groups]
    for r in matrix:
        column = numbers.index(int(r["objective_number"]))
        counts[groups.index(r["stakeholder_group"])][column] = int(r["references"])
    return groups, numbers, counts


def entry_points_data(points: Rows, objectives: Rows) -> tuple[list[int], dict[str, list[int]]]:
    """The version's objective numbers, and per level the number of entry points."""
    numbers = sorted(int(r["objective_number"]) for r in objectives)
    levels = sorted({r["level"] for r in points}, key=lambda lv: (lv != "regional", lv))
    counts = {lv: [0] * len(numbers) for lv in levels}
    for r in points:
        counts[r["level"]][numbers.index(int(r["objective_number"]))] += 1
    return numbers, counts


# Drawing ------------------------------------------------------------------------------------


def _draw_references_per_objective(run: Runner) -> bytes:
    numbers, zero, adopted = references_per_objective_data(run("references-per-objective", {}))
    fig, ax = _figure(9, 4.2)
    width = 0.4
    ax.bar(
        [n - width / 2 for n in numbers], zero, width, label="Zero Draft Rev 1", color=_COLOURS[1]
    )
    ax.bar(
        [n + width / 2 for n in numbers],
        adopted,
        width,
        label="Adopted text (A/RES/73/195)",
        color=_COLOURS[0],
    )
    ax.set_xticks(numbers)
    ax.set_xlabel("Objective")
    ax.set_ylabel("References recorded")
    ax.set_title(catalog()["references-per-objective"].title)
    ax.legend(frameon=False)
    _integer_axis(ax.yaxis)
    return _svg(fig, "references-per-objective")


def _draw_iscms_by_region(run: Runner) -> bytes:
    regions, counts = iscms_by_region_data(run("iscms-by-region", {}))
    fig, ax = _figure(8, 4.2)
    labels = {
        "rcp": "Regional consultative processes",
        "irf": "Inter-regional forums",
        "global_process": "Global processes",
    }
    height = 0.26
    positions = list(range(len(regions)))
    for i, (column, values) in enumerate(counts.items()):
        ax.barh(
            [p + (i - 1) * height for p in positions],
            values,
            height,
            label=labels[column],
            color=_COLOURS[i],
        )
    ax.set_yticks(positions, regions)
    ax.invert_yaxis()
    ax.set_xlabel("Number of ISCMs")
    ax.set_ylabel("Region")
    ax.set_title(catalog()["iscms-by-region"].title)
    ax.legend(frameon=False, loc="lower right")
    _integer_axis(ax.xaxis)
    return _svg(fig, "iscms-by-region")


def _draw_stakeholder_matrix(run: Runner, document: str, version: str) -> bytes:
    groups, numbers, counts = stakeholder_matrix_data(
        run("stakeholder-matrix", {"document": document}),
        run("entry-point-coverage", {"document": document}),
    )
    fig, ax = _figure(9.5, 1.4 + 0.45 * max(len(groups), 1))
    if groups:
        from matplotlib import colormaps
        from matplotlib.colors import BoundaryNorm, ListedColormap

        peak = max(max(row) for row in counts)
        # One colour per count, white for none: the counts are small whole numbers.
        shades = colormaps["Blues"].resampled(peak + 1)
        cmap = ListedColormap(["#ffffff"] + [shades(i + 1) for i in range(peak)])
        norm = BoundaryNorm([b - 0.5 for b in range(peak + 2)], cmap.N)
        mesh = ax.pcolormesh(
            [n - 0.5 for n in numbers] + [numbers[-1] + 0.5],
            [i - 0.5 for i in range(len(groups) + 1)],
            counts,
            cmap=cmap,
            norm=norm,
            edgecolors="#d8dee6",
            linewidth=0.5,
        )
        for y, row in enumerate(counts):
            for x, value in zip(numbers, row, strict=True):
                if value:
                    colour = "white" if value > peak / 2 else "black"
                    ax.text(x, y, str(value), ha="center", va="center", fontsize=8, color=colour)
        bar = fig.colorbar(mesh, ax=ax, pad=0.01, ticks=list(range(peak + 1)))
        bar.solids.set_rasterized(False)  # vector, not an embedded bitmap
        bar.set_label("References")
    ax.set_xticks(numbers)
    ax.set_yticks(range(len(groups)), groups)
    ax.invert_yaxis()
    ax.set_xlabel("Objective")
    ax.set_ylabel("Stakeholder group")
    ax.set_title(f"References to stakeholder groups by objective, {version}")
    return _svg(fig, f"stakeholder-matrix-{document}")


def _draw_entry_points(run: Runner, document: str, version: str) -> bytes:
    numbers, counts = entry_points_data(
        run("entry-points", {"document": document}),
        run("entry-point-coverage", {"document": document}),
    )
    fig, ax = _figure(9, 4)
    bottom = [0] * len(numbers)
    for i, (level, values) in enumerate(counts.items()):
        ax.bar(
            numbers,
            values,
            0.7,
            bottom=bottom,
            label=f"{level.capitalize()} level",
            color=_COLOURS[i % len(_COLOURS)],
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(numbers)
    ax.set_xlabel("Objective")
    ax.set_ylabel("Entry points for ISCMs")
    ax.set_title(f"Regional and global entry points per objective, {version}")
    ax.legend(frameon=False)
    _integer_axis(ax.yaxis)
    return _svg(fig, f"entry-points-{document}")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


_RC = {
    "svg.hashsalt": "iscm-kg",  # element ids from a fixed salt, not a random one
    "svg.fonttype": "none",  # text as <text>, not glyph outlines
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same metrics everywhere
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
}


def draw(name: str, run: Runner) -> bytes:
    """The SVG of plot ``name``, from the rows ``run`` gives."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        return catalog()[name].draw(run)


def _svg(fig, name: str) -> bytes:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "iscm-kg"})
    text = out.getvalue()
    plot = catalog()[name]
    accessible = (
        f'<title id="{name}-title">{escape(plot.title)}</title>\n'
        f'<desc id="{name}-desc">{escape(plot.alt)}</desc>\n'
    )
    text = re.sub(
        r"(<svg\b[^>]*?)>",
        lambda m: (
            f'{m.group(1)} role="img" aria-labelledby="{name}-title {name}-desc">\n' + accessible
        ),
        text,
        count=1,
    )
    return text.encode("utf-8")
