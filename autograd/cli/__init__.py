"""The ``autograd`` command line (also ``python -m autograd``).

Each command is a module of this package whose ``add_command(subparsers)`` adds an argparse
subparser, with a ``run`` default that is a function ``(args) -> int`` returning the exit
status: ``graph`` (``autograd.cli.graph``), ``demo``, ``train``, ``predict`` and ``gpt``. A command
reports a user mistake (bad argument, unreadable file, bad expression) by raising
:class:`UsageError`; ``main`` prints it and exits with status 2, as argparse does for its own
errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import autograd
from autograd.errors import UsageError

__all__ = ["main", "build_parser", "UsageError"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    from autograd.cli import demo, gpt, graph, predict, train  # loaded when the command line runs

    parser = argparse.ArgumentParser(
        prog="autograd",
        description="A scalar automatic differentiation engine: draw graphs, train small networks.",
    )
    parser.add_argument("--version", action="version", version=f"autograd {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (graph, demo, train, predict, gpt):
        command.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"autograd {args.command}: error: {error}", file=sys.stderr)
        return 2
