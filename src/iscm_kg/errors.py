"""The errors the pipeline reports to people, each with the exit code the CLI gives it."""

from __future__ import annotations


class IscmKgError(Exception):
    """Base class: a message for people, and the process exit code."""

    exit_code = 2


class InputError(IscmKgError):
    """Unreadable input: a missing file, malformed Turtle, a bad option (exit 2)."""

    exit_code = 2


class QueryError(IscmKgError):
    """A query that cannot run: unknown name, bad parameter, syntax error (exit 2)."""

    exit_code = 2


class CheckFailed(IscmKgError):
    """The data failed a check: shape violations or an inconsistency (exit 1)."""

    exit_code = 1
