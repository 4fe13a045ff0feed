"""Expressions as data: a straight-line program over the rules table, with the point it was drawn at.

An :class:`Expression` is what :func:`autograd.testing.strategies.expressions` draws, but it
needs no Hypothesis: it is a list of :class:`Instruction` over a growing list of nodes (the
variables first, then one node per instruction), so a node can be used many times (a shared
sub-expression). The same expression can be

* built as Values (``expr.build(x, y)`` or ``expr(x, y)``), to differentiate it;
* evaluated on floats with each op's forward from the rules table (``expr.evaluate(1.0, 2.0)``);
* run by any other interpreter (``expr.run(inputs, apply)``: PyTorch, for an oracle);
* printed as Python source (``expr.source()``), so a failing example reads as a formula.

Every fact about an op comes from the rules table (``autograd.ops``): how it is written (its
``symbol``, its constants, its sequences) and its :class:`~autograd.ops.Domain` (where it is
defined and where it is smooth), which the strategies use to keep arguments inside an op's
domain and away from its kinks, and :func:`autograd.testing.gradcheck` to tell "the inputs
sit on a kink" from "the rule is wrong". Printing is a table keyed by op name (``_PRINT``)
with a fallback: an infix operator for an op with a symbol, a call otherwise.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from autograd import ops
from autograd._numbers import Number, check_number
from autograd.errors import MissingRuleError
from autograd.ops import Domain
from autograd.value import Value, as_value

__all__ = ["Domain", "BUILTIN_DOMAINS", "Instruction", "Expression"]

T = TypeVar("T")

BUILTIN_DOMAINS: Mapping[str, Domain] = MappingProxyType(
    {name: p.domain for name, p in ops.primitives().items() if name in ops._BUILTIN and p.domain != Domain()}
)
"""What the rules table declares about the built-in primitives (ops not listed are smooth
everywhere); every op's own domain is ``ops.get(name).domain``."""


def _functions() -> frozenset[str]:
    """The ops printed as functions (``exp(x)``, ``add_n([x, y])``): every op without a symbol."""
    return frozenset(name for name, p in ops.primitives().items() if p.symbol is None)


# Precedence levels for printing: an operand is put in parentheses when its level is too low.
_ADD, _MUL, _POW, _ATOM = 1, 2, 3, 4


@dataclass(frozen=True)
class Instruction:
    """One node of an expression: ``op`` applied to earlier nodes and constant operands.

    ``inputs`` index the expression's node list (the variables come first). ``constants``
    are plain numbers kept on the node: ``Instruction("add", (0,), (1.0,))`` is ``x + 1.0``,
    ``Instruction("pow", (0,), (3.0,))`` is ``x ** 3.0``. For ``dot`` the inputs are the
    first vector then the second.
    """

    op: str
    inputs: tuple[int, ...]
    constants: tuple[float, ...] = ()


class Expression:
    """An expression: variables, instructions over them, and a point (where it was drawn).

    >>> expr = Expression(
    ...     ("x", "y"),
    ...     [Instruction("mul", (0, 1)), Instruction("log", (2,)), Instruction("add", (3, 2))],
    ...     point=(1.5, 2.0),
    ... )
    >>> print(expr.source())
    def f(x, y):
        t1 = x * y
        return log(t1) + t1
    >>> expr.evaluate(1.5, 2.0) == math.log(3.0) + 3.0
    True
    >>> x, y = Value(1.5), Value(2.0)
    >>> expr.build(x, y).backward()
    >>> x.grad == 2.0 * (1 / 3.0 + 1)
    True
    """

    __slots__ = ("variables", "instructions", "point")

    variables: tuple[str, ...]
    instructions: tuple[Instruction, ...]
    point: tuple[float, ...]

    def __init__(
        self,
        variables: Sequence[str],
        instructions: Sequence[Instruction],
        point: Sequence[Number] | None = None,
    ) -> None:
        variables = tuple(variables)
        if not variables:
            raise ValueError("Expression: expected at least one variable, got none")
        functions = _functions()
        for name in variables:
            if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"Expression: a variable name must be a Python identifier, got {name!r}")
            if name in functions:
                raise ValueError(f"Expression: the variable name {name!r} would hide the function {name}()")
        if len(set(variables)) != len(variables):
            raise ValueError(f"Expression: variable names must be distinct, got {variables}")
        instructions = tuple(instructions)
        for k, ins in enumerate(instructions):
            _check_instruction(ins, k, len(variables) + k)
            if ins.op in variables:
                raise ValueError(f"Expression: the variable name {ins.op!r} would hide the op {ins.op}()")
        if point is None:
            point = (0.0,) * len(variables)
        point = tuple(check_number(p, "Expression: point") for p in point)
        if len(point) != len(variables):
            raise ValueError(
                f"Expression: the point needs one number per variable ({len(variables)}), got {len(point)}"
            )
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "instructions", instructions)
        object.__setattr__(self, "point", point)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Expression is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self.variables, self.instructions, self.point) == (
            other.variables,
            other.instructions,
            other.point,
        )

    def __hash__(self) -> int:
        return hash((self.variables, self.instructions, self.point))

    @property
    def size(self) -> int:
        """The number of operations (instructions)."""
        return len(self.instructions)

    @property
    def ops(self) -> frozenset[str]:
        """The names of the ops the expression uses."""
        return frozenset(ins.op for ins in self.instructions)

    def uses(self) -> list[int]:
        """How many times each node (variables first) is an input of a later node."""
        counts = [0] * (len(self.variables) + len(self.instructions))
        for ins in self.instructions:
            for i in ins.inputs:
                counts[i] += 1
        return counts

    # ------------------------------------------------------------------ interpreting
    def run(self, inputs: Sequence[T], apply: Callable[[Instruction, list[T]], T]) -> T:
        """Interpret the expression: ``apply(instruction, its input nodes)`` makes each node.

        The result is the last node (the first input when there are no instructions).
        """
        if len(inputs) != len(self.variables):
            raise TypeError(
                f"Expression: expected {len(self.variables)} inputs {self.variables}, got {len(inputs)}"
            )
        nodes = list(inputs)
        for ins in self.instructions:
            nodes.append(apply(ins, [nodes[i] for i in ins.inputs]))
        return nodes[-1] if self.instructions else nodes[0]

    def build(self, *inputs: Value | Number) -> Value:
        """The expression recorded as Values (numbers become constant leaves)."""
        return self.run([as_value(x) for x in inputs], _apply_value)

    __call__ = build

    def evaluate(self, *inputs: Number) -> float:
        """The expression on floats, with each op's forward from the rules table."""
        xs = [check_number(x, "Expression.evaluate") for x in inputs]
        return self.run(xs, _apply_float)

    # ------------------------------------------------------------------ printing
    def source(self, name: str = "f") -> str:
        """The expression as the source of a Python function.

        A node used more than once gets a name (``t1``, ``t2``, ...); every other node is
        written inline. The functions are the package's (``from autograd import exp, log,
        relu, tanh, sigmoid, reciprocal, add_n, dot``) and registered ops by their names, so
        the source computes the same graph on Values and the same numbers on floats.
        """
        if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"Expression.source: name must be a Python identifier, got {name!r}")
        n_vars = len(self.variables)
        uses = self.uses()
        taken = set(self.variables) | self.ops | _functions() | {name}
        texts: list[tuple[str, int]] = [(v, _ATOM) for v in self.variables]
        lines = [f"def {name}({', '.join(self.variables)}):"]
        temp = 0
        for k, ins in enumerate(self.instructions):
            text = _format(ins, [texts[i] for i in ins.inputs])
            last = k == len(self.instructions) - 1
            if uses[n_vars + k] > 1 and not last:
                temp += 1
                while f"t{temp}" in taken:
                    temp += 1
                var = f"t{temp}"
                lines.append(f"    {var} = {text[0]}")
                texts.append((var, _ATOM))
            else:
                texts.append(text)
        lines.append(f"    return {texts[-1][0]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        at = ", ".join(f"{v}={p!r}" for v, p in zip(self.variables, self.point))
        head, _, body = self.source().partition("\n")
        return f"{head}  # drawn at {at}\n{body}"

    __str__ = __repr__


def _check_instruction(ins: object, k: int, available: int) -> None:
    """Raise ValueError unless ``ins`` is a well-formed instruction over ``available`` nodes."""
    if not isinstance(ins, Instruction):
        raise TypeError(f"Expression: instructions[{k}] must be an Instruction, got {type(ins).__name__}")
    where = f"Expression: instructions[{k}] ({ins.op!r})"
    if type(ins.op) is not str or not ins.op.isidentifier():
        raise ValueError(f"{where}: op must be an identifier str")
    if not isinstance(ins.inputs, tuple) or not ins.inputs:
        raise ValueError(f"{where}: inputs must be a non-empty tuple of node indices, got {ins.inputs!r}")
    for i in ins.inputs:
        if type(i) is not int or not 0 <= i < available:
            raise ValueError(
                f"{where}: input {i!r} is not an earlier node (expected an int in [0, {available}))"
            )
    if not isinstance(ins.constants, tuple) or not all(
        isinstance(c, int | float) and math.isfinite(c) for c in ins.constants
    ):
        raise ValueError(f"{where}: constants must be a tuple of finite numbers, got {ins.constants!r}")
    n, c = len(ins.inputs), len(ins.constants)
    try:
        prim = ops.get(ins.op)
    except MissingRuleError:
        prim = None  # an op registered later: record() and evaluate() will say so
    if prim is None:
        ok, expected = True, ""
    elif prim.groups:
        ok = c == 0 and n >= prim.groups and n % prim.groups == 0
        expected = {1: "at least one input", 2: "an even number of inputs"}.get(
            prim.groups, f"a multiple of {prim.groups} inputs"
        ) + " and no constant"
    elif prim.constants:
        ok = n + c == prim.arity and n >= 1 and c >= prim.params
        expected = f"{_count(prim.arity, 'input')}, or fewer with constants after them ({prim.arity} in all)"
        if prim.arity == 2 and not prim.params:
            expected = "two inputs, or one input and one constant"
    elif prim.params:
        ok = (n, c) == (prim.inputs, prim.params)
        expected = f"{_count(prim.inputs, 'input')} and {_count(prim.params, 'constant')}"
    else:
        ok = c == 0 and n == prim.arity
        expected = "no constant" if c else _count(prim.arity, "input")
    if not ok:
        raise ValueError(f"{where}: expected {expected}, got {n} inputs and {c} constants")


_NUMBERS = ("no", "one", "two", "three", "four")


def _count(k: int, what: str) -> str:
    return f"{_NUMBERS[k] if k < len(_NUMBERS) else k} {what}{'s' * (k != 1)}"


def domain_table(domains: Mapping[str, Domain] | None, who: str) -> dict[str, Domain]:
    """Every op's domain from the rules table, updated with ``domains`` (op name -> Domain), checked."""
    table = {name: p.domain for name, p in ops.primitives().items() if p.domain != Domain()}
    if domains is not None:
        if not isinstance(domains, Mapping):
            raise TypeError(f"{who}: domains must map op names to Domain, got {type(domains).__name__}")
        for name, dom in domains.items():
            if not isinstance(dom, Domain):
                raise TypeError(f"{who}: domains[{name!r}] must be a Domain, got {type(dom).__name__}")
            table[name] = dom
    return table


def record(op: str, args: Sequence[Value], constants: Sequence[float] = ()) -> Value:
    """Record the node ``op(args, constants)``: ``ops.apply`` with the inputs, then the
    constants (kept on the node, as ``x + 2`` keeps 2). ``add_n`` and ``dot`` take all of
    ``args`` (``dot``: the first half times the second half)."""
    out: Value = ops.apply(ops.get(op), *args, *constants)
    return out


def _apply_value(ins: Instruction, args: list[Value]) -> Value:
    """Record one instruction on Values."""
    return record(ins.op, args, ins.constants)


def _apply_float(ins: Instruction, args: list[float]) -> float:
    """One instruction on floats: the op's forward from the rules table."""
    return float(ops.get(ins.op).forward(*args, *ins.constants))


def _constant(c: float) -> str:
    return repr(float(c))


def _wrap(text: tuple[str, int], level: int) -> str:
    return text[0] if text[1] >= level else f"({text[0]})"


#: Python's precedence of the symbols a Primitive may have, and whether the operator groups
#: to the right (``**``).
_LEVELS = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL, "//": _MUL, "%": _MUL, "@": _MUL, "**": _POW}


def _operands(ins: Instruction, args: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The texts of the instruction's operands: its inputs, then its constants."""
    # a constant always comes after the inputs, where Python reads a leading minus as part of it
    return [*args, *((_constant(c), _ATOM) for c in ins.constants)]


def _infix(symbol: str, x: list[tuple[str, int]]) -> tuple[str, int]:
    level = _LEVELS[symbol]
    if symbol == "**":  # right-associative, and binds tighter than a unary minus on its left
        return f"{_wrap(x[0], _ATOM)} ** {_wrap(x[1], _ATOM)}", _POW
    return f"{_wrap(x[0], level)} {symbol} {_wrap(x[1], level + 1)}", level


def _print_add(ins: Instruction, x: list[tuple[str, int]]) -> tuple[str, int]:
    if ins.constants:  # x + c; a negative c reads as x - |c|
        c = float(ins.constants[0])
        if c < 0 or (c == 0 and math.copysign(1.0, c) < 0):
            return f"{_wrap(x[0], _ADD)} - {_constant(-c)}", _ADD
    return _infix("+", x)


def _print_groups(ins: Instruction, x: list[tuple[str, int]]) -> tuple[str, int]:
    k = ops.get(ins.op).groups
    size = len(x) // k
    lists = ", ".join("[" + ", ".join(t[0] for t in x[j * size : (j + 1) * size]) + "]" for j in range(k))
    return f"{ins.op}({lists})", _ATOM


#: Printing, keyed by op name; ops not listed print as their operator or as a call.
_PRINT: dict[str, Callable[[Instruction, list[tuple[str, int]]], tuple[str, int]]] = {"add": _print_add}


def _format(ins: Instruction, args: list[tuple[str, int]]) -> tuple[str, int]:
    """Source text of one instruction from its operands' texts, with its precedence level."""
    x = _operands(ins, args)
    printer = _PRINT.get(ins.op)
    if printer is not None:
        return printer(ins, x)
    try:
        prim = ops.get(ins.op)
    except MissingRuleError:
        prim = None
    if prim is not None and prim.symbol is not None and len(x) == 2:
        return _infix(prim.symbol, x)
    if prim is not None and prim.groups:
        return _print_groups(ins, x)
    return f"{ins.op}({', '.join(t[0] for t in x)})", _ATOM
