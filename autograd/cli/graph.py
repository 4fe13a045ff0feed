"""``autograd graph EXPR``: build an expression on Values, run backward, print its value and
every variable's gradient and, with ``-o FILE``, draw the computational graph.

EXPR is read by ``autograd.parse`` (an allow-list parser, never ``eval``); drawing is
``autograd.viz.render``. Mistakes raise :class:`UsageError` (exit status 2); a missing
Graphviz ``dot`` is exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import math
import re
import sys
import textwrap
from pathlib import Path

from autograd.errors import UsageError

__all__ = ["add_command", "run_graph"]

GRAPH_EPILOG = """\
examples:
  autograd graph "apple*num*tax" --set apple=100 num=2 tax=1.1 -o apple.svg
  autograd graph "tanh(x*w + b)" --set x=0.5 w=-2 b=1 --local-grads -o neuron.png

EXPR uses numbers, variable names, + - * / **, unary -, parentheses and calls of
{functions}
and ops registered with autograd.register_op (see --import). It is parsed, never run by
Python's eval.
"""

_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def _epilog() -> str:
    """The help's epilog, listing the functions of the rules table as the parser reads them."""
    from autograd import ops, parse

    calls = []
    for name in parse.functions():
        prim = ops.get(name)
        args = [*"xyzuvw"[: prim.inputs], *["number"] * prim.params]
        calls.append(f"{name}({', '.join(args)})")
    return GRAPH_EPILOG.format(functions="\n".join(textwrap.wrap(", ".join(calls), 88)))


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``graph`` command to the command line's subparsers."""
    from autograd import viz

    graph = commands.add_parser(
        "graph",
        help="build an expression, run backward, print gradients and draw the graph",
        description="Build EXPR on Values, run backward, print its value and every variable's "
        "gradient, and (with -o) draw the computational graph.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    graph.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x*y + exp(x)"')
    graph.add_argument(
        "--set",
        dest="assignments",
        metavar="NAME=NUMBER",
        nargs="+",
        action="extend",
        default=[],
        help="give variables their values (repeatable)",
    )
    graph.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"draw the graph into FILE; the suffix picks the format ({' '.join(viz.FORMATS)})",
    )
    graph.add_argument("--local-grads", action="store_true", help="label edges with local derivatives")
    graph.add_argument("--rankdir", choices=viz.RANKDIRS, default="LR", help="layout direction (default LR)")
    graph.add_argument(
        "--max-nodes",
        type=int,
        default=viz.DEFAULT_MAX_NODES,
        metavar="N",
        help=f"refuse to draw graphs with more than N Value nodes (default {viz.DEFAULT_MAX_NODES})",
    )
    graph.add_argument(
        "--digits", type=int, default=12, metavar="N", help="significant digits printed (default 12)"
    )
    graph.add_argument(
        "--import",
        dest="imports",
        metavar="MODULE",
        action="append",
        default=[],
        help="import a Python module first, e.g. one that registers ops with autograd.register_op",
    )
    graph.set_defaults(run=run_graph)


def _parse_assignments(assignments: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in assignments:
        name, sep, number = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"--set: expected NAME=NUMBER, got {item!r}")
        try:
            value = float(number)
        except ValueError:
            raise UsageError(f"--set {name}: expected a number, got {number!r}") from None
        if not math.isfinite(value):
            raise UsageError(f"--set {name}: expected a finite number, got {number!r}")
        if name in values:
            raise UsageError(f"--set: {name} is given twice")
        values[name] = value
    return values


def run_graph(args: argparse.Namespace) -> int:
    """``autograd graph``: build EXPR, run backward, print the gradients and (with -o) draw the graph."""
    from autograd import parse, viz

    if not 1 <= args.digits <= 17:
        raise UsageError(f"--digits: expected 1 to 17, got {args.digits}")
    if args.max_nodes < 1:
        raise UsageError(f"--max-nodes: expected a positive number, got {args.max_nodes}")
    for module in args.imports:
        if not _MODULE_NAME.match(module):
            raise UsageError(f"--import: expected a module name like package.module, got {module!r}")
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise UsageError(f"--import {module}: {error}") from None
        except Exception as error:  # the module ran and failed: report it as the user's mistake
            raise UsageError(f"--import {module}: {type(error).__name__}: {error}") from None
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix.lower() not in viz.FORMATS:
            suffixes = ", ".join(viz.FORMATS)
            raise UsageError(f"-o: expected a file name ending in one of {suffixes}, got {args.output!r}")
        if not output.parent.is_dir():
            raise UsageError(f"-o: the folder {str(output.parent)!r} does not exist")
    values = _parse_assignments(args.assignments)
    try:
        out, leaves = parse.build(args.expr, values)
    except parse.ExpressionError as error:
        raise UsageError(str(error)) from None
    out.backward()

    def show(x: float) -> str:
        return f"{x:.{args.digits}g}"

    width = max((len(name) for name in leaves), default=0)
    print(f"{args.expr.strip()} = {show(out.data)}")
    if leaves:
        print("gradients:")
        for name, leaf in leaves.items():
            print(f"  d/d{name:<{width}} = {show(leaf.grad)}")
    unused = [name for name in values if name not in leaves]
    if unused:
        print(f"warning: not in the expression: {', '.join(unused)}", file=sys.stderr)
    if output is not None:
        try:
            viz.render(
                out, output, rankdir=args.rankdir, show_local_grads=args.local_grads, max_nodes=args.max_nodes
            )
        except viz.GraphTooLargeError as error:
            raise UsageError(str(error).replace("pass max_nodes=", "pass --max-nodes ")) from None
        except viz.GraphvizNotFoundError as error:
            print(f"autograd graph: error: {error}", file=sys.stderr)
            return 1
        print(f"wrote {output}")
    return 0
