"""Arithmetic expressions from text, turned into Values without ``eval``.

>>> from autograd.parse import build
>>> out, variables = build("apple*num*tax", {"apple": 100, "num": 2, "tax": 1.1})
>>> out.backward()
>>> round(out.data, 9), [round(v.grad, 9) for v in variables.values()]
(220.0, [2.2, 110.0, 200.0])

The grammar is the arithmetic part of Python's: numbers, variable names, ``+ - * / **``,
unary ``-`` and ``+``, parentheses, and calls of the functions in the rules table (every op
written as a call: ``exp``, ``log``, ``sqrt``, ``sin``, ``maximum(x, y)``, ``clamp(x, 0, 1)``
..., and any op made with ``autograd.register_op``; :func:`functions` lists them).
Precedence is Python's: ``-x**2`` is ``-(x**2)``.

Python's parser (``ast.parse``) reads the text into a syntax tree; nothing is evaluated
by Python. The tree is then checked against an allow-list: anything else (attribute access,
subscripts, lambdas, keyword arguments, comparisons, strings, names starting with ``_`` ...)
raises :class:`ExpressionError` with the column where it starts.
"""

from __future__ import annotations

import ast
import math
import numbers
import sys
import warnings
from collections.abc import Mapping
from typing import Any

from autograd import ops
from autograd._numbers import Number, shown
from autograd.errors import ExpressionError
from autograd.value import Value

__all__ = ["ExpressionError", "functions", "variables", "build", "MAX_LENGTH"]

MAX_LENGTH = 10_000
"""Longest expression text accepted, in characters."""

_BINARY: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}


def functions() -> dict[str, int]:
    """The functions an expression may call, with how many arguments each takes: every op of
    the rules table written as a call (no operator symbol) on a fixed number of operands."""
    return {
        name: prim.arity
        for name, prim in sorted(ops.primitives().items())
        if prim.symbol is None and not prim.groups
    }


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access",
        ast.Subscript: "subscripts",
        ast.Lambda: "lambdas",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "conditional expressions",
        ast.NamedExpr: "assignment expressions",
        ast.Starred: "starred arguments",
        ast.JoinedStr: "f-strings",
        ast.Tuple: "tuples",
        ast.List: "lists",
        ast.Dict: "dicts",
        ast.Set: "sets",
    }
    for kind, name in names.items():
        if isinstance(node, kind):
            return name
    if isinstance(node, ast.BinOp):
        return f"{type(node.op).__name__} operators"
    if isinstance(node, ast.UnaryOp):
        return f"unary {type(node.op).__name__} operators"
    return f"{type(node).__name__} expressions"


def _parse(text: object) -> tuple[str, ast.expr]:
    if not isinstance(text, str):
        raise TypeError(f"expression: expected a str, got {type(text).__name__}: {text!r:.80}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if "\n" in text or "\r" in text:
        raise ExpressionError("the expression must be on one line", text)
    try:
        with warnings.catch_warnings():  # an invalid escape in a string literal (refused below)
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        if error.msg.startswith("Exceeds the limit"):  # an int literal of more than 4,300 digits
            limit = sys.get_int_max_str_digits()
            raise ExpressionError(
                f"an integer in the expression has more than {limit} digits: too large for a float"
            ) from None
        column = max(1, min(error.offset or len(text.strip()) + 1, len(text.strip()) + 1))
        raise ExpressionError(f"syntax error: {error.msg}", text.strip(), column) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"cannot parse the expression: {error}") from None
    return text.strip(), tree.body


def _column(text: str, node: ast.AST) -> int:
    """The 1-based column of ``node`` in the one-line ``text``, in characters (the syntax
    tree counts UTF-8 bytes); 0 if the node has no position."""
    offset: int | None = getattr(node, "col_offset", None)
    if offset is None:
        return 0
    if text.isascii():
        return offset + 1
    return len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")) + 1


def _check(text: str, root: ast.expr) -> list[str]:
    """Check every node of the tree against the allow-list; the variable names, in order."""
    allowed = functions()
    names: list[str] = []
    stack: list[ast.AST] = [root]
    while stack:
        node = stack.pop()
        column = _column(text, node)
        if isinstance(node, ast.Constant):
            number = node.value
            if type(number) is not int and type(number) is not float:
                raise ExpressionError(f"only real numbers are allowed, not {shown(number, 40)}", text, column)
            if type(number) is int and not _fits(number):
                too_large = f"{shown(number, 40)} is too large for a float (the largest is about 1.8e308)"
                raise ExpressionError(too_large, text, column)
            if not math.isfinite(number):
                raise ExpressionError(f"the number {shown(number, 40)} is not finite", text, column)
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise ExpressionError(f"names starting with '_' are not allowed: {node.id!r}", text, column)
            if node.id in allowed:
                raise ExpressionError(f"{node.id!r} is a function: call it, as {node.id}(x)", text, column)
            if node.id not in names:
                names.append(node.id)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            stack += (node.right, node.left)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Name):
                raise ExpressionError("only functions called by name are allowed", text, column)
            if func.id not in allowed:
                raise ExpressionError(_not_callable(func.id, allowed), text, column)
            if node.keywords:
                raise ExpressionError(f"{func.id}() takes no keyword arguments", text, column)
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                raise ExpressionError("starred arguments are not allowed", text, column)
            arity = allowed[func.id]
            if len(node.args) != arity:
                takes = f"{arity} argument{'s' * (arity > 1)}"
                raise ExpressionError(f"{func.id}() takes {takes}, got {len(node.args)}", text, column)
            stack += reversed(node.args)
        else:
            raise ExpressionError(f"not allowed: {_describe(node)}", text, column)
    return names


def _not_callable(name: str, allowed: Mapping[str, int]) -> str:
    """Why ``name(...)`` cannot be called in an expression: an op of the rules table that is
    written with an operator or takes sequences, or no op at all."""
    prim = ops.primitives().get(name)
    if prim is not None and prim.symbol in _BINARY.values():
        return (
            f"{name!r} is a registered op written with its operator, not called: "
            f"write x {prim.symbol} y, not {name}(x, y)"
        )
    if prim is not None and prim.symbol is not None:
        return (
            f"{name!r} is a registered op written with the operator {prim.symbol!r}, which "
            f"expressions do not accept (they accept {' '.join(_BINARY.values())})"
        )
    if prim is not None and prim.groups:
        sequences = "a sequence" if prim.groups == 1 else f"{prim.groups} sequences"
        return (
            f"{name!r} is a registered op on {sequences} of any length; expressions can call ops "
            "of a fixed number of inputs (call it from Python)"
        )
    return f"unknown function {name!r}; known: {', '.join(allowed)}"


def _fits(n: int) -> bool:
    """Whether the int ``n`` converts to a float (floats reach about 1.8e308)."""
    try:
        float(n)
    except OverflowError:
        return False
    return True


def _leaf_number(name: str, number: object) -> float:
    """The value given for variable ``name`` as a float: any finite real number (an int, a
    float, a NumPy real scalar), not a bool; ExpressionError otherwise."""
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise ExpressionError(
            f"the value of {name!r} must be a finite number, got {type(number).__name__}: {shown(number)}"
        )
    try:
        x = float(number)
    except (OverflowError, ValueError, TypeError):
        x = math.inf
    if not math.isfinite(x):
        raise ExpressionError(f"the value of {name!r} must be a finite number, got {shown(number)}")
    return x


def variables(text: str) -> list[str]:
    """The variable names used in ``text``, in order of first appearance (checks the text too)."""
    return _check(*_parse(text))


def _compute(node: ast.expr, args: list[Any], env: Mapping[str, Value]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # an int or float: checked by _check
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        return -args[0] if isinstance(node.op, ast.USub) else args[0]
    if isinstance(node, ast.BinOp):
        a, b = args
        symbol = _BINARY[type(node.op)]
        if symbol == "+":
            return a + b
        if symbol == "-":
            return a - b
        if symbol == "*":
            return a * b
        if symbol == "/":
            return a / b
        result = a**b
        if isinstance(result, complex):  # float ** float with a negative base
            raise ValueError(f"{a!r} ** {b!r} is not a real number")
        return result
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # checked by _check
    return ops.apply(ops.get(node.func.id), *args)


def build(text: str, values: Mapping[str, Number]) -> tuple[Value, dict[str, Value]]:
    """Build ``text`` on Values: returns the result and one leaf Value per variable.

    ``values`` gives every variable a real number (an int, a float, a NumPy real scalar);
    the leaves are labelled with their names. A variable without a value, a value that is
    not a finite real number, a number in the text too large for a float, or arithmetic
    that fails (division by zero, log of a negative number, overflow) raises ExpressionError.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"build: values must be a mapping of names to numbers, got {type(values).__name__}")
    text, root = _parse(text)
    names = _check(text, root)
    missing = [name for name in names if name not in values]
    if missing:
        raise ExpressionError(f"no value given for {', '.join(repr(n) for n in missing)}")
    leaves: dict[str, Value] = {}
    for name in names:
        leaves[name] = Value(_leaf_number(name, values[name]), label=name)

    # Post-order over the tree with an explicit stack: no recursion, whatever the nesting.
    results: list[Any] = []
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        children: list[ast.expr]
        if isinstance(node, ast.BinOp):
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            children = [node.operand]
        elif isinstance(node, ast.Call):
            children = list(node.args)
        else:
            children = []
        if children and not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        count = len(children)
        args = results[len(results) - count :] if count else []
        del results[len(results) - count :]
        try:
            results.append(_compute(node, args, leaves))
        except (ArithmeticError, ValueError, TypeError) as error:  # TypeError: clamp(x, y, 1)
            column = _column(text, node)
            reason = "the result is too large" if isinstance(error, OverflowError) else str(error)
            raise ExpressionError(f"cannot compute this part: {reason}", text, column) from None
    out = results[0]
    if not isinstance(out, Value):
        out = Value(out)
    return out, leaves
