"""The ``iscm-kg`` command line: it parses options and wires the pipeline stages, nothing more.

Built on click: help on every option, global options accepted before or after the command
(``iscm-kg --data DIR validate`` and ``iscm-kg validate --data DIR`` mean the same), environment
variables for them (``ISCM_KG_DATA``), and shell completion
(``eval "$(_ISCM_KG_COMPLETE=bash_source iscm-kg)"``).

Exit codes: 0 success; 1 the data or a query failed a check; 2 bad usage or unreadable input.
Errors are one or two plain sentences on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from . import __version__, cache, export, namespaces, reason, release, resources, stats
from . import validate as validate_stage
from .errors import IscmKgError, QueryError
from .pipeline import Pipeline
from .queries import runner
from .queries.formats import FORMATTERS
from .queries.stored import check_text, find_query, load_queries
from .store import ASSERTED, INFERRED

EXIT_CODES = "Exit codes: 0 success, 1 the data or a query failed a check, 2 bad usage or input."
PROG = "iscm-kg"
COMPLETE_VAR = "_ISCM_KG_COMPLETE"


@dataclass
class Settings:
    """The global options, wherever they were given on the command line."""

    data: Path | None = None
    quiet: bool = False
    cache: Path | None = None
    no_cache: bool = False
    reasoner: str = reason.DEFAULT_REASONER
    validator: str = validate_stage.DEFAULT_VALIDATOR


def _settings(ctx: click.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """Store a global option in the shared settings, unless this occurrence is only a default
    (so ``iscm-kg --data X validate`` is not undone by the sub-command's own default)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if ctx.get_parameter_source(param.name) not in (ParameterSource.DEFAULT, None):
            setattr(_settings(ctx), name, value)
        return value

    return callback


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command takes, before or after the command name."""
    options = [
        click.option(
            "--data",
            type=click.Path(path_type=Path),
            metavar="DIR",
            envvar="ISCM_KG_DATA",
            show_envvar=True,
            expose_value=False,
            callback=_remember("data"),
            help="Work on another copy of the data folder (default: the shipped data).",
        ),
        click.option(
            "--quiet",
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember("quiet"),
            help="No progress messages on stderr.",
        ),
        click.option(
            "--cache",
            type=click.Path(path_type=Path, file_okay=False),
            metavar="DIR",
            envvar=cache.ENV,
            show_envvar=True,
            expose_value=False,
            callback=_remember("cache"),
            help="Keep the reasoned graph and the validation report in DIR "
            "(default: the user's cache folder).",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember("no_cache"),
            help="Neither read nor write the cache: compute everything.",
        ),
        click.option(
            "--reasoner",
            type=click.Choice(list(reason.REASONERS)),
            default=reason.DEFAULT_REASONER,
            show_default=True,
            expose_value=False,
            callback=_remember("reasoner"),
            help="fast: owlrl's rules, visiting only the triples that can fire one; "
            "owlrl: owlrl's own loop (the reference; same result, slower).",
        ),
        click.option(
            "--validator",
            type=click.Choice(list(validate_stage.VALIDATORS)),
            default=validate_stage.DEFAULT_VALIDATOR,
            show_default=True,
            expose_value=False,
            callback=_remember("validator"),
            help="fast: a set-at-a-time conformance check first, pyshacl only for data that "
            "violates a shape; pyshacl: pyshacl always (the reference; same report, slower).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def format_option(
    choices: Sequence[str], help: str, default: str | None = "text"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--format`` option of a command (passed as ``fmt``): its choices, its help, and a
    default (``None``: the option is required)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


def _progress(enabled: bool) -> Callable[[str], None]:
    def show(message: str) -> None:
        if enabled:
            print(message, file=sys.stderr, flush=True)

    return show


def _pipeline(ctx: click.Context) -> Pipeline:
    settings = _settings(ctx)
    quiet = settings.quiet or not sys.stderr.isatty()
    folder = None if settings.no_cache else (settings.cache or cache.default_folder())
    return Pipeline(
        resources.layout(settings.data),
        progress=_progress(not quiet),
        cache=folder,
        reasoner=settings.reasoner,
        validator=settings.validator,
    )


def _help(summary: str, example: str) -> dict[str, str]:
    """Help text and epilog of a command: what it does, an example, the exit codes."""
    return {"help": summary, "epilog": f"\b\nExample: {example}\n{EXIT_CODES}"}


class _Group(click.Group):
    """Commands listed in the order they are declared (the order of the pipeline)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_Group,
    name=PROG,
    help="ISCM-KG: a linked-data knowledge graph of inter-State consultation mechanisms on "
    "migration and the Global Compact for Migration.",
    epilog=EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name=PROG, message="%(prog)s %(version)s")
@global_options
def cli() -> None:
    pass


@cli.command(
    **_help(
        "Load, reason, validate, run every stored query and write a release.",
        "iscm-kg build --out dist",
    )
)
@click.option("--out", default="dist", show_default=True, metavar="DIR", help="Output folder.")
@format_option(["text", "json"], "The summary as text for people or JSON for scripts.")
@global_options
@click.pass_context
def build(ctx: click.Context, out: str, fmt: str) -> None:
    pipeline = _pipeline(ctx)
    result = release.build(pipeline, Path(out))
    s = result.stats
    assert s is not None and pipeline.report is not None
    summary = {
        "out": str(result.out),
        "files_written": len(result.files),
        "triples_asserted": s.triples_asserted,
        "triples_inferred": s.triples_inferred,
        "nodes_validated": pipeline.report.nodes_validated,
        "violations": 0,
        "queries_run": result.queries_run,
        "seconds": {k: round(v, 3) for k, v in pipeline.timings.items()},
    }
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(
        f"Built {result.out}: {len(result.files)} files written.\n"
        f"  triples: {s.triples_asserted} asserted, {s.triples_inferred} inferred\n"
        f"  nodes validated: {pipeline.report.nodes_validated}, violations: 0\n"
        f"  queries run: {result.queries_run}\n"
        "  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in pipeline.timings.items())
    )


@cli.command(
    **_help(
        "Check the data against the SHACL shapes, after reasoning.",
        "iscm-kg validate --format json",
    )
)
@format_option(
    ["text", "json", "turtle"],
    "The report as text, JSON, or the SHACL validation report in Turtle.",
)
@global_options
@click.pass_context
def validate(ctx: click.Context, fmt: str) -> None:
    report = _pipeline(ctx).validate()
    if fmt == "json":
        sys.stdout.write(report.as_json())
    elif fmt == "turtle":
        sys.stdout.write(export.serialize_graph(report.results_graph, "ttl").decode("utf-8"))
    else:
        sys.stdout.write(report.as_text())
    ctx.exit(0 if report.conforms else 1)


def _stored_names(ctx: click.Context, _: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion for query names."""
    try:
        names = load_queries(resources.layout(_settings(ctx).data).queries)
    except IscmKgError:
        return []
    return [n for n in names if n.startswith(incomplete)]


@cli.command(
    **_help(
        "List the stored queries, their questions and parameters.", "iscm-kg queries --format json"
    )
)
@format_option(["text", "json"], "A list for people, or JSON for scripts.")
@global_options
@click.pass_context
def queries(ctx: click.Context, fmt: str) -> None:
    stored = load_queries(resources.layout(_settings(ctx).data).queries)
    if fmt == "json":
        payload = [
            {
                "name": name,
                "title": q.title,
                "description": q.description,
                "keywords": list(q.keywords),
                "parameters": [
                    {
                        "name": p.name,
                        "kind": p.kind,
                        "default": p.default,
                        "required": p.default is None,
                        "description": p.description,
                    }
                    for p in q.params
                ],
            }
            for name, q in stored.items()
        ]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for name, q in stored.items():
        click.echo(f"{name}\n    {q.title}")
        for p in q.params:
            default = "required" if p.default is None else f"default {p.default}"
            click.echo(f"    --param {p.name}=…  ({p.kind}, {default}): {p.description}")


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param needs KEY=VALUE, not '{pair}'.")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


@cli.command(
    name="query",
    **_help(
        "Run a stored query by name, or any SPARQL SELECT file, on the reasoned graph.",
        "iscm-kg query actor-references --param actor=GFMD --format csv",
    ),
)
@click.argument("name", metavar="NAME|FILE.rq", shell_complete=_stored_names)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a parameter (repeatable); 'iscm-kg queries' lists each query's parameters.",
)
@format_option(
    list(FORMATTERS),
    "table for people; csv and json are the W3C SPARQL results formats; md is Markdown.",
    default="table",
)
@click.option("--endpoint", metavar="URL", help="Run against a SPARQL 1.1 endpoint instead.")
@click.option("--out", metavar="FILE", help="Write to FILE instead of standard output.")
@global_options
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    out: str | None,
) -> None:
    if out:
        export.check_target(Path(out))  # before any work
    layout = resources.layout(_settings(ctx).data)
    stored = find_query(name, layout.queries)
    check_text(stored)
    given = _params(params)
    if endpoint:
        from .endpoint import Endpoint

        executor: runner.Executor = Endpoint(endpoint)
    else:
        executor = _pipeline(ctx).query_store()
    table = runner.run(stored, executor, given)
    text = FORMATTERS[fmt](table)
    if out:
        export.write_atomic(Path(out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)


@cli.command(
    name="export",
    **_help(
        "Write the graph in one format, byte-identical for the same input.",
        "iscm-kg export --format ttl --inferred --out iscm-kg.ttl",
    ),
)
@format_option(
    list(export.FORMATS),
    "ttl, nt, jsonld, trig (keeps the named graphs) or xml (RDF/XML).",
    default=None,
)
@click.option("--inferred", is_flag=True, help="Add the reasoned triples.")
@click.option("--base", metavar="IRI", help="Rewrite https://w3id.org/iscm-kg/ to IRI.")
@click.option("--out", metavar="FILE", help="Write to FILE instead of standard output.")
@global_options
@click.pass_context
def export_command(
    ctx: click.Context, fmt: str, inferred: bool, base: str | None, out: str | None
) -> None:
    if out:
        export.check_target(Path(out))  # before any work
    pipeline = _pipeline(ctx)
    pipeline.reason()
    graphs = {ASSERTED: pipeline.asserted}
    if inferred:
        graphs[INFERRED] = pipeline.inferred
    new_base = namespaces.BASE
    if base:
        graphs = {
            export.rebase_iri(n, base): export.rewrite_base(g, base) for n, g in graphs.items()
        }
        new_base = base
    if fmt == "trig":
        data = export.serialize_dataset(graphs)
    else:
        data = export.serialize_graph(export.merge(graphs.values()), fmt, base=new_base)
    if out:
        export.write_atomic(Path(out), data)
    else:
        sys.stdout.buffer.write(data)


@cli.command(
    name="stats",
    **_help(
        "Count triples, instances per class, references and entry points.",
        "iscm-kg stats --format json",
    ),
)
@format_option(["text", "json"], "Counts as text for people or JSON for scripts.")
@global_options
@click.pass_context
def stats_command(ctx: click.Context, fmt: str) -> None:
    pipeline = _pipeline(ctx)
    pipeline.reason()
    result = stats.compute(pipeline.asserted, pipeline.inferred, pipeline.store.union())
    sys.stdout.write(result.as_json() if fmt == "json" else result.as_text())


@cli.command(
    name="serve",
    **_help(
        "Serve the graph: a read-only SPARQL endpoint at /sparql (YASGUI in a browser), the "
        "stored queries at /queries/NAME, and a page for every resource at the path of its IRI.",
        "iscm-kg serve --port 8000 --timeout 10",
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds a query may run before it is stopped (503).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Query worker processes (each holds a copy of the graph).",
)
@click.option(
    "--max-query-bytes",
    type=click.IntRange(1),
    default=100_000,
    show_default=True,
    help="Longest query text accepted (413 beyond).",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(1),
    default=20_000_000,
    show_default=True,
    help="Largest result sent (422 beyond).",
)
@global_options
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    workers: int,
    max_query_bytes: int,
    max_result_bytes: int,
) -> None:
    from .web import app, serve

    settings = _settings(ctx)
    limits = app.Settings(
        timeout=timeout,
        workers=workers,
        max_query_bytes=max_query_bytes,
        max_result_bytes=max_result_bytes,
    )
    quiet = settings.quiet or not sys.stderr.isatty()
    serve.serve(
        settings.data,
        host,
        port,
        limits,
        progress=_progress(not quiet),
        access_log=not settings.quiet,
    )


# ---- contributors: check and diff (issue 13) ----------------------------------------------


@cli.command(
    name="check",
    **_help(
        "Check what you changed, fast: the shape violations and the quotations not found in "
        "their source, of the resources the changed files describe and of those linked to them. "
        "With no FILE, the data, shapes, ontology and query files git reports as changed. Same "
        "verdict as 'iscm-kg validate'.",
        "iscm-kg check data/reference/memberships.ttl",
    ),
)
@click.argument("files", nargs=-1, metavar="[FILE]...", type=click.Path(path_type=Path))
@format_option(["text", "json"], "Problems as text for people or JSON for scripts.")
@global_options
@click.pass_context
def check_command(ctx: click.Context, files: tuple[Path, ...], fmt: str) -> None:
    from . import check

    pipeline = _pipeline(ctx)
    layout = pipeline.layout
    changes = check.changes_for(layout, files) if files else check.changes_from_git(layout)
    outcome = check.run(pipeline, changes) if changes else check.Outcome([], 0, False)
    if fmt == "json":
        click.echo(outcome.as_json(), nl=False)
    elif not changes:
        click.echo("No changed data, shapes, ontology or query files: nothing to check.")
    else:
        click.echo(outcome.as_text(), nl=False)
    ctx.exit(0 if outcome.ok else 1)


@cli.command(
    name="diff",
    **_help(
        "What a change does to the graph, resource by resource and in words. OLD and NEW are "
        "each a data folder, a release folder, a .ttl/.nt file or a git revision. A report: "
        "exit 0 whatever it finds.",
        "iscm-kg diff main HEAD --format md",
    ),
)
@click.argument("old")
@click.argument("new")
@format_option(
    ["text", "md", "turtle"],
    "Sentences for people, Markdown (a pull request summary), or the removed and added "
    "triples as Turtle.",
)
@click.option(
    "--brief",
    is_flag=True,
    help="Only the counts and one line per group of resources (a changelog entry).",
)
@click.option("--out", metavar="FILE", help="Write to FILE instead of standard output.")
@global_options
@click.pass_context
def diff_command(
    ctx: click.Context, old: str, new: str, fmt: str, brief: bool, out: str | None
) -> None:
    from . import diff

    result = diff.run(old, new, resources.layout(_settings(ctx).data))
    text = diff.FORMATTERS[fmt](result, brief=brief)
    if out:
        export.write_atomic(Path(out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _usage_message(exc: click.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx is not None else PROG
    message = exc.format_message().rstrip(".")
    return f"{message} (see '{command} --help')."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (errors are printed, never raised)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if os.environ.get(COMPLETE_VAR):  # shell completion: click answers and exits
            cli.main(args=args, prog_name=PROG, complete_var=COMPLETE_VAR)
        # make_context + invoke rather than cli.main: click's main prints a blank line before
        # our own "interrupted." on Ctrl-C
        with cli.make_context(PROG, args) as ctx:
            result = cli.invoke(ctx)
        return result if isinstance(result, int) else 0
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        return 2
    except click.UsageError as exc:
        print(f"{PROG}: {_usage_message(exc)}", file=sys.stderr)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        print(f"{PROG}: interrupted.", file=sys.stderr)
        return 130
    except IscmKgError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except click.ClickException as exc:
        print(f"{PROG}: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the promise: never a bare traceback
        print(
            f"{PROG}: unexpected error ({type(exc).__name__}: {exc}). Please report it.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
