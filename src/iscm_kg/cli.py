"""The ``iscm-kg`` command line: it parses options and wires the pipeline stages, nothing more.

Exit codes: 0 success; 1 the data or a query failed a check; 2 bad usage or unreadable input.
Errors are one or two plain sentences on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, export, namespaces, query, release, resources, stats
from .errors import InputError, IscmKgError, QueryError
from .pipeline import Pipeline
from .store import ASSERTED, INFERRED

EPILOG = "Exit codes: 0 success, 1 the data or a query failed a check, 2 bad usage or input."


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in our format and exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see '{self.prog} --help').")


def _progress(enabled: bool):
    def show(message: str) -> None:
        if enabled:
            print(message, file=sys.stderr, flush=True)

    return show


def _pipeline(args: argparse.Namespace) -> Pipeline:
    quiet = args.quiet or not sys.stderr.isatty()
    return Pipeline(resources.layout(args.data), progress=_progress(not quiet))


def cmd_build(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    result = release.build(pipeline, Path(args.out))
    s = result.stats
    t = pipeline.timings
    print(
        f"Built {result.out}: {len(result.files)} files written.\n"
        f"  triples: {s.triples_asserted} asserted, {s.triples_inferred} inferred\n"
        f"  nodes validated: {pipeline.report.nodes_validated}, violations: 0\n"
        f"  queries run: {result.queries_run}\n"
        f"  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items())
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    report = pipeline.validate()
    if args.format == "json":
        sys.stdout.write(report.as_json())
    elif args.format == "turtle":
        sys.stdout.write(export.serialize_graph(report.results_graph, "ttl").decode("utf-8"))
    else:
        sys.stdout.write(report.as_text())
    return 0 if report.conforms else 1


def cmd_queries(args: argparse.Namespace) -> int:
    queries = query.load_queries(resources.layout(args.data).queries)
    for name, q in queries.items():
        print(f"{name}\n    {q.title}")
        for p in q.params:
            default = "required" if p.default is None else f"default {p.default}"
            print(f"    --param {p.name}=…  ({p.kind}, {default}): {p.description}")
    return 0


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param needs KEY=VALUE, not '{pair}'.")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    if args.out:
        export.check_target(Path(args.out))  # before any work
    layout = resources.layout(args.data)
    stored = query.find_query(args.name, layout.queries)
    query.check_text(stored)
    params = _params(args.param)
    if args.endpoint:
        from .endpoint import Endpoint

        executor = Endpoint(args.endpoint)
    else:
        executor = _pipeline(args).query_store()
    table = query.run(stored, executor, params)
    text = query.FORMATTERS[args.format](table)
    if args.out:
        export.write_atomic(Path(args.out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.out:
        export.check_target(Path(args.out))  # before any work
    pipeline = _pipeline(args)
    pipeline.reason()
    graphs = {ASSERTED: pipeline.asserted}
    if args.inferred:
        graphs[INFERRED] = pipeline.inferred
    base = namespaces.BASE
    if args.base:
        graphs = {
            export.rebase_iri(n, args.base): export.rewrite_base(g, args.base)
            for n, g in graphs.items()
        }
        base = args.base
    if args.format == "trig":
        data = export.serialize_dataset(graphs)
    else:
        data = export.serialize_graph(export.merge(graphs.values()), args.format, base=base)
    if args.out:
        export.write_atomic(Path(args.out), data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    pipeline.reason()
    result = stats.compute(pipeline.asserted, pipeline.inferred)
    sys.stdout.write(result.as_json() if args.format == "json" else result.as_text())
    return 0


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="work on another copy of the data folder (default: the shipped data)",
    )
    common.add_argument("--quiet", action="store_true", help="no progress messages")

    top = _Parser(
        prog="iscm-kg",
        description="ISCM-KG: a linked-data knowledge graph of inter-State consultation "
        "mechanisms on migration and the Global Compact for Migration.",
        epilog=EPILOG,
        parents=[common],
    )
    top.add_argument("--version", action="version", version=f"iscm-kg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_,
            description=help_,
            parents=[common],
            epilog=f"Example: {example}\n{EPILOG}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add(
        "build",
        "Load, reason, validate, run every stored query and write a release.",
        "iscm-kg build --out dist",
    )
    p.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    p.set_defaults(func=cmd_build)

    p = add(
        "validate",
        "Check the data against the SHACL shapes, after reasoning.",
        "iscm-kg validate --format json",
    )
    p.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    p.set_defaults(func=cmd_validate)

    p = add(
        "queries", "List the stored queries, their questions and parameters.", "iscm-kg queries"
    )
    p.set_defaults(func=cmd_queries)

    p = add(
        "query",
        "Run a stored query by name, or any SPARQL SELECT file, on the reasoned graph.",
        "iscm-kg query actor-references --param actor=GFMD --format csv",
    )
    p.add_argument("name", metavar="NAME|FILE.rq")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="bind a parameter (repeatable)",
    )
    p.add_argument("--format", choices=tuple(query.FORMATTERS), default="table")
    p.add_argument("--endpoint", metavar="URL", help="run against a SPARQL 1.1 endpoint instead")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_query)

    p = add(
        "export",
        "Write the graph in one format, byte-identical for the same input.",
        "iscm-kg export --format ttl --inferred --out iscm-kg.ttl",
    )
    p.add_argument("--format", choices=tuple(export.FORMATS), required=True)
    p.add_argument("--inferred", action="store_true", help="add the reasoned triples")
    p.add_argument("--base", metavar="IRI", help="rewrite https://w3id.org/iscm-kg/ to IRI")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)

    p = add(
        "stats",
        "Count triples, instances per class, references and entry points.",
        "iscm-kg stats --format json",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_stats)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        if not getattr(args, "func", None):
            parser().print_help(sys.stderr)
            return 2
        return args.func(args)
    except IscmKgError as exc:
        print(f"iscm-kg: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("iscm-kg: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise: never a bare traceback
        print(
            f"iscm-kg: unexpected error ({type(exc).__name__}: {exc}). Please report it.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
