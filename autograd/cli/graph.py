"""``autograd graph EXPR``: build an expression on Values, run backward, print its value and
every variable's gradient, with ``--explain x`` the paths from ``x`` to the result, and with
``-o FILE`` draw the computational graph (``-o g.html``: the step-through page).

EXPR is read by ``autograd.parse`` (an allow-list parser, never ``eval``); drawing is
``autograd.viz.render``. Mistakes raise :class:`UsageError` (exit status 2); a missing or
failing Graphviz ``dot`` is exit status 1. An EXPR starting with ``-`` (``"-x*2"``) is read
as the expression wherever it stands, unless it is one of the command's options.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

from autograd.errors import UsageError

__all__ = ["add_command", "run_graph"]

GRAPH_EPILOG = """\
examples:
  autograd graph "apple*num*tax" --set apple=100 num=2 tax=1.1 -o apple.svg
  autograd graph "tanh(x*w + b)" --set x=0.5 w=-2 b=1 --local-grads -o neuron.png
  autograd graph "x*y + x" --set x=2 y=3 --explain x -o steps.html
  autograd graph "-x*2" --set x=1

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


def _expression_last(parser: argparse.ArgumentParser, args: list[str]) -> list[str]:
    """``args`` with an expression that starts with ``-`` moved behind ``--``, so argparse reads
    it as EXPR and not as an unknown option (``"-x*2"``, ``"-2*x"``, ``"-(x+1)"``).

    An argument is taken for the expression when it starts with one ``-``, is not one of the
    options nor a short option with its value attached (``-ofile.svg``), and is not the value
    of an option that takes one. Nothing changes after a ``--`` the user wrote.
    """
    known = parser._option_string_actions  # the option strings argparse itself matches
    out: list[str] = []
    moved: list[str] = []
    takes_value = False
    for i, arg in enumerate(args):
        if arg == "--":
            out.extend(args[i:])
            break
        action = known.get(arg.partition("=")[0]) if arg.startswith("--") else known.get(arg[:2])
        looks_like_option = arg.startswith("-") and len(arg) > 1 and not arg.startswith("--")
        if looks_like_option and action is None and not takes_value and not moved:
            moved.append(arg)
            continue
        out.append(arg)
        takes_value = arg in known and known[arg].nargs != 0  # the option's value comes next
    if not moved:
        return args
    if "--" in out:
        raise UsageError(f"EXPR {moved[0]!r} starts with '-': write it after the '--' with the rest")
    return [*out, "--", *moved]


class _GraphParser(argparse.ArgumentParser):
    """The graph command's parser: reads an EXPR that starts with ``-`` (see _expression_last)."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """As argparse's, after moving an expression that starts with ``-`` behind ``--``."""
        if args is not None:
            try:
                args = _expression_last(self, list(args))
            except UsageError as error:
                self.error(str(error))
        return super().parse_known_args(args, namespace)


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
    graph.__class__ = _GraphParser  # made by the subparsers action; this subclass adds one step
    graph.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x*y + exp(x)" or "-x*2"')
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
        help=f"draw the graph into FILE; the suffix picks the format ({' '.join(viz.FORMATS)}); "
        ".html is a page that plays the backward pass step by step",
    )
    graph.add_argument(
        "--explain",
        metavar="NAME",
        action="append",
        default=[],
        help="print every path from variable NAME to the result, with the products of the local "
        "derivatives along it, which add up to its gradient (repeatable)",
    )
    graph.add_argument(
        "--max-paths",
        type=int,
        default=viz.DEFAULT_MAX_PATHS,
        metavar="N",
        help=f"refuse to list more than N paths with --explain (default {viz.DEFAULT_MAX_PATHS})",
    )
    graph.add_argument(
        "--timeout",
        type=float,
        default=viz.DOT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop Graphviz's dot after SECONDS (default {viz.DOT_TIMEOUT:g})",
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
        help="import a Python module first, e.g. one that registers ops with autograd.register_op: "
        "a module name, found in the current folder as with python -m, or a path to a .py file "
        "(repeatable)",
    )
    graph.set_defaults(run=run_graph)


def _import(module: str) -> None:
    """``--import MODULE``: import a module by name with the current folder first on sys.path
    (as ``python -m`` has it), or a ``.py`` file by its path (``./myops.py``, ``lib/myops.py``)
    with its folder first on sys.path; sys.path is as before afterwards. Running the module's
    code is what the option is for; its failures are the user's mistakes (UsageError)."""
    is_path = module.endswith(".py") or "/" in module or os.sep in module
    if not is_path and not _MODULE_NAME.match(module):
        raise UsageError(
            f"--import: expected a module name like package.module or a path to a .py file, got {module!r}"
        )
    path = Path(module)
    if is_path:
        if path.suffix != ".py":
            raise UsageError(f"--import: expected a path to a .py file, got {module!r}")
        if path.is_dir():
            raise UsageError(f"--import: {module!r} is a folder; expected a .py file")
        if not path.is_file():
            raise UsageError(f"--import: the file {module!r} does not exist")
        if path.stem in sys.modules:
            raise UsageError(
                f"--import {module}: a module named {path.stem!r} is already imported; rename the file"
            )
    folder = str(path.resolve().parent) if is_path else os.getcwd()
    sys.path.insert(0, folder)
    try:
        if is_path:
            spec = importlib.util.spec_from_file_location(path.stem, path)
            if spec is None or spec.loader is None:  # a .py file always has a source loader
                raise UsageError(f"--import: cannot load {module!r} as a Python module")
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[path.stem] = loaded  # as an import would, for the module's own lookups
            try:
                spec.loader.exec_module(loaded)
            except BaseException:
                del sys.modules[path.stem]
                raise
        else:
            importlib.import_module(module)
    except UsageError:
        raise
    except ImportError as error:
        raise UsageError(f"--import {module}: {error}") from None
    except Exception as error:  # the module ran and failed: report it as the user's mistake
        raise UsageError(f"--import {module}: {type(error).__name__}: {error}") from None
    finally:
        sys.path.remove(folder)  # the first occurrence: the one inserted above


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
    if args.max_paths < 1:
        raise UsageError(f"--max-paths: expected a positive number, got {args.max_paths}")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise UsageError(f"--timeout: expected a positive number of seconds, got {args.timeout}")
    for module in args.imports:
        _import(module)
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix.lower() not in viz.FORMATS:
            suffixes = ", ".join(viz.FORMATS)
            raise UsageError(f"-o: expected a file name ending in one of {suffixes}, got {args.output!r}")
        if output.is_dir():
            raise UsageError(f"-o: {args.output!r} is a folder; expected a file name such as graph.svg")
        if not output.parent.is_dir():
            raise UsageError(f"-o: the folder {str(output.parent)!r} does not exist")
    values = _parse_assignments(args.assignments)
    try:
        out, leaves = parse.build(args.expr, values)
    except parse.ExpressionError as error:
        raise UsageError(str(error)) from None
    if not out.label:  # name the result in the explanations, the drawing and the page
        text = args.expr.strip()
        out.label = text if len(text) <= 40 else "result"
    for name in args.explain:
        if name not in leaves:
            known = ", ".join(leaves) or "none"
            raise UsageError(f"--explain: {name!r} is not a variable of the expression (variables: {known})")
    explanations = []
    for name in args.explain:
        try:
            explanation = viz.explain(out, leaves[name], max_paths=args.max_paths, precision=args.digits)
            explanations.append(explanation)
        except viz.GraphTooLargeError as error:
            message = str(error).replace("pass max_paths=", "pass --max-paths ").replace(" (or None)", "")
            raise UsageError(message) from None
    out.backward()

    def show(x: float) -> str:
        return f"{x:.{args.digits}g}"

    width = max((len(name) for name in leaves), default=0)
    print(f"{args.expr.strip()} = {show(out.data)}")
    if leaves:
        print("gradients:")
        for name, leaf in leaves.items():
            print(f"  d/d{name:<{width}} = {show(leaf.grad)}")
    for explanation in explanations:
        print(explanation)
    unused = [name for name in values if name not in leaves]
    if unused:
        print(f"warning: not in the expression: {', '.join(unused)}", file=sys.stderr)
    if output is not None:
        options: dict[str, Any] = {"rankdir": args.rankdir, "max_nodes": args.max_nodes}
        if viz.FORMATS[output.suffix.lower()] != "html":
            options["show_local_grads"] = args.local_grads
        try:
            viz.render(out, output, timeout=args.timeout, **options)
        except viz.GraphTooLargeError as error:
            raise UsageError(str(error).replace("pass max_nodes=", "pass --max-nodes ")) from None
        except (viz.GraphvizNotFoundError, viz.GraphvizError) as error:
            print(f"autograd graph: error: {error}", file=sys.stderr)
            return 1
        except OSError as error:
            raise UsageError(f"-o: cannot write {args.output!r}: {error.strerror or error}") from None
        print(f"wrote {output}")
    return 0
